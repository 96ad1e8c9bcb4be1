// The one component that renders a table of the read model (crates/application/src/tables):
// the same columns the command line prints, the exports write and the board report lays out.
// A column added to a builder in Rust appears here with no change to the page.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { exactMoney, groupDigits, percent, shares } from "./format";
import type { Cell, Provenance, Table, TableView } from "./types";
import { Amount, Basis } from "./ui";

/** At least `places` decimals, as the column states them ("15" -> "15.00000"). */
function withDecimals(text: string, places: number): string {
  const [whole, fraction = ""] = text.split(".");
  const padded = fraction.padEnd(places, "0");
  return padded ? `${whole}.${padded}` : whole;
}

/** A cell as a reader sees it, formatted by its column's kind: the text the command line's
 * table and the PDF show (crates/application/src/tables/model.rs, `Table::text`). */
export function cellText(t: Table, row: number, column: number): string {
  return cellOf(t, t.rows[row]?.[column], column);
}

/** A cell of the table's column (a row's, or the totals row's) as a reader sees it. */
function cellOf(t: Table, cell: Cell | undefined, column: number): string {
  if (cell === null || cell === undefined) return "";
  const kind = t.columns[column].kind;
  switch (kind.kind) {
    case "shares":
      return typeof cell === "number" ? shares(cell) : String(cell);
    case "money": {
      const amount = withDecimals(String(cell), kind.decimals);
      if (t.currency) return exactMoney({ amount, currency: t.currency });
      const [whole, fraction] = amount.split(".");
      return fraction ? `${groupDigits(whole)}.${fraction}` : groupDigits(whole);
    }
    case "percent":
      return percent(String(cell), 4);
    case "estimate": {
      // A simulation statistic: four decimals, or four significant ones past 100,000, as the
      // command line prints it (crates/application/src/tables/model.rs, `estimate`).
      const x = Number(cell);
      return Math.abs(x) < 1e5 ? x.toFixed(4) : x.toExponential(4).replace("e+", "e");
    }
    default:
      return String(cell);
  }
}

function isNumeric(t: Table, column: number): boolean {
  const k = t.columns[column].kind.kind;
  return k !== "text" && k !== "basis" && k !== "date";
}

const PROVENANCES: readonly string[] = ["recorded", "public", "illustrative"];

/** The cell as the page shows it: cash compact with the exact amount in its tooltip, a basis
 * as its badge, anything else as `cellText` gives it. */
function shown(t: Table, row: number, column: number): ComponentChildren {
  const cell = t.rows[row][column];
  const col = t.columns[column];
  if (col.kind.kind === "money" && col.kind.decimals <= 2 && t.currency && cell !== null) {
    return <Amount m={{ amount: String(cell), currency: t.currency }} />;
  }
  // A basis column holds provenance words; the page marks them as every view does.
  if (col.kind.kind === "basis" && typeof cell === "string" && PROVENANCES.includes(cell)) {
    return <Basis p={cell as Provenance} />;
  }
  return cellText(t, row, column);
}

/** How two cells of a column order: numbers by value, anything else as text. Blank sorts
 * as zero or as empty text. */
export function compareCells(t: Table, column: number, a: Cell, b: Cell): number {
  if (isNumeric(t, column)) {
    const n = (c: Cell) => (c === null ? 0 : Number(c));
    return n(a) - n(b);
  }
  return String(a ?? "").localeCompare(String(b ?? ""));
}

/** The rows' order: sorted by a column, or as the table gives them. */
export function sortedRows(
  t: Table,
  rows: number[],
  sort: { column: number; descending: boolean } | null,
): number[] {
  if (!sort || sort.column < 0) return rows;
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort(
    (a, b) => sign * compareCells(t, sort.column, t.rows[a][sort.column], t.rows[b][sort.column]),
  );
}

/** The index of the column with this header; -1 when the table has none. */
export function columnOf(t: Table, header: string): number {
  return t.columns.findIndex((c) => c.header === header);
}

type Sort = { header: string; descending: boolean };

interface ReadTableProps {
  /** A table of the read model; with its totals row when the command sends one. */
  table: Table | TableView;
  label: string;
  /** Extra classes for the table element (the journal's "journal"). */
  class?: string;
  /** A column whose cells are buttons (a round's name opens its detail). */
  link?: { header: string; onClick: (row: number) => void; selected?: number | null };
  /** Rows to show (a view's filter); all by default. */
  show?: (row: number) => boolean;
  /** A row's class and its `data-entry` (a journal entry's number), for views that mark rows. */
  rowClass?: (row: number) => string | undefined;
  rowEntry?: (row: number) => string | undefined;
  /** A trailing cell the view fills (actions on a row), with its header. */
  after?: { header: string; cell: (row: number) => ComponentChildren };
  /** The rows' order; with `onSort`, the headers are buttons that change it. */
  sort?: Sort;
  onSort?: (sort: Sort) => void;
  /** The date the table is as of, for the page's readers (`data-as-of`). */
  asOf?: string;
}

