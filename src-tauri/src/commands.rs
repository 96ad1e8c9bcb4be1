//! The Tauri commands: each is one call into `books`, `views`, `actions` or `scenarios`, over
//! the open book. Only this module and lib.rs know Tauri.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use roundbook_ledger::Entry;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::actions::{self, record, Reversed};
use crate::books::{self, BookInfo, NewBookForm};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::scenarios::{self, RunRequest, RunResult};
use crate::session::Session;
use crate::views::{self, ComputeView, ExitForm, ExitView, JournalLine, Overview};
use roundbook_application::forms::*;

/// The event the Scenarios view's progress bar listens to.
pub const PROGRESS_EVENT: &str = "simulation-progress";

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Progress {
    pub done: u64,
    pub paths: u64,
}

/// Puts the open book's name in the window title (absent in command-layer tests).
pub fn show_title<R: Runtime>(app: &AppHandle<R>, info: &BookInfo) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_title(&info.title);
    }
}

fn switched<R: Runtime>(app: &AppHandle<R>, s: &Session, book: PathBuf) -> AppResult<BookInfo> {
    let info = s.switch_to(book)?;
    show_title(app, &info);
    Ok(info)
}

/// A path the user chose in a native dialog; None when they closed it.
fn chosen(path: Option<tauri_plugin_dialog::FilePath>) -> AppResult<Option<PathBuf>> {
    path.map(|p| {
        p.into_path()
            .map_err(|e| AppError::new(ErrorCode::Dialog, format!("the chosen file: {e}")))
    })
    .transpose()
}

fn with_extension(mut p: PathBuf) -> PathBuf {
    if p.extension().is_none() {
        p.set_extension("roundbook");
    }
    p
}

#[tauri::command]
pub fn book_info(s: State<'_, Session>) -> AppResult<BookInfo> {
    s.info()
}

#[tauri::command]
pub fn recent_books(s: State<'_, Session>) -> Vec<String> {
    s.library
        .recent()
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

#[tauri::command]
pub async fn new_book<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    form: NewBookForm,
) -> AppResult<Option<BookInfo>> {
    let picked = app
        .dialog()
        .file()
        .set_title("New book")
        .add_filter("Roundbook book", &["roundbook"])
        .set_file_name(format!("{}.roundbook", form.name.trim()))
        .blocking_save_file();
    let Some(path) = chosen(picked)?.map(with_extension) else {
        return Ok(None);
    };
    books::create_book(&path, &form)?;
    switched(&app, &s, path).map(Some)
}

#[tauri::command]
pub async fn open_book<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
) -> AppResult<Option<BookInfo>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Open a book")
        .add_filter("Roundbook book", &["roundbook"])
        .blocking_pick_file();
    match chosen(picked)? {
        Some(path) => switched(&app, &s, path).map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
pub fn open_recent<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    path: String,
) -> AppResult<BookInfo> {
    switched(&app, &s, s.library.recent_book(&path)?)
}

#[tauri::command]
pub async fn save_copy<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
) -> AppResult<Option<BookInfo>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Save a copy of the book")
        .add_filter("Roundbook book", &["roundbook"])
        .blocking_save_file();
    match chosen(picked)?.map(with_extension) {
        Some(to) => books::save_copy(&s.book(), &to).map(Some),
        None => Ok(None),
    }
}

#[tauri::command]
pub fn overview(s: State<'_, Session>) -> AppResult<Overview> {
    views::overview(&s.book())
}

#[tauri::command]
pub fn people(s: State<'_, Session>) -> AppResult<views::People> {
    views::people(&s.book())
}

#[tauri::command]
pub fn rounds(s: State<'_, Session>) -> AppResult<Vec<views::RoundRow>> {
    views::rounds(&s.book())
}

#[tauri::command]
pub fn round_detail(s: State<'_, Session>, round: i64) -> AppResult<views::RoundDetail> {
    views::round_detail(&s.book(), round)
}

/// A table of the read model, rendered by the page's one table component.
#[tauri::command]
pub fn read_table(
    s: State<'_, Session>,
    form: crate::import_export::TableForm,
) -> AppResult<roundbook_application::tables::TableView> {
    crate::import_export::read_table(&s.book(), &form)
}

#[tauri::command]
pub fn journal(s: State<'_, Session>) -> AppResult<Vec<JournalLine>> {
    views::journal(&s.book())
}

#[tauri::command]
pub fn compute(s: State<'_, Session>, months: u32) -> AppResult<ComputeView> {
    views::compute(&s.book(), months)
}

#[tauri::command]
pub fn exit_waterfall(s: State<'_, Session>, form: ExitForm) -> AppResult<ExitView> {
    views::exit_waterfall(&s.book(), &form)
}

