import { describe, expect, it } from "vitest";
import { cellText, ReadTable, sortedRows } from "./readTable";
import type { Table } from "./types";

// The rounds table of the xAI example book as the app receives it from `read_table`
// (crates/application/src/tables): the Series B's public terms, $6B at $18B pre-money, and one
// column more than its builder gives, as crates/cli/src/table.rs's test walks the Rust renderers.
const rounds: Table = {
  name: "rounds",
  currency: "USD",
  as_of: null,
  columns: [
    {
      header: "#",
      kind: { kind: "integer" },
      total: "blank",
      derived: { kind: "stated" },
      note: false,
      detail: false,
    },
    {
      header: "Round",
      kind: { kind: "text" },
      total: "blank",
      derived: { kind: "stated" },
      note: false,
      detail: false,
    },
    {
      header: "Pre-money",
      kind: { kind: "money", decimals: 2 },
      total: "blank",
      derived: { kind: "stated" },
      note: false,
      detail: false,
    },
    {
      header: "Price per share",
      kind: { kind: "money", decimals: 5 },
      total: "blank",
      derived: { kind: "stated" },
      note: false,
      detail: false,
    },
    {
      header: "Fully diluted before",
      kind: { kind: "shares" },
      total: "blank",
      derived: { kind: "stated" },
      note: false,
      detail: false,
    },
    {
      header: "Board seat",
      kind: { kind: "text" },
      total: "blank",
      derived: { kind: "stated" },
      note: false,
      detail: false,
    },
  ],
  rows: [[2, "Series B", "18000000000", "15", 1200000000, "seat 2"]],
};

/** Every string in a rendered tree (function components left as they are). */
function strings(node: unknown): string[] {
  if (typeof node === "string" || typeof node === "number") return [String(node)];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === "object" && "props" in node) {
    return strings((node as { props: { children?: unknown } }).props.children);
  }
  return [];
}

describe("the read model's table", () => {
  it("formats each cell by its column's kind, as the command line and the PDF do", () => {
    expect(cellText(rounds, 0, 0)).toBe("2");
    expect(cellText(rounds, 0, 2)).toBe("$18,000,000,000.00");
    expect(cellText(rounds, 0, 3)).toBe("$15.00000");
    expect(cellText(rounds, 0, 4)).toBe("1,200,000,000");
    expect(cellText(rounds, 0, 5)).toBe("seat 2");
  });

  it("shows a column it has never heard of", () => {
    const shown = strings(ReadTable({ table: rounds, label: "Funding rounds" }));
    expect(shown).toContain("Board seat");
    expect(shown).toContain("seat 2");
    expect(shown).toContain("Fully diluted before");
  });

  it("prints a note column under the table, labelled by its row, as the board report does", () => {
    const withNote: Table = {
      ...rounds,
      columns: [
        ...rounds.columns,
        {
          header: "Note",
          kind: { kind: "text" },
          total: "blank",
          derived: { kind: "stated" },
          note: true,
          detail: false,
        },
      ],
      rows: [[...rounds.rows[0], "Public: announced 2024-05-26"]],
    };
    const shown = strings(ReadTable({ table: withNote, label: "Funding rounds" }));
    expect(shown).not.toContain("Note");
    // The row's name twice: in its cell and labelling its note.
    expect(shown.filter((x) => x === "Series B")).toHaveLength(2);
    expect(shown).toContain("Public: announced 2024-05-26");
  });

  it("leaves a spreadsheet's detail column to the exports", () => {
    const withDetail: Table = {
      ...rounds,
      columns: [
        ...rounds.columns,
        {
          header: "Holder",
          kind: { kind: "text" },
          total: "blank",
          derived: { kind: "stated" },
          note: false,
          detail: true,
        },
      ],
      rows: [[...rounds.rows[0], "Valor Equity Partners"]],
    };
    const shown = strings(ReadTable({ table: withDetail, label: "Journal" }));
    expect(shown).not.toContain("Holder");
    expect(shown).not.toContain("Valor Equity Partners");
  });

  it("shows the totals row the table computes", () => {
    const shown = strings(
      ReadTable({
        table: { ...rounds, totals: ["Total", null, null, null, 1234567, null] },
        label: "x",
      }),
    );
    expect(shown).toContain("Total");
    // A figure no row holds: it can only come from the totals row.
    expect(shown).toContain("1,234,567");
  });
});

describe("sorting a table by a column", () => {
  // Three holders of the xAI example book's Series B (illustrative share counts).
  const holders: Table = {
    name: "captable",
    currency: null,
    as_of: "2024-05-26",
    columns: [
      {
        header: "Holder",
        kind: { kind: "text" },
        total: "blank",
        derived: { kind: "stated" },
        note: false,
        detail: false,
      },
      {
        header: "Fully diluted",
        kind: { kind: "shares" },
        total: "sum",
        derived: { kind: "stated" },
        note: false,
        detail: false,
      },
    ],
    rows: [
      ["Vy Capital", 70000000],
      ["Valor Equity Partners", 100000000],
      ["Fidelity", 50000000],
      ["Available for grant", null],
    ],
  };
  const names = (rows: number[]) => rows.map((r) => holders.rows[r][0]);

  it("orders numbers by value, largest first when descending, a blank as zero", () => {
    const order = sortedRows(holders, [0, 1, 2, 3], { column: 1, descending: true });
    expect(names(order)).toEqual([
      "Valor Equity Partners",
      "Vy Capital",
      "Fidelity",
      "Available for grant",
    ]);
  });

  it("orders text alphabetically, and keeps the given order without a sort", () => {
    expect(names(sortedRows(holders, [0, 1, 2], { column: 0, descending: false }))).toEqual([
      "Fidelity",
      "Valor Equity Partners",
      "Vy Capital",
    ]);
    expect(names(sortedRows(holders, [2, 0], null))).toEqual(["Fidelity", "Vy Capital"]);
  });

  it("marks the sorted column and makes each header a button when the view can sort", () => {
    const tree = ReadTable({
      table: holders,
      label: "Cap table",
      sort: { header: "Fully diluted", descending: true },
      onSort: () => {},
    });
    const shown = strings(tree);
    expect(shown).toContain("▼");
    // The rows in the sorted order.
    const first = shown.indexOf("Valor Equity Partners");
    expect(first).toBeGreaterThan(-1);
    expect(first).toBeLessThan(shown.indexOf("Vy Capital"));
  });
});

describe("a simulated estimate", () => {
  it("reads as the command line prints it: four decimals, or four significant past 100,000", () => {
    const runs: Table = {
      name: "simulation-runs",
      currency: null,
      as_of: null,
      columns: [
        {
          header: "Mean exit value",
          kind: { kind: "estimate" },
          total: "blank",
          derived: { kind: "stated" },
          note: false,
          detail: false,
        },
      ],
      rows: [["0.43081234"], ["164470000000.123"], ["-2.5"]],
    };
    expect([0, 1, 2].map((r) => cellText(runs, r, 0))).toEqual(["0.4308", "1.6447e11", "-2.5000"]);
  });
});
