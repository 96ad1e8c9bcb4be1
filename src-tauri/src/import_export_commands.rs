//! The Tauri commands for import and export (File > Import / Export): each asks the user for
//! a file in a native dialog opened from here, then runs one function of `import_export` off
//! the window's thread, with its steps sent as `import-export-progress` events and
//! `cancel_import_export` heard between steps. With `commands.rs` and `lib.rs`, the only code
//! here that knows Tauri.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use roundbook_files::{FilesError, FilesResult, Step, Watch};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::books::BookInfo;
use crate::commands::show_title;
use crate::error::{AppError, AppResult};
use crate::import_export::{
    self, with_extension, AsOfForm, CsvImported, Exported, OcfImported, ScenarioImported, TableForm,
};
use crate::session::Session;

/// The event the import/export progress bar listens to.
pub const IMPORT_EXPORT_EVENT: &str = "import-export-progress";

/// The test seam's variable: see [`DialogSeam`].
pub const DIALOG_ANSWER_VAR: &str = "ROUNDBOOK_DIALOG_ANSWER";

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImportExportProgress {
    /// `csv`, `xlsx`, `pdf`, `ocf-export`, `ocf-import`, `csv-import`, `scenario-import`.
    pub job: &'static str,
    pub step: u32,
    pub of: u32,
    pub what: &'static str,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A test seam: native dialogs cannot be driven by WebDriver, so when the app is launched with
/// ROUNDBOOK_DIALOG_ANSWER set to a path (or to several, joined as in PATH), the import and
/// export dialogs return those paths in turn, the last one from then on, instead of opening.
/// Unset (always, for a user), every dialog opens.
#[derive(Debug, Default)]
pub struct DialogSeam {
    answers: Mutex<Vec<PathBuf>>,
}

impl DialogSeam {
    pub fn from_environment() -> DialogSeam {
        let answers = std::env::var_os(DIALOG_ANSWER_VAR)
            .map(|v| std::env::split_paths(&v).collect())
            .unwrap_or_default();
        DialogSeam {
            answers: Mutex::new(answers),
        }
    }

    /// What the next dialogs answer (the command-layer tests' way in).
    pub fn answer_with(&self, paths: Vec<PathBuf>) {
        *lock(&self.answers) = paths;
    }

    fn next(&self) -> Option<PathBuf> {
        let mut answers = lock(&self.answers);
        match answers.len() {
            0 => None,
            1 => answers.first().cloned(),
            _ => Some(answers.remove(0)),
        }
    }
}

/// The one import or export running now, and its Cancel.
#[derive(Debug, Default)]
pub struct ImportExportJob {
    running: Mutex<Option<Arc<AtomicBool>>>,
}

impl ImportExportJob {
    fn start(&self) -> AppResult<Arc<AtomicBool>> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return Err(AppError::new(
                crate::error::ErrorCode::Busy,
                "an import or export is already running; cancel it or wait for it to finish",
            ));
        }
        let flag = Arc::new(AtomicBool::new(false));
        *running = Some(flag.clone());
        Ok(flag)
    }

    fn finish(&self) {
        *lock(&self.running) = None;
    }

    /// True when one was running and has been told to stop at its next step.
    pub fn cancel(&self) -> bool {
        lock(&self.running).as_ref().is_some_and(|flag| {
            flag.store(true, Ordering::SeqCst);
            true
        })
    }
}

enum DialogKind {
    Save,
    Open,
}

struct Ask {
    kind: DialogKind,
    title: &'static str,
    filter: &'static str,
    extensions: &'static [&'static str],
    file_name: Option<String>,
}

/// The path the user chose; None when they closed the dialog.
fn ask<R: Runtime>(app: &AppHandle<R>, a: Ask) -> AppResult<Option<PathBuf>> {
    if let Some(p) = app.state::<DialogSeam>().next() {
        return Ok(Some(p));
    }
    let mut d = app
        .dialog()
        .file()
        .set_title(a.title)
        .add_filter(a.filter, a.extensions);
    if let Some(name) = a.file_name {
        d = d.set_file_name(name);
    }
    let picked = match a.kind {
        DialogKind::Save => d.blocking_save_file(),
        DialogKind::Open => d.blocking_pick_file(),
    };
    picked
        .map(|p| {
            p.into_path().map_err(|e| {
                AppError::new(
                    crate::error::ErrorCode::Dialog,
                    format!("the chosen file: {e}"),
                )
            })
        })
        .transpose()
}

fn save_as(
    title: &'static str,
    filter: &'static str,
    ext: &'static [&'static str],
    name: String,
) -> Ask {
    Ask {
        kind: DialogKind::Save,
        title,
        filter,
        extensions: ext,
        file_name: Some(name),
    }
}

fn open(title: &'static str, filter: &'static str, ext: &'static [&'static str]) -> Ask {
    Ask {
        kind: DialogKind::Open,
        title,
        filter,
        extensions: ext,
        file_name: None,
    }
}

