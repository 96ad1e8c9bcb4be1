//! The harness the command-layer tests share: the app built on Tauri's mock runtime over a fresh
//! copy of the xAI example book, and commands called through the real IPC path (argument names,
//! serde shapes, the {code, message, field} error).
#![allow(dead_code)]

use std::path::PathBuf;

use roundbook_app::books::Library;
use roundbook_app::{build_app, Session};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub book: PathBuf,
    pub app: App<tauri::test::MockRuntime>,
    pub window: WebviewWindow<tauri::test::MockRuntime>,
}

pub fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("xai.roundbook");
    let session = Session::start(Library::new(dir.path().join("data")), book.clone()).unwrap();
    let app = build_app(mock_builder(), session)
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        dir,
        book,
        app,
        window,
    }
}

impl Harness {
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                // The app's own origin on Linux: a remote one would be refused by the ACL.
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd} {args} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args.clone()) {
            Ok(v) => panic!("{cmd} {args} should fail, returned {v}"),
            Err(e) => e,
        }
    }
}

impl Harness {
    /// One of the read model's tables as the page receives it.
    pub fn table(&self, table: &str) -> Value {
        self.ok(
            "read_table",
            serde_json::json!({ "form": { "table": table } }),
        )
    }
}

/// The index of the column with this header in a table the page receives.
#[allow(dead_code)]
pub fn column(t: &Value, header: &str) -> usize {
    t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["header"] == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

/// How many rows a table the page receives holds.
#[allow(dead_code)]
pub fn rows(t: &Value) -> usize {
    t["rows"].as_array().unwrap().len()
}
