//! Round modelling: the pre-money pool shuffle, post- and pre-money SAFEs, notes,
//! MFN, and what a committed model records. Each worked example names its source.

mod common;

use common::*;
use roundbook_ledger::model::*;
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

struct Co {
    book: Book,
    founder: StakeholderId,
    vc: StakeholderId,
    angel: StakeholderId,
    series: ClassId,
    plan: PlanId,
}

/// 10,000,000 founder shares, an empty plan, a Series class, two investors.
fn company(founder_shares: u64) -> Co {
    let mut book = new_book();
    let founder = person(&mut book, "Founder", Relationship::Founder);
    let vc = person(&mut book, "Lead VC", Relationship::Investor);
    let angel = person(&mut book, "Angel", Relationship::Investor);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let series = book
        .add_class(preferred("Series A", None, dec!(1), dec!(1)))
        .unwrap();
    let plan = plan(&mut book, "Plan", common, date(2020, 1, 1), 0);
    rec(
        &mut book,
        date(2020, 1, 1),
        issue(founder, common, founder_shares),
    );
    Co {
        book,
        founder,
        vc,
        angel,
        series,
        plan,
    }
}

fn model(co: &Co, pre: Decimal, invest: &[(StakeholderId, Decimal)]) -> RoundModel {
    RoundModel::new(
        "Series A",
        date(2021, 6, 1),
        co.series,
        RoundValuation::PreMoney(usd(pre)),
        invest
            .iter()
            .map(|(i, a)| Investment {
                investor: *i,
                amount: usd(*a),
            })
            .collect(),
    )
}

fn safe(
    co: &mut Co,
    amount: Decimal,
    cap: Option<Decimal>,
    discount: Option<Decimal>,
    timing: SafeTiming,
    mfn: bool,
    on: chrono::NaiveDate,
) -> EntryId {
    let terms = ConvertibleTerms::Safe {
        investment: usd(amount),
        timing,
        valuation_cap: cap.map(usd),
        discount,
        mfn,
    };
    rec(
        &mut co.book,
        on,
        Movement::ConvertibleIssuance {
            holder: co.angel,
            terms,
        },
    )
}

fn pct_of(o: &ModelOutcome, id: StakeholderId) -> Decimal {
    o.pro_forma
        .holders
        .iter()
        .find(|h| h.stakeholder == id)
        .map_or(Decimal::ZERO, |h| h.fully_diluted_pct)
}

#[test]
fn venture_hacks_option_pool_shuffle() {
    // Venture Hacks, "the option pool shuffle" (as quoted by beannleaf.com and capitalhunt.io):
    // $8M pre-money, $2M new money, a 15% post-money pool created in the pre-money makes the
    // effective pre-money $6.5M: founders end with 65%, investors 20%, the pool 15%.
    let co = company(8_000_000);
    let mut m = model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]);
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Target(dec!(0.15)),
        timing: PoolTiming::PreMoney,
    });
    let o = co.book.model_round(&m).unwrap();
    // Exact price: 6.5M / 8M = 0.8125.
    assert_eq!(o.exact_price.round_dp(12), dec!(0.8125));
    assert_eq!(o.price_per_share, usd(dec!(0.81250)));
    let effective_pre = o.price_per_share.amount * Decimal::from(8_000_000u64);
    assert_eq!(effective_pre, dec!(6500000));
    assert_eq!(pct_of(&o, co.founder).round_dp(2), dec!(65.00));
    assert_eq!(pct_of(&o, co.vc).round_dp(2), dec!(20.00));
    assert!(
        o.pool_available_after_pct >= dec!(15),
        "the pool target is met: {}",
        o.pool_available_after_pct
    );
    assert_eq!(o.post_money, usd(dec!(10000000)));
    // Nothing was recorded.
    assert!(co.book.rounds().is_empty());
}

