//! The exit waterfall on worked examples. Each test names its public source; where the source
//! gives only the terms, the figures are worked by hand in the comment, to the cent.
//!
//! Sources:
//! - [Foley Hoag] Foley Hoag LLP, "Examples of Liquidation Preference" (slide 27 of a 2014 deck,
//!   https://pitchsend.com/slides/ad0686ce-04a0-4dac-a3cf-54995e8d3c55): "$5m Series A investment
//!   at $20m pre-money valuation (resulting in the Series A investors owning 20%)", sold for $40m:
//!   1x non-participating -> $8m to the Series A, $32m to common; 1x participating with a 2x cap
//!   -> $10m / $30m; 1x participating without a cap -> $12m / $28m.
//! - [Gust] Gust Equity, "Participating Preferred" (https://docs.equity.gust.com/article/42-participating-preferred):
//!   "$2MM for 30% of the company at a 1X liquidation preference, with participating preferred
//!   ... acquired for $10MM ... a total take of $4.4MM".
//! - [VentureSouth] "Capped participation preferreds: the real impact" parts 1 and 2
//!   (https://venturesouth.vc/capped-participation-preference-impact/ , https://www.venturesouth.vc/the-grey-zone):
//!   "$2M preferred equity round to purchase 25% of a company ... 1x liquidation preference ...
//!   participating capped at 4x"; a $1M or $2M exit returns the preference only ("we get 100% of
//!   the capital returned"); capped at "$8M of proceeds in that 'window' of exits between $26M
//!   and $32M"; at $33M it converts for "25% of the $33M ($8.25M)"; "$2.5M in the
//!   non-participating scenario to $4M in the capped participating"; "the cap cost us $1.25M
//!   compared to the fully participating; but it's also $0.25M better than ... non-participating".
//! - [NVCA] NVCA model term sheet, Liquidation Preference, Alternative 3 (cap on participation:
//!   "until the holders of Series A Preferred receive an aggregate of [__] times the Original
//!   Purchase Price (including the amount paid pursuant to the preceding sentence)"), and the
//!   optional conversion at any time, as quoted by https://venturesouth.vc/capped-prefs-origins/ ;
//!   startupcompanylawyer.com, "What is a cap on a participating preferred liquidation
//!   preference?" (2007): above the cap "holders of preferred stock will be economically
//!   incentivized to convert".
//! - [Altum] Altum Law, "Should the Series B liquidation preference be senior to the Series A?"
//!   (https://altumlegal.com/should-the-series-b-liquidation-preference-be-senior-to-the-series-a):
//!   stacked: "the Series B investors have the right to get all of their money back first";
//!   pari passu: they "share the liquidation preference proceeds pro-rata based on their
//!   respective investment amounts".
//! - [ithacaVC] ithacaVC, "No Mess (Too Much Liquidation Preference)": "after the Series B round
//!   the company would have $13mm of aggregate liquidation preference ($3mm plus 2*$5mm)".
//! - [Pulley] Pulley, "How Pulley's waterfall model works"
//!   (https://help.pulley.com/en/articles/5867407-how-pulley-s-waterfall-model-works): fixed
//!   costs are deducted first; options and warrants are exercised only if in the money, and the
//!   exercise proceeds are added.
//! - [Eqvista] Eqvista, "Waterfall analysis" (https://support.eqvista.com/waterfall-analysis-on-eqvista/):
//!   inputs are the exit value, uncovered debt and transaction fees; [Carta] Carta's waterfall
//!   takes the exit value and non-convertible debt (https://carta.com/private-companies/scenario-modeling/).
//! - [metrickit] "Liquidation preference guide" (https://metrickittools.com/guides/liquidation-preference-guide):
//!   "Break-even exit value ~= preferenceAmount / ownershipPercent".

use roundbook_ledger::waterfall::*;
use roundbook_ledger::{ClassKind, Currency, Participation, RoundingPolicy};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn capitalisation(
    classes: Vec<WaterfallClass>,
    holdings: &[(&str, &str, u64)],
    options: &[(&str, &str, u64, Decimal)],
) -> Capitalisation {
    Capitalisation {
        currency: Currency::USD,
        classes,
        holdings: holdings
            .iter()
            .map(|&(holder, class, shares)| WaterfallHolding {
                holder: holder.into(),
                class: class.into(),
                shares,
                invested: None,
            })
            .collect(),
        options: options
            .iter()
            .map(|&(holder, class, count, strike)| WaterfallOption {
                holder: holder.into(),
                class: class.into(),
                count,
                strike,
                kind: OptionKind::Option,
            })
            .collect(),
        convertibles: vec![],
        conventions: ExitConventions::default(),
    }
}

fn run(cap: &Capitalisation, exit_value: Decimal) -> WaterfallOutcome {
    run_with(cap, ExitTerms::new(exit_value))
}

fn run_with(cap: &Capitalisation, exit: ExitTerms) -> WaterfallOutcome {
    let o = waterfall(cap, &exit, &RoundingPolicy::default()).expect("a waterfall");
    check_sums(&o);
    o
}

/// The rounded payouts tie out at every level, in every test.
fn check_sums(o: &WaterfallOutcome) {
    let classes: Decimal = o.classes.iter().map(|c| c.total.amount).sum();
    let options: Decimal = o.options.iter().map(|x| x.payout.amount).sum();
    assert_eq!(classes + options, o.total_distributed.amount);
    let holders: Decimal = o.holders.iter().map(|h| h.total.amount).sum();
    assert_eq!(holders, o.total_distributed.amount);
    for c in &o.classes {
        assert_eq!(
            c.preference_paid.amount + c.participation_paid.amount,
            c.total.amount
        );
        let by_holders: Decimal = o
            .holders
            .iter()
            .flat_map(|h| &h.by_class)
            .filter(|l| l.class == c.name)
            .map(|l| l.amount.amount)
            .sum();
        assert_eq!(by_holders, c.total.amount, "{}", c.name);
    }
    assert_eq!(
        o.total_distributed.amount,
        o.net_proceeds.amount + o.exercise_proceeds.amount
    );
}

