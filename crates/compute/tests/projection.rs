//! The projection by hand on a small plan, validation naming the field, and properties:
//! totals tie out to the cent, depreciation never exceeds capex, closing = opening + flows.

use chrono::NaiveDate;
use proptest::prelude::*;
use roundbook_compute::example::xai_compute_plan;
use roundbook_compute::*;
use roundbook_ledger::{Currency, Money, Provenance};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn m(y: i32, mo: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, 1).unwrap()
}

fn usd(d: Decimal) -> Money {
    Money::new(d, Currency::USD)
}

fn order(id: i64, quantity: u64, price: Decimal, deliveries: &[(NaiveDate, u64)]) -> GpuOrder {
    GpuOrder {
        id: GpuOrderId(id),
        order: NewGpuOrder {
            model: "H100".into(),
            vendor: "Nvidia".into(),
            quantity,
            unit_price: usd(price),
            ordered: deliveries[0].0,
            deliveries: deliveries
                .iter()
                .map(|&(month, quantity)| Delivery { month, quantity })
                .collect(),
            round: None,
            provenance: Provenance::Recorded,
            note: None,
        },
    }
}

/// 10 GPUs at $1,000 in January, 20 in March; infra 0.5; 1 kW, PUE 1.5, $0.10/kWh;
/// 1 year; $100,000 cash; burn $1,000; revenue $400.
fn small() -> Plan {
    let mut terms = Terms::default_for(Currency::USD);
    terms.facility.infra_ratio = dec!(0.5);
    terms.power.kw_per_gpu = dec!(1);
    terms.power.pue = dec!(1.5);
    terms.power.usd_per_kwh = dec!(0.10);
    terms.depreciation.years = 1;
    terms.operating.opening_cash = usd(dec!(100000));
    terms.operating.cash_month = Some(m(2025, 1));
    terms.operating.burn_per_month = usd(dec!(1000));
    terms.operating.revenue_per_month = usd(dec!(400));
    Plan {
        currency: Currency::USD,
        orders: vec![order(
            1,
            30,
            dec!(1000),
            &[(m(2025, 1), 10), (m(2025, 3), 20)],
        )],
        terms,
    }
}

#[test]
fn a_small_plan_by_hand() {
    let p = projection(&small(), None, 15).unwrap();
    let r = &p.rows;
    assert_eq!(r.len(), 15);
    // January: 10 GPUs, capex 10 x 1,000 x 1.5 = 15,000; power 10 x 1 x 1.5 x 730 x 0.10 = 1,095.
    assert_eq!((r[0].delivered, r[0].installed), (10, 10));
    assert_eq!(r[0].capex.amount, dec!(15000));
    assert_eq!(r[0].infra_capex.amount, dec!(5000));
    assert_eq!(r[0].power.amount, dec!(1095));
    assert_eq!(r[0].power_mw, dec!(0.015));
    assert_eq!(
        r[0].depreciation.amount,
        dec!(0),
        "depreciation starts the month after delivery"
    );
    assert_eq!(
        r[0].net_cash_flow.amount,
        dec!(400) - dec!(15000) - dec!(1095) - dec!(1000)
    );
    // February: nothing delivered; depreciation 15,000 / 12 = 1,250.
    assert_eq!(r[1].capex.amount, dec!(0));
    assert_eq!(r[1].depreciation.amount, dec!(1250));
    assert_eq!(r[1].power.amount, dec!(1095));
    // Net burn 1,095 + 1,000 - 400 = 1,695; runway = closing / 1,695, down to 0.1.
    let closing = r[1].closing_cash.amount;
    assert_eq!(closing, dec!(100000) - dec!(16695) - dec!(1695));
    assert_eq!(
        r[1].runway,
        Runway::Months {
            months: (closing / dec!(1695))
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero)
        }
    );
    // March: 20 more; power 30 x 109.5 = 3,285.
    assert_eq!(r[2].installed, 30);
    assert_eq!(r[2].power.amount, dec!(3285));
    assert_eq!(r[2].capex.amount, dec!(30000));
    // April on: 1,250 + 30,000 / 12 = 3,750; January's batch ends in January 2026 (month 13).
    assert_eq!(r[3].depreciation.amount, dec!(3750));
    assert_eq!(r[12].depreciation.amount, dec!(3750));
    assert_eq!(r[13].depreciation.amount, dec!(2500));
    assert_eq!(r[14].depreciation.amount, dec!(2500));
    // The schedule sums to the capex over the life.
    let p = projection(&small(), None, 40).unwrap();
    assert_eq!(p.totals.depreciation.amount, dec!(45000));
    assert_eq!(p.totals.capex.amount, dec!(45000));
    assert_eq!(
        p.rows.last().unwrap().accumulated_depreciation.amount,
        dec!(45000)
    );
    assert_eq!(
        p.closing_cash.amount,
        p.opening_cash.amount + p.totals.net_cash_flow.amount
    );
}

