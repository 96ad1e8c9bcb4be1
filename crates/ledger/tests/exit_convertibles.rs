//! SAFEs and notes at an exit before they convert, and the preference basis, from a deal (the
//! book `calc` builds) to the waterfall: worked examples, each naming its public source; the
//! figures are worked by hand in the comments, to the cent.
//!
//! Sources:
//! - [YC] Y Combinator, Post-Money SAFE, valuation cap version (v1.1, ycombinator.com/documents;
//!   the text as transcribed by CommonAccord, Doc/G/YCombinator-SAFE-2020/Form/Cap-NoDiscount):
//!   §1(b) Liquidity Event ("the greater of (i) the Purchase Amount (the 'Cash-Out Amount') or
//!   (ii) the amount payable on the number of shares of Common Stock equal to the Purchase
//!   Amount divided by the Liquidity Price (the 'Conversion Amount')"); §1(d) Liquidation
//!   Priority (junior to indebtedness and convertible notes not converted; "on par with
//!   payments for other Safes and/or Preferred Stock ... pro rata ... in proportion to the full
//!   payments that would otherwise be due"; senior to Common); §2 "Liquidity Price" (the
//!   Post-Money Valuation Cap divided by the Liquidity Capitalization) and "Liquidity
//!   Capitalization" (shares outstanding, options outstanding, the Converting Securities; not
//!   the Unissued Option Pool); "Safe Preferred Stock" (its per-share liquidation preference is
//!   the Safe Price). The discount-only form (Discount-NoCap) defines its Liquidity Price by
//!   the common's fair market value instead.
//! - [YC pre-money] Y Combinator, the pre-money SAFE (2013-2018 form): "Liquidity
//!   Capitalization" is the capital stock outstanding as converted, options and warrants
//!   included, excluding the unissued pool, SAFEs and convertible notes.
//! - [Series Seed] Cooley's Series Seed convertible note term sheet (CommonAccord,
//!   Doc/G/SeriesSeed-Cooley-CmA/notes/Term_Sheet, §1.7 Change of Control): at each investor's
//!   option, "a cash repayment equal to the outstanding principal and unpaid accrued interest[,
//!   plus an additional payment equal to [___]% of the principal ...]", or conversion into
//!   common at the valuation cap divided by the shares outstanding before the change of control
//!   (options and warrants included, the notes excluded).
//! - [Carta] docs/notes.md: $100,000 at 6% simple interest, ACT/365, for 365 days: $6,000.00.

mod common;

use common::{date, new_book, person, preferred, rec, reversal, transfer, usd};
use roundbook_ledger::deal::{run_deal, Deal, DealOutcome};
use roundbook_ledger::waterfall::*;
use roundbook_ledger::{Movement, NewClass, Relationship, RoundingPolicy};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::json;

fn deal(v: serde_json::Value) -> DealOutcome {
    let d: Deal = serde_json::from_value(v).expect("a deal");
    let o = run_deal(&d).expect("the deal runs");
    for e in &o.exits {
        check_sums(e);
    }
    o
}

fn refused(v: serde_json::Value) -> String {
    let d: Deal = serde_json::from_value(v).expect("a deal");
    run_deal(&d).expect_err("refused").to_string()
}

/// Everything paid adds up to what is distributed, at every level.
fn check_sums(o: &WaterfallOutcome) {
    let classes: Decimal = o.classes.iter().map(|c| c.total.amount).sum();
    let convertibles: Decimal = o.convertibles.iter().map(|c| c.total.amount).sum();
    let options: Decimal = o.options.iter().map(|x| x.payout.amount).sum();
    assert_eq!(classes + convertibles + options, o.total_distributed.amount);
    let holders: Decimal = o.holders.iter().map(|h| h.total.amount).sum();
    assert_eq!(holders, o.total_distributed.amount);
    for c in &o.convertibles {
        assert_eq!(
            c.claim_paid.amount + c.conversion_paid.amount,
            c.total.amount
        );
    }
    for h in &o.holders {
        let lines: Decimal = h.by_class.iter().map(|l| l.amount.amount).sum();
        assert_eq!(
            lines + h.options.amount + h.convertibles.amount,
            h.total.amount
        );
    }
}

fn paid(o: &WaterfallOutcome, holder: &str) -> Decimal {
    o.holder(holder).expect("the holder").total.amount
}

