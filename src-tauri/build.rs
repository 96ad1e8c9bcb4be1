//! Builds ui/ into ui/dist before Tauri embeds it, so `cargo run --release` at the root is all a
//! user types. The UI is rebuilt only when ui/dist is missing or older than its sources: a Rust
//! change should not cost an npm run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .max()
}

fn oldest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| oldest(&e.path()))
        .min()
}

fn npm(ui: &Path, args: &[&str]) {
    let status = Command::new("npm")
        .args(args)
        .current_dir(ui)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "roundbook-app needs Node.js and npm to build ui/ ({e}); install them and build again"
            )
        });
    assert!(
        status.success(),
        "`npm {}` in {} failed",
        args.join(" "),
        ui.display()
    );
}

fn build_ui() {
    let ui = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui");
    let sources = [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
    ];
    for s in sources {
        println!("cargo:rerun-if-changed={}", ui.join(s).display());
    }
    let dist = ui.join("dist");
    let source_time = sources.iter().filter_map(|s| newest(&ui.join(s))).max();
    let stale = match (oldest(&dist), source_time) {
        (Some(built), Some(src)) => built < src,
        _ => true,
    };
    if !stale {
        return;
    }
    if !ui.join("node_modules").exists() {
        npm(&ui, &["ci", "--no-audit", "--no-fund"]);
    }
    npm(&ui, &["run", "build"]);
}

fn main() {
    build_ui();
    tauri_build::build()
}