#[test]
fn a_post_money_pool_dilutes_the_new_investors_too() {
    // Same terms with the top-up after pricing: the price is 8M / 8M shares = $1.00 and the
    // investors' 2,000,000 shares are diluted by the pool with everyone else.
    let co = company(8_000_000);
    let mut m = model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]);
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Target(dec!(0.15)),
        timing: PoolTiming::PostMoney,
    });
    let o = co.book.model_round(&m).unwrap();
    assert_eq!(o.price_per_share, usd(dec!(1.00000)));
    assert_eq!(o.new_shares, 2_000_000);
    // Pool = 15% of (10,000,000 + pool): 1,764,705.88 -> 1,764,706 rounded up.
    assert_eq!(o.pool_increase, 1_764_706);
    assert_eq!(pct_of(&o, co.vc).round_dp(2), dec!(17.00));
}

#[test]
fn yc_post_money_safe_converts_at_its_cap_on_the_company_capitalisation() {
    // YC post-money SAFE user guide: a SAFE's ownership is fixed at signing: purchase amount /
    // post-money valuation cap ($1.5M / $10M = 15%); "Company Capitalization" includes the
    // converting SAFE shares, so it is 10,000,000 / (1 - 0.15) = 11,764,705.88. Series A:
    // $5M at $15M pre-money with a 1,695,000-share pool increase priced at
    // 15,000,000 / (11,764,705 + 1,695,000) = $1.1144.
    let mut co = company(10_000_000);
    let s = safe(
        &mut co,
        dec!(1500000),
        Some(dec!(10000000)),
        None,
        SafeTiming::PostMoney,
        false,
        date(2020, 6, 1),
    );
    let cc = dec!(10000000) / dec!(0.85);
    let pool = dec!(1695000);
    let mut m = model(&co, dec!(15000000), &[(co.vc, dec!(5000000))]);
    // The guide states the increase as a share count, and so does the model.
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Shares(1_695_000),
        timing: PoolTiming::PreMoney,
    });
    m.rounding.price_decimals = 4;
    m.rounding.price_direction = PriceDirection::Down;
    let o = co.book.model_round(&m).unwrap();
    assert_eq!(o.price_per_share, usd(dec!(1.1144)));
    assert!(
        (o.price_denominator - (cc + pool)).abs() < dec!(0.000001),
        "{}",
        o.price_denominator
    );
    let c = &o.conversions[0];
    assert_eq!(c.instrument, s);
    assert_eq!(c.basis, ConversionBasis::Cap);
    // Cap price = $10M / 11,764,705.88 = $0.85000 (rounded up to 4 dp: 0.85 exactly).
    assert_eq!(c.conversion_price.amount, dec!(0.8500));
    assert_eq!(c.shares, 1_764_705);
    assert_eq!(o.pool_increase, 1_695_000);
}

#[test]
fn a_discount_safe_converts_below_the_round_price() {
    // Carta's SAFE & convertible note calculator: conversion price = the lower of
    // (1 - discount) x the round price and cap / capitalisation. $500,000 at a $20M post-money
    // cap and a 20% discount, in a round at $8M pre-money on 10,000,000 shares: the discount
    // governs. Checked against the definitions: price = 8M / (10M + x), x = 500k / (0.8 price).
    let mut co = company(10_000_000);
    safe(
        &mut co,
        dec!(500000),
        Some(dec!(20000000)),
        Some(dec!(0.20)),
        SafeTiming::PostMoney,
        false,
        date(2020, 6, 1),
    );
    let o = co
        .book
        .model_round(&model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]))
        .unwrap();
    let c = &o.conversions[0];
    assert_eq!(c.basis, ConversionBasis::Discount);
    // x = 0.078125 (10M + x) => x = 847,457.627...; price = 8M / 10,847,457.627 = 0.7375
    assert_eq!(o.exact_price.round_dp(10), dec!(0.7375));
    assert_eq!(c.conversion_price.amount, dec!(0.59000));
    assert_eq!(c.shares, 847_457);
}

