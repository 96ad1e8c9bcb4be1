// Generated from the Rust types by `cargo test -p roundbook-app --test bindings`; do not edit.
// UPDATE_BINDINGS=1 cargo test -p roundbook-app --test bindings rewrites it.

/**
 * What a dilutive issue does to a protected class: every input and step, and the
 * journal movement that records it.
 */
export type Adjustment = {
  class: ClassId;
  class_name: string;
  /**
   * The date of the dilutive issue; the adjustment is effective on it.
   */
  date: string;
  method: AntiDilution;
  original_issue_price: Money;
  /**
   * The conversion ratio in force before the issue.
   */
  old_ratio: string;
  /**
   * CP1 = OIP / old ratio (to 28 significant digits).
   */
  old_conversion_price: Money;
  new_price: Money;
  /**
   * C: the new shares issued.
   */
  new_shares: number;
  /**
   * new price x new shares: the money B is computed from.
   */
  new_money: Money;
  /**
   * A: shares deemed outstanding before the issue (weighted average only).
   */
  shares_deemed_outstanding: number | null;
  /**
   * B = new money / CP1 (weighted average only), exact to 28 significant digits.
   */
  shares_at_old_price: string | null;
  /**
   * CP2 before rounding.
   */
  exact_conversion_price: string;
  /**
   * CP2 as the rounding policy's price rule rounds it.
   */
  new_conversion_price: Money;
  /**
   * OIP / CP2: common shares per share from the date on.
   */
  new_ratio: string;
  rounding: RoundingPolicy;
  /**
   * How CP2 was rounded, in words.
   */
  rounding_rule: string;
  /**
   * The reason recorded with the adjustment.
   */
  reason: string;
};

export type Allocation = {
  investor: StakeholderId;
  name: string;
  amount: Money;
  shares: number;
  /**
   * shares x price: what the shares cost at the rounded price.
   */
  invested: Money;
  /**
   * amount - invested: cash that bought no whole share.
   */
  uninvested: Money;
};

export type AntiDilution =
  | "none"
  | "broad-based-weighted-average"
  | "narrow-based-weighted-average"
  | "full-ratchet";

/**
 * Whether the shares a down round's anti-dilution adjustment adds (protected preferred
 * converting into more common) are in the round price's denominator.
 */
export type AntiDilutionPricing = "after-price" | "in-price";

/**
 * The workbook, the board report and the OCF package are all taken as of one date.
 */
export type AsOfForm = {
  /**
   * YYYY-MM-DD; empty for today (OCF: every entry).
   */
  as_of: string;
};

export type Backend = "auto" | "cpu" | "gpu";

export type BookInfo = {
  path: string;
  file_name: string;
  company: string;
  /**
   * The window's title: the company and the file it lives in.
   */
  title: string;
};

/**
 * An exit value at which some class's (or option grant's) payout changes slope.
 */
export type Breakpoint = {
  /**
   * The exact breakpoint rounded half-up to `cash_decimals`.
   */
  exit_value: Money;
  /**
   * The exact breakpoint to 28 significant digits (truncated).
   */
  exit_value_exact: string;
  /**
   * The class whose payout changes (for options: the class exercised into; for a SAFE or
   * note: its name).
   */
  class: string;
  /**
   * For options and warrants, SAFEs and notes: their holder.
   */
  holder: string | null;
  event: BreakpointEvent;
  /**
   * The common price `q` at the breakpoint (28 significant digits, truncated): the class's
   * preference per common-equivalent share for a conversion, the strike per common-equivalent
   * share for options, 0 while preferences are being paid.
   */
  common_price_per_share: string;
  description: string;
};

/**
 * What happens to a class's payout at a breakpoint.
 */
export type BreakpointEvent =
  | "preference-starts"
  | "preference-fully-paid"
  | "starts-participating"
  | "converts"
  | "hits-cap"
  | "options-in-the-money";

/**
 * Shares or options cancelled: `roundbook cancel`.
 */
export type CancelForm = {
  what: CancelWhat;
  holder: string;
  class: string;
  shares: string;
  grant: string;
  options: string;
  date: string;
  memo: string;
};

/**
 * What a cancellation cancels.
 */
export type CancelWhat = "shares" | "options";

export type CapTable = {
  as_of: string;
  rounding: RoundingPolicy;
  holders: Array<HolderRow>;
  classes: Array<ClassRow>;
  plans: Array<PlanRow>;
  convertibles: Array<ConvertibleRow>;
  totals: Totals;
};

/**
 * A cap table's rows: one per holder or one per class.
 */
export type CapTableBy = "holder" | "class";

/**
 * What a cap table counts: the shares issued (as converted to common), or those plus every
 * option granted and still available for grant.
 */
export type CapTableShares = "outstanding" | "fully-diluted";

/**
 * The capitalisation each kind of instrument divides its cap by.
 */
export type CapitalisationDefinitions = {
  post_money_safes: CapitalisationRules;
  /**
   * Pre-money SAFEs and convertible notes.
   */
  pre_money_safes_and_notes: CapitalisationRules;
};

/**
 * A share count a price divides by: exact, or made whole one way.
 */
export type CapitalisationRounding = "exact" | "floor" | "ceiling" | "nearest";

/**
 * What a converting instrument's "company capitalisation" counts (OCF's
 * CapitalizationDefinitionRules). A cap price is the cap divided by this count.
 */
export type CapitalisationRules = {
  outstanding_shares: boolean;
  outstanding_options: boolean;
  /**
   * Options available for grant before the round.
   */
  unissued_pool: boolean;
  /**
   * The round's pool top-up.
   */
  pool_topup: boolean;
  /**
   * The shares every converting SAFE and note receives (this one included).
   */
  converting_securities: boolean;
  /**
   * The shares bought with the round's new money.
   */
  new_money: boolean;
};

/**
 * Where a run's start classes came from.
 */
export type CapitalisationSource =
  | {
      from: "scenario";
    }
  | {
      from: "book";
      as_of: string;
    };

/**
 * A value, exact. In JSON: text and dates as strings, whole numbers as numbers, decimals as
 * decimal strings (never a float), an empty cell as null.
 */
export type Cell = string | number | null;

/**
 * Whether the round's class is one the book has, or one the round creates.
 */
export type ClassChoice = "existing" | "new";

/**
 * A share class: `roundbook class add`.
 */
export type ClassForm = {
  name: string;
  kind: ClassKind;
  original_issue_price: string;
  /**
   * Empty: 1 for preferred, 0 for common.
   */
  preference_multiple: string;
  participation: ParticipationChoice;
  cap_multiple: string;
  /**
   * Higher is paid first.
   */
  seniority: string;
  /**
   * Empty: 1.
   */
  conversion_ratio: string;
  anti_dilution: AntiDilution;
  authorized: string;
};

export type ClassId = number;

export type ClassKind = "common" | "preferred";

export type ClassPayout = {
  name: string;
  kind: ClassKind;
  decision: Decision;
  shares: number;
  /**
   * Common-equivalent shares (rounded per holding by the policy's conversion rule).
   */
  as_converted: number;
  /**
   * The class's whole preference claim, multiple x OIP x shares, rounded half-up to cents
   * (for reading; not part of the sums).
   */
  preference_claim: Money;
  preference_paid: Money;
  /**
   * Paid from the common pool (or, for a capped class at its cap, cap - preference).
   */
  participation_paid: Money;
  /**
   * preference_paid + participation_paid.
   */
  total: Money;
  /**
   * The exact total before rounding (to 28 significant digits, truncated).
   */
  total_exact: string;
  /**
   * Exact total / shares, rounded as the policy rounds prices (0 for a class with no shares).
   */
  per_share: string;
};

