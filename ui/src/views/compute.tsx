import { useState } from "preact/hooks";
import { LineChart } from "../charts";
import { compactNumber } from "../format";
import { ReadTable } from "../readTable";
import { Show, useCommand } from "../ui";

export function ComputeView(props: { rev: number }) {
  const [months, setMonths] = useState(36);
  const loaded = useCommand("compute", { months }, [props.rev, months]);
  const orders = useCommand("read_table", { form: { table: "gpu-orders" } }, [props.rev]);
  const proceeds = useCommand("read_table", { form: { table: "use-of-proceeds" } }, [props.rev]);
  const projection = useCommand(
    "read_table",
    { form: { table: "compute", months: String(months) } },
    [props.rev, months],
  );
  return (
    <section aria-labelledby="h-compute">
      <h1 id="h-compute">Compute</h1>
      <label class="field inline">
        <span>Months projected</span>
        <select
          name="months"
          value={String(months)}
          onChange={(e) => setMonths(Number((e.target as HTMLSelectElement).value))}
        >
          {[12, 24, 36, 48, 60].map((m) => (
            <option key={m} value={String(m)}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <Show loaded={loaded}>
        {(c) => {
          const rows = c.projection?.rows ?? [];
          const idx = (i: number) => i + 1;
          const label = (v: number) => rows[Math.round(v) - 1]?.month.slice(0, 7) ?? "";
          return (
            <>
              <h2>GPU orders</h2>
              <Show loaded={orders}>{(t) => <ReadTable table={t} label="GPU orders" />}</Show>
              <h2>Use of proceeds</h2>
              <p class="muted">Infra capex at the ratio in force.</p>
              <Show loaded={proceeds}>
                {(t) => <ReadTable table={t} label="Use of proceeds" />}
              </Show>
              {c.projection ? (
                <>
                  <h2>Spend and cash by month</h2>
                  <LineChart
                    label="Monthly capex, power and other spend, and closing cash"
                    series={[
                      {
                        name: "Capex",
                        points: rows.map((r, i) => [idx(i), Number(r.capex.amount)]),
                      },
                      {
                        name: "Power",
                        points: rows.map((r, i) => [idx(i), Number(r.power.amount)]),
                      },
                      {
                        name: "Other burn",
                        points: rows.map((r, i) => [idx(i), Number(r.other_burn.amount)]),
                      },
                      {
                        name: "Closing cash",
                        points: rows.map((r, i) => [idx(i), Number(r.closing_cash.amount)]),
                      },
                    ]}
                    xFormat={label}
                    yFormat={(v) => compactNumber(v, "USD")}
                  />
                  <h2>Power</h2>
                  <LineChart
                    label="Power draw in megawatts by month"
                    height={160}
                    series={[
                      {
                        name: "Power (MW)",
                        points: rows.map((r, i) => [idx(i), Number(r.power_mw)]),
                      },
                    ]}
                    xFormat={label}
                    yFormat={(v) => `${compactNumber(v)} MW`}
                  />
                  <Show loaded={projection}>
                    {(t) => <ReadTable table={t} label="Monthly projection" />}
                  </Show>
                </>
              ) : (
                <p class="muted">
                  No projection: the compute terms give no cash month yet (`roundbook compute terms
                  set`).
                </p>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}
