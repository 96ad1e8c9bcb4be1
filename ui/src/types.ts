// The shapes the commands return (src-tauri/src/views.rs, actions.rs, scenarios.rs). Money is
// {amount, currency} with the amount an exact decimal string: never parsed into a number for
// anything but drawing.

export interface Money {
  amount: string;
  currency: string;
}

export type Provenance = "recorded" | "public" | "illustrative";

export interface BookInfo {
  path: string;
  file_name: string;
  company: string;
  title: string;
}

export interface Company {
  name: string;
  legal_name: string;
  founded: string;
  currency: string;
  jurisdiction: string;
}

export type Runway =
  | { kind: "months"; months: string }
  | { kind: "cash-positive" }
  | { kind: "out-of-cash" };

export interface Overview {
  company: Company;
  as_of: string;
  last_round: null | {
    name: string;
    date: string;
    amount_raised: Money;
    pre_money: Money;
    post_money: Money;
    price_per_share: Money;
    provenance: Provenance;
  };
  total_raised: Money;
  rounds: number;
  stakeholders: number;
  outstanding_shares: number;
  fully_diluted_shares: number;
  cash: Money | null;
  cash_month: string | null;
  runway: Runway | null;
  illustrative: boolean;
}

export interface Stakeholder {
  id: number;
  name: string;
  kind: "individual" | "institution";
  relationships: string[];
  provenance: Provenance;
  note: string | null;
}

export interface ShareClass {
  id: number;
  name: string;
  kind: string;
  original_issue_price: Money | null;
  preference_multiple: string;
  seniority: number;
  conversion_ratio: string;
  authorized: number | null;
  provenance: Provenance;
}

export interface EquityPlan {
  id: number;
  name: string;
  class: number;
}

export interface People {
  stakeholders: Stakeholder[];
  classes: ShareClass[];
  plans: EquityPlan[];
}

export interface RoundRow {
  id: number;
  name: string;
  date: string;
  class: number;
  class_name: string;
  lead_name: string | null;
  pre_money: Money;
  amount_raised: Money;
  post_money: Money;
  price_per_share: Money;
  pre_money_fd_shares: number;
  provenance: Provenance;
  price_provenance: Provenance;
  note: string | null;
}

export interface Participation {
  entry: number;
  investor: string;
  shares: number;
  price_per_share: Money | null;
  invested: Money | null;
  reversed_by: number | null;
  provenance: Provenance;
}

export interface RoundDetail {
  round: RoundRow;
  participations: Participation[];
}

export interface Holding {
  class: number;
  class_name: string;
  shares: number;
  as_converted: number;
}

export interface HolderRow {
  stakeholder: number;
  name: string;
  provenance: Provenance;
  holdings: Holding[];
  options: number;
  outstanding: number;
  fully_diluted: number;
  outstanding_pct: string;
  fully_diluted_pct: string;
}

export interface ClassRow {
  class: number;
  name: string;
  kind: string;
  authorized: number | null;
  shares: number;
  as_converted: number;
  options: number;
  pool_available: number;
  fully_diluted: number;
  outstanding_pct: string;
  fully_diluted_pct: string;
}

export interface CapTable {
  as_of: string;
  holders: HolderRow[];
  classes: ClassRow[];
  plans: { plan: number; name: string; available: number; available_pct: string }[];
  convertibles: { instrument: number; name: string; kind: string; amount: Money }[];
  totals: { outstanding: number; options: number; pool_available: number; fully_diluted: number };
}

export interface CapTableView {
  company: string;
  cap_table: CapTable;
}

/** A journal entry as recorded (the ledger's Entry): the movement's own fields sit beside these,
 * named by `kind` ("stock-issuance", "option-grant", "transfer", "convertible-issuance",
 * "stock-split"). */
export interface RecordedEntry {
  id: number;
  effective: string;
  recorded_at: string;
  kind: string;
  memo: string | null;
  provenance: Provenance;
  [movementField: string]: unknown;
}