fn total(o: &WaterfallOutcome, class: &str) -> Decimal {
    o.class(class).expect("the class").total.amount
}

fn decision(o: &WaterfallOutcome, class: &str) -> Decision {
    o.class(class).expect("the class").decision
}

fn holder(o: &WaterfallOutcome, name: &str) -> Decimal {
    o.holder(name).expect("the holder").total.amount
}

/// [Foley Hoag]: common 8,000,000 shares; Series A 2,000,000 shares at $2.50 ($5m, 20%).
fn foley_hoag(participation: Participation) -> Capitalisation {
    capitalisation(
        vec![
            WaterfallClass::common("Common"),
            WaterfallClass::preferred("Series A", dec!(2.50), dec!(1), participation, 1),
        ],
        &[
            ("Founders", "Common", 8_000_000),
            ("Fund", "Series A", 2_000_000),
        ],
        &[],
    )
}

/// [VentureSouth]: $2M at $1.00 a share for 25%: common 6,000,000, preferred 2,000,000.
fn venture_south(participation: Participation) -> Capitalisation {
    capitalisation(
        vec![
            WaterfallClass::common("Common"),
            WaterfallClass::preferred("Preferred", dec!(1.00), dec!(1), participation, 1),
        ],
        &[
            ("Founders", "Common", 6_000_000),
            ("Angels", "Preferred", 2_000_000),
        ],
        &[],
    )
}

/// [Altum] stacked (or pari passu): Series B $10M (5,000,000 at $2.00) over Series A $5M
/// (5,000,000 at $1.00) over common 10,000,000, all 1x non-participating.
fn stacked(b_seniority: i32) -> Capitalisation {
    capitalisation(
        vec![
            WaterfallClass::common("Common"),
            WaterfallClass::preferred("Series A", dec!(1.00), dec!(1), Participation::None, 1),
            WaterfallClass::preferred(
                "Series B",
                dec!(2.00),
                dec!(1),
                Participation::None,
                b_seniority,
            ),
        ],
        &[
            ("Founders", "Common", 10_000_000),
            ("A Fund", "Series A", 5_000_000),
            ("B Fund", "Series B", 5_000_000),
        ],
        &[],
    )
}

fn capped(cap_multiple: Decimal) -> Participation {
    Participation::Capped { cap_multiple }
}

// ---------------------------------------------------------------------------------------------
// Non-participating
// ---------------------------------------------------------------------------------------------

/// [Foley Hoag] 1x non-participating at a $40m exit: converting pays 20% x $40m = $8m > $5m.
#[test]
fn non_participating_converts_when_that_pays_more() {
    let o = run(&foley_hoag(Participation::None), dec!(40_000_000));
    assert_eq!(decision(&o, "Series A"), Decision::Converts);
    assert_eq!(total(&o, "Series A"), dec!(8_000_000));
    assert_eq!(total(&o, "Common"), dec!(32_000_000));
    let a = o.class("Series A").unwrap();
    assert_eq!(a.preference_paid.amount, dec!(0));
    assert_eq!(a.participation_paid.amount, dec!(8_000_000));
    assert_eq!(a.per_share, dec!(4));
    assert_eq!(o.common_price_per_share, dec!(4));
    assert_eq!(o.preferences_outstanding.amount, dec!(0));
}

/// [Foley Hoag] terms, at a $10m exit (worked by hand): 20% x $10m = $2m < $5m, so the
/// Series A takes its $5m preference and common shares the other $5m.
#[test]
fn non_participating_takes_its_preference_when_that_pays_more() {
    let o = run(&foley_hoag(Participation::None), dec!(10_000_000));
    assert_eq!(decision(&o, "Series A"), Decision::TakesPreference);
    assert_eq!(total(&o, "Series A"), dec!(5_000_000));
    assert_eq!(
        o.class("Series A").unwrap().preference_paid.amount,
        dec!(5_000_000)
    );
    assert_eq!(total(&o, "Common"), dec!(5_000_000));
    assert_eq!(o.class("Common").unwrap().decision, Decision::Common);
    assert_eq!(o.class("Common").unwrap().per_share, dec!(0.625));
    assert_eq!(holder(&o, "Founders"), dec!(5_000_000));
}

