//! Property tests of the exit waterfall with SAFEs and notes before they convert, on random
//! capitalisations and exits (docs/waterfall.md, "SAFEs and notes"):
//!
//! - the payouts add up, to the cent, to what is distributed, at every level;
//! - the notes' repayments come before anything else ([YC] post-money SAFE §1(d)(i): a SAFE is
//!   junior to "convertible promissory notes (to the extent ... not actually or notionally
//!   converted)");
//! - a SAFE is paid at least its purchase amount whenever the proceeds cover the notes and every
//!   claim it ranks with (§1(d)(ii): on par with Preferred Stock, pro rata to the full payments);
//! - each SAFE and note takes the greater of its claim and its conversion amount (§1(b)), given
//!   the others: one that converts is paid at least its claim, and one that takes its claim would
//!   not be paid more converted at the common price it sees.

use proptest::prelude::*;
use roundbook_ledger::waterfall::*;
use roundbook_ledger::{ClassKind, Currency, Participation, RoundingPolicy};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    }
}

/// Exact values are shown to 28 significant digits, truncated.
const EPS: Decimal = dec!(0.000001);

fn cents(r: std::ops::Range<i64>) -> impl Strategy<Value = Decimal> {
    r.prop_map(|c| Decimal::new(c, 2))
}

fn preferred(i: usize) -> impl Strategy<Value = WaterfallClass> {
    (cents(1..500), 0..3u8, 0..3i32).prop_map(move |(oip, p, seniority)| {
        let participation = match p {
            0 => Participation::None,
            1 => Participation::Full,
            _ => Participation::Capped {
                cap_multiple: dec!(3),
            },
        };
        WaterfallClass::preferred(
            &format!("Series {}", (b'A' + i as u8) as char),
            oip,
            dec!(1),
            participation,
            seniority,
        )
    })
}

fn convertible(i: usize) -> impl Strategy<Value = WaterfallConvertible> {
    (
        any::<bool>(),
        cents(1..500_000_000),
        0..3_000_000u64,
        0..8u8,
        0..5usize,
    )
        .prop_map(move |(note, claim, shares, only_convert, holder)| {
            let kind = if note {
                ConvertibleKind::Note
            } else {
                ConvertibleKind::Safe
            };
            // Now and then a note that can only convert, or a SAFE with a Conversion Amount
            // fixed in money (discount-only).
            let claim_of = (!(note && only_convert == 0 && shares > 0)).then_some(claim);
            let fixed = !note && only_convert == 1;
            WaterfallConvertible {
                name: format!("{} #{i}", if note { "Note" } else { "SAFE" }),
                holder: ["Ann", "Ben", "Cat", "Dan", "Eve"][holder].to_string(),
                kind,
                claim: claim_of,
                conversion_shares: if fixed { 0 } else { shares },
                conversion_price: None,
                conversion_amount: fixed.then(|| (claim * dec!(1.25)).round_dp(2)),
            }
        })
}

fn capitalisation() -> impl Strategy<Value = Capitalisation> {
    (0..4usize, 1..4usize).prop_flat_map(|(n_pref, n_conv)| {
        let prefs: Vec<_> = (0..n_pref).map(preferred).collect();
        let convs: Vec<_> = (0..n_conv).map(convertible).collect();
        let holdings = prop::collection::vec((0..5usize, 0..=n_pref, 1..5_000_000u64), 1..7);
        (prefs, convs, holdings).prop_map(move |(prefs, convertibles, holdings)| {
            let mut classes = vec![WaterfallClass::common("Common")];
            classes.extend(prefs);
            let holder = |h: usize| ["Ann", "Ben", "Cat", "Dan", "Eve"][h].to_string();
            Capitalisation {
                currency: Currency::USD,
                holdings: holdings
                    .iter()
                    .map(|&(h, c, shares)| WaterfallHolding {
                        holder: holder(h),
                        class: classes[c].name.clone(),
                        shares,
                        invested: None,
                    })
                    .collect(),
                options: vec![],
                classes,
                convertibles,
                conventions: ExitConventions::default(),
            }
        })
    })
}

fn exit() -> impl Strategy<Value = ExitTerms> {
    (
        prop_oneof![cents(0..2_000_000_000), cents(0..20_000_000_000)],
        prop_oneof![Just(dec!(0)), cents(0..100_000_000)],
    )
        .prop_map(|(exit_value, debt)| ExitTerms {
            exit_value,
            transaction_costs: Decimal::ZERO,
            debt,
        })
}