export type ClassRow = {
  class: ClassId;
  name: string;
  kind: ClassKind;
  authorized: number | null;
  shares: number;
  as_converted: number;
  options: number;
  pool_available: number;
  fully_diluted: number;
  outstanding_pct: string;
  fully_diluted_pct: string;
};

export type Column = {
  header: string;
  kind: Kind;
  total: Total;
  derived: Derived;
  /**
   * Free text of any length (a note): a page prints it under the table, numbered, rather
   * than in a cell; a text table and a spreadsheet keep it as a column.
   */
  note: boolean;
  /**
   * A field a spreadsheet filters and sums on, which the row's description already says in
   * words (the journal's holder, class, shares): CSV, XLSX and JSON carry it; a text table,
   * the app and a page leave it out. Declared here, so no surface decides it on its own.
   */
  detail: boolean;
};

export type Company = {
  name: string;
  legal_name: string;
  /**
   * Nothing in the book may be effective before this date.
   */
  founded: string;
  currency: Currency;
  jurisdiction: string;
};

export type Compounding = "simple" | "compound";

/**
 * The plan's terms: `roundbook compute terms set`. Each empty field keeps the term in force;
 * a group given (facility, power, depreciation, operating) is recorded anew with the note.
 */
export type ComputeTermsForm = {
  infra_ratio: string;
  facility_capex: string;
  facility_month: string;
  kw_per_gpu: string;
  pue: string;
  usd_per_kwh: string;
  hours_per_month: string;
  years: string;
  cash: string;
  cash_month: string;
  burn: string;
  burn_growth: string;
  revenue: string;
  revenue_growth: string;
  note: string;
};

export type ComputeView = {
  /**
   * For the chart: the orders, the terms and the use of proceeds are the read model's tables.
   */
  projection: Projection | null;
};

export type Convergence = {
  paths: number;
  p_fail: number;
  exit_value_mean: number;
  new_money_mean: number;
  mean_rounds: number;
};

/**
 * Which price an instrument converted at.
 */
export type ConversionBasis = "cap" | "discount" | "round-price";

/**
 * The class a SAFE or note converting below the round's price is issued.
 */
export type ConversionClass = "round-class" | "shadow-series";

export type ConversionLine = {
  instrument: EntryId;
  holder: StakeholderId;
  name: string;
  kind: string;
  /**
   * Investment, or a note's principal plus accrued interest.
   */
  amount: Money;
  basis: ConversionBasis;
  conversion_price: Money;
  shares: number;
  /**
   * The class issued: the round's, or a shadow series.
   */
  class: ClassId;
  class_name: string;
};

/**
 * Which SAFEs and notes a modelled round converts.
 */
export type ConvertChoice = "all" | "none" | "only";

/**
 * A conversion: `roundbook convert`.
 */
export type ConvertForm = {
  what: ConvertWhat;
  to_class: string;
  /**
   * The SAFE's or note's journal entry number.
   */
  instrument: string;
  holder: string;
  from_class: string;
  shares: string;
  /**
   * Shares received. For shares, empty means: by the conversion ratio in force that day,
   * rounded by the book's conversion rule.
   */
  resulting: string;
  date: string;
  memo: string;
};

/**
 * What a conversion converts.
 */
export type ConvertWhat = "shares" | "instrument";

/**
 * Which kind of convertible instrument.
 */
export type ConvertibleKind = "safe" | "note";

/**
 * What one SAFE or note receives at the exit.
 */
export type ConvertiblePayout = {
  name: string;
  holder: string;
  kind: ConvertibleKind;
  /**
   * `cash-out` (a SAFE), `repaid` (a note) or `converts`.
   */
  decision: Decision;
  /**
   * What it is owed if it does not convert, rounded half-up to cents (for reading; 0 when
   * it can only convert).
   */
  claim: Money;
  /**
   * Common-equivalent shares if it converts (0: it cannot).
   */
  conversion_shares: number;
  /**
   * The price those shares were counted at, rounded as a cap price.
   */
  conversion_price: string | null;
  /**
   * A Conversion Amount fixed in money (a discount-only SAFE's), rounded half-up to cents.
   */
  conversion_amount: Money | null;
  /**
   * Paid as its claim (cash-out or repayment).
   */
  claim_paid: Money;
  /**
   * Paid from the common pool, as converted.
   */
  conversion_paid: Money;
  /**
   * claim_paid + conversion_paid.
   */
  total: Money;
  /**
   * The exact total before rounding (to 28 significant digits, truncated).
   */
  total_exact: string;
};

export type ConvertibleRow = {
  instrument: EntryId;
  holder: StakeholderId;
  name: string;
  kind: string;
  amount: Money;
  issued: string;
};

/**
 * The terms of a SAFE or a convertible note, recorded as signed. Their
 * conversion math lives with round modelling, not here.
 */
export type ConvertibleTerms =
  | {
      instrument: "safe";
      investment: Money;
      timing: SafeTiming;
      valuation_cap: Money | null;
      discount: string | null;
      mfn: boolean;
    }
  | {
      instrument: "note";
      principal: Money;
      interest_rate: string;
      compounding: Compounding;
      day_count: DayCount;
      maturity: string;
      valuation_cap: Money | null;
      discount: string | null;
    };

/**
 * What happens to the SAFEs and notes outstanding at an exit.
 */
export type ConvertiblesAtExit = "paid" | "left-out";

export type CsvImported = {
  file: string;
  issuances: number;
  new_holders: Array<string>;
  new_classes: Array<string>;
};

/**
 * An ISO-4217 alphabetic code: three ASCII capitals. We check the shape, not
 * the registry, so a newly issued code never needs a release.
 */
export type Currency = string;

export type DayCount = "act365" | "thirty360";

/**
 * What a class does at this exit.
 */
export type Decision =
  | "takes-preference"
  | "converts"
  | "participates"
  | "capped"
  | "common"
  | "cash-out"
  | "repaid";

/**
 * GPUs delivered (and installed) in one month. `month` is the first day of that month.
 */
export type Delivery = {
  month: string;
  quantity: number;
};

/**
 * Straight-line depreciation, zero salvage, by month.
 */
export type DepreciationTerms = {
  years: number;
  provenance: Provenance;
  note: string | null;
};

/**
 * Whether a column's value is a formula over other cells of its row.
 */
export type Derived =
  | {
      kind: "stated";
    }
  | {
      kind: "share-of-total";
      of: number;
    };

export type Dilution = {
  stakeholder: StakeholderId;
  name: string;
  before_fd: number;
  after_fd: number;
  before_pct: string;
  after_pct: string;
};

export type Dist =
  | {
      dist: "fixed";
      value: number;
    }
  | {
      dist: "uniform";
      min: number;
      max: number;
    }
  | {
      dist: "triangular";
      min: number;
      mode: number;
      max: number;
    }
  | {
      dist: "pert";
      min: number;
      mode: number;
      max: number;
    }
  | {
      dist: "normal";
      mean: number;
      sd: number;
    }
  | {
      dist: "lognormal";
      median: number | null;
      p95: number | null;
      mu: number | null;
      sigma: number | null;
    }
  | {
      dist: "bernoulli";
      p: number;
    };

