// The one way the page talks to the app: `call(command, args)`, typed by the table below, and
// every failure turned into an AppError {code, message, field} whatever shape it arrived in.
// The arguments and results are the Rust types, generated into bindings.ts; the table only says
// which command takes and returns which.

import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AsOfForm,
  BookInfo,
  CancelForm,
  ClassForm,
  ComputeTermsForm,
  ComputeView,
  ConvertForm,
  CsvImported,
  Entry,
  Error as ErrorBody,
  ErrorCode,
  ExerciseForm,
  ExitForm,
  ExitView,
  Exported,
  GpuOrderForm,
  GrantForm,
  IssueForm,
  JournalLine,
  NewBookForm,
  NoteForm,
  OcfOpened,
  OrderCancellationForm,
  Overview,
  People,
  PlanForm,
  PoolIncreaseForm,
  Preview,
  PricedRoundForm,
  Progress,
  RecordedOrder,
  RecordedRound,
  RecordedTerms,
  RepurchaseForm,
  Reversed,
  RoundDetail,
  RoundForm,
  RoundingForm,
  RoundingPolicy,
  RoundPreview,
  RoundRow,
  RunRequest,
  RunResult,
  SafeForm,
  ScenarioImported,
  SplitForm,
  StakeholderForm,
  TableForm,
  TableView,
  TransferForm,
  ValuationForm,
} from "./types";

/** A form as the page sends it: the Rust form fills in what `#[serde(default)]` lets the page
 * leave out, so only the fields named in `Required` must be there. */
export type Sent<F, Required extends keyof F = never> = Partial<F> & Pick<F, Required>;

/** Each command's arguments and result (src-tauri/src/commands.rs, import_export_commands.rs). */
export interface Commands {
  book_info: [Record<string, never>, BookInfo];
  recent_books: [Record<string, never>, string[]];
  new_book: [{ form: Sent<NewBookForm, "name" | "founded"> }, BookInfo | null];
  open_book: [Record<string, never>, BookInfo | null];
  open_recent: [{ path: string }, BookInfo];
  save_copy: [Record<string, never>, BookInfo | null];
  overview: [Record<string, never>, Overview];
  people: [Record<string, never>, People];
  rounds: [Record<string, never>, RoundRow[]];
  round_detail: [{ round: number }, RoundDetail];
  journal: [Record<string, never>, JournalLine[]];
  read_table: [{ form: Sent<TableForm, "table"> }, TableView];
  compute: [{ months: number }, ComputeView];
  exit_waterfall: [{ form: Sent<ExitForm, "exit_value"> }, ExitView];
  model_round: [{ form: Sent<RoundForm> }, RoundPreview];
  commit_round: [{ form: Sent<RoundForm> }, RoundPreview];
  reverse_entry: [{ entry: number; reason: string }, Reversed];
  add_stakeholder: [{ form: Sent<StakeholderForm> }, number];
  add_class: [{ form: Sent<ClassForm> }, number];
  add_plan: [{ form: Sent<PlanForm> }, number];
  add_valuation: [{ form: Sent<ValuationForm> }, number];
  set_rounding: [{ form: Sent<RoundingForm> }, RoundingPolicy];
  record_priced_round: [{ form: Sent<PricedRoundForm> }, RecordedRound];
  issue_shares: [{ form: Sent<IssueForm> }, Entry];
  grant_options: [{ form: Sent<GrantForm> }, Entry];
  exercise_options: [{ form: Sent<ExerciseForm> }, Entry];
  transfer_shares: [{ form: Sent<TransferForm> }, Entry];
  cancel: [{ form: Sent<CancelForm> }, Entry];
  repurchase_shares: [{ form: Sent<RepurchaseForm> }, Entry];
  convert: [{ form: Sent<ConvertForm> }, Entry];
  record_safe: [{ form: Sent<SafeForm> }, Entry];
  record_note: [{ form: Sent<NoteForm> }, Entry];
  increase_pool: [{ form: Sent<PoolIncreaseForm> }, Entry];
  split_stock: [{ form: Sent<SplitForm> }, Entry];
  record_gpu_order: [{ form: Sent<GpuOrderForm> }, RecordedOrder];
  cancel_gpu_order: [{ form: Sent<OrderCancellationForm> }, number];
  set_compute_terms: [{ form: Sent<ComputeTermsForm> }, RecordedTerms];
  default_scenario: [Record<string, never>, string];
  preview_distributions: [{ scenario: string }, Preview];
  run_simulation: [{ request: Sent<RunRequest, "scenario"> }, RunResult];
  cancel_simulation: [Record<string, never>, boolean];
  export_table: [{ form: Sent<TableForm, "table"> }, Exported | null];
  export_workbook: [{ form: Sent<AsOfForm> }, Exported | null];
  export_report: [{ form: Sent<AsOfForm> }, Exported | null];
  export_ocf: [{ form: Sent<AsOfForm> }, Exported | null];
  import_captable_csv: [Record<string, never>, CsvImported | null];
  import_scenario: [{ name: string }, ScenarioImported | null];
  import_ocf: [Record<string, never>, OcfOpened | null];
  cancel_import_export: [Record<string, never>, boolean];
}

/** What a failed command rejects with: the app's one error, `{code, message, field}`
 * (roundbook_application::Error, generated into bindings.ts as `Error`). */
export type ApiError = ErrorBody;

/** The page's own code for a failure that never reached a command's body: Tauri's IPC errors
 * (an unknown command, arguments that do not deserialise), a thrown Error, anything else. */
export type PageErrorCode = "ipc";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode | PageErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** True for the app's {code, message, field}: a code and a message, both strings, and a field
 * that is a string, null or absent. */
export function isApiError(e: unknown): e is ApiError {
  if (!e || typeof e !== "object") return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.code === "string" &&
    typeof o.message === "string" &&
    (o.field === undefined || o.field === null || typeof o.field === "string")
  );
}

/** Whatever a rejected invoke carried, as an AppError: the app's {code, message, field}, a
 * bare string (Tauri's own errors: an unknown command, arguments that do not deserialise), or
 * anything else. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isApiError(e)) return new AppError(e.code, e.message, e.field ?? null);
  if (typeof e === "string") return new AppError("ipc", e);
  if (e instanceof Error) return new AppError("ipc", e.message);
  return new AppError("ipc", `unexpected failure: ${JSON.stringify(e)}`);
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
let invoke: Invoke = tauriInvoke;

/** For tests: replace the transport. */
export function setInvoke(fn: Invoke): void {
  invoke = fn;
}

export async function call<K extends keyof Commands>(
  cmd: K,
  args: Commands[K][0],
): Promise<Commands[K][1]> {
  try {
    return (await invoke(cmd, args as Record<string, unknown>)) as Commands[K][1];
  } catch (e) {
    throw toAppError(e);
  }
}

export function onProgress(handler: (p: Progress) => void): Promise<UnlistenFn> {
  return tauriListen<Progress>("simulation-progress", (e) => handler(e.payload));
}