/// [metrickit] break-even = preference / ownership = $5m / 20% = $25m on [Foley Hoag]'s terms.
/// At exactly $25m converting pays the same ($5m), and the class keeps its preference (a class
/// converts only when that pays strictly more); one cent above, it converts.
#[test]
fn non_participating_break_even_is_preference_over_ownership() {
    let cap = foley_hoag(Participation::None);
    let at = run(&cap, dec!(25_000_000));
    assert_eq!(decision(&at, "Series A"), Decision::TakesPreference);
    assert_eq!(total(&at, "Series A"), dec!(5_000_000));
    let above = run(&cap, dec!(25_000_000.01));
    assert_eq!(decision(&above, "Series A"), Decision::Converts);
    // 20% x 25,000,000.01 = 5,000,000.002
    assert_eq!(
        above.class("Series A").unwrap().total_exact,
        dec!(5_000_000.002)
    );
    assert_eq!(total(&above, "Series A"), dec!(5_000_000.00));
    assert_eq!(total(&above, "Common"), dec!(20_000_000.01));

    let bps = breakpoints(
        &cap,
        &ExitTerms::new(Decimal::ZERO),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let conv = bps
        .iter()
        .find(|b| b.event == BreakpointEvent::Converts)
        .unwrap();
    assert_eq!(conv.class, "Series A");
    assert_eq!(conv.exit_value.amount, dec!(25_000_000));
    assert_eq!(conv.common_price_per_share, dec!(2.5));
}

// ---------------------------------------------------------------------------------------------
// Participation
// ---------------------------------------------------------------------------------------------

/// [Gust] $2M at 1x participating for 30%, $10M exit -> $2M + 30% x $8M = $4.4M.
/// 30% with a $2M preference: 2,000,000 shares at $1.00 converting 1.5:1 into 3,000,000 common,
/// beside 7,000,000 common.
#[test]
fn gust_full_participation() {
    let mut series_a =
        WaterfallClass::preferred("Series A", dec!(1.00), dec!(1), Participation::Full, 1);
    series_a.conversion_ratio = dec!(1.5);
    let cap = capitalisation(
        vec![WaterfallClass::common("Common"), series_a],
        &[
            ("Founders", "Common", 7_000_000),
            ("Investor", "Series A", 2_000_000),
        ],
        &[],
    );
    let o = run(&cap, dec!(10_000_000));
    let a = o.class("Series A").unwrap();
    assert_eq!(a.decision, Decision::Participates);
    assert_eq!(a.as_converted, 3_000_000);
    assert_eq!(a.preference_paid.amount, dec!(2_000_000));
    assert_eq!(a.participation_paid.amount, dec!(2_400_000));
    assert_eq!(a.total.amount, dec!(4_400_000));
    assert_eq!(total(&o, "Common"), dec!(5_600_000));
    assert_eq!(holder(&o, "Investor"), dec!(4_400_000));
}

/// [Foley Hoag] at $40m: uncapped participation -> $5m + 20% x $35m = $12m, common $28m.
#[test]
fn foley_hoag_full_participation() {
    let o = run(&foley_hoag(Participation::Full), dec!(40_000_000));
    assert_eq!(decision(&o, "Series A"), Decision::Participates);
    assert_eq!(total(&o, "Series A"), dec!(12_000_000));
    assert_eq!(total(&o, "Common"), dec!(28_000_000));
}

/// [Foley Hoag] at $40m: participating with a 2x cap -> $5m + 20% x $35m = $12m exceeds the
/// $10m cap, so the Series A gets $10m, common $30m ([NVCA] Alternative 3: the cap includes the
/// preference).
#[test]
fn foley_hoag_two_x_cap() {
    let o = run(&foley_hoag(capped(dec!(2))), dec!(40_000_000));
    let a = o.class("Series A").unwrap();
    assert_eq!(a.decision, Decision::Capped);
    assert_eq!(a.preference_paid.amount, dec!(5_000_000));
    assert_eq!(a.participation_paid.amount, dec!(5_000_000));
    assert_eq!(a.total.amount, dec!(10_000_000));
    assert_eq!(total(&o, "Common"), dec!(30_000_000));
}

/// A 3x cap ($15m) on [Foley Hoag]'s Series A, worked by hand per [NVCA] Alternative 3 and
/// [startupcompanylawyer]:
/// - below the cap at $40m: $5m + 20% x $35m = $12m (participates);
/// - the cap binds from 5 + 0.2 (X - 5) = 15, X = $55m; at $60m: $15m (capped), common $45m;
/// - converting pays more from 0.2 X = 15, X = $75m; at $100m: 20% = $20m, common $80m.
#[test]
fn three_x_cap_below_at_and_above_the_conversion_point() {
    let cap = foley_hoag(capped(dec!(3)));
    let below = run(&cap, dec!(40_000_000));
    assert_eq!(decision(&below, "Series A"), Decision::Participates);
    assert_eq!(total(&below, "Series A"), dec!(12_000_000));
    assert_eq!(total(&below, "Common"), dec!(28_000_000));

    let at_cap = run(&cap, dec!(60_000_000));
    assert_eq!(decision(&at_cap, "Series A"), Decision::Capped);
    assert_eq!(total(&at_cap, "Series A"), dec!(15_000_000));
    assert_eq!(total(&at_cap, "Common"), dec!(45_000_000));

    // At exactly $75m converting pays the cap: the class stays capped.
    let tie = run(&cap, dec!(75_000_000));
    assert_eq!(decision(&tie, "Series A"), Decision::Capped);
    assert_eq!(total(&tie, "Series A"), dec!(15_000_000));

    let above = run(&cap, dec!(100_000_000));
    assert_eq!(decision(&above, "Series A"), Decision::Converts);
    assert_eq!(total(&above, "Series A"), dec!(20_000_000));
    assert_eq!(total(&above, "Common"), dec!(80_000_000));

    let bps = breakpoints(
        &cap,
        &ExitTerms::new(Decimal::ZERO),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let seen: Vec<(Decimal, &str, BreakpointEvent)> = bps
        .iter()
        .map(|b| (b.exit_value.amount, b.class.as_str(), b.event))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                dec!(5_000_000),
                "Series A",
                BreakpointEvent::PreferenceFullyPaid
            ),
            (
                dec!(5_000_000),
                "Common",
                BreakpointEvent::StartsParticipating
            ),
            (
                dec!(5_000_000),
                "Series A",
                BreakpointEvent::StartsParticipating
            ),
            (dec!(55_000_000), "Series A", BreakpointEvent::HitsCap),
            (dec!(75_000_000), "Series A", BreakpointEvent::Converts),
        ]
    );
}

