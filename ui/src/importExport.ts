// Import and export (src-tauri/src/import_export.rs, import_export_commands.rs): the tables in
// the user's words, the progress event of the long jobs, and what the page says when one ends.
// The shapes the commands take and return are generated (bindings.ts).

import { listen as tauriListen, type UnlistenFn } from "@tauri-apps/api/event";
import type { CsvImported, Exported, ImportExportProgress, TableChoice } from "./types";

/** Each CSV table in the user's words, in the order the export menu lists them. A Record over
 * the generated `TableChoice`: a table added to the Rust catalogue does not compile here until
 * it has its words. */
const TABLE_WORDS: Record<TableChoice, string> = {
  captable: "Cap table",
  holdings: "Holdings (each holder's shares per class)",
  convertibles: "SAFEs and notes outstanding",
  journal: "Journal",
  rounds: "Rounds",
  participations: "Round participations",
  stakeholders: "Stakeholders",
  classes: "Share classes",
  plans: "Equity plans",
  "gpu-orders": "GPU orders",
  "use-of-proceeds": "Use of proceeds",
  compute: "Compute projection",
  "simulation-runs": "Monte Carlo runs",
  "simulation-fans": "Monte Carlo fans",
};

export const TABLES = Object.entries(TABLE_WORDS) as [TableChoice, string][];

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