#[test]
fn a_pre_money_safe_counts_the_pool_but_not_other_safes() {
    // Pre-money SAFE (YC's original form): cap price = cap / (shares before the round incl. the
    // pool increase, excluding converting securities). $1M at a $9M pre-money cap, 9,000,000
    // shares, no pool: cap price $1.00 -> 1,000,000 shares; round at $18M pre-money.
    let mut co = company(9_000_000);
    safe(
        &mut co,
        dec!(1000000),
        Some(dec!(9000000)),
        None,
        SafeTiming::PreMoney,
        false,
        date(2020, 6, 1),
    );
    let o = co
        .book
        .model_round(&model(&co, dec!(18000000), &[(co.vc, dec!(3000000))]))
        .unwrap();
    let c = &o.conversions[0];
    assert_eq!(c.basis, ConversionBasis::Cap);
    assert_eq!(c.conversion_price.amount, dec!(1.00000));
    assert_eq!(c.shares, 1_000_000);
    // Round price = 18M / (9M + 1M) = $1.80.
    assert_eq!(o.price_per_share.amount, dec!(1.80000));
}

#[test]
fn an_mfn_safe_takes_the_best_cap_of_a_later_safe() {
    // 1984vc/startup-finance safe-calcs: an MFN SAFE inherits the lowest cap among later SAFEs.
    let mut co = company(10_000_000);
    let mfn = safe(
        &mut co,
        dec!(250000),
        None,
        None,
        SafeTiming::PostMoney,
        true,
        date(2020, 3, 1),
    );
    safe(
        &mut co,
        dec!(500000),
        Some(dec!(8000000)),
        None,
        SafeTiming::PostMoney,
        false,
        date(2020, 6, 1),
    );
    let o = co
        .book
        .model_round(&model(&co, dec!(20000000), &[(co.vc, dec!(4000000))]))
        .unwrap();
    let line = o.conversions.iter().find(|c| c.instrument == mfn).unwrap();
    assert_eq!(line.basis, ConversionBasis::Cap);
    // Both at an $8M post-money cap: 250k/8M = 3.125% and 500k/8M = 6.25% of the capitalisation.
    let cc = Decimal::from(10_000_000u64) / (Decimal::ONE - dec!(0.09375));
    assert_eq!(
        line.shares,
        (dec!(250000)
            / (dec!(8000000) / cc)
                .round_dp_with_strategy(5, rust_decimal::RoundingStrategy::AwayFromZero))
        .floor()
        .try_into()
        .unwrap_or(0u64)
    );
}

#[test]
fn the_pool_is_not_topped_up_when_it_already_meets_the_target() {
    let mut co = company(8_000_000);
    rec(
        &mut co.book,
        date(2020, 2, 1),
        Movement::PoolIncrease {
            plan: co.plan,
            shares: 3_000_000,
        },
    );
    let mut m = model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]);
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Target(dec!(0.10)),
        timing: PoolTiming::PreMoney,
    });
    let o = co.book.model_round(&m).unwrap();
    assert_eq!(o.pool_increase, 0);
    assert_eq!(o.pool_available_before, 3_000_000);
    // Price = 8M / 11M shares.
    assert_eq!(
        o.exact_price.round_dp(10),
        (dec!(8000000) / dec!(11000000)).round_dp(10)
    );
}

#[test]
fn bad_round_terms_are_refused_naming_the_field() {
    let co = company(8_000_000);
    let mut m = model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]);
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Target(dec!(1)),
        timing: PoolTiming::PreMoney,
    });
    assert_eq!(
        co.book.model_round(&m).unwrap_err().field(),
        Some("pool_target")
    );
    // t x post/pre >= 1: 0.9 x 10/8 > 1.
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Target(dec!(0.9)),
        timing: PoolTiming::PreMoney,
    });
    assert_eq!(
        co.book.model_round(&m).unwrap_err().field(),
        Some("pool_target")
    );
    let mut m = model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]);
    m.valuation = RoundValuation::PostMoney(usd(dec!(2000000)));
    assert_eq!(
        co.book.model_round(&m).unwrap_err().field(),
        Some("post_money")
    );
    m.valuation = RoundValuation::PreMoney(usd(dec!(0)));
    assert_eq!(
        co.book.model_round(&m).unwrap_err().field(),
        Some("pre_money")
    );
}