#[tauri::command]
pub fn model_round(s: State<'_, Session>, form: RoundForm) -> AppResult<RoundPreview> {
    actions::model_round(&s.book(), &form)
}

#[tauri::command]
pub fn commit_round(s: State<'_, Session>, form: RoundForm) -> AppResult<RoundPreview> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn reverse_entry(s: State<'_, Session>, entry: i64, reason: String) -> AppResult<Reversed> {
    actions::reverse_entry(&s.book(), entry, &reason)
}

#[tauri::command]
pub fn add_stakeholder(s: State<'_, Session>, form: StakeholderForm) -> AppResult<i64> {
    record(&s.book(), &form).map(|id| id.0)
}

#[tauri::command]
pub fn add_class(s: State<'_, Session>, form: ClassForm) -> AppResult<i64> {
    record(&s.book(), &form).map(|id| id.0)
}

#[tauri::command]
pub fn add_plan(s: State<'_, Session>, form: PlanForm) -> AppResult<i64> {
    record(&s.book(), &form).map(|id| id.0)
}

#[tauri::command]
pub fn add_valuation(s: State<'_, Session>, form: ValuationForm) -> AppResult<i64> {
    record(&s.book(), &form).map(|id| id.0)
}

#[tauri::command]
pub fn set_rounding(
    s: State<'_, Session>,
    form: RoundingForm,
) -> AppResult<roundbook_ledger::RoundingPolicy> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn record_priced_round(
    s: State<'_, Session>,
    form: PricedRoundForm,
) -> AppResult<RecordedRound> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn issue_shares(s: State<'_, Session>, form: IssueForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn grant_options(s: State<'_, Session>, form: GrantForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn exercise_options(s: State<'_, Session>, form: ExerciseForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn transfer_shares(s: State<'_, Session>, form: TransferForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn cancel(s: State<'_, Session>, form: CancelForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn repurchase_shares(s: State<'_, Session>, form: RepurchaseForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn convert(s: State<'_, Session>, form: ConvertForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn record_safe(s: State<'_, Session>, form: SafeForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn record_note(s: State<'_, Session>, form: NoteForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn increase_pool(s: State<'_, Session>, form: PoolIncreaseForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn record_gpu_order(s: State<'_, Session>, form: GpuOrderForm) -> AppResult<RecordedOrder> {
    form.submit(&mut actions::store(&s.book())?)
}

#[tauri::command]
pub fn cancel_gpu_order(s: State<'_, Session>, form: OrderCancellationForm) -> AppResult<i64> {
    form.submit(&mut actions::store(&s.book())?).map(|id| id.0)
}

#[tauri::command]
pub fn set_compute_terms(
    s: State<'_, Session>,
    form: ComputeTermsForm,
) -> AppResult<RecordedTerms> {
    form.submit(&mut actions::store(&s.book())?)
}

#[tauri::command]
pub fn split_stock(s: State<'_, Session>, form: SplitForm) -> AppResult<Entry> {
    record(&s.book(), &form)
}

#[tauri::command]
pub fn default_scenario() -> &'static str {
    scenarios::XAI_SCENARIO
}

/// The Scenarios view's preview of each distribution, redrawn as the text changes.
#[tauri::command]
pub fn preview_distributions(scenario: String) -> AppResult<roundbook_sim::preview::Preview> {
    scenarios::preview_distributions(&scenario)
}

/// Runs off the main thread, so the window keeps drawing; progress goes out as events at most
/// ten times a second, and `cancel_simulation` stops it.
#[tauri::command]
pub async fn run_simulation<R: Runtime>(
    app: AppHandle<R>,
    s: State<'_, Session>,
    request: RunRequest,
) -> AppResult<RunResult> {
    // Checked here too, so a bad scenario is refused before a run is marked as going.
    let book = s.book();
    let paths = scenarios::prepare(&book, &request)?
        .scenario
        .simulation
        .paths;
    let cancel = s.start_run()?;
    let worker = tauri::async_runtime::spawn_blocking(move || {
        let last = Mutex::new(Instant::now() - Duration::from_secs(1));
        let progress = |done: u64| {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= Duration::from_millis(100) || done == paths {
                *last = Instant::now();
                let _ = app.emit(PROGRESS_EVENT, Progress { done, paths });
            }
        };
        scenarios::run(&book, &request, &cancel, &progress)
    });
    let result = worker
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("the simulation stopped: {e}")));
    s.finish_run();
    result?
}

#[tauri::command]
pub fn cancel_simulation(s: State<'_, Session>) -> bool {
    s.cancel_run()
}