#[test]
fn runway_is_cash_positive_when_revenue_covers_burn() {
    let mut plan = small();
    plan.terms.operating.revenue_per_month = usd(dec!(100000));
    let p = projection(&plan, None, 3).unwrap();
    assert!(p.rows.iter().all(|r| r.runway == Runway::CashPositive));
    let mut plan = small();
    plan.terms.operating.opening_cash = usd(dec!(0));
    let p = projection(&plan, None, 2).unwrap();
    assert_eq!(p.rows[0].runway, Runway::OutOfCash);
}

#[test]
fn from_rolls_the_cash_forward() {
    let all = projection(&small(), None, 12).unwrap();
    let later = projection(&small(), Some(m(2025, 4)), 3).unwrap();
    assert_eq!(later.rows[0], all.rows[3]);
    assert_eq!(later.opening_cash, all.rows[3].opening_cash);
    let e = projection(&small(), Some(m(2024, 12)), 3).unwrap_err();
    assert_eq!(e.field(), Some("from"));
    assert_eq!(
        projection(&small(), None, 0).unwrap_err().field(),
        Some("months")
    );
}

#[test]
fn growth_compounds_monthly() {
    let mut plan = small();
    plan.terms.operating.burn_growth_annual = dec!(0.21);
    let p = projection(&plan, None, 25).unwrap();
    assert_eq!(p.rows[0].other_burn.amount, dec!(1000));
    assert_eq!(p.rows[12].other_burn.amount, dec!(1210));
    assert_eq!(p.rows[24].other_burn.amount, dec!(1464.10));
    // Month 7: 1.21^(6/12) = 1.1 exactly: powd must land on the cent.
    assert_eq!(p.rows[6].other_burn.amount, dec!(1100));
}

#[test]
fn the_xai_plan_draws_153_mw_and_costs_8935200_a_month() {
    let ex = xai_compute_plan(None);
    let plan = Plan {
        currency: Currency::USD,
        orders: ex
            .orders
            .into_iter()
            .enumerate()
            .map(|(i, order)| GpuOrder {
                id: GpuOrderId(i as i64 + 1),
                order,
            })
            .collect(),
        terms: ex.terms,
    };
    let p = projection(&plan, None, 36).unwrap();
    let sept = &p.rows[3];
    assert_eq!(sept.month, m(2024, 9));
    assert_eq!(sept.installed, 100_000);
    assert_eq!(sept.power_mw, dec!(153));
    assert_eq!(sept.power.amount, dec!(8935200));
    assert_eq!(sept.depreciation.amount, dec!(82500000));
    assert_eq!(p.totals.capex.amount, dec!(4950000000));
}

