import { useEffect, useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { describeCsvImport, describeExport, onImportExportProgress, TABLES } from "../importExport";
import type { BookInfo, ImportExportProgress, TableChoice } from "../types";
import { ErrorNote, Field } from "../ui";

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Import and export: each button asks for the file in the system's dialog. The long ones
 * (workbook, report, OCF) show their steps and can be cancelled; nothing half-written is left. */
export function ImportExportView(props: { changed: () => void; opened: (b: BookInfo) => void }) {
  const [table, setTable] = useState<TableChoice>("captable");
  const [by, setBy] = useState<"holder" | "class">("holder");
  const [asOf, setAsOf] = useState(today());
  const [scenarioName, setScenarioName] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<ImportExportProgress | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState<string[]>([]);
  useEffect(() => {
    const off = onImportExportProgress(setProgress);
    return () => {
      off.then((f) => f());
    };
  }, []);
  const run = async <T,>(what: string, f: () => Promise<T | null>, say: (r: T) => string) => {
    setError(null);
    setBusy(what);
    setProgress(null);
    try {
      const r = await f();
      if (r) setDone((d) => [say(r), ...d].slice(0, 6));
      return r;
    } catch (e) {
      setError(e as AppError);
      return null;
    } finally {
      setBusy(null);
    }
  };
  const form = { as_of: asOf };
  const dated =
    table !== "rounds" &&
    table !== "participations" &&
    table !== "stakeholders" &&
    !table.startsWith("simulation") &&
    table !== "compute";
  return (
    <section aria-labelledby="h-import-export">
      <h1 id="h-import-export">Import and export</h1>
      <div class="card" role="group" aria-label="Export">
        <h2>Export</h2>
        <div class="row">
          <label class="field">
            <span>Table</span>
            <select
              name="table"
              value={table}
              onChange={(e) => setTable((e.target as HTMLSelectElement).value as TableChoice)}
            >
              {TABLES.map(([id, label]) => (
                <option value={id} key={id}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {table === "captable" && (
            <label class="field">
              <span>By</span>
              <select
                name="by"
                value={by}
                onChange={(e) => setBy((e.target as HTMLSelectElement).value as "holder" | "class")}
              >
                <option value="holder">holder</option>
                <option value="class">class</option>
              </select>
            </label>
          )}
          <Field
            label="As of"
            name="as_of"
            type="date"
            value={asOf}
            onInput={setAsOf}
            error={error}
          />
        </div>
        <p class="muted">
          {dated
            ? "The CSV holds the table as of this date."
            : "This table is not dated: the CSV holds all of it."}{" "}
          The workbook, the board report and the OCF package are taken as of the same date.
        </p>
        <div class="actions">
          <button
            type="button"
            name="export-csv"
            disabled={!!busy}
            onClick={() =>
              run(
                "csv",
                () => call("export_table", { form: { table, by, as_of: dated ? asOf : "" } }),
                describeExport,
              )
            }
          >
            Export CSV…
          </button>
          <button
            type="button"
            name="export-xlsx"
            disabled={!!busy}
            onClick={() => run("xlsx", () => call("export_workbook", { form }), describeExport)}
          >
            Excel workbook…
          </button>
          <button
            type="button"
            name="export-pdf"
            disabled={!!busy}
            onClick={() => run("pdf", () => call("export_report", { form }), describeExport)}
          >
            PDF board report…
          </button>
          <button
            type="button"
            name="export-ocf"
            disabled={!!busy}
            onClick={() => run("ocf", () => call("export_ocf", { form }), describeExport)}
          >
            OCF package…
          </button>
        </div>
      </div>
      <div class="card" role="group" aria-label="Import">
        <h2>Import</h2>
        <p class="muted">
          A cap table CSV (columns in docs/import-export.md) is recorded in this book, every row or
          none. An OCF package becomes a new book, which then opens.
        </p>
        <div class="actions">
          <button
            type="button"
            name="import-csv"
            disabled={!!busy}
            onClick={() =>
              run(
                "csv-import",
                () => call("import_captable_csv", {}),
                (r) => {
                  props.changed();
                  return describeCsvImport(r);
                },
              )
            }
          >
            Cap table CSV…
          </button>
          <button
            type="button"
            name="import-ocf"
            disabled={!!busy}
            onClick={() =>
              run(
                "ocf-import",
                () => call("import_ocf", {}),
                (r) => {
                  props.opened(r.book);
                  return `Imported ${r.imported.entries} journal entries, ${r.imported.stakeholders} stakeholders and ${r.imported.classes} classes into ${r.book.path}; it is open now.`;
                },
              )
            }
          >
            OCF package into a new book…
          </button>
        </div>
        <div class="row">
          <Field
            label="Scenario name (empty: the file's name)"
            name="scenario_name"
            value={scenarioName}
            onInput={setScenarioName}
            error={error}
          />
        </div>
        <div class="actions">
          <button
            type="button"
            name="import-scenario"
            disabled={!!busy}
            onClick={() =>
              run(
                "scenario-import",
                () => call("import_scenario", { name: scenarioName }),
                (r) => {
                  props.changed();
                  return `Kept scenario '${r.name}' in the book (sha256 ${r.scenario_sha256.slice(0, 12)}${r.new_text ? "" : ", a text already in the book"}).`;
                },
              )
            }
          >
            Scenario file…
          </button>
        </div>
      </div>
      <div class="actions" aria-live="polite">
        <button
          type="button"
          name="cancel-import-export"
          class="secondary"
          disabled={!busy}
          onClick={() => call("cancel_import_export", {})}
        >
          Cancel
        </button>
        <progress
          max={progress?.of ?? 1}
          value={progress?.step ?? 0}
          aria-label="Import or export progress"
        />
        <span class="muted" role="status">
          {busy
            ? progress
              ? `step ${progress.step} of ${progress.of}: ${progress.what}`
              : "waiting for the file dialog…"
            : ""}
        </span>
      </div>
      {error && !["as_of", "scenario_name"].includes(error.field ?? "") && (
        <ErrorNote error={error} />
      )}
      <ul class="done-list" aria-label="Done">
        {done.map((d, i) => (
          <li class="ok" key={i}>
            {d}
          </li>
        ))}
      </ul>
    </section>
  );
}