/**
 * What the draws of one distribution look like.
 */
export type Drawn = {
  samples: number;
  mean: number;
  /**
   * P5, P50, P95 by nearest rank.
   */
  percentiles: [number, number, number];
  histogram: Histogram;
};

export type Entry = {
  id: EntryId;
  /**
   * The date the movement takes effect in the cap table.
   */
  effective: string;
  /**
   * When it was written to the book (UTC).
   */
  recorded_at: string;
  memo: string | null;
  provenance: Provenance;
} & (
  | {
      kind: "stock-issuance";
      holder: StakeholderId;
      class: ClassId;
      shares: number;
      price_per_share: Money | null;
      round: RoundId | null;
    }
  | {
      kind: "option-grant";
      holder: StakeholderId;
      plan: PlanId;
      options: number;
      exercise_price: Money;
      expires: string | null;
    }
  | {
      kind: "exercise";
      grant: EntryId;
      options: number;
    }
  | {
      kind: "transfer";
      from: StakeholderId;
      to: StakeholderId;
      class: ClassId;
      shares: number;
      price_per_share: Money | null;
    }
  | {
      kind: "stock-cancellation";
      holder: StakeholderId;
      class: ClassId;
      shares: number;
    }
  | {
      kind: "option-cancellation";
      grant: EntryId;
      options: number;
    }
  | {
      kind: "repurchase";
      holder: StakeholderId;
      class: ClassId;
      shares: number;
      price_per_share: Money;
    }
  | {
      kind: "pool-increase";
      plan: PlanId;
      shares: number;
    }
  | {
      kind: "stock-conversion";
      holder: StakeholderId;
      from_class: ClassId;
      shares: number;
      to_class: ClassId;
      resulting_shares: number;
    }
  | {
      kind: "convertible-issuance";
      holder: StakeholderId;
      terms: ConvertibleTerms;
    }
  | {
      kind: "convertible-conversion";
      instrument: EntryId;
      class: ClassId;
      shares: number;
    }
  | {
      kind: "conversion-ratio-adjustment";
      class: ClassId;
      new_ratio: string;
      reason: string;
    }
  | {
      kind: "stock-split";
      class: ClassId;
      numerator: number;
      denominator: number;
      rounding: RoundingPolicy;
      converting_classes: Array<ClassId>;
    }
  | {
      kind: "authorized-shares-adjustment";
      class: ClassId;
      authorized: number;
    }
  | {
      kind: "reversal";
      reverses: EntryId;
      reason: string;
    }
);

export type EntryId = number;

export type EquityPlan = {
  id: PlanId;
  name: string;
  /**
   * The class that exercised options become.
   */
  class: ClassId;
  adopted: string;
  provenance: Provenance;
};

export type Error = {
  code: ErrorCode;
  message: string;
  /**
   * The form field at fault; None when no one field is.
   */
  field: string | null;
};

/**
 * The one vocabulary of failure every surface speaks: the ledger's and the store's errors, the
 * file imports and exports, the command line's `--json` errors and the app's. Serialised in
 * kebab-case (`book-not-found`); these strings are a stable interface for scripts.
 */
export type ErrorCode =
  | "usage"
  | "invalid"
  | "unknown"
  | "conflict"
  | "book-not-found"
  | "book-exists"
  | "not-a-book"
  | "book-corrupt"
  | "book-newer-schema"
  | "book-migration-changed"
  | "database"
  | "io"
  | "package"
  | "md5-mismatch"
  | "limit"
  | "unsupported"
  | "ledger"
  | "export"
  | "report"
  | "cancelled"
  | "gpu"
  | "busy"
  | "dialog"
  | "not-recent"
  | "internal";

/**
 * Options of a grant exercised for cash: `roundbook exercise`.
 */
export type ExerciseForm = {
  /**
   * The grant's journal entry number.
   */
  grant: string;
  options: string;
  date: string;
  memo: string;
};

/**
 * The named settings of an exit, each with its default (docs/waterfall.md). The engine reads
 * `preference_basis`; the others say how `Book::capitalisation` built the capitalisation, and
 * every outcome states them all.
 */
export type ExitConventions = {
  convertibles: ConvertiblesAtExit;
  notes: NotesAtExit;
  /**
   * A note's repayment: this multiple of its principal, plus the interest accrued to the
   * exit (1: principal + interest; 2: "2x principal" on a change of control).
   */
  note_repayment_multiple: string;
  preference_basis: PreferenceBasis;
};

/**
 * The exit waterfall form: amounts as the user typed them.
 */
export type ExitForm = {
  exit_value: string;
  as_of: string;
  transaction_costs: string;
  debt: string;
  /**
   * The top of the payout chart's range (0 to this), defaulting to twice the exit value.
   */
  chart_to: string;
  /**
   * The exit's named settings (docs/waterfall.md); empty: each its default.
   */
  convertibles: ConvertiblesAtExit | null;
  notes: NotesAtExit | null;
  note_repayment_multiple: string;
  preference_basis: PreferenceBasis | null;
};

export type ExitView = {
  as_of: string;
  outcome: WaterfallOutcome;
  breakpoints: Array<Breakpoint>;
  /**
   * The read model's tables of the outcome, as `roundbook waterfall` prints them.
   */
  by_class: TableView;
  by_holder: TableView;
  breakpoint_table: TableView;
  /**
   * Payouts at evenly spaced exit values, for the chart.
   */
  curve: Array<WaterfallOutcome>;
  left_out_instruments: Array<ConvertibleRow>;
  /**
   * The exit's named settings in words, as `roundbook waterfall` prints them.
   */
  settings: string;
};

/**
 * What an export wrote, for the page to say.
 */
export type Exported = {
  file: string;
  /**
   * "cap table CSV", "Excel workbook", ...
   */
  what: string;
  /**
   * Each table written with its number of rows (empty for the report and OCF).
   */
  tables: Array<TableRows>;
};

/**
 * Facility, networking and other infrastructure capex.
 */
export type Facility = {
  /**
   * Infrastructure (networking, servers, storage, power and cooling) bought with each
   * delivery, per dollar of GPU capex: infra capex = GPU capex x this ratio.
   */
  infra_ratio: string;
  /**
   * A one-off facility capex (a building, a hall), paid in `capex_month`.
   */
  capex: Money;
  capex_month: string | null;
  provenance: Provenance;
  note: string | null;
};

export type Fan = {
  alive: number;
  /**
   * NaN, which serialises as null, when no path is alive.
   */
  mean: number | null;
  /**
   * Standard error of the mean.
   */
  se: number;
  /**
   * P5, P25, P50, P75, P95 (nearest rank, at the centre of its histogram bin); NaN (null)
   * when no path is alive.
   */
  percentiles: [number | null, number | null, number | null, number | null, number | null];
  /**
   * Half a bin width: the most a percentile can be off.
   */
  bin_error: number;
};

/**
 * One distribution field of the scenario: its draws, or why it cannot be drawn.
 */
export type FieldPreview = {
  /**
   * Where it sits in the scenario (`compute.pue`).
   */
  path: string;
  /**
   * Its kind and parameters as written (`{"dist": "triangular", "min": 1.1, ...}`).
   */
  dist: Dist | null;
  drawn: Drawn | null;
  /**
   * The field's error, naming the exact field path (`compute.pue.max`).
   */
  error: PreviewError | null;
};

/**
 * A GPU order: `roundbook compute order add`.
 */
