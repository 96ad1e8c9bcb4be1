//! The command line, as clap sees it. Values stay strings here; the ledger
//! parses them so that every error names the field.

pub mod compute;
pub mod files;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use roundbook_application::tables::{CapTableBy, CapTableShares};

#[derive(Parser)]
#[command(
    name = "roundbook",
    version,
    about = "Roundbook: the fundraising and cap table ledger, from the shell."
)]
pub struct Cli {
    /// The book file (one SQLite file per company).
    #[arg(long, global = true, env = "ROUNDBOOK_BOOK", value_name = "PATH")]
    pub book: Option<PathBuf>,
    /// Print JSON instead of tables (read commands; errors go to stderr as JSON).
    #[arg(long, global = true)]
    pub json: bool,
    /// How long a write waits for another program writing to the same book, in seconds.
    #[arg(
        long,
        global = true,
        env = "ROUNDBOOK_WAIT",
        value_name = "SECONDS",
        default_value = "60",
        value_parser = clap::value_parser!(u64).range(0..=86_400)
    )]
    pub wait: u64,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new, empty book.
    Init(InitArgs),
    /// Create the shipped example book: xAI's Series B (public facts, illustrative figures labelled).
    Demo,
    /// People and institutions that hold or may hold equity.
    #[command(subcommand)]
    Stakeholder(StakeholderCmd),
    /// Share classes.
    #[command(subcommand)]
    Class(ClassCmd),
    /// Equity plans (option pools).
    #[command(subcommand)]
    Plan(PlanCmd),
    /// Option pool changes.
    #[command(subcommand)]
    Pool(PoolCmd),
    /// Funding rounds.
    #[command(subcommand)]
    Round(RoundCmd),
    /// Issue shares (one holder, or a batch from a CSV file in one transaction).
    Issue(IssueArgs),
    /// Grant options from an equity plan.
    Grant(GrantArgs),
    /// Transfer shares between holders.
    Transfer(TransferArgs),
    /// Cancel shares, or unexercised options of a grant (which return to the pool).
    Cancel(CancelArgs),
    /// Exercise options of a grant into shares.
    Exercise(ExerciseArgs),
    /// The company buys back shares.
    Repurchase(RepurchaseArgs),
    /// Convert shares of one class into another (e.g. preferred to common).
    Convert(ConvertArgs),
    /// Record a SAFE with its terms.
    Safe(SafeArgs),
    /// Record a convertible note with its terms.
    Note(NoteArgs),
    /// 409A valuations and round marks.
    #[command(subcommand)]
    Valuation(ValuationCmd),
    /// Split a class's shares (2:1) or combine them (1:10): every holding, grant, pool,
    /// exercise price, issue price and conversion ratio into it, from a date.
    Split(SplitArgs),
    /// Reverse a journal entry (the correction for a mistake; nothing is ever deleted).
    Reverse(ReverseArgs),
    /// The cap table as of a date.
    Captable(CaptableArgs),
    /// The append-only journal.
    Journal(JournalArgs),
    /// Book settings: the default rounding policy (docs/rounding.md).
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// The exit waterfall on the book: who is paid what at an exit value, or over a range.
    Waterfall(WaterfallArgs),
    /// Run a Monte Carlo scenario (docs/model.md) on the CPU: fans, probabilities, exit payouts.
    /// Ctrl-C stops it within a chunk of paths and writes nothing.
    Simulate(SimulateArgs),
    /// The Monte Carlo runs stored in the book.
    Runs,
    /// Compute a self-contained deal from a JSON file (or - for standard input): the cap table,
    /// a modelled round, exit waterfalls. No book is read or written. See docs/calc.md.
    Calc {
        /// The deal file, or - for standard input.
        file: String,
    },
    /// The compute plan: GPU orders, power, depreciation, use of proceeds, and the monthly
    /// projection of capex, cash and runway (docs/compute.md).
    #[command(subcommand)]
    Compute(compute::ComputeCmd),
    /// Check the book file: SQLite's integrity check and a replay of the whole journal.
    Check,
    /// Tables out of the book: one as CSV, or all as an XLSX workbook (docs/import-export.md).
    #[command(subcommand)]
    Export(files::ExportCmd),
    /// Into the book: a cap table CSV, or a scenario file kept under a name (docs/import-export.md).
    #[command(subcommand)]
    Import(files::ImportCmd),
    /// Benchmarks (not tests): time the cap table on a large generated book.
    Bench(BenchArgs),
}