fn safe(o: &WaterfallOutcome) -> &ConvertiblePayout {
    o.convertibles
        .iter()
        .find(|c| c.kind == ConvertibleKind::Safe)
        .expect("a SAFE")
}

/// Founders with 9,000,000 common and a $1M post-money SAFE at a $10M cap.
fn one_safe(values: &[&str]) -> serde_json::Value {
    json!({
        "date": "2024-01-01",
        "classes": [{"name": "Common", "kind": "common"}],
        "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 9000000}]}],
        "instruments": [{"type": "safe", "holder": "Angel", "investment": "1000000",
                         "valuation_cap": "10000000", "issued": "2023-06-01"}],
        "exit": {"values": values}
    })
}

#[test]
fn a_post_money_safe_takes_the_greater_of_its_cash_out_and_conversion_amounts() {
    // [YC] §1(b): Liquidity Capitalization = 9,000,000 + the SAFE's own shares; those are
    // $1M / Liquidity Price = 10% of it, so it is 9,000,000 / 0.9 = 10,000,000 and the
    // Liquidity Price $10M / 10,000,000 = $1.00: 1,000,000 shares.
    let o = deal(one_safe(&[
        "5000000",
        "10000000",
        "10000000.01",
        "50000000",
    ]));
    let at = |i: usize| &o.exits[i];
    assert_eq!(safe(at(0)).conversion_shares, 1_000_000);
    assert_eq!(safe(at(0)).conversion_price, Some(dec!(1.00000)));
    assert_eq!(safe(at(0)).claim.amount, dec!(1000000));
    // $5M: converted it would be paid 10% of $5M = $500,000 < $1M: the Cash-Out Amount.
    assert_eq!(safe(at(0)).decision, Decision::CashOut);
    assert_eq!(paid(at(0), "Angel"), dec!(1000000));
    assert_eq!(paid(at(0), "Founders"), dec!(4000000));
    // $10M: both pay $1M; at a tie it keeps its cash-out.
    assert_eq!(safe(at(1)).decision, Decision::CashOut);
    assert_eq!(paid(at(1), "Angel"), dec!(1000000));
    // A cent more and it converts.
    assert_eq!(safe(at(2)).decision, Decision::Converts);
    assert_eq!(paid(at(2), "Angel"), dec!(1000000.00));
    // $50M: 10% as converted, $5,000,000; the founders $45,000,000.
    assert_eq!(safe(at(3)).decision, Decision::Converts);
    assert_eq!(safe(at(3)).conversion_paid.amount, dec!(5000000));
    assert_eq!(paid(at(3), "Angel"), dec!(5000000));
    assert_eq!(paid(at(3), "Founders"), dec!(45000000));
    // The breakpoint: the common price passes the Liquidity Price, $1.00, at an exit of $10M.
    let b = o
        .breakpoints
        .iter()
        .find(|b| b.event == BreakpointEvent::Converts)
        .expect("a conversion");
    assert_eq!(
        (b.class.as_str(), b.holder.as_deref()),
        ("SAFE #2", Some("Angel"))
    );
    assert_eq!(b.exit_value.amount, dec!(10000000.00));
    assert!(o.left_out_instruments.is_empty());
}

#[test]
fn left_out_keeps_the_safes_out_of_the_waterfall() {
    let mut v = one_safe(&["50000000"]);
    v["exit"]["convertibles"] = json!("left-out");
    let o = deal(v);
    assert!(o.exits[0].convertibles.is_empty());
    assert_eq!(o.left_out_instruments.len(), 1);
    assert_eq!(paid(&o.exits[0], "Founders"), dec!(50000000));
    assert_eq!(
        o.exits[0].conventions.convertibles,
        ConvertiblesAtExit::LeftOut
    );
}