export type GpuOrderForm = {
  model: string;
  vendor: string;
  quantity: string;
  /**
   * Price per GPU, in the book's currency.
   */
  unit_price: string;
  date: string;
  /**
   * Each "MONTH=GPUS"; none: all in the order's month.
   */
  deliveries: Array<string>;
  /**
   * The round whose money pays for it (use of proceeds), by name or #id; empty: none.
   */
  round: string;
  note: string;
};

export type GpuOrderId = number;

/**
 * What a grant sized to the round is.
 */
export type GrantChoice = "options" | "shares";

/**
 * Options granted from a plan: `roundbook grant`, "Grant options".
 */
export type GrantForm = {
  holder: string;
  plan: string;
  options: string;
  exercise_price: string;
  date: string;
  /**
   * Empty: the grant does not expire in the book.
   */
  expires: string;
  memo: string;
};

/**
 * Counts over equal-width bins from `min` to `max` (one bin when every draw is the same).
 */
export type Histogram = {
  min: number;
  max: number;
  counts: Array<number>;
};

export type HolderClassPayout = {
  class: string;
  shares: number;
  as_converted: number;
  amount: Money;
};

export type HolderPayout = {
  holder: string;
  /**
   * One line per class held, in the order of the classes.
   */
  by_class: Array<HolderClassPayout>;
  /**
   * What the holder's exercised options and warrants receive (before their strike).
   */
  options: Money;
  /**
   * What the holder's SAFEs and notes receive.
   */
  convertibles: Money;
  /**
   * The strike the holder pays in for them (exact).
   */
  exercise_cost: Money;
  /**
   * by_class + options + convertibles. The sum over holders is `total_distributed`.
   */
  total: Money;
};

export type HolderResult = {
  holder: string;
  /**
   * P5, P25, P50, P75, P95 of the exit payout, for a holder in one class only (its payout is
   * a fixed part of that class's, so the distribution scales); None for several classes,
   * where only the means add up.
   */
  exit_payout_percentiles: [number, number, number, number, number] | null;
  fully_diluted_shares: number;
  /**
   * Ownership of fully diluted shares at the horizon; null (NaN) where no path survives.
   */
  ownership_at_horizon: Ownership;
  exit_payout_mean: number;
  /**
   * The holder's parts of the classes' standard errors, summed: an upper bound on its own.
   */
  exit_payout_se_bound: number;
};

export type HolderRow = {
  stakeholder: StakeholderId;
  name: string;
  provenance: Provenance;
  holdings: Array<Holding>;
  /**
   * Options granted, not exercised or cancelled.
   */
  options: number;
  /**
   * Outstanding shares as converted to common.
   */
  outstanding: number;
  fully_diluted: number;
  outstanding_pct: string;
  fully_diluted_pct: string;
};

export type Holding = {
  class: ClassId;
  class_name: string;
  shares: number;
  as_converted: number;
};

export type ImportExportProgress = {
  /**
   * `csv`, `xlsx`, `pdf`, `ocf-export`, `ocf-import`, `csv-import`, `scenario-import`.
   */
  job: string;
  step: number;
  of: number;
  what: string;
};

/**
 * One investor's money in a round.
 */
export type InvestmentForm = {
  investor: string;
  amount: string;
};

/**
 * Shares issued to a holder: `roundbook issue`, the Record view's "Issue shares".
 */
export type IssueForm = {
  holder: string;
  class: string;
  shares: string;
  date: string;
  /**
   * Empty: no price stated (shares for services, a gift). Zero is a stated price of $0.
   */
  price_per_share: string;
  memo: string;
};

export type JournalLine = {
  /**
   * The entry in the user's words: "Issued 1,000 Common to Ada".
   */
  summary: string;
  reversed_by: EntryId | null;
  id: EntryId;
  /**
   * The date the movement takes effect in the cap table.
   */
  effective: string;
  /**
   * When it was written to the book (UTC).
   */
  recorded_at: string;
  memo: string | null;
  provenance: Provenance;
} & (
  | {
      kind: "stock-issuance";
      holder: StakeholderId;
      class: ClassId;
      shares: number;
      price_per_share: Money | null;
      round: RoundId | null;
    }
  | {
      kind: "option-grant";
      holder: StakeholderId;
      plan: PlanId;
      options: number;
      exercise_price: Money;
      expires: string | null;
    }
  | {
      kind: "exercise";
      grant: EntryId;
      options: number;
    }
  | {
      kind: "transfer";
      from: StakeholderId;
      to: StakeholderId;
      class: ClassId;
      shares: number;
      price_per_share: Money | null;
    }
  | {
      kind: "stock-cancellation";
      holder: StakeholderId;
      class: ClassId;
      shares: number;
    }
  | {
      kind: "option-cancellation";
      grant: EntryId;
      options: number;
    }
  | {
      kind: "repurchase";
      holder: StakeholderId;
      class: ClassId;
      shares: number;
      price_per_share: Money;
    }
  | {
      kind: "pool-increase";
      plan: PlanId;
      shares: number;
    }
  | {
      kind: "stock-conversion";
      holder: StakeholderId;
      from_class: ClassId;
      shares: number;
      to_class: ClassId;
      resulting_shares: number;
    }
  | {
      kind: "convertible-issuance";
      holder: StakeholderId;
      terms: ConvertibleTerms;
    }
  | {
      kind: "convertible-conversion";
      instrument: EntryId;
      class: ClassId;
      shares: number;
    }
  | {
      kind: "conversion-ratio-adjustment";
      class: ClassId;
      new_ratio: string;
      reason: string;
    }
  | {
      kind: "stock-split";
      class: ClassId;
      numerator: number;
      denominator: number;
      rounding: RoundingPolicy;
      converting_classes: Array<ClassId>;
    }
  | {
      kind: "authorized-shares-adjustment";
      class: ClassId;
      authorized: number;
    }
  | {
      kind: "reversal";
      reverses: EntryId;
      reason: string;
    }
);

/**
 * What a column holds, and so how it is written and formatted.
 */
export type Kind =
  | {
      kind: "text";
    }
  | {
      kind: "basis";
    }
  | {
      kind: "shares";
    }
  | {
      kind: "integer";
    }
  | {
      kind: "money";
      decimals: number;
    }
  | {
      kind: "percent";
    }
  | {
      kind: "date";
    }
  | {
      kind: "number";
    }
  | {
      kind: "estimate";
    };

export type LastRound = {
  name: string;
  date: string;
  amount_raised: Money;
  pre_money: Money;
  post_money: Money;
  price_per_share: Money;
  provenance: Provenance;
};

/**
 * A modelled round: every figure, and the pro forma cap table it leads to.
 */
