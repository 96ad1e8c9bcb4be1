//! The arguments of `roundbook compute ...` (docs/compute.md).

use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum ComputeCmd {
    /// GPU orders (model, vendor, quantity, unit price, date, delivery schedule, funding round).
    #[command(subcommand)]
    Order(OrderCmd),
    /// The plan's terms: facility and networking, power, depreciation, cash, burn and revenue.
    #[command(subcommand)]
    Terms(TermsCmd),
    /// The monthly projection: deliveries, capex, power, depreciation, cash and runway.
    Projection(ProjectionArgs),
}

#[derive(Subcommand)]
pub enum OrderCmd {
    /// Record a GPU order.
    Add(OrderAddArgs),
    /// The recorded orders and the use of proceeds.
    List,
    /// Cancel an order (the correction: the order stays recorded, the plan leaves it out).
    Cancel {
        /// The order's number (from `compute order list`).
        order: String,
        #[arg(long)]
        reason: String,
    },
}

// Parsed once per run; boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum TermsCmd {
    /// Set terms from the flags given (a new record of each group changed; the latest is in force).
    Set(TermsSetArgs),
    /// The terms in force.
    Show,
}

#[derive(Args)]
pub struct OrderAddArgs {
    /// The GPU model, e.g. H100.
    #[arg(long)]
    pub model: String,
    #[arg(long)]
    pub vendor: String,
    /// Number of GPUs.
    #[arg(long)]
    pub quantity: String,
    /// Price per GPU (the book's currency).
    #[arg(long)]
    pub unit_price: String,
    /// Order date (YYYY-MM-DD).
    #[arg(long)]
    pub date: String,
    /// A delivery: MONTH=GPUS, e.g. 2024-06=30000 (repeat; default: all in the order's month).
    #[arg(long, value_name = "YYYY-MM=N")]
    pub deliver: Vec<String>,
    /// The round whose money pays for the order (use of proceeds), by name or #id.
    #[arg(long)]
    pub round: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args)]
pub struct TermsSetArgs {
    /// Infrastructure (networking, servers, cooling...) capex per $ of GPU capex, e.g. 0.65.
    #[arg(long)]
    pub infra_ratio: Option<String>,
    /// A one-off facility capex, paid in --facility-month.
    #[arg(long)]
    pub facility_capex: Option<String>,
    #[arg(long, value_name = "YYYY-MM")]
    pub facility_month: Option<String>,
    /// All-in IT power per GPU, kW (e.g. 1.275 for H100 in a DGX).
    #[arg(long)]
    pub kw_per_gpu: Option<String>,
    /// Power usage effectiveness (at least 1).
    #[arg(long)]
    pub pue: Option<String>,
    /// Electricity price per kWh.
    #[arg(long)]
    pub usd_per_kwh: Option<String>,
    /// Hours in a month (730 = 8,760 / 12).
    #[arg(long)]
    pub hours_per_month: Option<String>,
    /// Depreciation life in years (straight line).
    #[arg(long)]
    pub years: Option<String>,
    /// Cash at the start of --cash-month.
    #[arg(long)]
    pub cash: Option<String>,
    /// The first month of the projection, whose opening cash is --cash.
    #[arg(long, value_name = "YYYY-MM")]
    pub cash_month: Option<String>,
    /// Other (non-compute) spend in the first month.
    #[arg(long)]
    pub burn: Option<String>,
    /// Annual growth of other burn, e.g. 0.20 for 20% a year.
    #[arg(long)]
    pub burn_growth: Option<String>,
    /// Revenue in the first month.
    #[arg(long)]
    pub revenue: Option<String>,
    /// Annual growth of revenue, e.g. 1 for 100% a year.
    #[arg(long)]
    pub revenue_growth: Option<String>,
    /// A note recorded with every group changed.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args)]
pub struct ProjectionArgs {
    /// Months to show.
    #[arg(long, default_value = "36")]
    pub months: String,
    /// The first month shown (default: the cash month).
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
}
