// Import and export (src-tauri/src/import_export.rs, import_export_commands.rs): the shapes the
// commands take and return, and the progress event of the long ones.

import { listen as tauriListen, type UnlistenFn } from "@tauri-apps/api/event";

export type TableChoice =
  | "captable"
  | "holdings"
  | "convertibles"
  | "journal"
  | "rounds"
  | "participations"
  | "stakeholders"
  | "compute"
  | "simulation-runs"
  | "simulation-fans";

/** The CSV tables in the user's words, in the order the export menu lists them. */
export const TABLES: [TableChoice, string][] = [
  ["captable", "Cap table"],
  ["holdings", "Holdings (each holder's shares per class)"],
  ["convertibles", "SAFEs and notes outstanding"],
  ["journal", "Journal"],
  ["rounds", "Rounds"],
  ["participations", "Round participations"],
  ["stakeholders", "Stakeholders"],
  ["compute", "Compute projection"],
  ["simulation-runs", "Monte Carlo runs"],
  ["simulation-fans", "Monte Carlo fans"],
];

export interface TableForm {
  table: TableChoice;
  as_of: string;
  by: "holder" | "class";
  months?: string;
}

export interface AsOfForm {
  as_of: string;
}

export interface Exported {
  file: string;
  what: string;
  tables: { table: string; rows: number }[];
}

export interface CsvImported {
  file: string;
  issuances: number;
  new_holders: string[];
  new_classes: string[];
}

export interface ScenarioImported {
  name: string;
  scenario_sha256: string;
  new_text: boolean;
}

export interface OcfImported {
  book: string;
  stakeholders: number;
  classes: number;
  plans: number;
  valuations: number;
  transactions: number;
  entries: number;
  not_kept: string[];
}

export interface ImportExportProgress {
  job: string;
  step: number;
  of: number;
  what: string;
}

export function onImportExportProgress(
  handler: (p: ImportExportProgress) => void,
): Promise<UnlistenFn> {
  return tauriListen<ImportExportProgress>("import-export-progress", (e) => handler(e.payload));
}

/** "Wrote /tmp/x.csv: captable (12 rows)." */
export function describeExport(e: Exported): string {
  const tables = e.tables
    .map((t) => `${t.table} (${t.rows} ${t.rows === 1 ? "row" : "rows"})`)
    .join(", ");
  return `Wrote ${e.what} to ${e.file}${tables ? `: ${tables}` : ""}.`;
}

export function describeCsvImport(i: CsvImported): string {
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  return `Recorded ${n(i.issuances, "issuance", "issuances")} from ${i.file} in one transaction (${n(i.new_holders.length, "new holder", "new holders")}, ${n(i.new_classes.length, "new class", "new classes")}).`;
}
