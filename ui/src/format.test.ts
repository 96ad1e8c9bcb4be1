import { describe, expect, it } from "vitest";
import {
  compactMoney,
  compactNumber,
  exactMoney,
  fractionPercent,
  groupDigits,
  parseDecimal,
  percent,
  shares,
} from "./format";

const usd = (amount: string) => ({ amount, currency: "USD" });

describe("money as a finance user reads it", () => {
  // xAI's Series B as announced 2024-05-26 (assets/xai/SOURCES.md): $6B at $18B pre, $24B post.
  it("shows the Series B compactly", () => {
    expect(compactMoney(usd("24000000000.00"))).toBe("$24.0B");
    expect(compactMoney(usd("18000000000"))).toBe("$18.0B");
    expect(compactMoney(usd("6000000000.00"))).toBe("$6.0B");
  });

  it("shows the exact figure to the cent, from the string", () => {
    expect(exactMoney(usd("24000000000.00"))).toBe("$24,000,000,000.00");
    expect(exactMoney(usd("135000000"))).toBe("$135,000,000.00");
    // Beyond float precision: 2^53 + 1 dollars and 3 cents stays exact.
    expect(exactMoney(usd("9007199254740993.03"))).toBe("$9,007,199,254,740,993.03");
    expect(exactMoney(usd("0.12345"))).toBe("$0.12345");
    expect(exactMoney(usd("-1500.5"))).toBe("\u2212$1,500.50");
    expect(exactMoney({ amount: "10", currency: "CHF" })).toBe("CHF 10.00");
  });

  it("moves to the next unit rather than show 1000.0M", () => {
    expect(compactMoney(usd("999960000"))).toBe("$1.0B");
    expect(compactMoney(usd("999940000"))).toBe("$999.9M");
    expect(compactMoney(usd("950000"))).toBe("$950.0K");
    expect(compactMoney(usd("999.5"))).toBe("$999.50");
    expect(compactMoney(usd("-2500000"))).toBe("\u2212$2.5M");
  });

  it("refuses what is not a decimal", () => {
    expect(() => exactMoney(usd("1e9"))).toThrow(/not a decimal/);
    expect(() => parseDecimal("12,000")).toThrow();
  });
});

describe("shares and percentages", () => {
  it("groups whole shares", () => {
    expect(shares(1_600_000_000)).toBe("1,600,000,000");
    expect(shares(0)).toBe("0");
    expect(() => shares(1.5)).toThrow();
  });

  it("rounds a ten-place percentage half up on its digits", () => {
    expect(percent("25.0000000000")).toBe("25.00%");
    expect(percent("12.3450000000")).toBe("12.35%");
    expect(percent("12.3449999999")).toBe("12.34%");
    expect(percent("0.0049999999")).toBe("0.00%");
    expect(percent("99.9950000000")).toBe("100.00%");
  });

  it("reads a fraction as a percentage on its digits", () => {
    expect(fractionPercent("0.15")).toBe("15.00%");
    expect(fractionPercent("0.1")).toBe("10.00%");
    expect(fractionPercent("0.094447785252")).toBe("9.44%");
    expect(fractionPercent("0.00005")).toBe("0.01%");
    expect(fractionPercent("1")).toBe("100.00%");
    expect(fractionPercent("12.5")).toBe("1,250.00%");
  });

  it("compacts chart axis numbers", () => {
    expect(compactNumber(24e9, "USD")).toBe("$24.0B");
    expect(compactNumber(150e6)).toBe("150M");
    expect(compactNumber(0)).toBe("0");
  });

  // Property: grouping never changes the digits, and puts a comma every three from the right.
  it("groups any digit string without changing it", () => {
    for (let i = 0; i < 500; i++) {
      const len = 1 + Math.floor(Math.random() * 25);
      let d = String(1 + Math.floor(Math.random() * 9));
      for (let k = 1; k < len; k++) d += String(Math.floor(Math.random() * 10));
      const g = groupDigits(d);
      expect(g.replace(/,/g, "")).toBe(d);
      expect(
        g
          .split(",")
          .slice(1)
          .every((part) => part.length === 3),
      ).toBe(true);
      expect(g.split(",")[0].length).toBeGreaterThanOrEqual(1);
      expect(g.split(",")[0].length).toBeLessThanOrEqual(3);
    }
  });
});