#[derive(Args)]
pub struct InitArgs {
    /// The company's name as people say it.
    #[arg(long)]
    pub name: String,
    /// The legal name (defaults to the name).
    #[arg(long)]
    pub legal_name: Option<String>,
    /// Founding date (YYYY-MM-DD); nothing may be dated before it.
    #[arg(long)]
    pub founded: String,
    #[arg(long, default_value = "USD")]
    pub currency: String,
    #[arg(long, default_value = "")]
    pub jurisdiction: String,
}

#[derive(Subcommand)]
pub enum StakeholderCmd {
    Add(StakeholderAddArgs),
    List,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Individual,
    Institution,
}

#[derive(Args)]
pub struct StakeholderAddArgs {
    pub name: String,
    #[arg(long, value_enum, default_value = "individual")]
    pub kind: KindArg,
    /// Comma-separated: founder, employee, investor, advisor, board.
    #[arg(long, default_value = "")]
    pub role: String,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand)]
pub enum ClassCmd {
    Add(ClassAddArgs),
    List,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ClassKindArg {
    Common,
    Preferred,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ParticipationArg {
    None,
    Full,
    Capped,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AntiDilutionArg {
    None,
    BroadBased,
    NarrowBased,
    FullRatchet,
}

#[derive(Args)]
pub struct ClassAddArgs {
    pub name: String,
    #[arg(long, value_enum)]
    pub kind: ClassKindArg,
    /// Original issue price per share.
    #[arg(long = "original-issue-price", visible_alias = "oip")]
    pub oip: Option<String>,
    /// Liquidation preference multiple (preferred; default 1).
    #[arg(long)]
    pub preference_multiple: Option<String>,
    #[arg(long, value_enum, default_value = "none")]
    pub participation: ParticipationArg,
    /// With --participation capped: total return cap as a multiple of the OIP.
    #[arg(long)]
    pub cap_multiple: Option<String>,
    /// Higher is paid first; equal is pari passu.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub seniority: i32,
    #[arg(long, default_value = "1")]
    pub conversion_ratio: String,
    #[arg(long, value_enum, default_value = "none")]
    pub anti_dilution: AntiDilutionArg,
    /// Authorised shares under the charter.
    #[arg(long)]
    pub authorized: Option<String>,
}

#[derive(Subcommand)]
pub enum PlanCmd {
    /// Adopt an equity plan with its initial reserve.
    Add(PlanAddArgs),
    List {
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Args)]
pub struct PlanAddArgs {
    pub name: String,
    /// The class exercised options become.
    #[arg(long)]
    pub class: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub reserved: String,
}

#[derive(Subcommand)]
pub enum PoolCmd {
    /// Add shares to a plan's reserve.
    Increase(PoolIncreaseArgs),
}

#[derive(Args)]
pub struct PoolIncreaseArgs {
    #[arg(long)]
    pub plan: String,
    #[arg(long)]
    pub shares: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Subcommand)]
pub enum RoundCmd {
    /// Record a priced round: price = pre-money / pre-money fully diluted shares.
    Record(Box<RoundRecordArgs>),
    List,
    Show {
        round: String,
    },
    /// Model a priced round (a pro forma: nothing is recorded unless --commit).
    Model(Box<RoundModelArgs>),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PoolTimingArg {
    /// The top-up is counted in the pre-money: only existing holders are diluted (the usual term sheet).
    Pre,
    /// The top-up is added after pricing: new investors are diluted too.
    Post,
}

#[derive(Args)]
pub struct RoundModelArgs {
    pub name: String,
    #[arg(long)]
    pub date: String,
    /// The class the round issues; with --create-class it is created (preferred, 1x
    /// non-participating, senior to all, original issue price = the round's price).
    #[arg(long)]
    pub class: String,
    #[arg(long)]
    pub create_class: bool,
    #[arg(
        long,
        conflicts_with = "post_money",
        required_unless_present_any = ["post_money", "price"]
    )]
    pub pre_money: Option<String>,
    /// Post-money valuation: the pre-money is this minus the new money.
    #[arg(long)]
    pub post_money: Option<String>,
    /// The term sheet's price per share: alone, the round's price (the pre-money derived);
    /// beside --pre-money or --post-money, checked against the price they give.
    #[arg(long)]
    pub price: Option<String>,
    /// How converting SAFEs and notes enter the price (default percentage-ownership).
    #[arg(long, value_enum, default_value = "percentage-ownership")]
    pub pricing: PricingArg,
    /// One per investor: NAME=AMOUNT (repeat the flag).
    #[arg(long = "invest", value_name = "NAME=AMOUNT", required = true)]
    pub investments: Vec<String>,
    /// An existing holder exercising its pro-rata right: it buys its fully diluted share of the
    /// new money given with --invest (repeat the flag).
    #[arg(long = "pro-rata", value_name = "NAME")]
    pub pro_rata: Vec<String>,
    /// A SAFE holder exercising a pro rata side letter (YC's): it buys its as-converted share
    /// of the new money (repeat the flag).
    #[arg(long = "safe-pro-rata", value_name = "NAME")]
    pub safe_pro_rata: Vec<String>,
    /// Pro rata amounts come on top of the --invest amounts (default), or are carved out of
    /// them (the round stays the stated size).
    #[arg(long, value_enum, default_value = "on-top")]
    pub pro_rata_sizing: ProRataSizingArg,
    #[arg(long)]
    pub lead: Option<String>,
    /// Options available after the round as a fraction of post-money FD shares (0.10 = 10%).
    #[arg(long, requires = "pool_plan")]
    pub pool_target: Option<String>,
    /// Or the top-up as a given number of new shares (YC's SAFE user guide: 1695000).
    #[arg(long, requires = "pool_plan", conflicts_with = "pool_target")]
    pub pool_shares: Option<String>,
    /// The plan that receives the top-up.
    #[arg(long)]
    pub pool_plan: Option<String>,
    #[arg(long, value_enum, default_value = "pre")]
    pub pool_in: PoolTimingArg,
    /// Options granted in the round, sized to a fraction of post-money FD: NAME=0.01 for 1%
    /// (repeat), out of --grant-plan at --grant-strike.
    #[arg(long = "grant-options", value_name = "NAME=FRACTION", requires_all = ["grant_plan", "grant_strike"])]
    pub grant_options: Vec<String>,
    #[arg(long)]
    pub grant_plan: Option<String>,
    #[arg(long)]
    pub grant_strike: Option<String>,
    /// New shares granted in the round, sized likewise (NAME=FRACTION, repeat), of
    /// --grant-class; counted in the pre-money.
    #[arg(
        long = "grant-shares",
        value_name = "NAME=FRACTION",
        requires = "grant_class"
    )]
    pub grant_shares: Vec<String>,
    #[arg(long)]
    pub grant_class: Option<String>,
    /// Which SAFEs and notes convert: all (default), none, or entry numbers "12,15".
    #[arg(long, default_value = "all")]
    pub convert: String,
    /// What a conversion below the round's price is issued: the round's class (default), or
    /// a shadow series at its own price (YC's "Safe Preferred Stock": Series ...).
    #[arg(long, value_enum, default_value = "round-class")]
    pub convert_into: ConversionClassArg,
    /// A down round's anti-dilution shares: priced after the round (default) or counted in its
    /// price's denominator, so the implied post-money is the stated one.
    #[arg(long, value_enum, default_value = "after-price")]
    pub anti_dilution_shares: AntiDilutionPricingArg,
    #[command(flatten)]
    pub rounding: RoundingArgs,
    /// Record the modelled round in the book (as ordinary, reversible entries).
    #[arg(long)]
    pub commit: bool,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PriceRoundingArg {
    Up,
    Down,
    HalfUp,
    HalfEven,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CapitalisationRoundingArg {
    Exact,
    Floor,
    Ceiling,
    Nearest,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ProRataSizingArg {
    OnTop,
    CarvedOut,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AntiDilutionPricingArg {
    AfterPrice,
    InPrice,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ConversionClassArg {
    RoundClass,
    ShadowSeries,
}

/// How converting SAFEs and notes enter the round's price (Cooley GO's three methods).
#[derive(Clone, Copy, ValueEnum)]
pub enum PricingArg {
    /// New investors own new money / post-money; conversions dilute existing holders only.
    PercentageOwnership,
    /// Price = pre-money / shares before the conversions: they dilute new investors too.
    PreMoney,
    /// The converting amounts count as invested: (pre-money + them) / shares before them.
    DollarsInvested,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ShareRoundingArg {
    Floor,
    Ceiling,
    Nearest,
}

#[derive(Args)]
pub struct RoundRecordArgs {
    pub name: String,
    #[arg(long)]
    pub date: String,
    /// The class the round issues. With --create-class it is created: preferred,
    /// original issue price = the round's price, 1x non-participating, senior to all.
    #[arg(long)]
    pub class: String,
    #[arg(long)]
    pub create_class: bool,
    #[arg(long, required_unless_present = "price")]
    pub pre_money: Option<String>,
    /// If given, must equal pre-money + the money raised.
    #[arg(long)]
    pub post_money: Option<String>,
    /// The term sheet's price per share: beside --pre-money, checked against pre-money / fully
    /// diluted shares (rounded by the policy); alone, the round's price, the pre-money derived
    /// as price x fully diluted shares.
    #[arg(long)]
    pub price: Option<String>,
    /// One per investor: NAME=AMOUNT (repeat the flag).
    #[arg(long = "invest", value_name = "NAME=AMOUNT", required = true)]
    pub investments: Vec<String>,
    #[arg(long)]
    pub lead: Option<String>,
    #[command(flatten)]
    pub rounding: RoundingArgs,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand)]
pub enum SettingsCmd {
    /// Show the default rounding policy, or set a new one from the flags given.
    Rounding(RoundingArgs),
}

#[derive(Args)]
pub struct RoundingArgs {
    /// Decimals kept in the price per share (default 5).
    #[arg(long)]
    pub price_decimals: Option<u32>,
    /// Direction the price is rounded (default up).
    #[arg(long, value_enum)]
    pub price_rounding: Option<PriceRoundingArg>,
    /// How each investor's share count is rounded (default floor).
    #[arg(long, value_enum)]
    pub share_rounding: Option<ShareRoundingArg>,
    /// How the shares a SAFE or note converts into are rounded (default floor).
    #[arg(long, value_enum)]
    pub conversion_rounding: Option<ShareRoundingArg>,
    /// Whether a share count a price divides by (the price's denominator, a SAFE's Company
    /// Capitalization) is made whole first (default exact; YC's SAFE user guide floors it).
    #[arg(long, value_enum)]
    pub capitalisation_rounding: Option<CapitalisationRoundingArg>,
    /// How a pool top-up solved to a target is rounded (default ceiling, so the target is met).
    #[arg(long, value_enum)]
    pub pool_rounding: Option<ShareRoundingArg>,
    /// Decimals of a SAFE's or note's cap price, when rounded apart from the round's price.
    #[arg(long)]
    pub cap_price_decimals: Option<u32>,
    /// Direction of a cap price's rounding (default: the price's).
    #[arg(long, value_enum)]
    pub cap_price_rounding: Option<PriceRoundingArg>,
    /// Decimals of a SAFE's or note's discount price, when rounded apart from the round's price.
    #[arg(long)]
    pub discount_price_decimals: Option<u32>,
    /// Direction of a discount price's rounding (default: the price's).
    #[arg(long, value_enum)]
    pub discount_price_rounding: Option<PriceRoundingArg>,
}

#[derive(Args)]
pub struct IssueArgs {
    #[arg(long, required_unless_present = "csv")]
    pub holder: Option<String>,
    #[arg(long, required_unless_present = "csv")]
    pub class: Option<String>,
    #[arg(long, required_unless_present = "csv")]
    pub shares: Option<String>,
    #[arg(long, required_unless_present = "csv")]
    pub date: Option<String>,
    /// Price paid per share.
    #[arg(long = "price-per-share", visible_alias = "price")]
    pub price: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
    /// A CSV file of issuances (header: date,holder,class,shares,price_per_share[,memo]),
    /// all recorded in one transaction: every row or none.
    #[arg(long, conflicts_with_all = ["holder", "class", "shares", "date", "price", "memo"])]
    pub csv: Option<PathBuf>,
}

#[derive(Args)]
pub struct GrantArgs {
    #[arg(long)]
    pub holder: String,
    #[arg(long)]
    pub plan: String,
    #[arg(long)]
    pub options: String,
    #[arg(long)]
    pub exercise_price: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub expires: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct TransferArgs {
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub class: String,
    #[arg(long)]
    pub shares: String,
    #[arg(long)]
    pub date: String,
    #[arg(long = "price-per-share", visible_alias = "price")]
    pub price: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct CancelArgs {
    /// Cancel shares held: --holder, --class, --shares.
    #[arg(long, conflicts_with = "grant", requires_all = ["class", "shares"])]
    pub holder: Option<String>,
    #[arg(long)]
    pub class: Option<String>,
    #[arg(long)]
    pub shares: Option<String>,
    /// Cancel options: --grant ENTRY, --options.
    #[arg(long, requires = "options")]
    pub grant: Option<String>,
    #[arg(long)]
    pub options: Option<String>,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct ExerciseArgs {
    /// The grant's journal entry number.
    #[arg(long)]
    pub grant: String,
    #[arg(long)]
    pub options: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct RepurchaseArgs {
    #[arg(long)]
    pub holder: String,
    #[arg(long)]
    pub class: String,
    #[arg(long)]
    pub shares: String,
    #[arg(long = "price-per-share", visible_alias = "price")]
    pub price: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct ConvertArgs {
    /// Convert shares a holder holds: --holder, --from-class, --shares.
    #[arg(long, conflicts_with = "instrument", requires_all = ["from_class", "shares"])]
    pub holder: Option<String>,
    #[arg(long)]
    pub from_class: Option<String>,
    #[arg(long)]
    pub shares: Option<String>,
    /// Convert a SAFE or note instead: its journal entry number (needs --resulting).
    #[arg(long, requires = "resulting")]
    pub instrument: Option<String>,
    #[arg(long)]
    pub to_class: String,
    /// Shares received; for shares, default: shares x the from-class's conversion ratio, rounded
    /// down; for a SAFE or note, the conversion shares the financing documents state.
    #[arg(long)]
    pub resulting: Option<String>,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct SafeArgs {
    #[arg(long)]
    pub holder: String,
    #[arg(long = "investment", visible_alias = "amount")]
    pub amount: String,
    #[arg(long)]
    pub date: String,
    #[arg(long = "valuation-cap", visible_alias = "cap")]
    pub cap: Option<String>,
    /// As a fraction: 0.20 for 20%.
    #[arg(long)]
    pub discount: Option<String>,
    /// A pre-money SAFE (default: post-money, as YC's since 2018).
    #[arg(long)]
    pub pre_money: bool,
    #[arg(long)]
    pub mfn: bool,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CompoundingArg {
    Simple,
    Compound,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DayCountArg {
    Act365,
    Thirty360,
}

#[derive(Args)]
pub struct NoteArgs {
    #[arg(long)]
    pub holder: String,
    #[arg(long)]
    pub principal: String,
    /// Annual interest rate as a fraction: 0.06 for 6%.
    #[arg(long = "interest-rate", visible_alias = "rate")]
    pub rate: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub maturity: String,
    #[arg(long, value_enum, default_value = "simple")]
    pub compounding: CompoundingArg,
    #[arg(long, value_enum, default_value = "act365")]
    pub day_count: DayCountArg,
    #[arg(long = "valuation-cap", visible_alias = "cap")]
    pub cap: Option<String>,
    #[arg(long)]
    pub discount: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Subcommand)]
pub enum ValuationCmd {
    /// Record a 409A valuation of a class.
    Add(ValuationAddArgs),
    List,
}

#[derive(Args)]
pub struct ValuationAddArgs {
    #[arg(long)]
    pub class: String,
    #[arg(long = "price-per-share", visible_alias = "price")]
    pub price: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub provider: Option<String>,
}

#[derive(Args)]
pub struct SplitArgs {
    /// The share class that splits.
    pub class: String,
    /// The date the split takes effect.
    #[arg(long)]
    pub date: String,
    /// New shares : old shares, e.g. 2:1 (a 2-for-1 split) or 1:10 (a 1-for-10 reverse split).
    #[arg(long)]
    pub ratio: String,
    #[arg(long)]
    pub memo: Option<String>,
}

#[derive(Args)]
pub struct ReverseArgs {
    /// The journal entry number to reverse.
    pub entry: String,
    #[arg(long)]
    pub reason: String,
    /// Effective date of the reversal (default: the reversed entry's date, as if it never happened).
    #[arg(long)]
    pub date: Option<String>,
}

/// `--by holder|class`, parsed into the read model's own grouping.
pub fn cap_table_by() -> impl clap::builder::TypedValueParser<Value = CapTableBy> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["holder", "class"]).map(|by| match by.as_str() {
        "class" => CapTableBy::Class,
        _ => CapTableBy::Holder,
    })
}

/// `--shares outstanding|fully-diluted`, parsed into what the read model's cap table counts.
pub fn cap_table_shares() -> impl clap::builder::TypedValueParser<Value = CapTableShares> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["outstanding", "fully-diluted"]).map(|s| {
        match s.as_str() {
            "outstanding" => CapTableShares::Outstanding,
            _ => CapTableShares::FullyDiluted,
        }
    })
}

#[derive(Args)]
pub struct CaptableArgs {
    /// Default: today.
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, value_parser = cap_table_by(), default_value = "holder")]
    pub by: CapTableBy,
    /// Include options and the unallocated pool (see docs/captable.md for the definition).
    #[arg(long)]
    pub fully_diluted: bool,
}

impl CaptableArgs {
    pub fn shares(&self) -> CapTableShares {
        if self.fully_diluted {
            CapTableShares::FullyDiluted
        } else {
            CapTableShares::Outstanding
        }
    }
}

#[derive(Args)]
pub struct JournalArgs {
    /// Only entries effective on or before this date.
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: BenchWhat,
}

#[derive(Subcommand)]
pub enum BenchWhat {
    /// Build a book of N stakeholders and M transactions, then time the cap table from the file.
    Captable {
        #[arg(long, default_value_t = 100_000)]
        stakeholders: u64,
        #[arg(long, default_value_t = 1_000_000)]
        transactions: u64,
        #[arg(long, default_value_t = 5)]
        runs: u32,
        /// Keep the generated book here instead of a temporary file.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Build a book of N stakeholders and M transactions, then time one more entry recorded
    /// into it (load, check, write), on the last day and backdated.
    Append {
        #[arg(long, default_value_t = 100_000)]
        stakeholders: u64,
        #[arg(long, default_value_t = 1_000_000)]
        transactions: u64,
        #[arg(long, default_value_t = 5)]
        appends: u32,
    },
    /// Model a priced round that converts N SAFEs and notes (mixed caps, discounts, MFN).
    Round {
        #[arg(long, default_value_t = 50)]
        safes: u32,
        #[arg(long, default_value_t = 200)]
        runs: u32,
    },
}

#[derive(Args)]
pub struct WaterfallArgs {
    /// The exit value (the price paid for the company).
    #[arg(long)]
    pub exit: String,
    /// Run a range from --exit to this value.
    #[arg(long, requires = "steps")]
    pub to: Option<String>,
    /// Steps in the range (steps + 1 exit values, both ends included).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Transaction costs, paid first.
    #[arg(long, default_value = "0")]
    pub costs: String,
    /// Non-convertible debt repaid at the exit, before any holder.
    #[arg(long, default_value = "0")]
    pub debt: String,
    /// The capitalisation on this date (default: today).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Also list the breakpoints: exit values where a class's payout changes slope.
    #[arg(long)]
    pub breakpoints: bool,
    /// The SAFEs and notes outstanding: paid by their own terms (default), or left out of the
    /// waterfall and listed apart.
    #[arg(long, value_enum)]
    pub convertibles: Option<ConvertiblesArg>,
    /// A note at the exit: the greater of its repayment and its conversion at the cap
    /// (default), repaid, or converted.
    #[arg(long, value_enum)]
    pub notes: Option<NotesArg>,
    /// A note's repayment as a multiple of its principal, plus interest (default 1; 2 for "2x").
    #[arg(long)]
    pub note_repayment_multiple: Option<String>,
    /// What a liquidation preference multiplies: shares x original issue price (default) or
    /// the cash invested for the shares.
    #[arg(long, value_enum)]
    pub preference_basis: Option<PreferenceBasisArg>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ConvertiblesArg {
    Paid,
    LeftOut,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NotesArg {
    GreaterOf,
    Repay,
    Convert,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PreferenceBasisArg {
    IssuePrice,
    Invested,
}

#[derive(Args)]
pub struct SimulateArgs {
    /// The scenario file (TOML, or JSON).
    pub scenario: PathBuf,
    /// Override the scenario's path count.
    #[arg(long)]
    pub paths: Option<u64>,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// auto (a hardware GPU if there is one, else the CPU, with a notice), gpu (any adapter,
    /// software included; fails without one) or cpu.
    #[arg(long)]
    pub backend: Option<String>,
    /// Threads for the CPU backend (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Paths per batch (default 1,048,576): bounds memory; never changes a result.
    #[arg(long)]
    pub batch: Option<u64>,
    /// Write the full result as JSON to this file (as `--json` prints it).
    #[arg(long)]
    pub out: Option<PathBuf>,
}