/// Runs `work` on a blocking thread, so the window keeps drawing; each step goes out as an
/// event, and a Cancel stops the work before its next step.
async fn off_the_window<R, T, F>(app: &AppHandle<R>, job: &'static str, work: F) -> AppResult<T>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(Watch<'_>) -> AppResult<T> + Send + 'static,
{
    let cancel = app.state::<ImportExportJob>().start()?;
    let handle = app.clone();
    let worker = tauri::async_runtime::spawn_blocking(move || {
        let watch = |s: Step| -> FilesResult<()> {
            if cancel.load(Ordering::SeqCst) {
                return Err(FilesError::cancelled("the export or import"));
            }
            let p = ImportExportProgress {
                job,
                step: s.number,
                of: s.of,
                what: s.what,
            };
            let _ = handle.emit(IMPORT_EXPORT_EVENT, p);
            Ok(())
        };
        work(&watch)
    });
    let result = worker.await.map_err(|e| {
        AppError::new(
            crate::error::ErrorCode::Internal,
            format!("the {job} job stopped: {e}"),
        )
    });
    app.state::<ImportExportJob>().finish();
    result?
}

fn company(s: &Session) -> String {
    s.info().map(|i| i.company).unwrap_or_default()
}

#[tauri::command]
pub async fn export_table<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    form: TableForm,
) -> AppResult<Option<Exported>> {
    let name = form.suggested_name(&company(&s));
    let Some(out) = ask(&app, save_as("Export CSV", "CSV", &["csv"], name))? else {
        return Ok(None);
    };
    let (book, out) = (s.book(), with_extension(out, "csv"));
    off_the_window(&app, "csv", move |_| {
        import_export::export_table(&book, &form, &out)
    })
    .await
    .map(Some)
}

#[tauri::command]
pub async fn export_workbook<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    form: AsOfForm,
) -> AppResult<Option<Exported>> {
    let name = format!("{}.xlsx", company(&s));
    let Some(out) = ask(
        &app,
        save_as("Export Excel workbook", "Excel workbook", &["xlsx"], name),
    )?
    else {
        return Ok(None);
    };
    let (book, out) = (s.book(), with_extension(out, "xlsx"));
    off_the_window(&app, "xlsx", move |w| {
        import_export::export_workbook(&book, &form, &out, w)
    })
    .await
    .map(Some)
}

#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    form: AsOfForm,
) -> AppResult<Option<Exported>> {
    let name = format!("{} board report.pdf", company(&s));
    let Some(out) = ask(
        &app,
        save_as("Export the board report", "PDF", &["pdf"], name),
    )?
    else {
        return Ok(None);
    };
    let (book, out) = (s.book(), with_extension(out, "pdf"));
    off_the_window(&app, "pdf", move |w| {
        import_export::export_report(&book, &form, &out, w)
    })
    .await
    .map(Some)
}

#[tauri::command]
pub async fn export_ocf<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    form: AsOfForm,
) -> AppResult<Option<Exported>> {
    let name = format!("{} OCF.zip", company(&s));
    let Some(out) = ask(
        &app,
        save_as("Export an OCF package", "OCF package (zip)", &["zip"], name),
    )?
    else {
        return Ok(None);
    };
    let (book, out) = (s.book(), with_extension(out, "zip"));
    off_the_window(&app, "ocf-export", move |w| {
        import_export::export_ocf(&book, &form, &out, w)
    })
    .await
    .map(Some)
}

#[tauri::command]
pub async fn import_captable_csv<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
) -> AppResult<Option<CsvImported>> {
    let Some(file) = ask(&app, open("Import a cap table CSV", "CSV", &["csv"]))? else {
        return Ok(None);
    };
    let book = s.book();
    off_the_window(&app, "csv-import", move |_| {
        import_export::import_captable_csv(&book, &file)
    })
    .await
    .map(Some)
}

#[tauri::command]
pub async fn import_scenario<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    name: String,
) -> AppResult<Option<ScenarioImported>> {
    let ask_for = open(
        "Import a scenario",
        "Scenario (TOML or JSON)",
        &["toml", "json"],
    );
    let Some(file) = ask(&app, ask_for)? else {
        return Ok(None);
    };
    let book = s.book();
    off_the_window(&app, "scenario-import", move |_| {
        import_export::import_scenario(&book, &file, &name)
    })
    .await
    .map(Some)
}

/// What an OCF import made: the new book, now open.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OcfOpened {
    pub imported: OcfImported,
    pub book: BookInfo,
}

#[tauri::command]
pub async fn import_ocf<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
) -> AppResult<Option<OcfOpened>> {
    let ask_for = open("Import an OCF package", "OCF package (zip)", &["zip"]);
    let Some(package) = ask(&app, ask_for)? else {
        return Ok(None);
    };
    let stem = package
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let name = format!("{}.roundbook", stem.unwrap_or_else(|| "imported".into()));
    let ask_for = save_as("Save the new book", "Roundbook book", &["roundbook"], name);
    let Some(new_book) = ask(&app, ask_for)? else {
        return Ok(None);
    };
    let new_book = with_extension(new_book, "roundbook");
    let target = new_book.clone();
    let imported = off_the_window(&app, "ocf-import", move |w| {
        import_export::import_ocf(&package, &target, w)
    })
    .await?;
    let book = s.switch_to(new_book)?;
    show_title(&app, &book);
    Ok(Some(OcfOpened { imported, book }))
}

#[tauri::command]
pub fn cancel_import_export(job: State<'_, ImportExportJob>) -> bool {
    job.cancel()
}