export interface JournalLine {
  id: number;
  effective: string;
  recorded_at: string;
  kind: string;
  summary: string;
  memo: string | null;
  provenance: Provenance;
  reversed_by: number | null;
}

export interface MonthRow {
  month: string;
  delivered: number;
  installed: number;
  power_mw: string;
  capex: Money;
  power: Money;
  other_burn: Money;
  revenue: Money;
  net_cash_flow: Money;
  closing_cash: Money;
  cumulative_spend: Money;
  runway: Runway;
}

export interface GpuOrder {
  id: number;
  model: string;
  vendor: string;
  quantity: number;
  unit_price: Money;
  ordered: string;
  deliveries: { month: string; quantity: number }[];
  provenance: Provenance;
}

export interface ComputeView {
  orders: GpuOrder[];
  projection: null | {
    from: string;
    months: number;
    opening_cash: Money;
    closing_cash: Money;
    rows: MonthRow[];
  };
  use_of_proceeds: { name: string; raised: Money }[];
}

export interface ClassPayout {
  name: string;
  decision: string;
  shares: number;
  preference_paid: Money;
  participation_paid: Money;
  total: Money;
  per_share: string;
}

export interface HolderPayout {
  holder: string;
  total: Money;
  exercise_cost: Money;
}

export interface WaterfallOutcome {
  exit_value: Money;
  net_proceeds: Money;
  total_distributed: Money;
  common_price_per_share: string;
  classes: ClassPayout[];
  holders: HolderPayout[];
}

export interface Breakpoint {
  exit_value: Money;
  class: string;
  holder: string | null;
  event: string;
  description: string;
}

export interface ExitView {
  as_of: string;
  outcome: WaterfallOutcome;
  breakpoints: Breakpoint[];
  curve: WaterfallOutcome[];
  left_out_instruments: unknown[];
}

export interface ModelOutcome {
  name: string;
  date: string;
  pre_money: Money;
  new_money: Money;
  post_money: Money;
  price_per_share: Money;
  new_shares: number;
  pool_increase: number;
  post_money_fd_shares: number;
  pre_round_fd_shares: number;
}

export interface RoundPreview {
  outcome: ModelOutcome;
  before: CapTable;
  after: CapTable;
}

export interface Fan {
  alive: number;
  mean: number;
  se: number;
  percentiles: [number, number, number, number, number];
  bin_error: number;
}

export interface Summary {
  paths: number;
  fans: Fan[][];
  p_fail: number;
  p_raise_within: [number, number, number];
  finals: Fan[];
  first_raise_month: number[];
  mean_rounds: number;
  exit_value_mean: number;
  exit_value_se: number;
  payout_mean: number[];
  sensitivity: {
    input: string;
    exit_value: number | null;
    new_money: number | null;
    rounds: number | null;
    failed: number | null;
  }[];
  convergence: { paths: number; p_fail: number; exit_value_mean: number }[];
}

export interface RunResult {
  id: number;
  backend: string;
  backend_note: string | null;
  paths: number;
  seed: number;
  horizon_months: number;
  seconds: number;
  /** The scenario's own classes, or the book's on the start date. */
  capitalisation: { from: "scenario" } | { from: "book"; as_of: string };
  class_names: string[];
  final_names: string[];
  /** Each holder of the book at the horizon; empty when the scenario lists its own classes. */
  holders: HolderResult[];
  summary: Summary;
}

export interface HolderResult {
  holder: string;
  fully_diluted_shares: number;
  /** Ownership of fully diluted shares at the horizon; null where no path survives. */
  ownership_at_horizon: { p5: number | null; p50: number | null; p95: number | null };
  exit_payout_mean: number;
  exit_payout_se_bound: number;
  exit_payout_percentiles: [number, number, number, number, number] | null;
}

export interface StoredRun {
  id: number;
  seed: number;
  paths: number;
  horizon_months: number;
  backend: string;
  seconds: number;
  recorded_at: string;
}
