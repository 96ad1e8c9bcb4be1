import { useState } from "preact/hooks";
import { percent, shares } from "../format";
import type { CapTable } from "../types";
import { Basis, Show, useCommand } from "../ui";

type By = "holder" | "class";
type Basis_ = "outstanding" | "fully-diluted";

interface Row {
  key: string;
  name: string;
  provenance?: "recorded" | "public" | "illustrative";
  outstanding: number;
  options: number;
  fullyDiluted: number;
  outstandingPct: string;
  fdPct: string;
}

export function rows(t: CapTable, by: By): Row[] {
  if (by === "holder") {
    return t.holders.map((h) => ({
      key: `h${h.stakeholder}`,
      name: h.name,
      provenance: h.provenance,
      outstanding: h.outstanding,
      options: h.options,
      fullyDiluted: h.fully_diluted,
      outstandingPct: h.outstanding_pct,
      fdPct: h.fully_diluted_pct,
    }));
  }
  return t.classes.map((c) => ({
    key: `c${c.class}`,
    name: c.name,
    outstanding: c.as_converted,
    options: c.options + c.pool_available,
    fullyDiluted: c.fully_diluted,
    outstandingPct: c.outstanding_pct,
    fdPct: c.fully_diluted_pct,
  }));
}

type SortKey = "name" | "outstanding" | "fullyDiluted";

export function CapTableTable(props: {
  table: CapTable;
  by: By;
  basis: Basis_;
  filter?: string;
  caption?: string;
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({
    key: "fullyDiluted",
    desc: true,
  });
  const fd = props.basis === "fully-diluted";
  const f = (props.filter ?? "").trim().toLowerCase();
  const list = rows(props.table, props.by)
    .filter((r) => (fd ? r.fullyDiluted > 0 : r.outstanding > 0))
    .filter((r) => !f || r.name.toLowerCase().includes(f))
    .sort((a, b) => {
      const d = sort.key === "name" ? a.name.localeCompare(b.name) : a[sort.key] - b[sort.key];
      return sort.desc ? -d : d;
    });
  const header = (key: SortKey, label: string, num = true) => (
    <th
      class={num ? "num" : ""}
      aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"}
    >
      <button
        type="button"
        class="sort"
        onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== "name" })}
      >
        {label} {sort.key === key ? (sort.desc ? "▼" : "▲") : ""}
      </button>
    </th>
  );
  const totals = props.table.totals;
  return (
    <table class="grid-table captable" data-as-of={props.table.as_of}>
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {header("name", props.by === "holder" ? "Holder" : "Class", false)}
          {header("outstanding", "Outstanding")}
          <th class="num">% Out.</th>
          {fd && <th class="num">Options{props.by === "class" ? " + pool" : ""}</th>}
          {fd && header("fullyDiluted", "Fully diluted")}
          {fd && <th class="num">% FD</th>}
        </tr>
      </thead>
      <tbody>
        {list.map((r) => (
          <tr key={r.key}>
            <td>
              {r.name} {r.provenance && <Basis p={r.provenance} />}
            </td>
            <td class="num">{shares(r.outstanding)}</td>
            <td class="num" title={`${r.outstandingPct}%`}>
              {percent(r.outstandingPct)}
            </td>
            {fd && <td class="num">{r.options ? shares(r.options) : ""}</td>}
            {fd && <td class="num">{shares(r.fullyDiluted)}</td>}
            {fd && (
              <td class="num" title={`${r.fdPct}%`}>
                {percent(r.fdPct)}
              </td>
            )}
          </tr>
        ))}
        {fd &&
          props.by === "holder" &&
          props.table.plans
            .filter((p) => p.available > 0)
            .map((p) => (
              <tr key={`p${p.plan}`} class="muted">
                <td>Available for grant: {p.name}</td>
                <td />
                <td />
                <td />
                <td class="num">{shares(p.available)}</td>
                <td class="num" title={`${p.available_pct}%`}>
                  {percent(p.available_pct)}
                </td>
              </tr>
            ))}
      </tbody>
      <tfoot>
        <tr>
          <th>Total</th>
          <td class="num total-outstanding">{shares(totals.outstanding)}</td>
          <td class="num">100.00%</td>
          {fd && <td class="num">{shares(totals.options + totals.pool_available)}</td>}
          {fd && <td class="num total-fd">{shares(totals.fully_diluted)}</td>}
          {fd && <td class="num">100.00%</td>}
        </tr>
      </tfoot>
    </table>
  );
}

export function CapTableView(props: { rev: number }) {
  const [asOf, setAsOf] = useState("");
  const [by, setBy] = useState<By>("holder");
  const [basis, setBasis] = useState<Basis_>("fully-diluted");
  const [filter, setFilter] = useState("");
  const loaded = useCommand("cap_table", { asOf }, [props.rev, asOf]);
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
            onChange={(e) => setBy((e.target as HTMLSelectElement).value as By)}
          >
            <option value="holder">holder</option>
            <option value="class">class</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="fully_diluted"
            checked={basis === "fully-diluted"}
            onChange={(e) =>
              setBasis((e.target as HTMLInputElement).checked ? "fully-diluted" : "outstanding")
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
      <Show loaded={loaded}>
        {(v) => (
          <>
            <p class="muted">
              {v.company}, as of {v.cap_table.as_of}. SAFEs and notes are not in fully diluted until
              a priced round converts them
              {v.cap_table.convertibles.length
                ? ` (${v.cap_table.convertibles.length} outstanding)`
                : ""}
              .
            </p>
            <CapTableTable table={v.cap_table} by={by} basis={basis} filter={filter} />
          </>
        )}
      </Show>
    </section>
  );
}