/// The claims of the notes, and of the tier the SAFEs rank with (the most senior preferred
/// classes' preferences and every SAFE's cash-out amount).
fn seniors(cap: &Capitalisation) -> (Decimal, Decimal) {
    let claim = |kind| -> Decimal {
        cap.convertibles
            .iter()
            .filter(|c| c.kind == kind)
            .filter_map(|c| c.claim)
            .sum()
    };
    let preferred: Vec<&WaterfallClass> = cap
        .classes
        .iter()
        .filter(|c| c.kind == ClassKind::Preferred)
        .collect();
    let top = preferred.iter().map(|c| c.seniority).max();
    let top_tier: Decimal = preferred
        .iter()
        .filter(|c| Some(c.seniority) == top)
        .map(|c| {
            let shares: u64 = cap
                .holdings
                .iter()
                .filter(|h| h.class == c.name)
                .map(|h| h.shares)
                .sum();
            c.preference_multiple * c.original_issue_price * Decimal::from(shares)
        })
        .sum();
    (
        claim(ConvertibleKind::Note),
        claim(ConvertibleKind::Safe) + top_tier,
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn payouts_add_up_to_the_cent(cap in capitalisation(), exit in exit()) {
        let o = waterfall(&cap, &exit, &RoundingPolicy::default()).unwrap();
        let net = (exit.exit_value - exit.debt).max(Decimal::ZERO);
        prop_assert_eq!(o.total_distributed.amount, net);
        let classes: Decimal = o.classes.iter().map(|c| c.total.amount).sum();
        let convertibles: Decimal = o.convertibles.iter().map(|c| c.total.amount).sum();
        prop_assert_eq!(classes + convertibles, net);
        let holders: Decimal = o.holders.iter().map(|h| h.total.amount).sum();
        prop_assert_eq!(holders, net);
        let by_holder: Decimal = o.holders.iter().map(|h| h.convertibles.amount).sum();
        prop_assert_eq!(by_holder, convertibles);
        for c in &o.convertibles {
            prop_assert_eq!(c.claim_paid.amount + c.conversion_paid.amount, c.total.amount);
            prop_assert!((c.total.amount - c.total_exact).abs() < dec!(0.01), "{:?}", c);
        }
    }

    #[test]
    fn notes_are_repaid_before_anything_else(cap in capitalisation(), exit in exit()) {
        let o = waterfall(&cap, &exit, &RoundingPolicy::default()).unwrap();
        let net = o.net_proceeds.amount;
        let (notes, _) = seniors(&cap);
        if net < notes {
            // Short of the notes: they share everything, pro rata to their repayments.
            for (c, input) in o.convertibles.iter().zip(&cap.convertibles) {
                let share = match (input.kind, input.claim) {
                    (ConvertibleKind::Note, Some(claim)) => claim * net / notes,
                    _ => Decimal::ZERO,
                };
                prop_assert!((c.total_exact - share).abs() <= EPS, "{:?} vs {}", c, share);
            }
            for c in &o.classes {
                prop_assert!(c.total.amount.is_zero(), "{:?}", c);
            }
        } else {
            for (c, input) in o.convertibles.iter().zip(&cap.convertibles) {
                if let (ConvertibleKind::Note, Some(claim)) = (input.kind, input.claim) {
                    prop_assert!(c.total_exact + EPS >= claim, "{:?}", c);
                }
            }
        }
    }

    #[test]
    fn a_safe_gets_its_purchase_amount_when_its_tier_is_covered(
        cap in capitalisation(),
        exit in exit(),
    ) {
        let o = waterfall(&cap, &exit, &RoundingPolicy::default()).unwrap();
        let (notes, tier) = seniors(&cap);
        if o.net_proceeds.amount >= notes + tier {
            for (c, input) in o.convertibles.iter().zip(&cap.convertibles) {
                if let (ConvertibleKind::Safe, Some(claim)) = (input.kind, input.claim) {
                    prop_assert!(c.total_exact + EPS >= claim, "{:?}", c);
                }
            }
        }
    }

    #[test]
    fn each_instrument_takes_the_greater_of_its_claim_and_its_conversion(
        cap in capitalisation(),
        exit in exit(),
    ) {
        let o = waterfall(&cap, &exit, &RoundingPolicy::default()).unwrap();
        let q = o.common_price_per_share_exact;
        for (c, input) in o.convertibles.iter().zip(&cap.convertibles) {
            let Some(claim) = input.claim else {
                prop_assert_eq!(c.decision, Decision::Converts);
                continue;
            };
            match c.decision {
                Decision::Converts => {
                    prop_assert!(input.conversion_shares > 0 || input.conversion_amount.is_some());
                    prop_assert!(c.total_exact + EPS >= claim, "{:?}", c);
                    if let Some(a) = input.conversion_amount {
                        // A fixed Conversion Amount: its claim in full, then at most the rest.
                        prop_assert!(c.total_exact <= a + EPS, "{:?}", c);
                        prop_assert_eq!(c.claim_paid.amount, claim);
                    }
                }
                Decision::CashOut | Decision::Repaid => {
                    // Converting would add its claim to the pool and its shares to the
                    // shares: it pays more exactly when q x shares > claim.
                    prop_assert!(
                        q * Decimal::from(input.conversion_shares) <= claim + EPS,
                        "{:?} at q = {}", c, q
                    );
                    prop_assert!(c.total_exact <= claim + EPS);
                    prop_assert_eq!(
                        c.decision == Decision::Repaid,
                        input.kind == ConvertibleKind::Note
                    );
                }
                other => prop_assert!(false, "{:?} for a convertible", other),
            }
        }
    }
}
