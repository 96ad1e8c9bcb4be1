// The "Record" view's forms, as data: which entries the app records besides a round, each
// field's label and what it picks from (a stakeholder, a class, a plan), and the form sent to
// the app. Kept apart from the view so it can be checked without a page.

import type { Commands } from "./api";
import type { Entry, People } from "./types";

export type RecordKind =
  | "issue_shares"
  | "grant_options"
  | "exercise_options"
  | "transfer_shares"
  | "cancel"
  | "repurchase_shares"
  | "convert"
  | "record_safe"
  | "record_note"
  | "increase_pool"
  | "split_stock";

/** What a field's input picks from; "text" and "date" are typed in; the rest are the book's
 * names or a fixed set of words (`FIXED`). */
export type Source =
  | "text"
  | "date"
  | "holder"
  | "class"
  | "plan"
  | "timing"
  | "cancel_what"
  | "convert_what"
  | "compounding"
  | "day_count";

/** The words a fixed choice offers, its default first. */
const FIXED: Partial<Record<Source, string[]>> = {
  timing: ["post-money", "pre-money"],
  cancel_what: ["shares", "options"],
  convert_what: ["shares", "instrument"],
  compounding: ["simple", "compound"],
  day_count: ["act365", "thirty360"],
};

/** Whether a field picks one of a fixed set of words (no "choose" entry: it has a default). */
export function isFixed(source: Source): boolean {
  return FIXED[source] !== undefined;
}

export interface FieldSpec {
  name: string;
  label: string;
  source: Source;
  placeholder?: string;
  /** Left empty, the app records none (no price, no cap, no expiry). */
  optional?: boolean;
}

export interface FormSpec {
  title: string;
  /** What the entry is called once recorded, as a CFO says it ("the SAFE", not "the safe"). */
  noun: string;
  fields: FieldSpec[];
}

const memo: FieldSpec = { name: "memo", label: "Memo", source: "text", optional: true };
const date: FieldSpec = { name: "date", label: "Effective date", source: "date" };
/** A SAFE's or note's conversion terms, each optional. */
const cap: FieldSpec = {
  name: "valuation_cap",
  label: "Valuation cap",
  source: "text",
  optional: true,
};
const discount: FieldSpec = {
  name: "discount",
  label: "Discount (0.20 = 20%)",
  source: "text",
  placeholder: "0.20",
  optional: true,
};

