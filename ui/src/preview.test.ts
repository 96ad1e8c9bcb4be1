import { describe, expect, it } from "vitest";
import {
  barHeights,
  distributionLabel,
  fieldError,
  hasInlineClasses,
  percentileLine,
  sig,
  withoutInlineClasses,
} from "./preview";
import type { Drawn } from "./types";

describe("the distribution preview's formatting", () => {
  it("writes three significant figures, large values in K/M/B", () => {
    // The shipped xAI scenario's GPU price PERT: min $24,000, mode $30,000, max $42,000.
    expect(sig(24000)).toBe("24.0K");
    expect(sig(31000)).toBe("31.0K");
    expect(sig(75_000_000)).toBe("75.0M");
    expect(sig(6_000_000_000)).toBe("6.00B");
    expect(sig(1.2933333)).toBe("1.29");
    expect(sig(0.08)).toBe("0.0800");
    expect(sig(0)).toBe("0");
    expect(sig(-2.5)).toBe("\u22122.50");
    expect(sig(999.96)).toBe("1.00K");
  });

  it("names the kind and only the parameters given", () => {
    expect(distributionLabel({ dist: "triangular", min: 1.1, mode: 1.2, max: 1.58 })).toBe(
      "triangular: min 1.10, mode 1.20, max 1.58",
    );
    // A lognormal given by median and p95: mu and sigma are absent (null) and not shown.
    expect(
      distributionLabel({ dist: "lognormal", median: 2.5, p95: 6.9, mu: null, sigma: null }),
    ).toBe("lognormal: median 2.50, p95 6.90");
    expect(distributionLabel({ dist: "fixed", value: 24000 })).toBe("fixed: value 24.0K");
  });

  it("shows P5, P50 and P95 in order", () => {
    const d: Drawn = {
      samples: 4096,
      mean: 1.29,
      percentiles: [1.15, 1.28, 1.47],
      histogram: { min: 1.1, max: 1.58, counts: [1, 2] },
    };
    expect(percentileLine(d)).toBe("P5 1.15 · P50 1.28 · P95 1.47");
  });

  it("scales bars to the tallest bin", () => {
    expect(barHeights([1, 4, 2, 0])).toEqual([0.25, 1, 0.5, 0]);
    expect(barHeights([0, 0])).toEqual([0, 0]);
    expect(barHeights([])).toEqual([]);
  });

  it("puts the field path first in an error", () => {
    expect(fieldError({ path: "compute.pue.max", message: "max 1 is below min 1.1" })).toBe(
      "compute.pue.max: max 1 is below min 1.1",
    );
  });
});

describe("taking the capitalisation from the book", () => {
  const scenario = [
    "[start]",
    'date = "2024-05-26"',
    "[[start.classes]]",
    'name = "Common"',
    "shares = 1000",
    "[[start.classes]]",
    'name = "Series B Preferred"',
    "shares = 400",
    "",
    "[compute]",
    "kw_per_gpu = 1.275",
  ].join("\n");

  it("drops every [[start.classes]] table and keeps the rest", () => {
    const out = withoutInlineClasses(scenario);
    expect(out).toBe(
      ["[start]", 'date = "2024-05-26"', "[compute]", "kw_per_gpu = 1.275"].join("\n"),
    );
    expect(hasInlineClasses(scenario)).toBe(true);
    expect(hasInlineClasses(out)).toBe(false);
    expect(withoutInlineClasses(out)).toBe(out);
  });
});
