import { useEffect, useState } from "preact/hooks";
import { AppError, call, onProgress } from "../api";
import { Bars, FanChart, Histogram } from "../charts";
import { compactNumber, probability } from "../format";
import { hasInlineClasses, withoutInlineClasses } from "../preview";
import { ReadTable } from "../readTable";
import type { HolderResult, Progress, RunResult } from "../types";
import { ErrorNote, Field, Show, useCommand } from "../ui";
import { DistributionPreview } from "./preview";

// Runs finished in this session, kept while the user moves between views.
const finished: RunResult[] = [];

function ProbabilityTable(props: { runs: RunResult[] }) {
  const rows: [string, (r: RunResult) => string][] = [
    ["Paths", (r) => r.paths.toLocaleString("en-US")],
    ["Backend", (r) => r.backend],
    ["Seconds", (r) => r.seconds.toFixed(2)],
    [`P(fail by the horizon)`, (r) => probability(r.summary.p_fail)],
    ["P(a raise within 6 months)", (r) => probability(r.summary.p_raise_within[0])],
    ["P(a raise within 12 months)", (r) => probability(r.summary.p_raise_within[1])],
    ["P(a raise within 24 months)", (r) => probability(r.summary.p_raise_within[2])],
    ["Mean rounds raised", (r) => r.summary.mean_rounds.toFixed(2)],
    [
      "Mean exit value",
      (r) =>
        `${compactNumber(r.summary.exit_value_mean, "USD")} ± ${compactNumber(1.96 * r.summary.exit_value_se, "USD")}`,
    ],
  ];
  return (
    <table class="grid-table probability">
      <caption>Probabilities and means</caption>
      <thead>
        <tr>
          <th />
          {props.runs.map((r) => (
            <th key={r.id} class="num">
              Run #{r.id} (seed {r.seed})
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, f]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {props.runs.map((r) => (
              <td key={r.id} class="num">
                {f(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ownership(v: number | null): string {
  return v === null ? "n/a" : `${(v * 100).toFixed(3)}%`;
}

/** A horizon statistic; null where no path is alive. */
function statistic(v: number | null): string {
  return v === null ? "n/a" : compactNumber(v);
}

/** Each holder of the book at the horizon (a run on the book's capitalisation). */
function HolderTable(props: { run: RunResult }) {
  const r = props.run;
  const cap = r.capitalisation;
  if (cap.from !== "book" || r.holders.length === 0) return null;
  const rows: HolderResult[] = [...r.holders].sort(
    (a, b) => b.exit_payout_mean - a.exit_payout_mean,
  );
  return (
    <table class="grid-table holders">
      <caption>
        Holders at month {r.horizon_months} (the book's capitalisation on {cap.as_of}): ownership of
        fully diluted shares and mean exit payout
      </caption>
      <thead>
        <tr>
          <th>Holder</th>
          <th class="num">Fully diluted today</th>
          <th class="num">P5</th>
          <th class="num">P50</th>
          <th class="num">P95</th>
          <th class="num">Mean exit payout</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((h) => (
          <tr key={h.holder}>
            <td>{h.holder}</td>
            <td class="num">{h.fully_diluted_shares.toLocaleString("en-US")}</td>
            <td class="num">{ownership(h.ownership_at_horizon.p5)}</td>
            <td class="num">{ownership(h.ownership_at_horizon.p50)}</td>
            <td class="num">{ownership(h.ownership_at_horizon.p95)}</td>
            <td
              class="num"
              title={`± ${compactNumber(1.96 * h.exit_payout_se_bound, "USD")} (95%, a bound)`}
            >
              {compactNumber(h.exit_payout_mean, "USD")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunCharts(props: { run: RunResult }) {
  const s = props.run.summary;
  const money = (v: number) => compactNumber(v, "USD");
  const tornado = s.sensitivity
    .filter((x) => x.exit_value !== null)
    .map((x) => ({ label: x.input, value: x.exit_value as number }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  return (
    <div class="run-charts" role="group" aria-label={`Run ${props.run.id}`}>
      <HolderTable run={props.run} />
      <h3>Cash (P5–P95, P25–P75, median)</h3>
      <FanChart fans={s.fans[0]} yFormat={money} label="Cash fan chart by month" />
      <h3>Valuation mark</h3>
      <FanChart fans={s.fans[1]} yFormat={money} label="Valuation mark fan chart by month" />
      <h3>Month of the first raise (share of all paths)</h3>
      <Histogram
        values={s.first_raise_month}
        labelFor={(i) => `m${i + 1}`}
        label="Histogram of the first raise's month"
      />
      <h3>Tornado: rank correlation with the exit value</h3>
      <Bars
        items={tornado}
        format={(v) => v.toFixed(3)}
        label="Spearman correlation of each input with the exit value"
      />
      <h3>At the horizon</h3>
      <table class="grid-table">
        <thead>
          <tr>
            <th>Measure</th>
            <th class="num">P5</th>
            <th class="num">P50</th>
            <th class="num">P95</th>
            <th class="num">Mean</th>
          </tr>
        </thead>
        <tbody>
          {s.finals.map((f, i) => (
            <tr key={i}>
              <td>{props.run.final_names[i] ?? `#${i}`}</td>
              <td class="num">{statistic(f.percentiles[0])}</td>
              <td class="num">{statistic(f.percentiles[2])}</td>
              <td class="num">{statistic(f.percentiles[4])}</td>
              <td class="num">{statistic(f.mean)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ScenariosView(props: { rev: number; changed: () => void }) {
  const scenario = useCommand("default_scenario", {}, []);
  const stored = useCommand("read_table", { form: { table: "simulation-runs" } }, [props.rev]);
  const [text, setText] = useState<string | null>(null);
  const [paths, setPaths] = useState("20000");
  const [seed, setSeed] = useState("");
  const [backend, setBackend] = useState<"auto" | "cpu" | "gpu">("auto");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [runs, setRuns] = useState<RunResult[]>(finished);
  const [compare, setCompare] = useState<number[]>(finished.slice(-2).map((r) => r.id));
  useEffect(() => {
    const off = onProgress((p) => setProgress(p));
    return () => {
      off.then((f) => f());
    };
  }, []);
  const run = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const n = Number(paths);
    if (!/^\d+$/.test(paths.trim()) || n <= 0) {
      setError(
        new AppError("invalid", `paths: '${paths}' is not a whole number of paths`, "paths"),
      );
      return;
    }
    if (seed.trim() && !/^\d+$/.test(seed.trim())) {
      setError(new AppError("invalid", `seed: '${seed}' is not a whole number`, "seed"));
      return;
    }
    setRunning(true);
    setProgress({ done: 0, paths: n });
    try {
      const r = await call("run_simulation", {
        request: {
          scenario: text ?? (scenario.state === "ready" ? scenario.value : ""),
          paths: n,
          seed: seed.trim() ? Number(seed) : undefined,
          backend,
        },
      });
      finished.push(r);
      setRuns([...finished]);
      setCompare((c) => [...c, r.id].slice(-2));
      props.changed();
    } catch (err) {
      setError(err as AppError);
    } finally {
      setRunning(false);
    }
  };
  const pct = progress?.paths ? Math.floor((progress.done * 100) / progress.paths) : 0;
  const shown = runs.filter((r) => compare.includes(r.id));
  return (
    <section aria-labelledby="h-scenarios">
      <h1 id="h-scenarios">Scenarios</h1>
      <Show loaded={scenario}>
        {(initial) => (
          <form class="card" onSubmit={run} aria-label="Run a scenario">
            <div class="editor-with-preview">
              <div>
                <label class="field wide">
                  <span>
                    Scenario (the format of docs/model.md; the shipped xAI scenario, each value
                    labelled public or illustrative)
                  </span>
                  <textarea
                    name="scenario"
                    rows={24}
                    spellcheck={false}
                    value={text ?? initial}
                    onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
                  />
                </label>
                <button
                  type="button"
                  name="from-book"
                  class="secondary"
                  disabled={!hasInlineClasses(text ?? initial)}
                  title="Removes the [[start.classes]] tables: the run takes the open book's cap table on start.date, and shows each holder"
                  onClick={() => setText(withoutInlineClasses(text ?? initial))}
                >
                  Use the book's capitalisation
                </button>
              </div>
              <DistributionPreview text={text ?? initial} />
            </div>
            <div class="row">
              <Field label="Paths" name="paths" value={paths} onInput={setPaths} error={error} />
              <Field
                label="Seed (empty: the scenario's)"
                name="seed"
                value={seed}
                onInput={setSeed}
                error={error}
              />
              <label class="field">
                <span>Backend</span>
                <select
                  name="backend"
                  value={backend}
                  onChange={(e) =>
                    setBackend((e.target as HTMLSelectElement).value as "auto" | "cpu" | "gpu")
                  }
                >
                  <option value="auto">auto (GPU when one is found)</option>
                  <option value="gpu">gpu</option>
                  <option value="cpu">cpu</option>
                </select>
              </label>
            </div>
            {error && !["paths", "seed"].includes(error.field ?? "") && <ErrorNote error={error} />}
            <div class="actions">
              <button type="submit" disabled={running}>
                Run
              </button>
              <button
                type="button"
                name="cancel"
                class="secondary"
                disabled={!running}
                onClick={() => call("cancel_simulation", {})}
              >
                Cancel
              </button>
              <progress max={100} value={pct} aria-label="Simulation progress" />
              <span class="muted" role="status">
                {running
                  ? `${pct}% (${progress?.done.toLocaleString("en-US")} paths)`
                  : runs.length
                    ? `done: run #${runs[runs.length - 1].id}`
                    : ""}
              </span>
            </div>
          </form>
        )}
      </Show>
      {runs.length > 0 && (
        <>
          <div class="toolbar" role="group" aria-label="Runs to show side by side">
            {runs.map((r) => (
              <label class="check" key={r.id}>
                <input
                  type="checkbox"
                  checked={compare.includes(r.id)}
                  onChange={(e) =>
                    setCompare((c) =>
                      (e.target as HTMLInputElement).checked
                        ? [...c, r.id].slice(-2)
                        : c.filter((x) => x !== r.id),
                    )
                  }
                />
                Run #{r.id} ({r.paths.toLocaleString("en-US")} paths, seed {r.seed})
              </label>
            ))}
          </div>
          {shown.map(
            (r) =>
              r.backend_note && (
                <p class="note" key={`n${r.id}`}>
                  Run #{r.id}: {r.backend_note}
                </p>
              ),
          )}
          <ProbabilityTable runs={shown} />
          <div class="side-by-side">
            {shown.map((r) => (
              <RunCharts key={r.id} run={r} />
            ))}
          </div>
        </>
      )}
      <h2>Runs stored in this book</h2>
      <Show loaded={stored}>{(t) => <ReadTable table={t} label="Runs stored in this book" />}</Show>
    </section>
  );
}