/** A read model table whose headers sort it, starting with `sortBy`. */
export function SortableTable(props: Omit<ReadTableProps, "sort" | "onSort"> & { sortBy: Sort }) {
  const [sort, setSort] = useState<Sort>(props.sortBy);
  return <ReadTable {...props} sort={sort} onSort={setSort} />;
}

export function ReadTable(props: ReadTableProps) {
  const t = props.table;
  const sort = props.sort ?? null;
  const onSort = props.onSort;
  // Note columns (free text) go under the table, labelled by the row's first text cell, as the
  // board report prints them; detail columns (a spreadsheet's fields, said in the row's
  // description) are left to the exports; the grid keeps the rest.
  const shownColumns = t.columns.map((c, i) => ({ c, i })).filter(({ c }) => !c.note && !c.detail);
  const rows = sortedRows(
    t,
    t.rows.map((_, r) => r).filter((r) => !props.show || props.show(r)),
    sort && { column: columnOf(t, sort.header), descending: sort.descending },
  );
  const labelColumn = t.columns.findIndex((c) => c.kind.kind === "text" && !c.note);
  const notes = rows.flatMap((r) =>
    t.columns
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => c.note && cellText(t, r, i) !== "")
      .map(({ i }) => ({
        label: labelColumn >= 0 ? cellText(t, r, labelColumn) : "",
        text: cellText(t, r, i),
      })),
  );
  const link = props.link ? columnOf(t, props.link.header) : -1;
  const totals = "totals" in t ? t.totals : null;
  return (
    <>
      {/* A table wider than the page scrolls on its own; the page does not. */}
      <div class="table-scroll">
        <table
          class={props.class ? `grid-table ${props.class}` : "grid-table"}
          aria-label={props.label}
          data-as-of={props.asOf}
        >
          <thead>
            <tr>
              {shownColumns.map(({ c, i }) => (
                <th
                  key={c.header}
                  class={isNumeric(t, i) ? "num" : undefined}
                  aria-sort={
                    sort?.header === c.header
                      ? sort.descending
                        ? "descending"
                        : "ascending"
                      : onSort && "none"
                  }
                >
                  {onSort ? (
                    <button
                      type="button"
                      class="sort"
                      onClick={() =>
                        onSort({
                          header: c.header,
                          // Numbers read largest first; a second click turns the order round.
                          descending:
                            sort?.header === c.header ? !sort.descending : isNumeric(t, i),
                        })
                      }
                    >
                      {c.header} {sort?.header === c.header ? (sort.descending ? "▼" : "▲") : ""}
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              ))}
              {props.after && <th>{props.after.header}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={cellText(t, r, 0) || r}
                class={
                  [props.link?.selected === r ? "selected" : "", props.rowClass?.(r) ?? ""]
                    .join(" ")
                    .trim() || undefined
                }
                data-entry={props.rowEntry?.(r)}
              >
                {shownColumns.map(({ c, i }) => (
                  <td key={c.header} class={isNumeric(t, i) ? "num" : undefined}>
                    {i === link ? (
                      <button
                        type="button"
                        class="link"
                        onClick={() => props.link?.onClick(r)}
                        aria-pressed={props.link?.selected === r}
                      >
                        {cellText(t, r, i)}
                      </button>
                    ) : (
                      shown(t, r, i)
                    )}
                  </td>
                ))}
                {props.after && <td>{props.after.cell(r)}</td>}
              </tr>
            ))}
          </tbody>
          {totals && (
            <tfoot>
              <tr>
                {shownColumns.map(({ c, i }) => (
                  <td
                    key={c.header}
                    class={isNumeric(t, i) ? "num total" : "total"}
                    data-header={c.header}
                  >
                    {cellOf(t, totals[i], i)}
                  </td>
                ))}
                {props.after && <td />}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
      {notes.length > 0 && (
        <ul class="table-notes" aria-label={`${props.label}: notes`}>
          {notes.map((n) => (
            <li key={`${n.label}:${n.text}`}>
              {n.label && <strong>{n.label}: </strong>}
              {n.text}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
