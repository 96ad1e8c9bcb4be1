// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use roundbook_app::{build_app, Session};

fn main() {
    let app = build_app(tauri::Builder::default(), Session::from_environment());
    if let Err(e) = app.run(tauri::generate_context!()) {
        eprintln!("roundbook: the app could not start: {e}");
        std::process::exit(1);
    }
}