#[test]
fn a_safe_shares_a_shortfall_pro_rata_with_the_most_senior_preferred() {
    // [YC] §1(d)(ii): on par with Preferred Stock, pro rata to the full payments due. A $1.5M
    // exit against the Series A's $1M preference and the SAFE's $1M: $750,000 each; the Seed,
    // junior to the Series A, and the common get nothing.
    let o = deal(json!({
        "date": "2024-01-01",
        "classes": [
            {"name": "Common", "kind": "common"},
            {"name": "Seed", "kind": "preferred", "original_issue_price": "1.00", "seniority": 1},
            {"name": "Series A", "kind": "preferred", "original_issue_price": "2.00", "seniority": 2}
        ],
        "holders": [
            {"name": "Founders", "holdings": [{"class": "Common", "shares": 8000000}]},
            {"name": "Seed Fund", "holdings": [{"class": "Seed", "shares": 1000000}]},
            {"name": "A Fund", "holdings": [{"class": "Series A", "shares": 500000}]}
        ],
        "instruments": [{"type": "safe", "holder": "Angel", "investment": "1000000",
                         "valuation_cap": "10000000", "issued": "2023-06-01"}],
        "exit": {"values": ["1500000", "2500000"]}
    }));
    let e = &o.exits[0];
    assert_eq!(paid(e, "Angel"), dec!(750000));
    assert_eq!(paid(e, "A Fund"), dec!(750000));
    assert_eq!(paid(e, "Seed Fund"), dec!(0));
    assert_eq!(paid(e, "Founders"), dec!(0));
    // $2.5M: the top tier ($2M) in full, the Seed $500,000 of its $1M.
    let e = &o.exits[1];
    assert_eq!(paid(e, "Angel"), dec!(1000000));
    assert_eq!(paid(e, "A Fund"), dec!(1000000));
    assert_eq!(paid(e, "Seed Fund"), dec!(500000));
}

/// Founders 9,000,000 common, a Series A of 1,000,000 shares at $1.00 (1x), and a $100,000
/// note at 6% simple interest issued a year before the exit.
fn with_note(cap: Option<&str>, exit: serde_json::Value) -> serde_json::Value {
    let mut note = json!({"type": "note", "holder": "Bridge", "principal": "100000",
                          "interest_rate": "0.06", "issued": "2023-01-01", "maturity": "2025-01-01"});
    if let Some(c) = cap {
        note["valuation_cap"] = json!(c);
    }
    json!({
        "date": "2024-01-01",
        "classes": [
            {"name": "Common", "kind": "common"},
            {"name": "Series A", "kind": "preferred", "original_issue_price": "1.00", "seniority": 1}
        ],
        "holders": [
            {"name": "Founders", "holdings": [{"class": "Common", "shares": 9000000}]},
            {"name": "A Fund", "holdings": [{"class": "Series A", "shares": 1000000}]}
        ],
        "instruments": [note],
        "exit": exit
    })
}

#[test]
fn a_note_is_repaid_with_interest_before_any_equity() {
    // [Carta] one year's interest on $100,000 at 6%: $6,000; [Series Seed] §1.7: repaid
    // principal + interest, $106,000, ahead of the Series A's $1M preference ([YC] §1(d)(i)
    // ranks notes not converted above SAFEs and preferred).
    let o = deal(with_note(None, json!({"values": ["500000"]})));
    let e = &o.exits[0];
    let note = &e.convertibles[0];
    assert_eq!(
        (note.kind, note.decision),
        (ConvertibleKind::Note, Decision::Repaid)
    );
    assert_eq!(note.claim.amount, dec!(106000.00));
    assert_eq!(paid(e, "Bridge"), dec!(106000));
    assert_eq!(paid(e, "A Fund"), dec!(394000));
    assert_eq!(paid(e, "Founders"), dec!(0));
    // A 2x repayment multiple (the term sheet's "additional payment" of 100% of principal):
    // $200,000 + $6,000.
    let o = deal(with_note(
        None,
        json!({"values": ["500000"], "note_repayment_multiple": "2"}),
    ));
    assert_eq!(paid(&o.exits[0], "Bridge"), dec!(206000));
    assert_eq!(paid(&o.exits[0], "A Fund"), dec!(294000));
    // Proceeds below the repayment all go to the note.
    let o = deal(with_note(None, json!({"values": ["80000"]})));
    assert_eq!(paid(&o.exits[0], "Bridge"), dec!(80000));
    assert_eq!(paid(&o.exits[0], "A Fund"), dec!(0));
}

