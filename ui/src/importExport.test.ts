import { describe, expect, it } from "vitest";
import { describeCsvImport, describeExport, TABLES } from "./importExport";

describe("import and export messages", () => {
  it("names the file and each table with its rows", () => {
    expect(
      describeExport({
        file: "/tmp/xAI captable.csv",
        what: "CSV",
        tables: [{ table: "captable", rows: 12 }],
      }),
    ).toBe("Wrote CSV to /tmp/xAI captable.csv: captable (12 rows).");
    expect(describeExport({ file: "/tmp/b.pdf", what: "PDF board report", tables: [] })).toBe(
      "Wrote PDF board report to /tmp/b.pdf.",
    );
    expect(
      describeExport({
        file: "/x.xlsx",
        what: "Excel workbook",
        tables: [
          { table: "about", rows: 1 },
          { table: "journal", rows: 0 },
        ],
      }),
    ).toBe("Wrote Excel workbook to /x.xlsx: about (1 row), journal (0 rows).");
  });

  it("counts what a cap table import added", () => {
    expect(
      describeCsvImport({
        file: "a.csv",
        issuances: 1,
        new_holders: ["New Angel"],
        new_classes: [],
      }),
    ).toBe("Recorded 1 issuance from a.csv in one transaction (1 new holder, 0 new classes).");
  });

  it("offers every table the CLI exports, each once", () => {
    const ids = TABLES.map(([id]) => id);
    // The Rust catalogue's tables (crates/application/src/tables/catalogue.rs), in its order.
    expect(ids).toEqual([
      "captable",
      "holdings",
      "convertibles",
      "journal",
      "rounds",
      "participations",
      "stakeholders",
      "classes",
      "plans",
      "gpu-orders",
      "use-of-proceeds",
      "compute",
      "simulation-runs",
      "simulation-fans",
    ]);
    expect(ids).toContain("captable");
    expect(ids).toContain("simulation-fans");
    expect(ids).toContain("classes");
  });
});