/// [VentureSouth] 4x capped participation: $1M and $2M exits return the preference only; the
/// cap binds in the window $26M..$32M; at $33M the class converts for $8.25M; at $10M it gets
/// $4M where non-participating would get $2.5M; at $31M the cap costs $1.25M against full
/// participation and is $0.25M better than non-participating.
#[test]
fn venture_south_capped_participation() {
    let cap = venture_south(capped(dec!(4)));
    assert_eq!(
        total(&run(&cap, dec!(1_000_000)), "Preferred"),
        dec!(1_000_000)
    );
    assert_eq!(
        total(&run(&cap, dec!(2_000_000)), "Preferred"),
        dec!(2_000_000)
    );
    assert_eq!(
        total(&run(&cap, dec!(10_000_000)), "Preferred"),
        dec!(4_000_000)
    );
    assert_eq!(
        total(&run(&cap, dec!(26_000_000)), "Preferred"),
        dec!(8_000_000)
    );
    let h = run(&cap, dec!(31_000_000));
    assert_eq!(decision(&h, "Preferred"), Decision::Capped);
    assert_eq!(total(&h, "Preferred"), dec!(8_000_000));
    assert_eq!(
        total(&run(&cap, dec!(32_000_000)), "Preferred"),
        dec!(8_000_000)
    );
    let g = run(&cap, dec!(33_000_000));
    assert_eq!(decision(&g, "Preferred"), Decision::Converts);
    assert_eq!(total(&g, "Preferred"), dec!(8_250_000));

    let full = venture_south(Participation::Full);
    assert_eq!(
        total(&run(&full, dec!(31_000_000)), "Preferred"),
        dec!(9_250_000)
    );
    let none = venture_south(Participation::None);
    assert_eq!(
        total(&run(&none, dec!(10_000_000)), "Preferred"),
        dec!(2_500_000)
    );
    assert_eq!(
        total(&run(&none, dec!(31_000_000)), "Preferred"),
        dec!(7_750_000)
    );

    let bps = breakpoints(
        &cap,
        &ExitTerms::new(Decimal::ZERO),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let at = |e: BreakpointEvent| bps.iter().find(|b| b.event == e).unwrap().exit_value.amount;
    assert_eq!(at(BreakpointEvent::HitsCap), dec!(26_000_000));
    assert_eq!(at(BreakpointEvent::Converts), dec!(32_000_000));
}

// ---------------------------------------------------------------------------------------------
// Seniority and multiples
// ---------------------------------------------------------------------------------------------

/// [Altum] stacked: Series B ($10M) is paid first. At $12M: Series B $10M, Series A the $2M
/// left of its $5M, common nothing. At $8M: Series B $8M, the rest nothing.
#[test]
fn stacked_seniority_with_partial_preference() {
    let cap = stacked(2);
    let o = run(&cap, dec!(12_000_000));
    assert_eq!(total(&o, "Series B"), dec!(10_000_000));
    assert_eq!(total(&o, "Series A"), dec!(2_000_000));
    assert_eq!(
        o.class("Series A").unwrap().preference_paid.amount,
        dec!(2_000_000)
    );
    assert_eq!(decision(&o, "Series A"), Decision::TakesPreference);
    assert_eq!(total(&o, "Common"), dec!(0));
    assert_eq!(o.common_price_per_share, dec!(0));
    assert_eq!(o.preferences_outstanding.amount, dec!(15_000_000));

    let low = run(&cap, dec!(8_000_000));
    assert_eq!(total(&low, "Series B"), dec!(8_000_000));
    assert_eq!(total(&low, "Series A"), dec!(0));
    assert_eq!(total(&low, "Common"), dec!(0));
}

/// [Altum] stacked, worked by hand above the preferences. Series A converts when the common
/// price passes $1.00, i.e. from 1.00 x 10,000,000 + $15M = $25M; Series B when it passes
/// $2.00 with Series A converted: 2.00 x 15,000,000 + $10M = $40M. At $30M: Series B $10M, and
/// $20M shared by 15,000,000 common-equivalent shares: Series A 6,666,666.666..., common
/// 13,333,333.333...; rounded by largest remainder, Series A (remainder 0.67 of a cent) takes
/// the cent left over.
#[test]
fn stacked_seniority_conversions_and_breakpoints() {
    let cap = stacked(2);
    let o = run(&cap, dec!(30_000_000));
    assert_eq!(decision(&o, "Series A"), Decision::Converts);
    assert_eq!(decision(&o, "Series B"), Decision::TakesPreference);
    assert_eq!(total(&o, "Series B"), dec!(10_000_000));
    assert_eq!(total(&o, "Series A"), dec!(6_666_666.67));
    assert_eq!(total(&o, "Common"), dec!(13_333_333.33));
    assert_eq!(
        o.class("Series A").unwrap().total_exact,
        dec!(6666666.666666666666666666666)
    );

    let bps = breakpoints(
        &cap,
        &ExitTerms::new(Decimal::ZERO),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let seen: Vec<(Decimal, &str, BreakpointEvent)> = bps
        .iter()
        .map(|b| (b.exit_value.amount, b.class.as_str(), b.event))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                dec!(10_000_000),
                "Series B",
                BreakpointEvent::PreferenceFullyPaid
            ),
            (
                dec!(10_000_000),
                "Series A",
                BreakpointEvent::PreferenceStarts
            ),
            (
                dec!(15_000_000),
                "Series A",
                BreakpointEvent::PreferenceFullyPaid
            ),
            (
                dec!(15_000_000),
                "Common",
                BreakpointEvent::StartsParticipating
            ),
            (dec!(25_000_000), "Series A", BreakpointEvent::Converts),
            (dec!(40_000_000), "Series B", BreakpointEvent::Converts),
        ]
    );
}

/// [Altum] pari passu: Series A and Series B share a shortfall pro rata to their preferences.
/// At $12M against $15M of preferences: Series B 10/15 x 12 = $8M, Series A 5/15 x 12 = $4M.
#[test]
fn pari_passu_pro_rata_to_preference() {
    let o = run(&stacked(1), dec!(12_000_000));
    assert_eq!(total(&o, "Series B"), dec!(8_000_000));
    assert_eq!(total(&o, "Series A"), dec!(4_000_000));
    assert_eq!(total(&o, "Common"), dec!(0));
}

