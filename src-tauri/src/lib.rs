//! Roundbook's desktop app. The logic is in plain modules (`books`, `views`, `actions`,
//! `scenarios`) that take a book path and the user's input and return serialisable values;
//! `commands` wraps each in a one-line Tauri command; `build_app` assembles the app over any
//! Tauri runtime, so the command-layer tests run it on the mock runtime without a display.

pub mod actions;
pub mod books;
pub mod commands;
pub mod error;
pub mod import_export;
pub mod import_export_commands;
pub mod scenarios;
pub mod session;
pub mod views;

pub use error::{AppError, AppResult};
pub use session::Session;

use tauri::{Builder, Manager, Runtime};

/// The app's plugins, state and commands, on the builder given (the real one or the mock).
pub fn build_app<R: Runtime>(builder: Builder<R>, session: Session) -> Builder<R> {
    use commands::*;
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .manage(import_export_commands::DialogSeam::from_environment())
        .manage(import_export_commands::ImportExportJob::default())
        .setup(|app| {
            let info = app.state::<Session>().info()?;
            show_title(app.handle(), &info);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            book_info,
            recent_books,
            new_book,
            open_book,
            open_recent,
            save_copy,
            overview,
            people,
            rounds,
            round_detail,
            journal,
            read_table,
            compute,
            exit_waterfall,
            model_round,
            commit_round,
            reverse_entry,
            add_stakeholder,
            add_class,
            add_plan,
            add_valuation,
            set_rounding,
            record_priced_round,
            issue_shares,
            grant_options,
            exercise_options,
            transfer_shares,
            cancel,
            repurchase_shares,
            convert,
            record_safe,
            record_note,
            increase_pool,
            split_stock,
            record_gpu_order,
            cancel_gpu_order,
            set_compute_terms,
            default_scenario,
            preview_distributions,
            run_simulation,
            cancel_simulation,
            import_export_commands::export_table,
            import_export_commands::export_workbook,
            import_export_commands::export_report,
            import_export_commands::export_ocf,
            import_export_commands::import_captable_csv,
            import_export_commands::import_scenario,
            import_export_commands::import_ocf,
            import_export_commands::cancel_import_export,
        ])
}