#[test]
fn committing_a_model_records_what_the_pro_forma_showed_and_can_be_reversed() {
    let mut co = company(8_000_000);
    let s = safe(
        &mut co,
        dec!(500000),
        Some(dec!(10000000)),
        None,
        SafeTiming::PostMoney,
        false,
        date(2020, 6, 1),
    );
    let mut m = model(&co, dec!(8000000), &[(co.vc, dec!(2000000))]);
    m.pool = Some(PoolTopUp {
        plan: co.plan,
        size: PoolSize::Target(dec!(0.10)),
        timing: PoolTiming::PreMoney,
    });
    let pro_forma = co.book.model_round(&m).unwrap();
    let before = table(&co.book, date(2021, 6, 1));
    let mark = co.book.mark();
    let committed = co.book.commit_round_model(&m).unwrap();
    co.book.check(mark).unwrap();
    assert_eq!(committed, pro_forma);
    assert_eq!(table(&co.book, date(2021, 6, 1)), committed.pro_forma);
    assert_ties_out(&committed.pro_forma);
    assert!(
        committed.pro_forma.convertibles.is_empty(),
        "the SAFE converted"
    );
    // post = pre + new money, and the pro forma's holders add up.
    assert_eq!(committed.post_money.amount, dec!(10000000));
    let added: Vec<EntryId> = co
        .book
        .added_since(mark)
        .entries
        .iter()
        .map(|e| e.id)
        .collect();
    assert!(added.len() >= 3, "pool, conversion, issuance: {added:?}");
    // Reverse every entry the commit made: the cap table is as before.
    let mark = co.book.mark();
    for id in added.iter().rev() {
        co.book
            .record(
                date(2021, 6, 1),
                Movement::Reversal {
                    reverses: *id,
                    reason: "model withdrawn".into(),
                },
                None,
                Provenance::Recorded,
            )
            .unwrap();
    }
    co.book.check(mark).unwrap();
    let after = table(&co.book, date(2021, 6, 1));
    assert_eq!(after.holders, before.holders);
    assert_eq!(after.totals, before.totals);
    assert_eq!(after.convertibles.len(), 1);
    assert_eq!(after.convertibles[0].instrument, s);
}

#[test]
fn a_pro_rata_right_buys_the_holders_share_of_the_new_money() {
    // NVCA investors' rights agreement: a major investor may buy its pro rata share of New
    // Securities, its fully diluted shares over all fully diluted shares. The angel holds 20%
    // after a seed; in a $5M round it buys 20% x $5M = $1M more.
    let mut co = company(8_000_000);
    rec(
        &mut co.book,
        date(2020, 6, 1),
        issue(co.angel, co.series, 2_000_000),
    );
    let mut m = model(&co, dec!(20000000), &[(co.vc, dec!(5000000))]);
    m.pro_rata = vec![co.angel];
    let o = co.book.model_round(&m).unwrap();
    let angel = o
        .new_money_lines
        .iter()
        .find(|l| l.investor == co.angel)
        .unwrap();
    assert_eq!(angel.amount, usd(dec!(1000000.00)));
    assert_eq!(o.new_money, usd(dec!(6000000)));
    // Price = $20M / 10M shares = $2.00; the angel keeps 2,000,000 + 500,000 of 13,000,000 shares.
    assert_eq!(angel.shares, 500_000);
    // Without the right exercised, the angel is diluted from 20% to 16%.
    let o2 = co
        .book
        .model_round(&model(&co, dec!(20000000), &[(co.vc, dec!(5000000))]))
        .unwrap();
    assert_eq!(pct_of(&o2, co.angel).round_dp(4), dec!(16.0000));
    assert!(pct_of(&o, co.angel) > pct_of(&o2, co.angel));
}

