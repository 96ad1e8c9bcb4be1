import { useState } from "preact/hooks";
import { LineChart } from "../charts";
import { compactNumber, runwayText, shares } from "../format";
import { ReadTable } from "../readTable";
import { Amount, Show, useCommand } from "../ui";

export function ComputeView(props: { rev: number }) {
  const [months, setMonths] = useState(36);
  const loaded = useCommand("compute", { months }, [props.rev, months]);
  const orders = useCommand("read_table", { form: { table: "gpu-orders" } }, [props.rev]);
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
                  <table class="grid-table">
                    <thead>
                      <tr>
                        <th>Month</th>
                        <th class="num">Installed</th>
                        <th class="num">MW</th>
                        <th class="num">Capex</th>
                        <th class="num">Power</th>
                        <th class="num">Closing cash</th>
                        <th>Runway</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((r) => (
                        <tr key={r.month}>
                          <td>{r.month.slice(0, 7)}</td>
                          <td class="num">{shares(r.installed)}</td>
                          <td class="num">{r.power_mw}</td>
                          <td class="num">
                            <Amount m={r.capex} />
                          </td>
                          <td class="num">
                            <Amount m={r.power} />
                          </td>
                          <td class="num">
                            <Amount m={r.closing_cash} />
                          </td>
                          <td>{runwayText(r.runway)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
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