#[test]
fn a_capped_note_takes_the_greater_of_repayment_and_conversion() {
    // [Series Seed] §1.7: conversion into common at the cap over the shares outstanding before
    // the change of control, the note excluded: $5,000,000 / (9,000,000 common + 1,000,000
    // Series A) = $0.50000; principal and interest, $106,000, buy 212,000 shares.
    let values = json!({"values": ["1000000", "50000000"]});
    let o = deal(with_note(Some("5000000"), values.clone()));
    let low = &o.exits[0].convertibles[0];
    assert_eq!(low.conversion_shares, 212_000);
    assert_eq!(low.conversion_price, Some(dec!(0.50000)));
    // $1M: after the note's $106,000 the Series A's $1M is not covered, the common price is 0:
    // the note is repaid.
    assert_eq!(low.decision, Decision::Repaid);
    assert_eq!(low.total.amount, dec!(106000));
    // $50M: the Series A converts too (10%); the note's 212,000 of 10,212,000 shares pay
    // $50M x 212,000 / 10,212,000 = $1,037,994.52 > $106,000.
    let high = &o.exits[1];
    assert_eq!(high.convertibles[0].decision, Decision::Converts);
    assert_eq!(paid(high, "Bridge"), dec!(1037994.52));
    assert_eq!(paid(high, "A Fund"), dec!(4896200.55));
    assert_eq!(paid(high, "Founders"), dec!(44065804.93));
    // Repaid only, it gets its $106,000 at $50M too.
    let mut v = with_note(Some("5000000"), values.clone());
    v["exit"]["notes"] = json!("repay");
    let o = deal(v);
    assert_eq!(o.exits[1].convertibles[0].decision, Decision::Repaid);
    assert_eq!(o.exits[1].convertibles[0].conversion_shares, 0);
    assert_eq!(paid(&o.exits[1], "Bridge"), dec!(106000));
    // Converted only, it shares the common pool even when that pays less: at $1M the Series A
    // takes its $1M and nothing is left for common.
    let mut v = with_note(Some("5000000"), values);
    v["exit"]["notes"] = json!("convert");
    let o = deal(v);
    assert_eq!(o.exits[0].convertibles[0].decision, Decision::Converts);
    assert_eq!(paid(&o.exits[0], "Bridge"), dec!(0));
    assert_eq!(paid(&o.exits[0], "A Fund"), dec!(1000000));
    assert_eq!(paid(&o.exits[1], "Bridge"), dec!(1037994.52));
}

#[test]
fn a_pre_money_safe_divides_its_cap_by_the_capitalisation_without_the_safes() {
    // [YC pre-money]: Liquidity Capitalization = 9,000,000 shares + 500,000 options; not the
    // SAFE. $9M / 9,500,000 = $0.947368... up to 5 dp $0.94737; $1M / $0.94737 =
    // 1,055,553.37 -> 1,055,553 shares.
    let o = deal(json!({
        "date": "2024-01-01",
        "classes": [{"name": "Common", "kind": "common"}],
        "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 9000000}]}],
        "options": [{"holder": "Employees", "count": 500000, "strike": "0.10"}],
        "instruments": [{"type": "safe", "holder": "Angel", "investment": "1000000",
                         "timing": "pre-money", "valuation_cap": "9000000", "issued": "2023-06-01"}],
        "exit": {"values": ["100000000"]}
    }));
    let s = safe(&o.exits[0]);
    assert_eq!(s.conversion_price, Some(dec!(0.94737)));
    assert_eq!(s.conversion_shares, 1_055_553);
    assert_eq!(s.decision, Decision::Converts);
}