fn new_order() -> NewGpuOrder {
    order(0, 10, dec!(1000), &[(m(2025, 1), 10)]).order
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let founded = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let check = |f: &dyn Fn(&mut NewGpuOrder), field: &str| {
        let mut o = new_order();
        f(&mut o);
        let e = o.validate(Currency::USD, founded).unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    };
    check(&|o| o.quantity = 0, "quantity");
    check(&|o| o.model = " ".into(), "model");
    check(&|o| o.vendor = String::new(), "vendor");
    check(&|o| o.unit_price = usd(dec!(-1)), "unit_price");
    check(
        &|o| o.ordered = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
        "date",
    );
    check(&|o| o.deliveries[0].quantity = 9, "deliveries");
    check(&|o| o.deliveries[0].month = m(2024, 12), "deliveries");
    check(&|o| o.deliveries.clear(), "deliveries");
    let terms = |f: &dyn Fn(&mut Terms), field: &str| {
        let mut t = Terms::default_for(Currency::USD);
        f(&mut t);
        assert_eq!(t.validate(Currency::USD).unwrap_err().field(), Some(field));
    };
    terms(&|t| t.power.pue = dec!(0.99), "pue");
    terms(&|t| t.power.kw_per_gpu = dec!(0), "kw_per_gpu");
    terms(&|t| t.power.usd_per_kwh = dec!(-0.01), "usd_per_kwh");
    terms(&|t| t.depreciation.years = 0, "years");
    terms(&|t| t.facility.infra_ratio = dec!(-0.1), "infra_ratio");
    terms(&|t| t.operating.burn_per_month = usd(dec!(-1)), "burn");
    terms(
        &|t| t.operating.revenue_growth_annual = dec!(-1),
        "revenue_growth",
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn totals_tie_out_to_the_cent(
        batches in prop::collection::vec((0u32..30, 1u64..50_000), 1..5),
        price_cents in 0i64..5_000_000,
        ratio_pct in 0i64..200,
        years in 1u32..7,
        burn_cents in 0i64..10_000_000_000,
        growth_pct in -50i64..300,
        months in 1u32..120,
        pue_pct in 100i64..200,
    ) {
        let mut deliveries: Vec<(NaiveDate, u64)> = vec![];
        for (offset, q) in batches {
            let month = m(2024, 1).checked_add_months(chrono::Months::new(offset)).unwrap();
            if !deliveries.iter().any(|d| d.0 == month) {
                deliveries.push((month, q));
            }
        }
        deliveries.sort();
        let quantity = deliveries.iter().map(|d| d.1).sum();
        let mut plan = small();
        plan.orders = vec![order(1, quantity, Decimal::new(price_cents, 2), &deliveries)];
        plan.terms.facility.infra_ratio = Decimal::new(ratio_pct, 2);
        plan.terms.depreciation.years = years;
        plan.terms.power.pue = Decimal::new(pue_pct, 2);
        plan.terms.operating.cash_month = Some(m(2024, 1));
        plan.terms.operating.burn_per_month = usd(Decimal::new(burn_cents, 2));
        plan.terms.operating.burn_growth_annual = Decimal::new(growth_pct, 2);
        plan.terms.operating.revenue_growth_annual = Decimal::new(growth_pct, 2);
        prop_assert!(plan.orders[0].order.validate(Currency::USD, m(2020, 1)).is_ok());
        let p = projection(&plan, None, months).unwrap();
        let mut cash = p.opening_cash.amount;
        let mut dep = Decimal::ZERO;
        let mut capex = Decimal::ZERO;
        for r in &p.rows {
            prop_assert_eq!(r.opening_cash.amount, cash);
            prop_assert_eq!(
                r.net_cash_flow.amount,
                r.revenue.amount - r.capex.amount - r.power.amount - r.other_burn.amount
            );
            cash += r.net_cash_flow.amount;
            prop_assert_eq!(r.closing_cash.amount, cash);
            for v in [r.capex.amount, r.power.amount, r.depreciation.amount, r.other_burn.amount, r.revenue.amount, r.closing_cash.amount] {
                prop_assert!(v.scale() <= 2, "{} has sub-cent digits", v);
            }
            prop_assert!(r.depreciation.amount >= Decimal::ZERO);
            dep += r.depreciation.amount;
            capex += r.capex.amount;
            prop_assert!(dep <= capex, "depreciation {} exceeds capex {}", dep, capex);
            prop_assert_eq!(r.accumulated_depreciation.amount, dep);
        }
        prop_assert_eq!(p.closing_cash.amount, p.opening_cash.amount + p.totals.net_cash_flow.amount);
        // Over a long enough horizon every batch depreciates to exactly its capex.
        let long = projection(&plan, None, 30 + years * 12 + 1).unwrap();
        prop_assert_eq!(long.totals.depreciation.amount, long.totals.capex.amount);
    }
}
