import { afterEach, describe, expect, it } from "vitest";
import { AppError, call, isApiError, setInvoke, toAppError } from "./api";

afterEach(() => setInvoke(async () => undefined));

describe("the invoke wrapper", () => {
  it("passes the command and its arguments through and returns the result", async () => {
    const seen: unknown[] = [];
    setInvoke(async (cmd, args) => {
      seen.push([cmd, args]);
      return { reversal: 12, reverses: 3 };
    });
    const r = await call("reverse_entry", { entry: 3, reason: "entered twice" });
    expect(r).toEqual({ reversal: 12, reverses: 3 });
    expect(seen).toEqual([["reverse_entry", { entry: 3, reason: "entered twice" }]]);
  });

  it("turns the app's {code, message, field} into an AppError naming the field", async () => {
    setInvoke(async () => {
      throw {
        code: "invalid",
        message: "investments.0.amount: must be more than zero",
        field: "investments.0.amount",
      };
    });
    const err = await call("model_round", {
      form: {
        name: "Seed",
        date: "2025-01-01",
        class: "Seed",
        class_choice: "new",
        pre_money: "1",
        investments: [{ investor: "A", amount: "0" }],
        lead: "",
        pool_target: "",
        pool_plan: "",
        note: "",
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("invalid");
    expect(err.field).toBe("investments.0.amount");
    expect(err.message).toMatch(/more than zero/);
  });

  it("turns Tauri's string errors and thrown Errors into AppErrors", () => {
    const s = toAppError("command nope not found");
    expect([s.code, s.message, s.field]).toEqual(["ipc", "command nope not found", null]);
    const e = toAppError(new Error("boom"));
    expect([e.code, e.message]).toEqual(["ipc", "boom"]);
    const o = toAppError({ something: 1 });
    expect(o.code).toBe("ipc");
    expect(o.message).toMatch(/something/);
  });

  it("takes only {code, message, field} of strings as the app's error", () => {
    expect(isApiError({ code: "busy", message: "an export is running", field: null })).toBe(true);
    expect(isApiError({ code: "busy", message: "an export is running" })).toBe(true);
    expect(isApiError({ code: 7, message: "x" })).toBe(false);
    expect(isApiError({ code: "invalid", message: "x", field: 3 })).toBe(false);
    expect(toAppError({ code: 7, message: "x" }).code).toBe("ipc");
  });

  it("keeps an error without a field as one with field null", () => {
    const e = toAppError({ code: "book-not-found", message: "no book at /x" });
    expect(e.field).toBeNull();
    expect(e.code).toBe("book-not-found");
  });
});