export const FORMS: Record<RecordKind, FormSpec> = {
  issue_shares: {
    title: "Issue shares",
    noun: "issuance",
    fields: [
      { name: "holder", label: "Holder", source: "holder" },
      { name: "class", label: "Class", source: "class" },
      { name: "shares", label: "Shares", source: "text", placeholder: "1000000" },
      date,
      {
        name: "price_per_share",
        label: "Price per share",
        source: "text",
        placeholder: "0.10",
        optional: true,
      },
      memo,
    ],
  },
  grant_options: {
    title: "Grant options",
    noun: "grant",
    fields: [
      { name: "holder", label: "Holder", source: "holder" },
      { name: "plan", label: "Plan", source: "plan" },
      { name: "options", label: "Options", source: "text", placeholder: "400000" },
      { name: "exercise_price", label: "Exercise price", source: "text", placeholder: "0.10" },
      date,
      { name: "expires", label: "Expires", source: "date", optional: true },
      memo,
    ],
  },
  exercise_options: {
    title: "Exercise options",
    noun: "exercise",
    fields: [
      { name: "grant", label: "Grant (journal entry #)", source: "text", placeholder: "12" },
      { name: "options", label: "Options", source: "text", placeholder: "100000" },
      date,
      memo,
    ],
  },
  transfer_shares: {
    title: "Transfer shares",
    noun: "transfer",
    fields: [
      { name: "from", label: "From", source: "holder" },
      { name: "to", label: "To", source: "holder" },
      { name: "class", label: "Class", source: "class" },
      { name: "shares", label: "Shares", source: "text", placeholder: "1000000" },
      date,
      { name: "price_per_share", label: "Price per share", source: "text", optional: true },
      memo,
    ],
  },
  cancel: {
    title: "Cancel",
    noun: "cancellation",
    fields: [
      { name: "what", label: "Cancel", source: "cancel_what" },
      { name: "holder", label: "Holder (shares)", source: "holder", optional: true },
      { name: "class", label: "Class (shares)", source: "class", optional: true },
      { name: "shares", label: "Shares", source: "text", optional: true },
      { name: "grant", label: "Grant # (options)", source: "text", optional: true },
      { name: "options", label: "Options", source: "text", optional: true },
      date,
      memo,
    ],
  },
  repurchase_shares: {
    title: "Repurchase shares",
    noun: "repurchase",
    fields: [
      { name: "holder", label: "Holder", source: "holder" },
      { name: "class", label: "Class", source: "class" },
      { name: "shares", label: "Shares", source: "text", placeholder: "100000" },
      { name: "price_per_share", label: "Price per share", source: "text", placeholder: "0.10" },
      date,
      memo,
    ],
  },
  convert: {
    title: "Convert",
    noun: "conversion",
    fields: [
      { name: "what", label: "Convert", source: "convert_what" },
      { name: "to_class", label: "Into class", source: "class" },
      { name: "holder", label: "Holder (shares)", source: "holder", optional: true },
      { name: "from_class", label: "From class (shares)", source: "class", optional: true },
      { name: "shares", label: "Shares", source: "text", optional: true },
      {
        name: "instrument",
        label: "SAFE or note # (instrument)",
        source: "text",
        optional: true,
      },
      {
        name: "resulting",
        label: "Shares received (empty: by the ratio)",
        source: "text",
        optional: true,
      },
      date,
      memo,
    ],
  },
  record_safe: {
    title: "SAFE",
    noun: "SAFE",
    fields: [
      { name: "holder", label: "Investor", source: "holder" },
      { name: "investment", label: "Investment", source: "text", placeholder: "250000000" },
      date,
      cap,
      discount,
      { name: "timing", label: "Cap is", source: "timing" },
      memo,
    ],
  },
  record_note: {
    title: "Convertible note",
    noun: "note",
    fields: [
      { name: "holder", label: "Lender", source: "holder" },
      { name: "principal", label: "Principal", source: "text", placeholder: "1000000" },
      {
        name: "interest_rate",
        label: "Interest rate (0.06 = 6%)",
        source: "text",
        placeholder: "0.06",
      },
      { name: "compounding", label: "Interest", source: "compounding" },
      { name: "day_count", label: "Day count", source: "day_count" },
      date,
      { name: "maturity", label: "Maturity", source: "date" },
      cap,
      discount,
      memo,
    ],
  },
  increase_pool: {
    title: "Pool increase",
    noun: "pool increase",
    fields: [
      { name: "plan", label: "Plan", source: "plan" },
      { name: "shares", label: "Shares reserved", source: "text", placeholder: "10000000" },
      date,
      memo,
    ],
  },
  split_stock: {
    title: "Stock split",
    noun: "split",
    fields: [
      { name: "class", label: "Class", source: "class" },
      date,
      { name: "ratio", label: "Ratio (2:1, 1:10)", source: "text", placeholder: "2:1" },
      memo,
    ],
  },
};

export const KINDS = Object.keys(FORMS) as RecordKind[];

/** The names a picking field offers, from the open book. */
export function choices(source: Source, people: People): string[] {
  switch (source) {
    case "holder":
      return people.stakeholders.map((s) => s.name);
    case "class":
      return people.classes.map((c) => c.name);
    case "plan":
      return people.plans.map((p) => p.name);
    default:
      return FIXED[source] ?? [];
  }
}

/** A fresh form: every field empty except a fixed choice, at its default (a SAFE post-money
 * as in YC's SAFE, a note's simple ACT/365 interest, a cancellation of shares). */
export function blankForm(kind: RecordKind): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of FORMS[kind].fields) values[f.name] = FIXED[f.source]?.[0] ?? "";
  return values;
}

/** The command's argument: exactly the spec's fields, whatever else the values hold. */
export function formArgs<K extends RecordKind>(
  kind: K,
  values: Record<string, string>,
): Commands[K][0] {
  const form: Record<string, string> = {};
  for (const f of FORMS[kind].fields) form[f.name] = values[f.name] ?? "";
  return { form } as unknown as Commands[K][0];
}

/** One line for the status after a success, from what the app says it recorded. */
export function recordedLine(kind: RecordKind, e: Entry): string {
  return `Recorded the ${FORMS[kind].noun} as #${e.id}, effective ${e.effective}`;
}
