// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use roundbook_app::{build_app, Session};

fn main() {
    // The book is ready (the example made on first start) before the window asks for it.
    let session = match Session::from_environment() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("roundbook: {}", e.message);
            std::process::exit(1);
        }
    };
    let app = build_app(tauri::Builder::default(), session);
    if let Err(e) = app.run(tauri::generate_context!()) {
        eprintln!("roundbook: the app could not start: {e}");
        std::process::exit(1);
    }
}