#[test]
fn a_discount_only_safe_is_paid_its_purchase_amount_over_the_discount_rate() {
    // [YC] discount-only form: Liquidity Price = the common's fair market value x the discount
    // rate (80%), so the Conversion Amount is $500,000 / 0.8 = $625,000 whatever the common is
    // worth: its $500,000 cash-out in the preferred tier, the other $125,000 after every
    // preference and before the common.
    let o = deal(json!({
        "date": "2024-01-01",
        "classes": [{"name": "Common", "kind": "common"}],
        "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 9000000}]}],
        "instruments": [{"type": "safe", "holder": "Angel", "investment": "500000",
                         "discount": "0.20", "issued": "2023-06-01"}],
        "exit": {"values": ["400000", "550000", "100000000"]}
    }));
    let s = safe(&o.exits[2]);
    assert_eq!((s.decision, s.conversion_shares), (Decision::Converts, 0));
    assert_eq!(s.conversion_amount.map(|m| m.amount), Some(dec!(625000.00)));
    assert_eq!(s.claim_paid.amount, dec!(500000));
    assert_eq!(s.conversion_paid.amount, dec!(125000));
    assert_eq!(paid(&o.exits[2], "Founders"), dec!(99375000));
    // $400,000 does not cover the cash-out amount: all of it, as cash-out.
    assert_eq!(safe(&o.exits[0]).decision, Decision::CashOut);
    assert_eq!(paid(&o.exits[0], "Angel"), dec!(400000));
    // $550,000: the cash-out amount and $50,000 of the rest; nothing for the common.
    assert_eq!(safe(&o.exits[1]).decision, Decision::Converts);
    assert_eq!(paid(&o.exits[1], "Angel"), dec!(550000));
    assert_eq!(paid(&o.exits[1], "Founders"), dec!(0));
    // The breakpoints: the common starts at $625,000.
    assert!(o.breakpoints.iter().any(|b| b.class == "Common"
        && b.event == BreakpointEvent::StartsParticipating
        && b.exit_value.amount == dec!(625000.00)));
}

#[test]
fn an_mfn_only_safe_takes_its_cash_out_amount() {
    // [YC] MFN-only form: the Liquidity Price is the common's fair market value, so the
    // Conversion Amount is the purchase amount itself; with no later SAFE to adopt terms from,
    // $500,000 at any exit.
    let o = deal(json!({
        "date": "2024-01-01",
        "classes": [{"name": "Common", "kind": "common"}],
        "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 9000000}]}],
        "instruments": [{"type": "safe", "holder": "Angel", "investment": "500000",
                         "mfn": true, "issued": "2023-06-01"}],
        "exit": {"values": ["100000000"]}
    }));
    let s = safe(&o.exits[0]);
    assert_eq!((s.decision, s.conversion_shares), (Decision::CashOut, 0));
    assert_eq!(s.conversion_amount, None);
    assert_eq!(paid(&o.exits[0], "Angel"), dec!(500000));
    assert_eq!(paid(&o.exits[0], "Founders"), dec!(99500000));
}

#[test]
fn an_mfn_safe_converts_at_the_cap_it_adopts() {
    // MFN, as a round converts it: the $10M cap of the SAFE issued after it. Together they are
    // 10% of a 10,000,000-share Liquidity Capitalization: 500,000 shares each at $1.00.
    let o = deal(json!({
        "date": "2024-01-01",
        "classes": [{"name": "Common", "kind": "common"}],
        "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 9000000}]}],
        "instruments": [
            {"type": "safe", "holder": "Early", "investment": "500000", "mfn": true, "issued": "2023-01-01"},
            {"type": "safe", "holder": "Later", "investment": "500000", "valuation_cap": "10000000",
             "issued": "2023-06-01"}
        ],
        "exit": {"values": ["50000000"]}
    }));
    let e = &o.exits[0];
    assert!(e
        .convertibles
        .iter()
        .all(|c| c.conversion_shares == 500_000));
    assert_eq!(paid(e, "Early"), dec!(2500000));
    assert_eq!(paid(e, "Later"), dec!(2500000));
}

/// YC's two post-money SAFEs converted in a $5M Series A at $15M pre-money
/// (docs/calc/yc-post-money-safe.json), then sold for $6M, below the Series A's preferences.
fn yc_round_then_exit(basis: &str) -> DealOutcome {
    deal(json!({
        "date": "2021-06-01",
        "classes": [{"name": "Common", "kind": "common"}],
        "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 10000000}]}],
        "instruments": [
            {"type": "safe", "holder": "Angel Fund", "investment": "1000000", "valuation_cap": "10000000", "issued": "2020-03-01"},
            {"type": "safe", "holder": "Seed Fund", "investment": "500000", "valuation_cap": "10000000", "discount": "0.20", "issued": "2020-09-01"}
        ],
        "round": {"name": "Series A", "date": "2021-06-01", "pre_money": "15000000",
                  "class": "Series A Preferred", "investments": [{"investor": "Lead VC", "amount": "5000000"}]},
        "exit": {"values": ["6000000"], "preference_basis": basis}
    }))
}