export type ModelOutcome = {
  name: string;
  date: string;
  class: ClassId;
  rounding: RoundingPolicy;
  rounding_rule: string;
  /**
   * The value as the user stated it: a pre-money, a post-money or a price.
   */
  valuation: RoundValuation;
  pricing: PricingMethod;
  /**
   * Stated, or derived from a given price.
   */
  pre_money: Money;
  new_money: Money;
  post_money: Money;
  /**
   * Fully diluted shares before the round (F).
   */
  pre_round_fd_shares: number;
  /**
   * The value the price divides: the pre-money, plus the converting amounts by the
   * dollars-invested method; a given price times its denominator.
   */
  effective_pre_money: Money;
  /**
   * The shares it is divided by: F, the conversion shares by the percentage-ownership
   * method, the top-up when in the pre-money (whole when the policy says so).
   */
  price_denominator: string;
  exact_price: string;
  price_per_share: Money;
  pool: PoolTopUp | null;
  pool_available_before: number;
  pool_increase: number;
  pool_available_after: number;
  pool_available_after_pct: string;
  conversions: Array<ConversionLine>;
  new_money_lines: Array<NewMoneyLine>;
  grants: Array<SizedGrantLine>;
  new_shares: number;
  conversion_shares: number;
  post_money_fd_shares: number;
  implied_post_money: Money;
  dilution: Array<Dilution>;
  /**
   * Conversion price adjustments the round triggers in classes with anti-dilution
   * protection (a down round), recorded with it.
   */
  anti_dilution: Array<Adjustment>;
  /**
   * Whether the price counted the adjustment's shares.
   */
  anti_dilution_pricing: AntiDilutionPricing;
  /**
   * The other settings the round used: the class a conversion below the price was issued,
   * how pro rata rights were sized, what each kind of instrument's cap divided by.
   */
  conversion_class: ConversionClass;
  pro_rata_sizing: ProRataSizing;
  capitalisation: CapitalisationDefinitions;
  /**
   * Common-equivalent shares the adjustment added to post-money FD (in it).
   */
  anti_dilution_shares: number;
  pro_forma: CapTable;
};

/**
 * An exact amount of money. Serialised as `{"amount": "6000000000.00", "currency": "USD"}`
 * (the amount a decimal string, as OCF's Monetary type does).
 */
export type Money = {
  amount: string;
  currency: Currency;
};

export type MonthRow = {
  /**
   * The first day of the month.
   */
  month: string;
  /**
   * 1 for the cash month.
   */
  index: number;
  delivered: number;
  installed: number;
  /**
   * Facility power draw: installed x kW x PUE / 1000.
   */
  power_mw: string;
  gpu_capex: Money;
  /**
   * Infra (networking etc.) on this month's deliveries plus any facility capex.
   */
  infra_capex: Money;
  capex: Money;
  power: Money;
  depreciation: Money;
  accumulated_depreciation: Money;
  other_burn: Money;
  revenue: Money;
  /**
   * revenue - capex - power - other burn.
   */
  net_cash_flow: Money;
  opening_cash: Money;
  closing_cash: Money;
  /**
   * Capex + power since month 1 (compute spend, as docs/model.md step 6).
   */
  cumulative_spend: Money;
  /**
   * power + other burn - revenue.
   */
  net_burn: Money;
  runway: Runway;
};

/**
 * The "New book" form: every field a string, so a bad one is reported by name.
 */
export type NewBookForm = {
  name: string;
  founded: string;
  currency: string;
  jurisdiction: string;
};

export type NewMoneyLine = {
  investor: StakeholderId;
  name: string;
  amount: Money;
  /**
   * The share a pro rata right sized this amount on; none for a stated investment.
   */
  pro_rata_share?: string | null;
  shares: number;
  invested: Money;
  uninvested: Money;
};

/**
 * A convertible note: `roundbook note`.
 */
export type NoteForm = {
  holder: string;
  principal: string;
  /**
   * A yearly rate as a fraction: "0.05" for 5%.
   */
  interest_rate: string;
  compounding: Compounding;
  day_count: DayCount;
  date: string;
  maturity: string;
  valuation_cap: string;
  discount: string;
  memo: string;
};

/**
 * What a convertible note receives at an exit.
 */
export type NotesAtExit = "greater-of" | "repay" | "convert";

export type OcfImported = {
  book: string;
  stakeholders: number;
  classes: number;
  plans: number;
  valuations: number;
  transactions: number;
  entries: number;
  /**
   * One line per kind of fact the book does not keep, with how many.
   */
  not_kept: Array<string>;
};

/**
 * What an OCF import made: the new book, now open.
 */
export type OcfOpened = {
  imported: OcfImported;
  book: BookInfo;
};

/**
 * Cash and everything besides compute: the opening cash, other burn and revenue.
 */
export type OperatingAssumptions = {
  /**
   * Cash at the start of `cash_month`.
   */
  opening_cash: Money;
  /**
   * The first month of the projection (the first day of a month). None: the month of
   * the first delivery.
   */
  cash_month: string | null;
  /**
   * Other (non-compute) spend in the first month.
   */
  burn_per_month: Money;
  burn_growth_annual: string;
  /**
   * Revenue in the first month.
   */
  revenue_per_month: Money;
  revenue_growth_annual: string;
  provenance: Provenance;
  note: string | null;
};

export type OptionKind = "option" | "warrant";

export type OptionPayout = {
  holder: string;
  class: string;
  kind: OptionKind;
  count: number;
  strike: string;
  /**
   * Common-equivalent shares on exercise.
   */
  as_converted: number;
  exercised: boolean;
  /**
   * count x strike when exercised, else 0 (exact).
   */
  exercise_cost: Money;
  /**
   * What the shares exercised into receive (rounded), 0 when not exercised.
   */
  payout: Money;
  /**
   * payout - exercise_cost.
   */
  net: Money;
};

/**
 * A GPU order cancelled (the correction: the order stays recorded, the plan leaves it out).
 */
export type OrderCancellationForm = {
  /**
   * The order's number, with or without '#'.
   */
  order: string;
  reason: string;
};

export type Overview = {
  company: Company;
  as_of: string;
  last_round: LastRound | null;
  total_raised: Money;
  rounds: number;
  stakeholders: number;
  outstanding_shares: number;
  fully_diluted_shares: number;
  /**
   * Cash at the start of this month from the compute plan's projection; None without terms.
   */
  cash: Money | null;
  cash_month: string | null;
  runway: Runway | null;
  /**
   * True when any figure rests on illustrative data (the shipped example).
   */
  illustrative: boolean;
};

export type Ownership = {
  p5: number | null;
  p50: number | null;
  p95: number | null;
};

/**
 * What a preferred class receives beyond its preference.
 */
export type Participation =
  | {
      kind: "none";
    }
  | {
      kind: "full";
    }
  | {
      kind: "capped";
      cap_multiple: string;
    };

/**
 * How a preferred class shares in what is left after the preferences.
 */
export type ParticipationChoice = "none" | "full" | "capped";

export type People = {
  stakeholders: Array<Stakeholder>;
  classes: Array<ShareClass>;
  plans: Array<EquityPlan>;
};

/**
 * An equity plan and its first reserve: `roundbook plan add`.
 */
export type PlanForm = {
  name: string;
  class: string;
  date: string;
  reserved: string;
};

export type PlanId = number;

export type PlanRow = {
  plan: PlanId;
  name: string;
  class: ClassId;
  reserved: number;
  granted_outstanding: number;
  exercised: number;
  /**
   * Options of grants past their expiry date, not exercised or cancelled: back in the pool.
   */
  expired: number;
  available: number;
  available_pct: string;
};

/**
 * More shares reserved in an equity plan: `roundbook pool increase`.
 */
export type PoolIncreaseForm = {
  plan: string;
  shares: string;
  date: string;
  memo: string;
};

/**
 * How a pool top-up is sized: the two ways term sheets and SAFE examples state it.
 */
export type PoolSize =
  | {
      target: string;
    }
  | {
      shares: number;
    };

/**
 * Whose shares the option pool top-up dilutes.
 */
export type PoolTiming = "pre-money" | "post-money";