#[test]
fn a_down_round_adjusts_a_protected_class_and_the_cap_table_as_converted() {
    // NVCA broad-based weighted average: CP2 = CP1 x (A + B) / (A + C). A Series Seed at $1.00
    // (2,000,000 shares) on 10,000,000 fully diluted shares; a Series A at $0.50 pre-money $5M:
    // 2,000,000 new shares for $1,000,000 -> CP2 = 1.00 x (10,000,000 + 1,000,000) /
    // (10,000,000 + 2,000,000) = $0.91667 (5 dp, rounded up).
    let mut co = company(8_000_000);
    let mut seed = preferred("Series Seed", None, dec!(1), dec!(1));
    seed.anti_dilution = AntiDilution::BroadBasedWeightedAverage;
    let seed = co.book.add_class(seed).unwrap();
    rec(
        &mut co.book,
        date(2020, 6, 1),
        issue(co.angel, seed, 2_000_000),
    );
    let m = model(&co, dec!(5000000), &[(co.vc, dec!(1000000))]);
    let mark = co.book.mark();
    let o = co.book.commit_round_model(&m).unwrap();
    co.book.check(mark).unwrap();
    assert_eq!(o.price_per_share, usd(dec!(0.50000)));
    assert_eq!(o.anti_dilution.len(), 1);
    let adj = &o.anti_dilution[0];
    assert_eq!(adj.class, seed);
    assert_eq!(adj.new_conversion_price, usd(dec!(0.91667)));
    // The cap table as converted uses the new ratio: 2,000,000 x 1 / 0.91667, floored.
    let ct = table(&co.book, date(2021, 6, 1));
    let row = ct.classes.iter().find(|c| c.class == seed).unwrap();
    assert_eq!(row.shares, 2_000_000);
    assert_eq!(
        Decimal::from(row.as_converted),
        (dec!(2000000) * adj.new_ratio).floor()
    );
    assert!(row.as_converted > 2_000_000);
    assert_ties_out(&ct);
}

#[test]
fn a_class_with_nothing_outstanding_is_not_adjusted() {
    // The xAI example authorises its Series B (broad-based protection, $15.00) before the
    // Series A prices at $1.125: the Series A is not a down round for shares not yet issued.
    let mut book = Book::new(example::xai_company()).unwrap();
    example::populate_xai(&mut book).unwrap();
    assert!(!book
        .entries()
        .iter()
        .any(|e| matches!(e.movement, Movement::ConversionRatioAdjustment { .. })));
    let ct = book
        .cap_table(example::xai_series_b_date(), &RoundingPolicy::default())
        .unwrap();
    assert_eq!(ct.totals.fully_diluted, 1_600_000_000);
}

#[test]
fn the_capitalisation_a_cap_divides_by_is_an_explicit_rule() {
    // OCF's CapitalizationDefinitionRules: a definition that also counts the new money (more
    // friendly to the SAFE holder, like Ledgy's "investor friendly" preset) divides the cap by
    // more shares: cap / (F + x + N) instead of cap / (F + x), a lower price, more shares.
    let mut co = company(10_000_000);
    safe(
        &mut co,
        dec!(1000000),
        Some(dec!(10000000)),
        None,
        SafeTiming::PostMoney,
        false,
        date(2020, 6, 1),
    );
    let yc = co
        .book
        .model_round(&model(&co, dec!(20000000), &[(co.vc, dec!(5000000))]))
        .unwrap();
    let mut m = model(&co, dec!(20000000), &[(co.vc, dec!(5000000))]);
    m.capitalisation.post_money_safes.new_money = true;
    let wide = co.book.model_round(&m).unwrap();
    // YC: the SAFE owns exactly 1M / 10M = 10% of F + x: x = 10,000,000 / 0.9 - 10,000,000.
    assert_eq!(yc.conversions[0].shares, 1_111_111);
    assert!(wide.conversions[0].shares > yc.conversions[0].shares);
    // Under the wide rule the cap price is the cap over F + x + N at the solution.
    let c = &wide.conversions[0];
    let f_x_n = Decimal::from(10_000_000u64 + c.shares + wide.new_shares);
    let implied = dec!(10000000) / f_x_n;
    assert!(
        (c.conversion_price.amount - implied).abs() < dec!(0.0001),
        "{} vs {implied}",
        c.conversion_price.amount
    );
}