#[test]
fn the_preference_basis_issue_price_or_the_cash_invested() {
    // The Series A Preferred's 5,686,273 shares: Angel 1,176,470 and Seed 588,235 converted at
    // the $0.85 cap price, Lead 3,921,568 bought at $1.275.
    // Issue price: 5,686,273 x $1.275 = $7,249,998.075, shared pro rata to shares:
    // Angel $1,241,379.02, Seed $620,689.51, Lead $4,137,931.47.
    let o = yc_round_then_exit("issue-price");
    let e = &o.exits[0];
    assert_eq!(e.conventions.preference_basis, PreferenceBasis::IssuePrice);
    assert_eq!(
        e.class("Series A Preferred")
            .unwrap()
            .preference_claim
            .amount,
        dec!(7249998.08)
    );
    assert_eq!(paid(e, "Angel Fund"), dec!(1241379.02));
    assert_eq!(paid(e, "Seed Fund"), dec!(620689.51));
    assert_eq!(paid(e, "Lead VC"), dec!(4137931.47));
    // Invested: the SAFEs' purchase amounts, $1,000,000 and $500,000 ([YC]'s Safe Preferred
    // Stock carries a preference at the Safe Price, this much less the fraction of a share),
    // and the Lead's 3,921,568 x $1.275 = $4,999,999.20: $6,499,999.20 in all, shared pro rata:
    // Angel $923,077.04, Seed $461,538.52, Lead $4,615,384.44.
    let o = yc_round_then_exit("invested");
    let e = &o.exits[0];
    assert_eq!(e.conventions.preference_basis, PreferenceBasis::Invested);
    assert_eq!(
        e.class("Series A Preferred")
            .unwrap()
            .preference_claim
            .amount,
        dec!(6499999.20)
    );
    assert_eq!(paid(e, "Angel Fund"), dec!(923077.04));
    assert_eq!(paid(e, "Seed Fund"), dec!(461538.52));
    assert_eq!(paid(e, "Lead VC"), dec!(4615384.44));
}

#[test]
fn the_invested_basis_counts_the_cash_paid_for_whole_shares() {
    // Venture Hacks' pool shuffle (docs/calc/pool-shuffle.json): $2M at $0.8125 buys 2,461,538
    // shares. Issue price: 2,461,538 x $0.8125 = $1,999,999.625 exactly; invested: what the
    // investor paid for them, $1,999,999.63 to the cent. At a $2M exit the Series A takes its
    // preference and the founders the rest: $0.375, or $0.37. Rounded, $0.375 and the Series
    // A's $0.625 tie for the last cent, which goes to the class listed first, Common.
    let run = |basis: &str| {
        deal(json!({
            "date": "2021-01-01",
            "classes": [{"name": "Common", "kind": "common"}],
            "holders": [{"name": "Founders", "holdings": [{"class": "Common", "shares": 8000000}]}],
            "round": {"name": "Series A", "date": "2021-01-01", "pre_money": "8000000",
                      "class": "Series A Preferred", "investments": [{"investor": "VC", "amount": "2000000"}],
                      "pool": {"target": "0.15"}},
            "exit": {"values": ["2000000"], "preference_basis": basis}
        }))
    };
    let series_a = |o: &DealOutcome| {
        let c = o.exits[0].class("Series A Preferred").unwrap().clone();
        (c.decision, c.total_exact, c.total.amount)
    };
    let o = run("issue-price");
    assert_eq!(o.round.as_ref().unwrap().new_shares, 2_461_538);
    assert_eq!(
        series_a(&o),
        (
            Decision::TakesPreference,
            dec!(1999999.625),
            dec!(1999999.62)
        )
    );
    assert_eq!(paid(&o.exits[0], "Founders"), dec!(0.38));
    let o = run("invested");
    assert_eq!(
        series_a(&o),
        (
            Decision::TakesPreference,
            dec!(1999999.63),
            dec!(1999999.63)
        )
    );
    assert_eq!(paid(&o.exits[0], "Founders"), dec!(0.37));
}

