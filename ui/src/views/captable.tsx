import { useState } from "preact/hooks";
import { ReadTable, SortableTable } from "../readTable";
import type { CapTableBy, CapTableShares } from "../types";
import { Show, useCommand } from "../ui";

/** The cap table as the command line prints it and the exports write it (the read model's
 * `cap_table`), sortable by any column, with the SAFEs and notes outstanding under it. */
export function CapTableView(props: { rev: number }) {
  const [asOf, setAsOf] = useState("");
  const [by, setBy] = useState<CapTableBy>("holder");
  const [counted, setCounted] = useState<CapTableShares>("fully-diluted");
  const [filter, setFilter] = useState("");
  const table = useCommand(
    "read_table",
    { form: { table: "captable", as_of: asOf, by, shares: counted } },
    [props.rev, asOf, by, counted],
  );
  const convertibles = useCommand("read_table", { form: { table: "convertibles", as_of: asOf } }, [
    props.rev,
    asOf,
  ]);
  const f = filter.trim().toLowerCase();
  return (
    <section aria-labelledby="h-captable">
      <h1 id="h-captable">Cap table</h1>
      <div class="toolbar" role="group" aria-label="Cap table options">
        <label class="field inline">
          <span>As of</span>
          <input
            type="date"
            name="as_of"
            value={asOf}
            onChange={(e) => setAsOf((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field inline">
          <span>By</span>
          <select
            name="by"
            value={by}
            onChange={(e) => setBy((e.target as HTMLSelectElement).value as CapTableBy)}
          >
            <option value="holder">holder</option>
            <option value="class">class</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="fully_diluted"
            checked={counted === "fully-diluted"}
            onChange={(e) =>
              setCounted((e.target as HTMLInputElement).checked ? "fully-diluted" : "outstanding")
            }
          />
          Fully diluted
        </label>
        <label class="field inline">
          <span>Filter</span>
          <input
            type="search"
            name="filter"
            value={filter}
            onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      <Show loaded={table}>
        {(t) => (
          <>
            <p class="muted">
              As of {t.as_of}.{" "}
              {counted === "fully-diluted"
                ? "Fully diluted = outstanding shares as converted + options outstanding + options available for grant; SAFEs and notes excluded."
                : "Outstanding = issued shares as converted to common; options, the pool, SAFEs and notes excluded."}
            </p>
            <SortableTable
              // A new grouping is a new table: its sort starts again.
              key={`${by}-${counted}`}
              table={t}
              label="Cap table"
              class="captable"
              asOf={t.as_of ?? undefined}
              sortBy={{
                header: counted === "fully-diluted" ? "Fully diluted" : "Outstanding",
                descending: true,
              }}
              show={(r) => !f || String(t.rows[r][0]).toLowerCase().includes(f)}
            />
          </>
        )}
      </Show>
      <Show loaded={convertibles}>
        {(t) =>
          t.rows.length > 0 && (
            <>
              <h2>SAFEs and notes outstanding</h2>
              <p class="muted">Not in fully diluted shares until a priced round converts them.</p>
              <ReadTable table={t} label="SAFEs and notes outstanding" />
            </>
          )
        }
      </Show>
    </section>
  );
}