/**
 * The round's option pool top-up: into which plan, how big, and whose shares it dilutes.
 */
export type PoolTopUp = {
  /**
   * The plan that receives the top-up.
   */
  plan: PlanId;
  size: PoolSize;
  timing: PoolTiming;
};

/**
 * Power: installed GPUs x kW per GPU (all-in IT load) x PUE x hours x $/kWh.
 */
export type PowerTerms = {
  kw_per_gpu: string;
  pue: string;
  usd_per_kwh: string;
  hours_per_month: string;
  provenance: Provenance;
  note: string | null;
};

/**
 * What a preferred class's liquidation preference multiplies.
 */
export type PreferenceBasis = "issue-price" | "invested";

/**
 * The whole preview: the seed the draws used, and one entry per distribution field.
 */
export type Preview = {
  seed: number;
  fields: Array<FieldPreview>;
};

export type PreviewError = {
  path: string;
  message: string;
};

/**
 * How a price is brought to a fixed number of decimals.
 */
export type PriceDirection = "up" | "down" | "half-up" | "half-even";

/**
 * Decimals and a direction for one kind of price.
 */
export type PriceRule = {
  decimals: number;
  direction: PriceDirection;
};

/**
 * A priced round as its term sheet states it: `roundbook round record`.
 */
export type PricedRoundForm = {
  name: string;
  date: string;
  class: string;
  class_choice: ClassChoice;
  /**
   * Empty when the price is given: then it is price x the fully diluted shares.
   */
  pre_money: string;
  /**
   * The post-money the documents state, checked against the computed one.
   */
  post_money: string;
  /**
   * The term sheet's price per share: beside a pre-money, checked against the price it
   * gives; alone, the round's price.
   */
  price: string;
  investments: Array<InvestmentForm>;
  lead: string;
  rounding: RoundingForm;
  note: string;
};

/**
 * What a priced round comes to; every figure a user would check.
 */
export type PricedRoundOutcome = {
  round: RoundId;
  name: string;
  date: string;
  class: ClassId;
  rounding: RoundingPolicy;
  rounding_rule: string;
  pre_money: Money;
  pre_money_fd_shares: number;
  /**
   * pre-money / pre-money FD shares, before rounding (to 28 significant digits).
   */
  exact_price: string;
  price_per_share: Money;
  allocations: Array<Allocation>;
  amount_raised: Money;
  post_money: Money;
  new_shares: number;
  post_money_fd_shares: number;
  /**
   * amount raised / post-money, in percent: the ownership the terms promise.
   */
  target_new_ownership_pct: string;
  /**
   * new shares / post-money FD shares, in percent: what the rounded shares give.
   */
  new_ownership_pct: string;
  /**
   * price x post-money FD shares.
   */
  implied_post_money: Money;
  uninvested: Money;
  /**
   * Whether rounding changed anything (price, shares or ownership).
   */
  rounding_bites: boolean;
  /**
   * Conversion price adjustments the round triggered (a down round), recorded with it.
   */
  anti_dilution: Array<Adjustment>;
};

/**
 * How SAFEs and notes converting in the round enter its price: the three methods Cooley GO
 * describes ("Calculating Share Price With Outstanding Convertible Notes or Safes").
 */
export type PricingMethod = "percentage-ownership" | "pre-money" | "dollars-invested";

/**
 * How pro rata rights are sized against the round the documents state.
 */
export type ProRataSizing = "on-top" | "carved-out";

export type Progress = {
  done: number;
  paths: number;
};

export type Projection = {
  /**
   * Month 1: the month of the opening cash.
   */
  cash_month: string;
  /**
   * The first month shown.
   */
  from: string;
  months: number;
  /**
   * Cash at the start of `from`.
   */
  opening_cash: Money;
  closing_cash: Money;
  rows: Array<MonthRow>;
  /**
   * Sums over the months shown.
   */
  totals: ProjectionTotals;
};

export type ProjectionTotals = {
  gpu_capex: Money;
  infra_capex: Money;
  capex: Money;
  power: Money;
  depreciation: Money;
  other_burn: Money;
  revenue: Money;
  net_cash_flow: Money;
};

/**
 * Where a recorded fact comes from. The shipped example mixes public facts
 * with illustrative figures, and every view labels which is which.
 */
export type Provenance = "recorded" | "public" | "illustrative";

/**
 * An order as recorded, with its number.
 */
export type RecordedOrder = {
  id: GpuOrderId;
  model: string;
  vendor: string;
  quantity: number;
  unit_price: Money;
  /**
   * The order date.
   */
  ordered: string;
  /**
   * The delivery schedule, in month order; the quantities sum to `quantity`.
   */
  deliveries: Array<Delivery>;
  /**
   * Use of proceeds: the round whose money pays for this order.
   */
  round: RoundId | null;
  provenance: Provenance;
  note: string | null;
};

/**
 * A recorded round, with the SAFEs and notes it left outstanding.
 */
export type RecordedRound = {
  round: PricedRoundOutcome;
  unconverted_instruments: Array<ConvertibleRow>;
};

/**
 * The terms recorded, and which groups changed.
 */
export type RecordedTerms = {
  recorded: Array<string>;
  terms: Terms;
};

export type Relationship = "founder" | "employee" | "investor" | "advisor" | "board";

/**
 * Shares bought back by the company: `roundbook repurchase`.
 */
export type RepurchaseForm = {
  holder: string;
  class: string;
  shares: string;
  price_per_share: string;
  date: string;
  memo: string;
};

export type Reversed = {
  reversal: EntryId;
  reverses: EntryId;
};

export type RoundDetail = {
  round: RoundRow;
  /**
   * The read model's investors table: the round's standing issuances.
   */
  investors: TableView;
};

/**
 * A round modelled with the option pool shuffle and the SAFE and note conversions solved
 * exactly: `roundbook round model [--commit]`, the app's "Model a round".
 */
export type RoundForm = {
  name: string;
  date: string;
  class: string;
  class_choice: ClassChoice;
  /**
   * One of pre_money and post_money, or the price alone (the pre-money derived), or the
   * price beside one of them (checked against the price it gives).
   */
  pre_money: string;
  post_money: string;
  price: string;
  /**
   * How converting SAFEs and notes enter the price.
   */
  pricing: PricingMethod;
  investments: Array<InvestmentForm>;
  lead: string;
  /**
   * Holders taking up their pro rata right, by name.
   */
  pro_rata: Array<string>;
  /**
   * SAFE holders taking up a pro rata side letter, by name (on their as-converted share).
   */
  safe_pro_rata: Array<string>;
  /**
   * Pro rata amounts on top of the stated investments, or carved out of them.
   */
  pro_rata_sizing: ProRataSizing;
  /**
   * Options available after the round as a fraction of post-money fully diluted ("0.10");
   * empty: no target.
   */
  pool_target: string;
  /**
   * Or a given number of new shares reserved in the pool ("1695000"); empty: none. At most
   * one of `pool_target` and `pool_shares`.
   */
  pool_shares: string;
  pool_plan: string;
  pool_timing: PoolTiming;
  /**
   * Options or shares granted in the round, each sized to a fraction of post-money FD.
   */
  grants: Array<SizedGrantForm>;
  convert: ConvertChoice;
  /**
   * A conversion below the round's price: into the round's class or a shadow series.
   */
  conversion_class: ConversionClass;
  /**
   * Whether a down round's anti-dilution shares are in the price's denominator.
   */
  anti_dilution_pricing: AntiDilutionPricing;
  /**
   * Journal entry numbers of the SAFEs and notes to convert, when `convert` is `only`.
   */
  convert_entries: Array<string>;
  rounding: RoundingForm;
  note: string;
};

