import { describe, expect, it } from "vitest";
import { blankForm, choices, FORMS, formArgs, KINDS, recordedLine } from "./record";
import type { People } from "./types";

const people = {
  stakeholders: [
    { id: 1, name: "Elon Musk" },
    { id: 7, name: "Valor Equity Partners" },
  ],
  classes: [
    { id: 1, name: "Common" },
    { id: 3, name: "Series B Preferred" },
  ],
  plans: [{ id: 1, name: "2023 Equity Incentive Plan", class: 1 }],
} as unknown as People;

describe("the Record view's forms", () => {
  it("send exactly the fields each app form reads (src-tauri/src/actions.rs)", () => {
    const sent = (k: (typeof KINDS)[number]) =>
      Object.keys((formArgs(k, { extra: "x" }) as { form: object }).form).sort();
    expect(sent("issue_shares")).toEqual([
      "class",
      "date",
      "holder",
      "memo",
      "price_per_share",
      "shares",
    ]);
    expect(sent("grant_options")).toEqual([
      "date",
      "exercise_price",
      "expires",
      "holder",
      "memo",
      "options",
      "plan",
    ]);
    expect(sent("transfer_shares")).toEqual([
      "class",
      "date",
      "from",
      "memo",
      "price_per_share",
      "shares",
      "to",
    ]);
    expect(sent("record_safe")).toEqual([
      "date",
      "discount",
      "holder",
      "investment",
      "memo",
      "timing",
      "valuation_cap",
    ]);
    expect(sent("split_stock")).toEqual(["class", "date", "memo", "ratio"]);
    expect(sent("exercise_options")).toEqual(["date", "grant", "memo", "options"]);
    expect(sent("cancel")).toEqual([
      "class",
      "date",
      "grant",
      "holder",
      "memo",
      "options",
      "shares",
      "what",
    ]);
    expect(sent("repurchase_shares")).toEqual([
      "class",
      "date",
      "holder",
      "memo",
      "price_per_share",
      "shares",
    ]);
    expect(sent("record_note")).toEqual([
      "compounding",
      "date",
      "day_count",
      "discount",
      "holder",
      "interest_rate",
      "maturity",
      "memo",
      "principal",
      "valuation_cap",
    ]);
    expect(sent("increase_pool")).toEqual(["date", "memo", "plan", "shares"]);
    expect(sent("convert")).toEqual([
      "date",
      "from_class",
      "holder",
      "instrument",
      "memo",
      "resulting",
      "shares",
      "to_class",
      "what",
    ]);
  });

  it("keep what was typed, as typed", () => {
    const values = {
      ...blankForm("issue_shares"),
      holder: "Elon Musk",
      shares: "1250000",
      price_per_share: "0.10",
    };
    const { form } = formArgs("issue_shares", values);
    expect(form.shares).toBe("1250000");
    expect(form.price_per_share).toBe("0.10");
    expect(form.class).toBe("");
  });

  it("start a fixed choice at its default and everything else empty", () => {
    expect(blankForm("record_safe").timing).toBe("post-money");
    expect(blankForm("record_note").compounding).toBe("simple");
    expect(blankForm("record_note").day_count).toBe("act365");
    expect(blankForm("cancel").what).toBe("shares");
    expect(blankForm("convert").what).toBe("shares");
    expect(Object.values(blankForm("split_stock")).every((v) => v === "")).toBe(true);
  });

  it("offer the open book's holders, classes and plans", () => {
    expect(choices("holder", people)).toEqual(["Elon Musk", "Valor Equity Partners"]);
    expect(choices("class", people)).toEqual(["Common", "Series B Preferred"]);
    expect(choices("plan", people)).toEqual(["2023 Equity Incentive Plan"]);
    expect(choices("text", people)).toEqual([]);
  });

  it("name every field once per form", () => {
    for (const k of KINDS) {
      const names = FORMS[k].fields.map((f) => f.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it("say what was recorded", () => {
    const line = recordedLine("split_stock", {
      id: 42,
      effective: "2024-12-01",
      recorded_at: "2024-12-01T09:00:00Z",
      kind: "stock-split",
      class: 1,
      numerator: 2,
      denominator: 1,
      rounding: {
        price_decimals: 4,
        price_direction: "up",
        shares: "floor",
        conversion: "floor",
        cash_decimals: 2,
        pool: "ceiling",
      },
      converting_classes: [],
      memo: null,
      provenance: "recorded",
    });
    expect(line).toBe("Recorded the split as #42, effective 2024-12-01");
    const safe = recordedLine("record_safe", {
      id: 43,
      effective: "2024-12-03",
      recorded_at: "2024-12-03T09:00:00Z",
      kind: "convertible-issuance",
      holder: 7,
      terms: {
        instrument: "safe",
        investment: { amount: "250000000.00", currency: "USD" },
        timing: "post-money",
        valuation_cap: { amount: "5000000000.00", currency: "USD" },
        discount: null,
        mfn: false,
      },
      memo: null,
      provenance: "recorded",
    });
    expect(safe).toBe("Recorded the SAFE as #43, effective 2024-12-03");
  });
});
