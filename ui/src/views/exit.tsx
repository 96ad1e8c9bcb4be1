import { useEffect, useState } from "preact/hooks";
import { type AppError, call } from "../api";
import { LineChart } from "../charts";
import { compactNumber } from "../format";
import { ReadTable, SortableTable } from "../readTable";
import type {
  ConvertiblesAtExit,
  ExitForm,
  ExitView,
  NotesAtExit,
  PreferenceBasis,
} from "../types";
import { Amount, Choice, ErrorNote, Exact, Field } from "../ui";

/** The slider's top: five times the last post-money, or $1B for a book without rounds. */
function sliderMax(postMoney: string | undefined): number {
  const p = Number(postMoney ?? "0");
  return p > 0 ? p * 5 : 1e9;
}

export function ExitViewPage(props: { rev: number }) {
  const [max, setMax] = useState(1e9);
  const [form, setForm] = useState<ExitForm>({
    exit_value: "",
    as_of: "",
    transaction_costs: "",
    debt: "",
    chart_to: "",
    convertibles: null,
    notes: null,
    note_repayment_multiple: "",
    preference_basis: null,
  });
  const [view, setView] = useState<ExitView | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    call("overview", {}).then((o) => {
      const m = sliderMax(o.last_round?.post_money.amount);
      setMax(m);
      setForm((f) => ({ ...f, exit_value: f.exit_value || String(Math.round(m / 2.5)) }));
    }, setError);
  }, [props.rev]);
  useEffect(() => {
    if (!form.exit_value) return;
    let live = true;
    call("exit_waterfall", { form: { ...form, chart_to: form.chart_to || String(max) } }).then(
      (v) => {
        if (!live) return;
        setView(v);
        setError(null);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [form, max, props.rev]);
  const set = (k: keyof ExitForm) => (v: string) => setForm({ ...form, [k]: v });
  const o = view?.outcome;
  return (
    <section aria-labelledby="h-exit">
      <h1 id="h-exit">Exit waterfall</h1>
      <label class="field wide">
        <span>Exit value: {o ? <Exact m={o.exit_value} /> : "—"}</span>
        <input
          type="range"
          name="exit_slider"
          min="0"
          max={String(max)}
          step={String(max / 500)}
          value={form.exit_value || "0"}
          aria-label="Exit value"
          onInput={(e) =>
            set("exit_value")(String(Math.round(Number((e.target as HTMLInputElement).value))))
          }
        />
      </label>
      <div class="row">
        <Field
          label="Exit value"
          name="exit_value"
          value={form.exit_value}
          onInput={set("exit_value")}
          error={error}
        />
        <Field
          label="Transaction costs"
          name="transaction_costs"
          value={form.transaction_costs}
          onInput={set("transaction_costs")}
          error={error}
        />
        <Field label="Debt" name="debt" value={form.debt} onInput={set("debt")} error={error} />
        <Field
          label="Capitalisation as of"
          name="as_of"
          type="date"
          value={form.as_of}
          onInput={set("as_of")}
          error={error}
        />
      </div>
      <details class="rounding">
        <summary>Settings (docs/waterfall.md; each its default unless set)</summary>
        <div class="row">
          <Choice
            unset="the default"
            label="SAFEs and notes outstanding"
            name="convertibles"
            value={form.convertibles}
            options={[
              ["paid", "paid by their own terms"],
              ["left-out", "left out"],
            ]}
            onChange={(v) => setForm({ ...form, convertibles: v as ConvertiblesAtExit | null })}
          />
          <Choice
            unset="the default"
            label="A note"
            name="notes"
            value={form.notes}
            options={[
              ["greater-of", "the greater of repayment and conversion"],
              ["repay", "is repaid"],
              ["convert", "converts at its cap"],
            ]}
            onChange={(v) => setForm({ ...form, notes: v as NotesAtExit | null })}
          />
          <Field
            label="Note repayment multiple"
            name="note_repayment_multiple"
            value={form.note_repayment_multiple}
            onInput={set("note_repayment_multiple")}
            error={error}
            placeholder="1"
          />
          <Choice
            unset="the default"
            label="Liquidation preference on"
            name="preference_basis"
            value={form.preference_basis}
            options={[
              ["issue-price", "shares x original issue price"],
              ["invested", "the cash invested"],
            ]}
            onChange={(v) => setForm({ ...form, preference_basis: v as PreferenceBasis | null })}
          />
        </div>
      </details>
      {error &&
        !["exit_value", "transaction_costs", "debt", "as_of", "note_repayment_multiple"].includes(
          error.field ?? "",
        ) && <ErrorNote error={error} />}
      {view && o && (
        <>
          <p>
            Net proceeds <Amount m={o.net_proceeds} />, distributed{" "}
            <Amount m={o.total_distributed} />, common price per share {o.common_price_per_share}.
          </p>
          <p class="note">Settings: {view.settings}.</p>
          <h2>By class</h2>
          <ReadTable table={view.by_class} label="Payout by class" />
          <h2>By holder</h2>
          <SortableTable
            table={view.by_holder}
            label="Payout by holder"
            sortBy={{ header: "Total received", descending: true }}
          />
          <h2>Payout by class over exit values, with breakpoints</h2>
          <LineChart
            label="Payout by class as the exit value grows; vertical lines mark breakpoints"
            series={[
              ...(view.curve[0]?.classes ?? []).map((c, k) => ({
                name: c.name,
                points: view.curve.map(
                  (w) =>
                    [Number(w.exit_value.amount), Number(w.classes[k].total.amount)] as [
                      number,
                      number,
                    ],
                ),
              })),
              ...(view.curve[0]?.convertibles ?? []).map((c, k) => ({
                name: `${c.name} (${c.holder})`,
                points: view.curve.map(
                  (w) =>
                    [Number(w.exit_value.amount), Number(w.convertibles[k].total.amount)] as [
                      number,
                      number,
                    ],
                ),
              })),
            ]}
            markers={view.breakpoints
              .filter((b) => Number(b.exit_value.amount) <= max)
              .map((b) => ({
                x: Number(b.exit_value.amount),
                label: `${b.class}: ${b.event} at ${b.exit_value.amount}`,
              }))}
            xFormat={(v) => compactNumber(v, "USD")}
            yFormat={(v) => compactNumber(v, "USD")}
          />
          <h2>Breakpoints</h2>
          <ReadTable table={view.breakpoint_table} label="Breakpoints" />
        </>
      )}
    </section>
  );
}
