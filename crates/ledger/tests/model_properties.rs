//! Properties of round modelling, on random companies, SAFEs, notes and pools.

mod common;

use common::*;
use proptest::prelude::*;
use roundbook_ledger::model::*;
use roundbook_ledger::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
struct SafeSpec {
    amount: u64,
    cap: Option<u64>,
    discount: Option<u8>,
    pre_money: bool,
}

impl SafeSpec {
    fn terms(&self) -> ConvertibleTerms {
        ConvertibleTerms::Safe {
            investment: usd(Decimal::from(self.amount)),
            timing: if self.pre_money {
                SafeTiming::PreMoney
            } else {
                SafeTiming::PostMoney
            },
            valuation_cap: self.cap.map(|c| usd(Decimal::from(c))),
            discount: self.discount.map(|d| Decimal::new(i64::from(d), 2)),
            mfn: false,
        }
    }
}

fn safe_spec() -> impl Strategy<Value = SafeSpec> {
    (
        10u64..2_000,
        proptest::option::of(4u64..60),
        proptest::option::of(5u8..30),
        any::<bool>(),
    )
        .prop_map(|(a, cap, d, pre)| SafeSpec {
            amount: a * 1_000,
            cap: cap.map(|c| c * 1_000_000),
            discount: d,
            pre_money: pre,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_modelled_round_satisfies_its_definitions(
        founders in 1_000_000u64..50_000_000,
        pool in 0u64..5_000_000,
        pre in 2u64..200,
        money in 1u64..50,
        size in proptest::option::of(prop_oneof![
            (0u8..25).prop_map(|t| PoolSize::Target(Decimal::new(i64::from(t), 2))),
            (0u64..3_000_000).prop_map(PoolSize::Shares),
        ]),
        post_money_pool in any::<bool>(),
        safes in proptest::collection::vec(safe_spec(), 0..6),
        option_grant in proptest::option::of(1u8..5),
        share_grant in proptest::option::of(1u8..5),
        method in prop_oneof![
            Just(PricingMethod::PercentageOwnership),
            Just(PricingMethod::PreMoney),
            Just(PricingMethod::DollarsInvested),
        ],
    ) {
        let mut book = new_book();
        let founder = person(&mut book, "Founder", Relationship::Founder);
        let vc = person(&mut book, "VC", Relationship::Investor);
        let common = book.add_class(NewClass::common("Common", None)).unwrap();
        let series = book.add_class(preferred("Series A", None, rust_decimal_macros::dec!(1), Decimal::ONE)).unwrap();
        let plan = plan(&mut book, "Plan", common, date(2020, 1, 1), pool);
        rec(&mut book, date(2020, 1, 1), issue(founder, common, founders));
        for (k, s) in safes.iter().enumerate() {
            let holder = person(&mut book, &format!("Angel {k}"), Relationship::Investor);
            rec(&mut book, date(2020, 6, 1), Movement::ConvertibleIssuance { holder, terms: s.terms() });
        }
        let pre_money = Decimal::from(pre * 1_000_000);
        let new_money = Decimal::from(money * 500_000);
        let m = RoundModel {
            pricing: method,
            pool: size.map(|size| PoolTopUp {
                plan,
                size,
                timing: if post_money_pool { PoolTiming::PostMoney } else { PoolTiming::PreMoney },
            }),
            grants: {
                let hire = person(&mut book, "Hire", Relationship::Employee);
                let mut g = vec![];
                // Options out of the pool only where a target tops the pool up for them.
                if let (Some(pct), Some(PoolSize::Target(_))) = (option_grant, size) {
                    g.push(SizedGrant {
                        holder: hire,
                        target: Decimal::new(i64::from(pct), 2),
                        kind: SizedGrantKind::Options { plan, exercise_price: usd(Decimal::new(10, 2)) },
                    });
                }
                if let Some(pct) = share_grant {
                    g.push(SizedGrant {
                        holder: hire,
                        target: Decimal::new(i64::from(pct), 2),
                        kind: SizedGrantKind::Shares { class: common },
                    });
                }
                g
            },
            ..RoundModel::new(
                "Series A",
                date(2021, 1, 1),
                series,
                RoundValuation::PreMoney(usd(pre_money)),
                vec![Investment { investor: vc, amount: usd(new_money) }],
            )
        };
        let o = match book.model_round(&m) {
            Ok(o) => o,
            // Terms under which SAFEs would own the company, or a pool that cannot be priced,
            // are refused with a field, never a panic.
            Err(e) => {
                prop_assert!(matches!(e.field(), Some("convertibles") | Some("pool_target") | Some("grants") | Some("amount")), "{e}");
                return Ok(());
            }
        };
        // post = pre + new money
        prop_assert_eq!(o.post_money.amount, pre_money + new_money);
        // the rounded price is the exact one rounded up, and the exact one divides the
        // effective pre-money: the pre-money, plus the converting amounts by the
        // dollars-invested method (Cooley GO)
        prop_assert!(o.price_per_share.amount >= o.exact_price);
        let converting: Decimal = o.conversions.iter().map(|c| c.amount.amount).sum();
        let effective = match method {
            PricingMethod::DollarsInvested => pre_money + converting,
            _ => pre_money,
        };
        prop_assert_eq!(o.effective_pre_money.amount, effective);
        prop_assert!((o.exact_price * o.price_denominator - effective).abs() < Decimal::new(1, 3));
        // Each method's denominator: the shares before the round and a given top-up in the
        // pre-money, plus the conversion shares by the percentage-ownership method only.
        if let Some(PoolSize::Shares(_)) | None = size {
            // Shares granted in the round are in the pre-money, exact (S = s T).
            let issued: u64 = o.grants.iter().filter(|g| matches!(g.kind, SizedGrantKind::Shares { .. })).map(|g| g.shares).sum();
            let base = Decimal::from(o.pre_round_fd_shares + issued + if post_money_pool { 0 } else { o.pool_increase });
            let x = o.price_denominator - base;
            match method {
                PricingMethod::PercentageOwnership => {
                    let whole = Decimal::from(o.conversion_shares);
                    let slack = (whole + Decimal::from(issued)) * Decimal::new(1, 3);
                    prop_assert!((x - whole).abs() <= slack + Decimal::from(safes.len() + 1), "{x} vs {whole}");
                    // the new investors own new money / post-money, to the rounding
                    if !post_money_pool {
                        let share = Decimal::from(o.new_shares) / Decimal::from(o.post_money_fd_shares);
                        prop_assert!((share - new_money / (pre_money + new_money)).abs() < Decimal::new(1, 3));
                    }
                }
                // The exact S differs from the recorded grant by the rounding of the rest.
                _ => prop_assert!(x.abs() <= Decimal::from(issued) * Decimal::new(1, 3) + Decimal::ONE, "{x}"),
            }
        }
        // every conversion and every new-money line: floor(amount / price)
        for c in &o.conversions {
            prop_assert_eq!(Decimal::from(c.shares), (c.amount.amount / c.conversion_price.amount).floor());
            prop_assert!(c.conversion_price.amount <= o.price_per_share.amount);
        }
        for l in &o.new_money_lines {
            prop_assert_eq!(Decimal::from(l.shares), (l.amount.amount / o.price_per_share.amount).floor());
        }
        // Each grant is its fraction of post-money FD, to the share.
        for g in &o.grants {
            let exact = g.target * Decimal::from(o.post_money_fd_shares);
            prop_assert!((Decimal::from(g.shares) - exact).abs() <= Decimal::from(3u8), "{} vs {exact}", g.shares);
        }
        match size {
            // the pool target is met (the top-up rounds up), after the grants out of it
            Some(PoolSize::Target(t)) => {
                let t = t * Decimal::ONE_HUNDRED;
                prop_assert!(o.pool_available_after_pct >= t - Decimal::new(1, 6), "{} < {t}", o.pool_available_after_pct);
            }
            // a given count is added exactly, and in the pre-money it is in the price's denominator
            Some(PoolSize::Shares(n)) => {
                prop_assert_eq!(o.pool_increase, n);
                prop_assert_eq!(o.pool_available_after, pool + n);
                if !post_money_pool {
                    prop_assert!(o.price_denominator >= Decimal::from(o.pre_round_fd_shares + n));
                }
            }
            None => prop_assert_eq!(o.pool_increase, 0),
        }
        // the pro forma ties out and its ownership sums to 100%
        assert_ties_out(&o.pro_forma);
        assert_percentages_sum(&o.pro_forma);
        let issued: u64 = o.grants.iter().filter(|g| matches!(g.kind, SizedGrantKind::Shares { .. })).map(|g| g.shares).sum();
        prop_assert_eq!(o.post_money_fd_shares, o.pre_round_fd_shares + o.pool_increase + o.conversion_shares + o.new_shares + issued);
        prop_assert!(o.pro_forma.convertibles.is_empty());
        // The same round by the other methods: conversions outside the denominator price it
        // no lower, and counting their dollars in the value prices it no lower again.
        if let Some(PoolSize::Shares(_)) | None = size {
            let price = |method| {
                book.model_round(&RoundModel { pricing: method, ..m.clone() })
                    .map(|o| o.exact_price)
            };
            if let (Ok(pct), Ok(pre), Ok(dollars)) = (
                price(PricingMethod::PercentageOwnership),
                price(PricingMethod::PreMoney),
                price(PricingMethod::DollarsInvested),
            ) {
                prop_assert!(pct <= pre && pre <= dollars, "{pct} {pre} {dollars}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A SAFE holder's pro rata right: its amount is its as-converted share of the stated new
    /// money, to the cent; on top, the round grows by exactly it; carved out, the round stays
    /// the stated size to the cent.
    #[test]
    fn safe_pro_rata_is_on_top_or_carved_out_exactly(
        founders in 1_000_000u64..20_000_000,
        safe in safe_spec(),
        amounts in proptest::collection::vec(1u64..5_000, 1..4),
        carved in any::<bool>(),
    ) {
        let mut book = new_book();
        let founder = person(&mut book, "Founder", Relationship::Founder);
        let common = book.add_class(NewClass::common("Common", None)).unwrap();
        let series = book.add_class(preferred("Series A", None, rust_decimal_macros::dec!(1), Decimal::ONE)).unwrap();
        rec(&mut book, date(2020, 1, 1), issue(founder, common, founders));
        let angel = person(&mut book, "Angel", Relationship::Investor);
        rec(&mut book, date(2020, 6, 1), Movement::ConvertibleIssuance { holder: angel, terms: safe.terms() });
        let mut investments = vec![];
        for (k, a) in amounts.iter().enumerate() {
            let vc = person(&mut book, &format!("VC {k}"), Relationship::Investor);
            investments.push(Investment { investor: vc, amount: usd(Decimal::new(i64::try_from(*a).unwrap() * 100_017, 2)) });
        }
        let stated: Decimal = investments.iter().map(|i| i.amount.amount).sum();
        let m = RoundModel {
            safe_pro_rata: vec![angel],
            pro_rata_sizing: if carved { ProRataSizing::CarvedOut } else { ProRataSizing::OnTop },
            ..RoundModel::new(
                "Series A",
                date(2021, 1, 1),
                series,
                RoundValuation::PreMoney(usd(Decimal::from(20_000_000))),
                investments,
            )
        };
        let o = match book.model_round(&m) {
            Ok(o) => o,
            Err(e) => {
                prop_assert!(matches!(e.field(), Some("convertibles") | Some("pro_rata_sizing") | Some("amount")), "{e}");
                return Ok(());
            }
        };
        let line = o.new_money_lines.iter().find(|l| l.investor == angel).unwrap();
        let share = line.pro_rata_share.unwrap();
        let converted = Decimal::from(o.conversions[0].shares);
        prop_assert_eq!(share, converted / Decimal::from(founders + o.conversion_shares));
        prop_assert_eq!(line.amount.amount, (stated * share).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
        if carved {
            prop_assert_eq!(o.new_money.amount, stated);
        } else {
            prop_assert_eq!(o.new_money.amount, stated + line.amount.amount);
        }
    }
}
