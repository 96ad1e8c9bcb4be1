//! The shipped example's compute plan: xAI's Colossus, funded from the Series B.
//!
//! Public (sources in assets/xai/COMPUTE.md): about 100,000 Nvidia H100 GPUs, online on
//! 2 September 2024, drawing about 150 MW; the Series B's use of proceeds; H100 all-in
//! power (DGX H100 10.2 kW / 8 GPUs = 1.275 kW), PUE 1.2 for a new AI build, $0.08/kWh,
//! and depreciation lives of 4 to 6 years (5 taken).
//!
//! ILLUSTRATIVE, and labelled so: the unit price ($30,000, the middle of the public
//! $25k-40k range), the order date, the delivery schedule, the infra ratio, the opening
//! cash (the $6B raised, ignoring earlier cash), other burn and revenue.

use chrono::NaiveDate;
use roundbook_ledger::{Currency, Money, Provenance, RoundId};
use rust_decimal::Decimal;

use crate::{
    Delivery, DepreciationTerms, Facility, NewGpuOrder, OperatingAssumptions, PowerTerms, Terms,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn usd(units: i64) -> Money {
    Money::new(Decimal::from(units), Currency::USD)
}

/// The example's compute plan: the orders and the terms.
pub struct ExamplePlan {
    pub orders: Vec<NewGpuOrder>,
    pub terms: Terms,
}

/// The GPUs in the example's Colossus order (public: ~100k H100).
pub const XAI_GPUS: u64 = 100_000;

/// xAI's compute plan. `series_b` is the Series B's id in the book (use of proceeds).
pub fn xai_compute_plan(series_b: Option<RoundId>) -> ExamplePlan {
    use Provenance::{Illustrative, Public};
    let order = NewGpuOrder {
        model: "H100".into(),
        vendor: "Nvidia".into(),
        quantity: XAI_GPUS,
        unit_price: usd(30_000),
        ordered: d(2024, 6, 1),
        deliveries: vec![
            Delivery { month: d(2024, 6, 1), quantity: 30_000 },
            Delivery { month: d(2024, 7, 1), quantity: 35_000 },
            Delivery { month: d(2024, 8, 1), quantity: 35_000 },
        ],
        round: series_b,
        provenance: Illustrative,
        note: Some(
            "Public: ~100,000 H100 in Colossus (Memphis), online 2 Sept 2024, funded by the Series B. \
             Illustrative: the $30,000 unit price (public range $25k-40k), the order date and the \
             June-August delivery schedule. Sources: assets/xai/COMPUTE.md."
                .into(),
        ),
    };
    let terms = Terms {
        facility: Facility {
            infra_ratio: Decimal::new(65, 2),
            capex: usd(0),
            capex_month: None,
            provenance: Illustrative,
            note: Some(
                "Illustrative: networking, servers, storage, cooling and power gear at 0.65 x GPU capex \
                 (GPUs ~61% of capex; public splits put GPUs at 39-60% of all-in capex). No separate \
                 building capex: Colossus reused a factory."
                    .into(),
            ),
        },
        power: PowerTerms {
            kw_per_gpu: Decimal::new(1275, 3),
            pue: Decimal::new(12, 1),
            usd_per_kwh: Decimal::new(8, 2),
            hours_per_month: Decimal::from(730),
            provenance: Public,
            note: Some(
                "Public figures: DGX H100 10.2 kW / 8 GPUs = 1.275 kW per GPU all-in; PUE 1.2 (new AI build); \
                 $0.08/kWh (industrial). 100,000 GPUs draw 153 MW, as the ~150 MW reported. \
                 Sources: assets/xai/COMPUTE.md."
                    .into(),
            ),
        },
        depreciation: DepreciationTerms {
            years: 5,
            provenance: Public,
            note: Some(
                "Public range 4-6 years (Nebius 4, CoreWeave 6); 5 taken as the default. \
                 Sources: assets/xai/COMPUTE.md."
                    .into(),
            ),
        },
        operating: OperatingAssumptions {
            opening_cash: usd(6_000_000_000),
            cash_month: Some(d(2024, 6, 1)),
            burn_per_month: usd(50_000_000),
            burn_growth_annual: Decimal::new(20, 2),
            revenue_per_month: usd(10_000_000),
            revenue_growth_annual: Decimal::ONE,
            provenance: Illustrative,
            note: Some(
                "Illustrative: opening cash = the $6B Series B (earlier cash ignored) at the start of \
                 June 2024; other burn $50M a month growing 20% a year; revenue $10M a month growing \
                 100% a year. Not xAI figures."
                    .into(),
            ),
        },
    };
    ExamplePlan {
        orders: vec![order],
        terms,
    }
}