export type RoundId = number;

/**
 * The round beside the cap table it changes: the read model's cap table by holder, fully
 * diluted, on the round's date before and after it.
 */
export type RoundPreview = {
  outcome: ModelOutcome;
  as_of: string;
  before: TableView;
  after: TableView;
};

export type RoundRow = {
  class_name: string;
  lead_name: string | null;
  id: RoundId;
  name: string;
  date: string;
  class: ClassId;
  pre_money: Money;
  amount_raised: Money;
  post_money: Money;
  /**
   * The price per share after rounding: what each investor paid.
   */
  price_per_share: Money;
  /**
   * Fully diluted shares just before the round (the price's denominator).
   */
  pre_money_fd_shares: number;
  lead: StakeholderId | null;
  rounding: RoundingPolicy;
  /**
   * The basis of the terms: pre-money, amount raised, post-money, date.
   */
  provenance: Provenance;
  /**
   * The basis of the price per share, the share counts, the lead and each investor's
   * amount. The shipped example's terms are public and these are not.
   */
  price_provenance: Provenance;
  note: string | null;
};

/**
 * How the user states the round's value.
 */
export type RoundValuation =
  | {
      kind: "pre-money";
      amount: Money;
    }
  | {
      kind: "post-money";
      amount: Money;
    }
  | {
      kind: "price";
      amount: Money;
    };

/**
 * Rounding choices laid over a policy; empty fields keep the policy's own.
 */
export type RoundingForm = {
  /**
   * Decimals kept in a price per share, 0 to 10.
   */
  price_decimals: string;
  price_rounding: PriceDirection | null;
  share_rounding: ShareRounding | null;
  /**
   * How the shares a SAFE or note converts into are rounded (floor by default).
   */
  conversion_rounding: ShareRounding | null;
  /**
   * Whether a share count a price divides by is made whole first (exact by default; YC's
   * post-money SAFE user guide floors its Company Capitalization).
   */
  capitalisation_rounding: CapitalisationRounding | null;
  /**
   * How a pool top-up solved to a target is rounded (ceiling by default, so the target is met).
   */
  pool_rounding: ShareRounding | null;
  /**
   * A SAFE's or note's cap price, rounded apart from the round's price: decimals and
   * direction (either alone takes the other from the price's rule); both empty: as the price.
   */
  cap_price_decimals: string;
  cap_price_rounding: PriceDirection | null;
  /**
   * A SAFE's or note's discount price, likewise.
   */
  discount_price_decimals: string;
  discount_price_rounding: PriceDirection | null;
};

export type RoundingPolicy = {
  /**
   * Decimals kept in a price per share (0..=10; OCF Numeric holds 10).
   */
  price_decimals: number;
  price_direction: PriceDirection;
  /**
   * Shares bought for cash in a round.
   */
  shares: ShareRounding;
  /**
   * Shares that come from a conversion (preferred to common, SAFEs, notes).
   */
  conversion: ShareRounding;
  /**
   * Decimals kept in an amount of cash a computation produces (shares x price),
   * rounded half-up: 2, cents, as a purchase agreement states a purchase price.
   */
  cash_decimals: number;
  /**
   * An option pool top-up sized to a target: ceiling by default, so the target is met.
   */
  pool: ShareRounding;
  /**
   * A SAFE's or note's cap price (the cap over its capitalisation), when a document rounds
   * it apart from the round's price; none: as the round's price (`price_decimals`,
   * `price_direction`).
   */
  cap_price?: PriceRule | null;
  /**
   * A SAFE's or note's discount price (the round's price less the discount), likewise.
   */
  discount_price?: PriceRule | null;
  /**
   * A share count a price divides by (the round price's denominator, a SAFE's "Company
   * Capitalization") brought to whole shares before the division, as YC's post-money SAFE
   * user guide does (11,764,705.88 is used as 11,764,705); none: exact (the default).
   */
  capitalisation?: ShareRounding | null;
};

export type RunRequest = {
  /**
   * The scenario file's text (TOML), as edited in the view.
   */
  scenario: string;
  /**
   * Overrides the scenario's path count and seed when given.
   */
  paths: number | null;
  seed: number | null;
  backend: Backend | null;
};

export type RunResult = {
  /**
   * The run's id in the book.
   */
  id: number;
  backend: string;
  /**
   * Why the backend is the one used (auto falls back to the CPU in this build).
   */
  backend_note: string | null;
  paths: number;
  seed: number;
  horizon_months: number;
  seconds: number;
  /**
   * The scenario's own classes, or the book's on the start date.
   */
  capitalisation: CapitalisationSource;
  class_names: Array<string>;
  /**
   * The names of `summary.finals`, in order.
   */
  final_names: Array<string>;
  input_names: Array<string>;
  /**
   * Each holder of the book at the horizon (empty when the scenario lists its own classes).
   */
  holders: Array<HolderResult>;
  summary: Summary;
};

export type Runway =
  | {
      kind: "months";
      months: string;
    }
  | {
      kind: "cash-positive";
    }
  | {
      kind: "out-of-cash";
    };

/**
 * A SAFE: `roundbook safe`, "Record a SAFE". Y Combinator's post-money SAFE is the default.
 */
export type SafeForm = {
  holder: string;
  /**
   * The purchase amount.
   */
  investment: string;
  date: string;
  valuation_cap: string;
  /**
   * A fraction off the round's price: "0.20" for 20%.
   */
  discount: string;
  timing: SafeTiming;
  mfn: boolean;
  memo: string;
};

export type SafeTiming = "pre-money" | "post-money";

export type ScenarioImported = {
  /**
   * The name it is kept under.
   */
  name: string;
  scenario_sha256: string;
  /**
   * False when the book already held this exact text (under any name).
   */
  new_text: boolean;
};

export type Sensitivity = {
  input: string;
  /**
   * Against: exit value, new money raised, rounds, failed (0/1).
   */
  exit_value: number | null;
  new_money: number | null;
  rounds: number | null;
  failed: number | null;
};

export type ShareClass = {
  id: ClassId;
  name: string;
  kind: ClassKind;
  /**
   * Price paid per share when the class was first issued.
   */
  original_issue_price: Money | null;
  /**
   * Liquidation preference as a multiple of the original issue price (0 for common).
   */
  preference_multiple: string;
  participation: Participation;
  /**
   * Higher is paid first; equal seniority is paid pari passu (OCF's order).
   */
  seniority: number;
  /**
   * Common shares per share of this class on conversion (1 for common).
   */
  conversion_ratio: string;
  anti_dilution: AntiDilution;
  /**
   * The charter's limit; None where the charter sets none.
   */
  authorized: number | null;
  provenance: Provenance;
};

/**
 * How a fractional share count becomes a whole one.
 */
export type ShareRounding = "floor" | "ceiling" | "nearest";

/**
 * A grant sized to a fraction of post-money fully diluted shares, solved with the round.
 */
export type SizedGrantForm = {
  holder: string;
  /**
   * Of post-money FD: "0.01" for 1%.
   */
  target: string;
  kind: GrantChoice;
  /**
   * Options: the plan they come out of, and their exercise price.
   */
  plan: string;
  strike: string;
  /**
   * Shares: their class.
   */
  class: string;
};