/// [ithacaVC] $3mm Series A at 1x and $5mm Series B at 2x: $13mm of preference. Worked by hand,
/// pari passu, with 4,500,000 common, 3,000,000 Series A at $1.00, 2,500,000 Series B at $2.00:
/// - at $10M: Series A 3/13 x 10M = 2,307,692.307..., Series B 10/13 x 10M = 7,692,307.692...;
///   rounded down they sum to 9,999,999.99 and the cent goes to the larger remainder (A's .77);
/// - at $13M: both preferences in full, nothing for common;
/// - at $20M: Series A converts (it would from 1.00 x 4.5M + 13M = $17.5M): the $10M left after
///   Series B's $10M buys 7,500,000 common-equivalent shares at $1.3333: Series A $4M, common $6M.
#[test]
fn two_x_multiple() {
    let cap = capitalisation(
        vec![
            WaterfallClass::common("Common"),
            WaterfallClass::preferred("Series A", dec!(1.00), dec!(1), Participation::None, 1),
            WaterfallClass::preferred("Series B", dec!(2.00), dec!(2), Participation::None, 1),
        ],
        &[
            ("Founders", "Common", 4_500_000),
            ("A Fund", "Series A", 3_000_000),
            ("B Fund", "Series B", 2_500_000),
        ],
        &[],
    );
    let short = run(&cap, dec!(10_000_000));
    assert_eq!(total(&short, "Series A"), dec!(2_307_692.31));
    assert_eq!(total(&short, "Series B"), dec!(7_692_307.69));
    assert_eq!(
        short.class("Series B").unwrap().preference_claim.amount,
        dec!(10_000_000)
    );

    let full = run(&cap, dec!(13_000_000));
    assert_eq!(total(&full, "Series A"), dec!(3_000_000));
    assert_eq!(total(&full, "Series B"), dec!(10_000_000));
    assert_eq!(total(&full, "Common"), dec!(0));

    let more = run(&cap, dec!(20_000_000));
    assert_eq!(decision(&more, "Series A"), Decision::Converts);
    assert_eq!(decision(&more, "Series B"), Decision::TakesPreference);
    assert_eq!(total(&more, "Series A"), dec!(4_000_000));
    assert_eq!(total(&more, "Series B"), dec!(10_000_000));
    assert_eq!(total(&more, "Common"), dec!(6_000_000));

    let bps = breakpoints(
        &cap,
        &ExitTerms::new(Decimal::ZERO),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let conv: Vec<(Decimal, &str)> = bps
        .iter()
        .filter(|b| b.event == BreakpointEvent::Converts)
        .map(|b| (b.exit_value.amount, b.class.as_str()))
        .collect();
    // Series B: 4.00 a share with Series A converted: 4 x 7,500,000 + 10M = $40M.
    assert_eq!(
        conv,
        vec![
            (dec!(17_500_000), "Series A"),
            (dec!(40_000_000), "Series B")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Options, costs, debt, small exits
// ---------------------------------------------------------------------------------------------

/// [Pulley] options are exercised only when in the money; their strikes join the proceeds.
/// Worked by hand: 9,000,000 common, Alice 1,000,000 options at $1.00, Bob 500,000 at $3.00.
/// - $9M: common is worth exactly $1.00, not more than Alice's strike: nobody exercises.
/// - $18M: Alice exercises: (18M + 1M) / 10M = $1.90 a share; Bob's $3.00 is out of the money.
///   Alice receives $1.9M for $1M paid in; common $17.1M; $19M is distributed.
/// - $40M: both exercise: (40M + 1M + 1.5M) / 10.5M = $4.047619...: common 36,428,571.43,
///   Alice 4,047,619.05, Bob 2,023,809.52 (sum $42.5M).
#[test]
fn options_in_and_out_of_the_money() {
    let cap = capitalisation(
        vec![WaterfallClass::common("Common")],
        &[("Founders", "Common", 9_000_000)],
        &[
            ("Alice", "Common", 1_000_000, dec!(1.00)),
            ("Bob", "Common", 500_000, dec!(3.00)),
        ],
    );
    let flat = run(&cap, dec!(9_000_000));
    assert!(flat.options.iter().all(|o| !o.exercised));
    assert_eq!(flat.exercise_proceeds.amount, dec!(0));
    assert_eq!(total(&flat, "Common"), dec!(9_000_000));

    let mid = run(&cap, dec!(18_000_000));
    let alice = &mid.options[0];
    assert!(alice.exercised && !mid.options[1].exercised);
    assert_eq!(alice.exercise_cost.amount, dec!(1_000_000));
    assert_eq!(alice.payout.amount, dec!(1_900_000));
    assert_eq!(alice.net.amount, dec!(900_000));
    assert_eq!(mid.exercise_proceeds.amount, dec!(1_000_000));
    assert_eq!(mid.total_distributed.amount, dec!(19_000_000));
    assert_eq!(total(&mid, "Common"), dec!(17_100_000));
    assert_eq!(mid.common_price_per_share, dec!(1.9));
    let a = mid.holder("Alice").unwrap();
    assert_eq!(a.options.amount, dec!(1_900_000));
    assert_eq!(a.exercise_cost.amount, dec!(1_000_000));
    assert_eq!(a.total.amount, dec!(1_900_000));

    let high = run(&cap, dec!(40_000_000));
    assert!(high.options.iter().all(|o| o.exercised));
    assert_eq!(high.exercise_proceeds.amount, dec!(2_500_000));
    assert_eq!(total(&high, "Common"), dec!(36_428_571.43));
    assert_eq!(high.options[0].payout.amount, dec!(4_047_619.05));
    assert_eq!(high.options[1].payout.amount, dec!(2_023_809.52));
    assert_eq!(high.total_distributed.amount, dec!(42_500_000));

    // In the money from $9M (Alice: common at $1.00) and from $29M (Bob: with Alice exercised,
    // (29M + 1M) / 10M = $3.00).
    let bps = breakpoints(
        &cap,
        &ExitTerms::new(Decimal::ZERO),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let itm: Vec<(Decimal, Option<&str>)> = bps
        .iter()
        .map(|b| (b.exit_value.amount, b.holder.as_deref()))
        .collect();
    assert_eq!(
        itm,
        vec![
            (dec!(9_000_000), Some("Alice")),
            (dec!(29_000_000), Some("Bob"))
        ]
    );
    assert!(bps
        .iter()
        .all(|b| b.event == BreakpointEvent::OptionsInTheMoney));
}

/// A warrant on preferred exercises into its class's common equivalent ([Pulley]: warrants are
/// exercised only if in the money). 1,000,000 warrants on Series A (1:1) at $0.50 beside
/// [Foley Hoag]'s table at $40m: Series A converts; (40M + 0.5M) / 11M = $3.6818... a share.
#[test]
fn warrants_are_exercised_like_options() {
    let mut cap = foley_hoag(Participation::None);
    cap.options.push(WaterfallOption {
        holder: "Lender".into(),
        class: "Series A".into(),
        count: 1_000_000,
        strike: dec!(0.50),
        kind: OptionKind::Warrant,
    });
    let o = run(&cap, dec!(40_000_000));
    assert!(o.options[0].exercised);
    assert_eq!(o.exercise_proceeds.amount, dec!(500_000));
    // 40.5M x 1M / 11M = 3,681,818.1818...
    assert_eq!(o.options[0].payout.amount, dec!(3_681_818.18));
    // Series A: 2M / 11M x 40.5M = 7,363,636.3636...; common 8M / 11M x 40.5M = 29,454,545.4545...
    assert_eq!(total(&o, "Series A"), dec!(7_363_636.36));
    assert_eq!(total(&o, "Common"), dec!(29_454_545.46));
    assert_eq!(o.total_distributed.amount, dec!(40_500_000));
}

/// [Pulley] fixed costs first; [Eqvista] uncovered debt and transaction fees; [Carta]
/// non-convertible debt. On [Foley Hoag]'s 1x non-participating table:
/// - $40m exit, $2m costs, $3m debt: $35m net; the Series A converts for 20% = $7m;
/// - $12m exit, $1.5m costs, $2m debt: $8.5m net; preference $5m, common $3.5m;
/// - $3m exit with $4m of debt: nothing for any holder.
///
/// The breakpoints move by costs + debt: conversion at $25m net is a $30m exit.
#[test]
fn transaction_costs_and_debt_come_first() {
    let cap = foley_hoag(Participation::None);
    let terms = |exit, costs, debt| ExitTerms {
        exit_value: exit,
        transaction_costs: costs,
        debt,
    };
    let o = run_with(
        &cap,
        terms(dec!(40_000_000), dec!(2_000_000), dec!(3_000_000)),
    );
    assert_eq!(o.net_proceeds.amount, dec!(35_000_000));
    assert_eq!(total(&o, "Series A"), dec!(7_000_000));
    assert_eq!(total(&o, "Common"), dec!(28_000_000));
    assert_eq!(o.debt.amount, dec!(3_000_000));

    let o = run_with(
        &cap,
        terms(dec!(12_000_000), dec!(1_500_000), dec!(2_000_000)),
    );
    assert_eq!(o.net_proceeds.amount, dec!(8_500_000));
    assert_eq!(total(&o, "Series A"), dec!(5_000_000));
    assert_eq!(total(&o, "Common"), dec!(3_500_000));

    let o = run_with(&cap, terms(dec!(3_000_000), dec!(0), dec!(4_000_000)));
    assert_eq!(o.net_proceeds.amount, dec!(0));
    assert_eq!(o.total_distributed.amount, dec!(0));
    assert!(o.classes.iter().all(|c| c.total.amount.is_zero()));

    let bps = breakpoints(
        &cap,
        &terms(dec!(0), dec!(2_000_000), dec!(3_000_000)),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let seen: Vec<(Decimal, BreakpointEvent)> =
        bps.iter().map(|b| (b.exit_value.amount, b.event)).collect();
    assert_eq!(
        seen,
        vec![
            // With $5m ahead of the holders, the Series A starts being paid at a $5m exit.
            (dec!(5_000_000), BreakpointEvent::PreferenceStarts),
            (dec!(10_000_000), BreakpointEvent::PreferenceFullyPaid),
            (dec!(10_000_000), BreakpointEvent::StartsParticipating),
            (dec!(30_000_000), BreakpointEvent::Converts),
        ]
    );
}

/// [VentureSouth] orange zone: an exit below the preferences goes to the preferred; here with
/// [Altum]'s stack: $4.5M goes to the Series B (senior), the rest of the table gets nothing.
#[test]
fn exit_below_total_preferences() {
    let o = run(&venture_south(Participation::None), dec!(1_500_000));
    assert_eq!(total(&o, "Preferred"), dec!(1_500_000));
    assert_eq!(total(&o, "Common"), dec!(0));
    assert_eq!(decision(&o, "Preferred"), Decision::TakesPreference);

    let o = run(&stacked(2), dec!(4_500_000));
    assert_eq!(total(&o, "Series B"), dec!(4_500_000));
    assert_eq!(total(&o, "Series A"), dec!(0));
    assert_eq!(total(&o, "Common"), dec!(0));
    assert_eq!(o.class("Series B").unwrap().per_share, dec!(0.9));
}

/// An exit of 0 (a wind-down with nothing left): every payout is 0, nothing is exercised.
#[test]
fn exit_of_zero() {
    let mut cap = stacked(2);
    cap.options.push(WaterfallOption {
        holder: "Alice".into(),
        class: "Common".into(),
        count: 100,
        strike: dec!(0),
        kind: OptionKind::Option,
    });
    let o = run(&cap, dec!(0));
    assert_eq!(o.total_distributed.amount, dec!(0));
    assert_eq!(o.total_distributed.amount.to_string(), "0.00");
    assert!(o.classes.iter().all(|c| c.total.amount.is_zero()));
    assert!(!o.options[0].exercised);
    assert_eq!(decision(&o, "Series B"), Decision::TakesPreference);
    assert_eq!(o.holders.len(), 4);
}

// ---------------------------------------------------------------------------------------------
// Exactness and rounding
// ---------------------------------------------------------------------------------------------

/// A breakpoint that is not a whole number of cents is returned to the cent. [metrickit]'s
/// break-even (preference / ownership) with a preference of $1M for 30%: 2,000,000 shares at
/// $0.50 converting 1.5:1 into 3,000,000 of 10,000,000 common-equivalent shares. The break-even
/// is $1M / 0.3 = $3,333,333.333...: $3,333,333.33 to the cent. At that exit the class keeps its
/// preference (30% of it is $999,999.999); one cent higher it converts ($1,000,000.002).
#[test]
fn breakpoints_are_exact_to_the_cent() {
    let mut series_a =
        WaterfallClass::preferred("Series A", dec!(0.50), dec!(1), Participation::None, 1);
    series_a.conversion_ratio = dec!(1.5);
    let cap = capitalisation(
        vec![WaterfallClass::common("Common"), series_a],
        &[
            ("Founders", "Common", 7_000_000),
            ("Fund", "Series A", 2_000_000),
        ],
        &[],
    );
    let bps = breakpoints(&cap, &ExitTerms::new(dec!(0)), &RoundingPolicy::default()).unwrap();
    let conv = bps
        .iter()
        .find(|b| b.event == BreakpointEvent::Converts)
        .unwrap();
    assert_eq!(conv.exit_value.amount, dec!(3_333_333.33));
    assert_eq!(conv.exit_value_exact, dec!(3333333.333333333333333333333));
    assert_eq!(
        conv.common_price_per_share,
        dec!(0.3333333333333333333333333333)
    );
    let below = run(&cap, dec!(3_333_333.33));
    assert_eq!(decision(&below, "Series A"), Decision::TakesPreference);
    assert_eq!(total(&below, "Series A"), dec!(1_000_000));
    let above = run(&cap, dec!(3_333_333.34));
    assert_eq!(decision(&above, "Series A"), Decision::Converts);
    assert_eq!(
        above.class("Series A").unwrap().total_exact,
        dec!(1_000_000.002)
    );
}

/// docs/waterfall.md, rounding: the largest-remainder method, ties to the first listed. Three
/// equal holders of $100.00: 33.333... each; the cent left over goes to the first.
#[test]
fn rounding_ties_go_to_the_first_listed() {
    let cap = capitalisation(
        vec![WaterfallClass::common("Common")],
        &[
            ("Ann", "Common", 1),
            ("Ben", "Common", 1),
            ("Cat", "Common", 1),
        ],
        &[],
    );
    let o = run(&cap, dec!(100));
    let got: Vec<Decimal> = o.holders.iter().map(|h| h.total.amount).collect();
    assert_eq!(got, vec![dec!(33.34), dec!(33.33), dec!(33.33)]);
    // With whole dollars: 34, 33, 33.
    let whole = RoundingPolicy {
        cash_decimals: 0,
        ..RoundingPolicy::default()
    };
    let o = waterfall(&cap, &ExitTerms::new(dec!(100)), &whole).unwrap();
    let got: Vec<String> = o
        .holders
        .iter()
        .map(|h| h.total.amount.to_string())
        .collect();
    assert_eq!(got, vec!["34", "33", "33"]);
    assert_eq!(o.rounding, whole);
}

/// docs/waterfall.md: amounts with more decimals than `cash_decimals` (here an exit value of
/// 100.005 and a strike of 0.0001) are distributed exactly and only the total is rounded, half
/// up as the policy rounds cash (docs/rounding.md).
#[test]
fn sub_cent_inputs_round_the_distributable_half_up() {
    let cap = capitalisation(
        vec![WaterfallClass::common("Common")],
        &[("Ann", "Common", 3)],
        &[],
    );
    let o = waterfall(
        &cap,
        &ExitTerms::new(dec!(100.005)),
        &RoundingPolicy::default(),
    )
    .unwrap();
    assert_eq!(o.net_proceeds.amount, dec!(100.005));
    assert_eq!(o.total_distributed.amount, dec!(100.01));
    assert_eq!(holder(&o, "Ann"), dec!(100.01));
    let o = waterfall(
        &cap,
        &ExitTerms::new(dec!(100.004)),
        &RoundingPolicy::default(),
    )
    .unwrap();
    assert_eq!(o.total_distributed.amount, dec!(100.00));

    // 7 options at 0.0001 into 10 shares: (1000 + 0.0007) / 10 a share.
    let cap = capitalisation(
        vec![WaterfallClass::common("Common")],
        &[("Ann", "Common", 3)],
        &[("Ben", "Common", 7, dec!(0.0001))],
    );
    let o = waterfall(
        &cap,
        &ExitTerms::new(dec!(1000)),
        &RoundingPolicy::default(),
    )
    .unwrap();
    assert!(o.options[0].exercised);
    assert_eq!(o.exercise_proceeds.amount, dec!(0.0007));
    assert_eq!(o.total_distributed.amount, dec!(1000.00));
    assert_eq!(o.options[0].payout.amount, dec!(700.00));
    assert_eq!(o.options[0].net.amount, dec!(699.9993));
    assert_eq!(holder(&o, "Ann"), dec!(300.00));
}

/// Holdings of one class add up per holder, and a class is split across its holders to the cent
/// ([Foley Hoag]'s table with the Series A held 60/40 by two funds, at $40m: $8m -> 4.8m / 3.2m).
#[test]
fn per_holder_payouts() {
    let cap = capitalisation(
        vec![
            WaterfallClass::common("Common"),
            WaterfallClass::preferred("Series A", dec!(2.50), dec!(1), Participation::None, 1),
        ],
        &[
            ("Founders", "Common", 8_000_000),
            ("Fund I", "Series A", 1_000_000),
            ("Fund II", "Series A", 800_000),
            ("Fund I", "Series A", 200_000),
        ],
        &[("Founders", "Common", 100, dec!(100))],
    );
    let o = run(&cap, dec!(40_000_000));
    assert_eq!(holder(&o, "Fund I"), dec!(4_800_000));
    assert_eq!(holder(&o, "Fund II"), dec!(3_200_000));
    let f1 = o.holder("Fund I").unwrap();
    assert_eq!(f1.by_class.len(), 1);
    assert_eq!(f1.by_class[0].shares, 1_200_000);
    let founders = o.holder("Founders").unwrap();
    assert_eq!(founders.options.amount, dec!(0));
    assert_eq!(founders.total.amount, dec!(32_000_000));
    assert!(!o.options[0].exercised);
}

/// `waterfall_range` sweeps exit values ([Pulley]'s "columns"); [Foley Hoag]'s Series A over
/// $0..$40m in $5m steps: 0, then its $5m preference up to the $25m break-even, then 20%.
#[test]
fn range_of_exit_values() {
    let cap = foley_hoag(Participation::None);
    let outs = waterfall_range(
        &cap,
        dec!(0),
        dec!(40_000_000),
        8,
        dec!(0),
        dec!(0),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let a: Vec<Decimal> = outs.iter().map(|o| total(o, "Series A")).collect();
    assert_eq!(
        a,
        [0, 5, 5, 5, 5, 5, 6, 7, 8]
            .iter()
            .map(|m| Decimal::from(*m) * dec!(1_000_000))
            .collect::<Vec<_>>()
    );
    // Points between the ends are rounded to cents.
    let thirds = waterfall_range(
        &cap,
        dec!(0),
        dec!(1),
        3,
        dec!(0),
        dec!(0),
        &RoundingPolicy::default(),
    )
    .unwrap();
    let xs: Vec<Decimal> = thirds.iter().map(|o| o.exit_value.amount).collect();
    assert_eq!(xs, vec![dec!(0), dec!(0.33), dec!(0.67), dec!(1)]);
}

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

#[test]
fn negative_inputs_are_refused_naming_the_field() {
    let cap = foley_hoag(Participation::None);
    let policy = RoundingPolicy::default();
    let field = |exit: ExitTerms| waterfall(&cap, &exit, &policy).unwrap_err().field();
    assert_eq!(field(ExitTerms::new(dec!(-1))), Some("exit_value"));
    let mut e = ExitTerms::new(dec!(10));
    e.transaction_costs = dec!(-0.01);
    assert_eq!(field(e.clone()), Some("transaction_costs"));
    e.transaction_costs = dec!(0);
    e.debt = dec!(-5);
    assert_eq!(field(e.clone()), Some("debt"));
    assert_eq!(
        breakpoints(&cap, &e, &policy).unwrap_err().field(),
        Some("debt")
    );
    let range = |from, to, steps| {
        waterfall_range(&cap, from, to, steps, dec!(0), dec!(0), &policy)
            .unwrap_err()
            .field()
    };
    assert_eq!(range(dec!(-1), dec!(1), 1), Some("from"));
    assert_eq!(range(dec!(2), dec!(1), 1), Some("to"));
    assert_eq!(range(dec!(0), dec!(1), 0), Some("steps"));
}

#[test]
fn bad_terms_are_refused_naming_the_field() {
    let policy = RoundingPolicy::default();
    let exit = ExitTerms::new(dec!(1_000_000));
    let field = |cap: Capitalisation| waterfall(&cap, &exit, &policy).unwrap_err().field();

    // A cap is the total return, preference included: 0.5x under a 1x preference is refused.
    assert_eq!(field(foley_hoag(capped(dec!(0.5)))), Some("cap_multiple"));

    let mut cap = foley_hoag(Participation::None);
    cap.holdings[0].class = "Series Z".into();
    let err = waterfall(&cap, &exit, &policy).unwrap_err();
    assert_eq!(err.field(), Some("class"));
    assert_eq!(err.code().as_str(), "unknown");

    let mut cap = foley_hoag(Participation::None);
    cap.classes[0].preference_multiple = dec!(1);
    assert_eq!(field(cap), Some("preference_multiple"));

    let mut cap = foley_hoag(Participation::None);
    cap.classes[1].conversion_ratio = dec!(0);
    assert_eq!(field(cap), Some("conversion_ratio"));

    let mut cap = foley_hoag(Participation::None);
    cap.classes[1].original_issue_price = dec!(-2.50);
    assert_eq!(field(cap), Some("original_issue_price"));

    let mut cap = foley_hoag(Participation::None);
    cap.classes.push(WaterfallClass::common("Common"));
    assert_eq!(field(cap), Some("classes"));

    let mut cap = foley_hoag(Participation::None);
    cap.options.push(WaterfallOption {
        holder: "Alice".into(),
        class: "Common".into(),
        count: 1,
        strike: dec!(-1),
        kind: OptionKind::Option,
    });
    assert_eq!(field(cap), Some("strike"));

    // Money with nobody to receive it.
    let empty = capitalisation(vec![WaterfallClass::common("Common")], &[], &[]);
    assert_eq!(field(empty.clone()), Some("holdings"));
    assert!(waterfall(&empty, &ExitTerms::new(dec!(0)), &policy).is_ok());
}

/// The outcome serialises with decimal strings and kebab-case decisions, as the CLI's JSON does.
#[test]
fn serialises_for_json() {
    let o = run(&foley_hoag(Participation::None), dec!(10_000_000));
    let json = serde_json::to_value(&o).unwrap();
    let a = &json["classes"][1];
    assert_eq!(a["decision"], "takes-preference");
    assert_eq!(a["total"]["amount"], "5000000.00");
    assert_eq!(a["kind"], serde_json::json!(ClassKind::Preferred));
    assert_eq!(json["rounding"]["cash_decimals"], 2);
}
