// The one way the page talks to the app: `call(command, args)`, typed by the table below, and
// every failure turned into an AppError {code, message, field} whatever shape it arrived in.

import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AsOfForm,
  CsvImported,
  Exported,
  OcfImported,
  ScenarioImported,
  TableForm,
} from "./importExport";
import type { Preview } from "./preview";
import type {
  BookInfo,
  CapTableView,
  ComputeView,
  ExitView,
  JournalLine,
  Overview,
  People,
  RecordedEntry,
  RoundDetail,
  RoundPreview,
  RoundRow,
  RunResult,
  StoredRun,
} from "./types";

export interface RoundForm {
  name: string;
  date: string;
  class: string;
  class_choice: "existing" | "new";
  pre_money: string;
  investments: { investor: string; amount: string }[];
  lead: string;
  pool_target: string;
  pool_plan: string;
  note: string;
}

/** The forms for the book's other entries (src-tauri/src/actions.rs): every field a string, as
 * typed, so the app can name the one it refuses. An empty optional field means "none". */
export interface IssueForm {
  holder: string;
  class: string;
  shares: string;
  date: string;
  price_per_share: string;
  memo: string;
}

export interface GrantForm {
  holder: string;
  plan: string;
  options: string;
  exercise_price: string;
  date: string;
  expires: string;
  memo: string;
}

export interface TransferForm {
  from: string;
  to: string;
  class: string;
  shares: string;
  date: string;
  price_per_share: string;
  memo: string;
}

export interface SafeForm {
  holder: string;
  amount: string;
  date: string;
  valuation_cap: string;
  discount: string;
  timing: "post-money" | "pre-money";
  memo: string;
}

export interface SplitForm {
  class: string;
  date: string;
  ratio: string;
  memo: string;
}

export interface ExitForm {
  exit_value: string;
  as_of: string;
  transaction_costs: string;
  debt: string;
  chart_to: string;
}

export interface RunRequest {
  scenario: string;
  paths?: number;
  seed?: number;
  backend?: "auto" | "cpu" | "gpu";
}

/** Each command's arguments and result (src-tauri/src/commands.rs). */
export interface Commands {
  book_info: [Record<string, never>, BookInfo];
  recent_books: [Record<string, never>, string[]];
  new_book: [{ form: { name: string; founded: string; currency: string } }, BookInfo | null];
  open_book: [Record<string, never>, BookInfo | null];
  open_recent: [{ path: string }, BookInfo];
  save_copy: [Record<string, never>, BookInfo | null];
  overview: [Record<string, never>, Overview];
  people: [Record<string, never>, People];
  rounds: [Record<string, never>, RoundRow[]];
  round_detail: [{ round: number }, RoundDetail];
  cap_table: [{ asOf: string }, CapTableView];
  journal: [Record<string, never>, JournalLine[]];
  compute: [{ months: number }, ComputeView];
  exit_waterfall: [{ form: ExitForm }, ExitView];
  model_round: [{ form: RoundForm }, RoundPreview];
  commit_round: [{ form: RoundForm }, RoundPreview];
  reverse_entry: [{ entry: number; reason: string }, { reversal: number; reverses: number }];
  add_stakeholder: [{ form: { name: string; kind: string; relationships: string[] } }, number];
  issue_shares: [{ form: IssueForm }, RecordedEntry];
  grant_options: [{ form: GrantForm }, RecordedEntry];
  transfer_shares: [{ form: TransferForm }, RecordedEntry];
  record_safe: [{ form: SafeForm }, RecordedEntry];
  split_stock: [{ form: SplitForm }, RecordedEntry];
  default_scenario: [Record<string, never>, string];
  preview_distributions: [{ scenario: string }, Preview];
  stored_runs: [Record<string, never>, StoredRun[]];
  run_simulation: [{ request: RunRequest }, RunResult];
  cancel_simulation: [Record<string, never>, boolean];
  export_table: [{ form: TableForm }, Exported | null];
  export_workbook: [{ form: AsOfForm }, Exported | null];
  export_report: [{ form: AsOfForm }, Exported | null];
  export_ocf: [{ form: AsOfForm }, Exported | null];
  import_captable_csv: [Record<string, never>, CsvImported | null];
  import_scenario: [{ name: string }, ScenarioImported | null];
  import_ocf: [Record<string, never>, { imported: OcfImported; book: BookInfo } | null];
  cancel_import_export: [Record<string, never>, boolean];
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Whatever a rejected invoke carried, as an AppError: the app's {code, message, field}, a
 * bare string (Tauri's own errors: an unknown command, arguments that do not deserialise), or
 * anything else. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as { code: unknown; message: unknown; field?: unknown };
    return new AppError(
      String(o.code),
      String(o.message),
      typeof o.field === "string" ? o.field : null,
    );
  }
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

export interface Progress {
  done: number;
  paths: number;
}

export function onProgress(handler: (p: Progress) => void): Promise<UnlistenFn> {
  return tauriListen<Progress>("simulation-progress", (e) => handler(e.payload));
}