/**
 * What a sized grant is.
 */
export type SizedGrantKind =
  | {
      kind: "options";
      plan: PlanId;
      exercise_price: Money;
    }
  | {
      kind: "shares";
      class: ClassId;
    };

/**
 * A sized grant as the round made it.
 */
export type SizedGrantLine = {
  holder: StakeholderId;
  name: string;
  target: string;
  kind: SizedGrantKind;
  /**
   * In words: "options from 2020 Plan at USD 0.10", "shares of Common".
   */
  granted_as: string;
  /**
   * target x post-money FD, rounded by the policy's `shares` rule.
   */
  shares: number;
  /**
   * Of post-money fully diluted shares, as recorded.
   */
  pct_after: string;
};

/**
 * A stock split of one class: `roundbook split`, "Stock split".
 */
export type SplitForm = {
  class: string;
  date: string;
  /**
   * As a board resolution writes it: "2:1", "1:10", "3-for-2".
   */
  ratio: string;
  memo: string;
};

export type Stakeholder = {
  id: StakeholderId;
  name: string;
  kind: StakeholderKind;
  relationships: Array<Relationship>;
  provenance: Provenance;
  note: string | null;
};

/**
 * A person or an institution: `roundbook stakeholder add`, "Add a stakeholder".
 */
export type StakeholderForm = {
  name: string;
  kind: StakeholderKind;
  /**
   * Each one of founder, employee, investor, advisor, board.
   */
  relationships: Array<string>;
  note: string;
};

export type StakeholderId = number;

export type StakeholderKind = "individual" | "institution";

export type Summary = {
  paths: number;
  /**
   * fans[measure][month - 1]
   */
  fans: Array<Array<Fan>>;
  alive_fraction: Array<number>;
  p_fail: number;
  unpriceable: number;
  /**
   * Mean exit payout per class over all paths (a failed path pays 0), and its standard error.
   */
  payout_mean: Array<number>;
  payout_se: Array<number>;
  /**
   * P(at least one raise within 6, 12, 24 months).
   */
  p_raise_within: [number, number, number];
  /**
   * At the horizon, over all paths (a failed path pays 0): exit value, new money, rounds, total
   * spend, then each class's payout (`final_names` gives the order).
   */
  finals: Array<Fan>;
  /**
   * The distribution of the first raise's month: the fraction of all paths whose first raise
   * was in month m (index m - 1); paths that never raise are the rest.
   */
  first_raise_month: Array<number>;
  mean_rounds: number;
  pert_exhausted: number;
  /**
   * Mean exit value over all paths (0 for a failed path), and its standard error.
   */
  exit_value_mean: number;
  exit_value_se: number;
  new_money_mean: number;
  /**
   * The headline statistics after 10%, 25%, 50% and 100% of the paths (in path order).
   */
  convergence: Array<Convergence>;
  /**
   * Spearman rank correlation of each static input with each headline output, over the
   * first `SENSITIVITY_PATHS` paths (None where an input or output does not vary).
   */
  sensitivity: Array<Sensitivity>;
};

/**
 * A table with a name (the CSV file's and the sheet's), columns and rows.
 */
export type Table = {
  /**
   * Short and stable: the CLI's table name and the workbook's sheet name.
   */
  name: string;
  /**
   * The currency of its money columns, where the renderer shows one ("$1,000.00").
   */
  currency: string | null;
  /**
   * The date its figures stand on, where they depend on one (a cap table, the plans).
   */
  as_of: string | null;
  columns: Array<Column>;
  rows: Array<Array<Cell>>;
};

/**
 * The tables a CSV can hold, in the user's words (`roundbook export csv TABLE`).
 */
export type TableChoice =
  | "captable"
  | "holdings"
  | "convertibles"
  | "journal"
  | "rounds"
  | "participations"
  | "stakeholders"
  | "classes"
  | "plans"
  | "gpu-orders"
  | "use-of-proceeds"
  | "compute"
  | "simulation-runs"
  | "simulation-fans";

/**
 * "Export CSV": the table, its date and grouping as the view shows them.
 */
export type TableForm = {
  table: TableChoice;
  /**
   * YYYY-MM-DD; empty for today (the journal: every entry).
   */
  as_of: string;
  by: CapTableBy;
  /**
   * What the cap table counts; fully diluted by default.
   */
  shares: CapTableShares;
  /**
   * The compute projection's months; empty for 36.
   */
  months: string;
};

export type TableRows = {
  table: string;
  rows: number;
};

/**
 * A table as a reader's surface receives it (the app's page, `--json`): the table, and its
 * totals row as the table computes it from its rows.
 */
export type TableView = {
  totals: Array<Cell> | null;
  /**
   * Short and stable: the CLI's table name and the workbook's sheet name.
   */
  name: string;
  /**
   * The currency of its money columns, where the renderer shows one ("$1,000.00").
   */
  currency: string | null;
  /**
   * The date its figures stand on, where they depend on one (a cap table, the plans).
   */
  as_of: string | null;
  columns: Array<Column>;
  rows: Array<Array<Cell>>;
};

/**
 * Every assumption of the plan besides the orders. Each group is recorded on its own;
 * the latest recorded value of a group is in force.
 */
export type Terms = {
  facility: Facility;
  power: PowerTerms;
  depreciation: DepreciationTerms;
  operating: OperatingAssumptions;
};

/**
 * How the totals row treats a column.
 */
export type Total = "blank" | "sum";

export type Totals = {
  outstanding: number;
  options: number;
  pool_available: number;
  fully_diluted: number;
};

/**
 * Shares moved from one holder to another: `roundbook transfer`, "Transfer shares".
 */
export type TransferForm = {
  from: string;
  to: string;
  class: string;
  shares: string;
  date: string;
  price_per_share: string;
  memo: string;
};

/**
 * A 409A valuation of a class's shares: `roundbook valuation add`.
 */
export type ValuationForm = {
  class: string;
  price_per_share: string;
  date: string;
  provider: string;
};

export type WaterfallOutcome = {
  currency: Currency;
  exit_value: Money;
  transaction_costs: Money;
  debt: Money;
  /**
   * max(0, exit value - transaction costs - debt), exact.
   */
  net_proceeds: Money;
  /**
   * The strikes of the exercised options and warrants, exact.
   */
  exercise_proceeds: Money;
  /**
   * The sum of the rounded payouts: net proceeds + exercise proceeds (rounded half-up to
   * `cash_decimals` only if that sum has more decimals).
   */
  total_distributed: Money;
  /**
   * The preferences of all classes, and the claims of all SAFEs and notes, that did not
   * convert (rounded half-up to cents).
   */
  preferences_outstanding: Money;
  /**
   * The common price `q`: value per common-equivalent share in the common pool, rounded as
   * the policy rounds prices. 0 while preferences are not paid in full.
   */
  common_price_per_share: string;
  /**
   * The same, exact to 28 significant digits (truncated).
   */
  common_price_per_share_exact: string;
  classes: Array<ClassPayout>;
  holders: Array<HolderPayout>;
  /**
   * Every option and warrant grant, exercised or not, in input order.
   */
  options: Array<OptionPayout>;
  /**
   * Every SAFE and note paid at the exit, in input order.
   */
  convertibles: Array<ConvertiblePayout>;
  /**
   * The exit's named settings.
   */
  conventions: ExitConventions;
  rounding: RoundingPolicy;
};