#[test]
fn bad_exit_settings_are_refused_naming_the_field() {
    let mut v = one_safe(&["1000000"]);
    v["exit"]["note_repayment_multiple"] = json!("0.5");
    let e = refused(v);
    assert!(e.contains("note_repayment_multiple"), "{e}");
    let mut v = one_safe(&["1000000"]);
    v["exit"]["notes"] = json!("sometimes");
    let err = serde_json::from_value::<Deal>(v).expect_err("refused");
    assert!(err.to_string().contains("sometimes"), "{err}");
    // Post-money SAFEs worth 100% of their caps leave no Liquidity Capitalization.
    let mut v = one_safe(&["1000000"]);
    v["instruments"][0]["investment"] = json!("10000000");
    let e = refused(v);
    assert!(e.contains("valuation_cap"), "{e}");
}

#[test]
fn the_cash_invested_follows_the_shares_through_the_journal() {
    // Vera buys 1,000,000 Series A at $0.80 ($800,000) and Sam 500,000 at $1.00 ($500,000); the
    // OIP is $1.00. Vera transfers 250,000 to Sam, who takes $800,000 x 250,000 / 1,000,000 =
    // $200,000 with them (Vera 750,000 shares, $600,000; Sam 750,000, $700,000). Sam's 150,000
    // repurchased leave with $700,000 x 150,000 / 750,000 = $140,000 (Sam 600,000, $560,000).
    // 100 shares issued to Vera at $0.333 ($33.30) and reversed change nothing.
    let mut book = new_book();
    let vera = person(&mut book, "Vera", Relationship::Investor);
    let sam = person(&mut book, "Sam", Relationship::Investor);
    let founder = person(&mut book, "Ada", Relationship::Founder);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let a = book
        .add_class(preferred("Series A", None, dec!(1.00), Decimal::ONE))
        .unwrap();
    let priced = |holder, shares, price| Movement::StockIssuance {
        holder,
        class: a,
        shares,
        price_per_share: Some(usd(price)),
        round: None,
    };
    rec(
        &mut book,
        date(2021, 1, 1),
        common::issue(founder, common, 8_000_000),
    );
    rec(
        &mut book,
        date(2021, 1, 1),
        priced(vera, 1_000_000, dec!(0.80)),
    );
    rec(
        &mut book,
        date(2021, 1, 1),
        priced(sam, 500_000, dec!(1.00)),
    );
    rec(&mut book, date(2021, 6, 1), transfer(vera, sam, a, 250_000));
    rec(
        &mut book,
        date(2021, 9, 1),
        Movement::Repurchase {
            holder: sam,
            class: a,
            shares: 150_000,
            price_per_share: usd(dec!(1.20)),
        },
    );
    let stray = rec(&mut book, date(2021, 10, 1), priced(vera, 100, dec!(0.333)));
    rec(&mut book, date(2021, 10, 2), reversal(stray));

    let conventions = |basis| ExitConventions {
        preference_basis: basis,
        ..ExitConventions::default()
    };
    let policy = RoundingPolicy::default();
    let at = date(2022, 1, 1);
    let (cap, _) = book
        .capitalisation(at, &policy, &conventions(PreferenceBasis::Invested))
        .unwrap();
    let invested = |name: &str| {
        cap.holdings
            .iter()
            .find(|h| h.holder == name && h.class == "Series A")
            .and_then(|h| h.invested)
    };
    assert_eq!(invested("Vera"), Some(dec!(600000)));
    assert_eq!(invested("Sam"), Some(dec!(560000)));
    // A $500,000 exit, below the preferences: shared pro rata to them.
    // Invested: $1,160,000 -> Vera 600/1160 = $258,620.69, Sam $241,379.31.
    let o = waterfall(&cap, &ExitTerms::new(dec!(500000)), &policy).unwrap();
    assert_eq!(paid(&o, "Vera"), dec!(258620.69));
    assert_eq!(paid(&o, "Sam"), dec!(241379.31));
    // Issue price: 750,000 and 600,000 shares x $1.00 -> Vera $277,777.78, Sam $222,222.22.
    let (cap, _) = book
        .capitalisation(at, &policy, &conventions(PreferenceBasis::IssuePrice))
        .unwrap();
    assert!(cap.holdings.iter().all(|h| h.invested.is_none()));
    let o = waterfall(&cap, &ExitTerms::new(dec!(500000)), &policy).unwrap();
    assert_eq!(paid(&o, "Vera"), dec!(277777.78));
    assert_eq!(paid(&o, "Sam"), dec!(222222.22));
}
