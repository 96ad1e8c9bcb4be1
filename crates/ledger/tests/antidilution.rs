//! Anti-dilution: the formulas on worked examples, and the conversion ratio adjustment in
//! the journal: the cap table as converted before and after, reversals, validation.
//! Every figure is worked out by hand in the comments (docs/antidilution.md has the rules).

mod common;

use chrono::NaiveDate;
use common::*;
use roundbook_ledger::antidilution::{
    anti_dilution_adjustment, new_conversion_price, weighted_average_price, Adjustment,
};
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// A company before its down round, every figure by hand:
/// - Common: the founder holds 7,000,000; the plan reserves 1,000,000 (none granted).
/// - Series A preferred: OIP $1.00, ratio 1, 2,000,000 shares to Vera on 2021-01-01,
///   protected as `method` says.
/// - Series B preferred: OIP $0.50, no protection; nothing issued yet.
///
/// Fully diluted on 2022-06-30: 7,000,000 + 2,000,000 + 1,000,000 = 10,000,000.
struct Co {
    book: Book,
    vera: StakeholderId,
    ben: StakeholderId,
    series_a: ClassId,
    series_b: ClassId,
}

fn co(method: AntiDilution) -> Co {
    let mut book = new_book();
    let founder = person(&mut book, "Fay Founder", Relationship::Founder);
    let vera = person(&mut book, "Vera Ventures", Relationship::Investor);
    let ben = person(&mut book, "Ben Bridge", Relationship::Investor);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let mut a = preferred("Series A", None, dec!(1.00), Decimal::ONE);
    a.anti_dilution = method;
    let series_a = book.add_class(a).unwrap();
    let mut b = preferred("Series B", None, dec!(0.50), Decimal::ONE);
    b.anti_dilution = AntiDilution::None;
    let series_b = book.add_class(b).unwrap();
    plan(&mut book, "2020 Plan", common, founded(), 1_000_000);
    rec(&mut book, founded(), issue(founder, common, 7_000_000));
    rec(
        &mut book,
        date(2021, 1, 1),
        issue(vera, series_a, 2_000_000),
    );
    Co {
        book,
        vera,
        ben,
        series_a,
        series_b,
    }
}

fn down_round_day() -> NaiveDate {
    date(2022, 7, 1)
}

/// The down round: 2,000,000 Series B to Ben at $0.50 ($1,000,000).
fn record_down_round(c: &mut Co) {
    rec(
        &mut c.book,
        down_round_day(),
        issue(c.ben, c.series_b, 2_000_000),
    );
}

fn adjustment(c: &Co, on: NaiveDate, price: Decimal, shares: u64) -> Option<Adjustment> {
    anti_dilution_adjustment(
        &c.book,
        c.series_a,
        on,
        usd(price),
        shares,
        &RoundingPolicy::default(),
    )
    .unwrap()
}

fn record(c: &mut Co, adj: &Adjustment) -> EntryId {
    rec(&mut c.book, adj.date, adj.movement())
}

fn series_a_as_converted(c: &Co, on: NaiveDate) -> u64 {
    let ct = table(&c.book, on);
    assert_ties_out(&ct);
    class_row(&ct, c.series_a).as_converted
}

// ---- the formulas, on worked examples ------------------------------------------------

/// Worked example 1 (broad-based weighted average; NVCA model certificate of incorporation,
/// CP2 = CP1 x (A + B) / (A + C)): CP1 = $1.00, A = 10,000,000 fully diluted, 2,000,000
/// new shares at $0.50 = $1,000,000, so B = 1,000,000 and C = 2,000,000:
/// CP2 = 1.00 x 11,000,000 / 12,000,000 = 0.916666..., rounded up to 5 dp = $0.91667.
/// New ratio = OIP / CP2 = 1 / 0.91667 = 1.09090512...
#[test]
fn broad_based_weighted_average_worked_example() {
    let c = co(AntiDilution::BroadBasedWeightedAverage);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    assert_eq!(adj.method, AntiDilution::BroadBasedWeightedAverage);
    assert_eq!(adj.old_ratio, Decimal::ONE);
    assert_eq!(adj.old_conversion_price.amount, dec!(1.00));
    assert_eq!(adj.shares_deemed_outstanding, Some(10_000_000));
    assert_eq!(adj.new_money.amount, dec!(1000000));
    assert_eq!(adj.shares_at_old_price, Some(dec!(1000000)));
    assert_eq!(
        adj.exact_conversion_price.round_dp(20),
        dec!(0.91666666666666666667)
    );
    assert_eq!(adj.new_conversion_price.amount, dec!(0.91667));
    assert_eq!(adj.new_ratio, Decimal::ONE / dec!(0.91667));
    assert_eq!(adj.new_ratio.round_dp(8), dec!(1.09090512));
    assert_eq!(adj.rounding_rule, "conversion price up to 5 dp");
    assert!(
        adj.reason.contains("broad-based-weighted-average"),
        "{}",
        adj.reason
    );
    // The pure formula agrees.
    let exact = weighted_average_price(dec!(1.00), 10_000_000, dec!(1000000), 2_000_000).unwrap();
    assert_eq!(exact, adj.exact_conversion_price);
}

/// Worked example 2 (narrow-based): the same issue, but A counts only the preferred
/// outstanding, as converted: Series A's 2,000,000 (Series B has none yet):
/// CP2 = 1.00 x (2,000,000 + 1,000,000) / (2,000,000 + 2,000,000) = $0.75 exactly;
/// ratio = 1 / 0.75 = 1.333...
#[test]
fn narrow_based_weighted_average_worked_example() {
    let c = co(AntiDilution::NarrowBasedWeightedAverage);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    assert_eq!(adj.shares_deemed_outstanding, Some(2_000_000));
    assert_eq!(adj.exact_conversion_price, dec!(0.75));
    assert_eq!(adj.new_conversion_price.amount, dec!(0.75));
    assert_eq!(adj.new_ratio, Decimal::ONE / dec!(0.75));
}

/// Worked example 3 (full ratchet): CP2 = the new price, $0.50; ratio = 1 / 0.50 = 2.
#[test]
fn full_ratchet_worked_example() {
    let c = co(AntiDilution::FullRatchet);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    assert_eq!(adj.shares_deemed_outstanding, None);
    assert_eq!(adj.shares_at_old_price, None);
    assert_eq!(adj.new_conversion_price.amount, dec!(0.50));
    assert_eq!(adj.new_ratio, dec!(2));
}

/// Worked example 4, the conversion price formula of a corporate-finance exercise
/// (quesba.com, "Conversion Price and Market Price Formulas": CP1 $1, 2,000 shares
/// outstanding, 1,000 new at $0.95): CP2 = (2,000 + 950) / 3,000 = 0.98333...
/// The policy decides the last digit: up to 5 dp gives 0.98334, half-up 0.98333.
#[test]
fn textbook_example_and_the_rounding_policy() {
    let exact = weighted_average_price(dec!(1), 2_000, dec!(950), 1_000).unwrap();
    assert_eq!(exact.round_dp(10), dec!(0.9833333333));
    let up = RoundingPolicy::default();
    let p = new_conversion_price(
        AntiDilution::BroadBasedWeightedAverage,
        dec!(1),
        2_000,
        dec!(0.95),
        1_000,
        &up,
    )
    .unwrap()
    .unwrap();
    assert_eq!((p.exact, p.rounded), (exact, dec!(0.98334)));
    let half_up = RoundingPolicy {
        price_direction: PriceDirection::HalfUp,
        ..RoundingPolicy::default()
    };
    let p = new_conversion_price(
        AntiDilution::NarrowBasedWeightedAverage,
        dec!(1),
        2_000,
        dec!(0.95),
        1_000,
        &half_up,
    )
    .unwrap()
    .unwrap();
    assert_eq!(p.rounded, dec!(0.98333));
    // Four decimals, half-up (a charter that says "to the nearest one-hundredth of a cent").
    let four = RoundingPolicy {
        price_decimals: 4,
        ..half_up.clone()
    };
    let p = new_conversion_price(
        AntiDilution::BroadBasedWeightedAverage,
        dec!(1),
        2_000,
        dec!(0.95),
        1_000,
        &four,
    )
    .unwrap()
    .unwrap();
    assert_eq!(p.rounded, dec!(0.9833));
}

/// Worked example 5: a second down round, from the ratio the first one set.
/// After example 1 (CP = $0.91667, Series A as converted 2,181,810) and the Series B issue,
/// FD on 2023-06-30 = 7,000,000 + 2,181,810 + 2,000,000 + 1,000,000 = 12,181,810.
/// On 2023-07-01 3,000,000 shares are issued at $0.40 ($1,200,000):
/// CP1 = OIP / ratio = 0.91667; B = 1,200,000 / 0.91667 = 1,309,086.15;
/// CP2 = 0.91667 x (12,181,810 + 1,309,086.15) / (12,181,810 + 3,000,000) = 0.8145735,
/// up to 5 dp: $0.81458; ratio = 1 / 0.81458; Series A as converted
/// = floor(2,000,000 / 0.81458) = 2,455,253.
#[test]
fn a_second_down_round_starts_from_the_adjusted_price() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    let first = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    record(&mut c, &first);
    let day = date(2023, 7, 1);
    let second = adjustment(&c, day, dec!(0.40), 3_000_000).unwrap();
    assert_eq!(second.old_ratio, first.new_ratio);
    assert_eq!(
        second.old_conversion_price.amount.round_dp(20),
        dec!(0.91667)
    );
    assert_eq!(second.shares_deemed_outstanding, Some(12_181_810));
    assert_eq!(
        second.shares_at_old_price.unwrap().round_dp(2),
        dec!(1309086.15)
    );
    assert_eq!(second.exact_conversion_price.round_dp(7), dec!(0.8145735));
    assert_eq!(second.new_conversion_price.amount, dec!(0.81458));
    record(&mut c, &second);
    assert_eq!(series_a_as_converted(&c, day), 2_455_253);
    assert_eq!(series_a_as_converted(&c, date(2023, 6, 30)), 2_181_810);
}

/// A class whose ratio was not 1 from the start: OIP $1.50 converting into 1.5 common has a
/// conversion price of $1.00. Full ratchet to $0.60: ratio = 1.50 / 0.60 = 2.5.
#[test]
fn conversion_price_is_oip_over_the_ratio() {
    let mut book = new_book();
    let v = person(&mut book, "Vera Ventures", Relationship::Investor);
    let mut a = preferred("Series A", None, dec!(1.50), dec!(1.5));
    a.anti_dilution = AntiDilution::FullRatchet;
    let series_a = book.add_class(a).unwrap();
    rec(&mut book, date(2021, 1, 1), issue(v, series_a, 1_000));
    let policy = RoundingPolicy::default();
    let adj = anti_dilution_adjustment(
        &book,
        series_a,
        date(2022, 1, 1),
        usd(dec!(0.60)),
        10,
        &policy,
    )
    .unwrap()
    .unwrap();
    assert_eq!(adj.old_conversion_price.amount, dec!(1));
    assert_eq!(adj.new_ratio, dec!(2.5));
    // $1.00 is not below CP1: no adjustment.
    assert!(anti_dilution_adjustment(
        &book,
        series_a,
        date(2022, 1, 1),
        usd(dec!(1.00)),
        10,
        &policy
    )
    .unwrap()
    .is_none());
}

#[test]
fn no_adjustment_unless_the_price_is_below_cp1() {
    let c = co(AntiDilution::BroadBasedWeightedAverage);
    // An up round and a flat round change nothing.
    assert!(adjustment(&c, down_round_day(), dec!(1.50), 2_000_000).is_none());
    assert!(adjustment(&c, down_round_day(), dec!(1.00), 2_000_000).is_none());
    // Unprotected classes change nothing.
    let none = co(AntiDilution::None);
    assert!(adjustment(&none, down_round_day(), dec!(0.50), 2_000_000).is_none());
    // A price just below CP1 whose CP2 rounds (up) back to CP1 changes nothing:
    // CP2 = (10,000,000 + 0.999999) / 10,000,001 = 0.99999999999..., up to 5 dp = 1.00000.
    assert!(adjustment(&c, down_round_day(), dec!(0.999999), 1).is_none());
}

#[test]
fn bad_input_names_its_field() {
    let c = co(AntiDilution::BroadBasedWeightedAverage);
    let p = RoundingPolicy::default();
    let run = |class: ClassId, on: NaiveDate, price: Money, shares: u64| {
        anti_dilution_adjustment(&c.book, class, on, price, shares, &p).unwrap_err()
    };
    assert_eq!(
        run(ClassId(99), down_round_day(), usd(dec!(0.5)), 1).field(),
        Some("class")
    );
    assert_eq!(
        run(c.series_a, date(2019, 1, 1), usd(dec!(0.5)), 1).field(),
        Some("date")
    );
    assert_eq!(
        run(c.series_a, down_round_day(), usd(dec!(0)), 1).field(),
        Some("new_price")
    );
    assert_eq!(
        run(c.series_a, down_round_day(), eur(dec!(0.5)), 1).field(),
        Some("new_price")
    );
    assert_eq!(
        run(c.series_a, down_round_day(), usd(dec!(0.5)), 0).field(),
        Some("new_shares")
    );
    let too_fine = RoundingPolicy {
        price_decimals: 11,
        ..RoundingPolicy::default()
    };
    let e = anti_dilution_adjustment(
        &c.book,
        c.series_a,
        down_round_day(),
        usd(dec!(0.5)),
        1,
        &too_fine,
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("price_decimals"));
}

// ---- the adjustment in the journal ---------------------------------------------------

/// The down round, its adjustment, and the cap table as converted before and after.
/// Before (2022-06-30): outstanding 7,000,000 + 2,000,000 = 9,000,000; FD 10,000,000.
/// After (2022-07-01): Series A converts at 1/0.91667: floor(2,000,000 x 1.0909051239...)
/// = 2,181,810; outstanding 7,000,000 + 2,181,810 + 2,000,000 = 11,181,810;
/// FD 11,181,810 + 1,000,000 = 12,181,810.
#[test]
fn a_down_round_adjusts_the_cap_table_as_converted() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    // Computed after the round is recorded: the issue on the day is not in A.
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    assert_eq!(adj.shares_deemed_outstanding, Some(10_000_000));
    let id = record(&mut c, &adj);
    assert_eq!(
        c.book.entry(id).unwrap().movement.kind(),
        "conversion-ratio-adjustment"
    );

    let before = table(&c.book, date(2022, 6, 30));
    assert_ties_out(&before);
    assert_eq!(class_row(&before, c.series_a).as_converted, 2_000_000);
    assert_eq!(before.totals.outstanding, 9_000_000);
    assert_eq!(before.totals.fully_diluted, 10_000_000);

    let after = table(&c.book, down_round_day());
    assert_ties_out(&after);
    assert_percentages_sum(&after);
    let row = class_row(&after, c.series_a);
    assert_eq!((row.shares, row.as_converted), (2_000_000, 2_181_810));
    assert_eq!(holder_row(&after, c.vera).outstanding, 2_181_810);
    assert_eq!(after.totals.outstanding, 11_181_810);
    assert_eq!(after.totals.fully_diluted, 12_181_810);

    assert_eq!(
        c.book
            .conversion_ratio(c.series_a, date(2022, 6, 30))
            .unwrap(),
        Decimal::ONE
    );
    assert_eq!(
        c.book
            .conversion_ratio(c.series_a, down_round_day())
            .unwrap(),
        adj.new_ratio
    );
    // The class's own ratio is what it was created with; only the journal moved.
    assert_eq!(
        c.book.class(c.series_a).unwrap().conversion_ratio,
        Decimal::ONE
    );
}

/// Narrow-based and full ratchet, in the cap table: floor(2,000,000 x 4/3) = 2,666,666 and
/// 2,000,000 x 2 = 4,000,000.
#[test]
fn narrow_and_ratchet_in_the_cap_table() {
    for (method, expected) in [
        (AntiDilution::NarrowBasedWeightedAverage, 2_666_666),
        (AntiDilution::FullRatchet, 4_000_000),
    ] {
        let mut c = co(method);
        record_down_round(&mut c);
        let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
        record(&mut c, &adj);
        assert_eq!(
            series_a_as_converted(&c, down_round_day()),
            expected,
            "{method:?}"
        );
    }
}

/// A reversal on the adjustment's own date (the default, "as if it never happened")
/// restores the ratio: Series A converts 1:1 again on every date.
#[test]
fn a_reversal_restores_the_old_ratio() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    let id = record(&mut c, &adj);
    assert_eq!(series_a_as_converted(&c, down_round_day()), 2_181_810);
    rec(&mut c.book, down_round_day(), reversal(id));
    assert_eq!(series_a_as_converted(&c, down_round_day()), 2_000_000);
    assert_eq!(
        c.book
            .conversion_ratio(c.series_a, date(2030, 1, 1))
            .unwrap(),
        Decimal::ONE
    );
    let t = table(&c.book, down_round_day());
    assert_eq!(t.totals.outstanding, 11_000_000);
    assert_eq!(t.totals.fully_diluted, 12_000_000);
    // Reversed once only.
    let e = try_rec(&mut c.book, down_round_day(), reversal(id)).unwrap_err();
    assert_eq!(e.field(), Some("entry"));
}

/// A reversal with a later date (a rescission): the adjusted ratio holds until the day
/// before, the old one from that day on.
#[test]
fn a_later_reversal_restores_the_ratio_from_its_date() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    let id = record(&mut c, &adj);
    rec(&mut c.book, date(2023, 1, 1), reversal(id));
    assert_eq!(series_a_as_converted(&c, date(2022, 12, 31)), 2_181_810);
    assert_eq!(series_a_as_converted(&c, date(2023, 1, 1)), 2_000_000);
}

/// Reversing an earlier adjustment does not undo a later one: the ratio in force is the
/// last adjustment still standing (or the class's own).
/// r1 = 1/0.91667 from 2022-07-01, r2 = 1/0.81458 from 2023-07-01 (worked example 5).
#[test]
fn reversals_take_one_adjustment_out_of_the_history() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    let first = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    let id1 = record(&mut c, &first);
    let second = adjustment(&c, date(2023, 7, 1), dec!(0.40), 3_000_000).unwrap();
    let id2 = record(&mut c, &second);
    // Rescind the first from 2024-01-01: the second still stands after that.
    rec(&mut c.book, date(2024, 1, 1), reversal(id1));
    let ratio = |on| c.book.conversion_ratio(c.series_a, on).unwrap();
    assert_eq!(ratio(date(2022, 6, 30)), Decimal::ONE);
    assert_eq!(ratio(date(2023, 6, 30)), first.new_ratio);
    assert_eq!(ratio(date(2023, 12, 31)), second.new_ratio);
    assert_eq!(ratio(date(2024, 1, 1)), second.new_ratio);
    // Undo the second as if it never happened: the first holds until its rescission.
    rec(&mut c.book, date(2023, 7, 1), reversal(id2));
    let ratio = |on| c.book.conversion_ratio(c.series_a, on).unwrap();
    assert_eq!(ratio(date(2023, 7, 1)), first.new_ratio);
    assert_eq!(ratio(date(2024, 1, 1)), Decimal::ONE);
    assert_eq!(series_a_as_converted(&c, date(2023, 12, 31)), 2_181_810);
    assert_eq!(series_a_as_converted(&c, date(2024, 1, 1)), 2_000_000);
}

#[test]
fn an_adjustment_is_validated_and_names_its_field() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    let m = |class: ClassId, ratio: Decimal, reason: &str| Movement::ConversionRatioAdjustment {
        class,
        new_ratio: ratio,
        reason: reason.to_string(),
    };
    let cases = [
        (
            m(c.series_a, dec!(0), "down round"),
            down_round_day(),
            "new_ratio",
        ),
        (
            m(c.series_a, dec!(-1.2), "down round"),
            down_round_day(),
            "new_ratio",
        ),
        (
            m(ClassId(99), dec!(1.2), "down round"),
            down_round_day(),
            "class",
        ),
        (m(c.series_a, dec!(1.2), "  "), down_round_day(), "reason"),
        (
            m(c.series_a, dec!(1.2), "down round"),
            date(2019, 12, 31),
            "date",
        ),
    ];
    let n = c.book.entries().len();
    for (movement, on, field) in cases {
        let e = c
            .book
            .record(on, movement.clone(), None, Provenance::Recorded)
            .unwrap_err();
        assert_eq!(e.field(), Some(field), "{movement:?}: {e}");
    }
    assert_eq!(c.book.entries().len(), n, "nothing refused was recorded");
    // A ratio set by hand (a stock split of the preferred's conversion, say) is accepted.
    rec(
        &mut c.book,
        down_round_day(),
        m(c.series_a, dec!(1.25), "board resolution"),
    );
    assert_eq!(series_a_as_converted(&c, down_round_day()), 2_500_000);
}

/// An illustrative adjustment makes the as-converted counts of the class's holders
/// illustrative, and the view says so.
#[test]
fn an_illustrative_adjustment_labels_the_holders_it_moves() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    let mark = c.book.mark();
    c.book
        .record(adj.date, adj.movement(), None, Provenance::Illustrative)
        .unwrap();
    c.book.check(mark).unwrap();
    let t = table(&c.book, down_round_day());
    assert_eq!(holder_row(&t, c.vera).provenance, Provenance::Illustrative);
    assert_eq!(holder_row(&t, c.ben).provenance, Provenance::Recorded);
    let t = table(&c.book, date(2022, 6, 30));
    assert_eq!(holder_row(&t, c.vera).provenance, Provenance::Recorded);
}

/// The movement's JSON shape, and back.
#[test]
fn the_movement_round_trips_through_json() {
    let mut c = co(AntiDilution::BroadBasedWeightedAverage);
    record_down_round(&mut c);
    let adj = adjustment(&c, down_round_day(), dec!(0.50), 2_000_000).unwrap();
    let id = record(&mut c, &adj);
    let entry = c.book.entry(id).unwrap().clone();
    let json = serde_json::to_value(&entry).unwrap();
    assert_eq!(json["kind"], "conversion-ratio-adjustment");
    assert_eq!(json["class"], c.series_a.0);
    assert_eq!(json["new_ratio"], adj.new_ratio.to_string());
    let back: Entry = serde_json::from_value(json).unwrap();
    assert_eq!(back, entry);
    // The adjustment's own JSON states the rounding it used.
    let shown = serde_json::to_value(&adj).unwrap();
    assert_eq!(shown["new_conversion_price"]["amount"], "0.91667");
    assert_eq!(shown["rounding_rule"], "conversion price up to 5 dp");
    assert_eq!(shown["shares_deemed_outstanding"], 10_000_000);
}

/// A down round with a pool target on the company above, modelled: Series A (OIP $1.00,
/// protected) and a round at `pre_money` raising $1,000,000 into Series B.
fn model_down_round(
    method: AntiDilution,
    pre_money: Decimal,
    target: Decimal,
    pricing: AntiDilutionPricing,
) -> Result<ModelOutcome> {
    let mut c = co(method);
    let plan = c.book.plans()[0].id;
    let m = RoundModel {
        pool: Some(PoolTopUp {
            plan,
            size: PoolSize::Target(target),
            timing: PoolTiming::PreMoney,
        }),
        anti_dilution_pricing: pricing,
        ..RoundModel::new(
            "Series B",
            down_round_day(),
            c.series_b,
            RoundValuation::PreMoney(usd(pre_money)),
            vec![Investment {
                investor: c.ben,
                amount: usd(dec!(1000000)),
            }],
        )
    };
    c.book.commit_round_model(&m)
}

/// The pool target is met after the adjustment the round triggers, not before it: the
/// protected Series A converts into more common, which is in post-money fully diluted, so the
/// top-up is solved with it. With the adjustment's shares in the price, the price falls until
/// price x post-money FD is the stated post-money again.
#[test]
fn a_pool_target_holds_after_the_anti_dilution_adjustment() {
    for pricing in [
        AntiDilutionPricing::AfterPrice,
        AntiDilutionPricing::InPrice,
    ] {
        let o = model_down_round(
            AntiDilution::BroadBasedWeightedAverage,
            dec!(5000000),
            dec!(0.10),
            pricing,
        )
        .unwrap();
        assert_eq!(
            o.anti_dilution.len(),
            1,
            "$5M on 10M+ shares is below $1.00"
        );
        assert!(o.anti_dilution_shares > 0);
        assert!(
            o.pool_available_after_pct >= dec!(10),
            "{pricing:?}: {}",
            o.pool_available_after_pct
        );
        // Post-money FD counts the adjustment's shares.
        assert_eq!(
            o.post_money_fd_shares,
            o.pre_round_fd_shares
                + o.pool_increase
                + o.conversion_shares
                + o.new_shares
                + o.anti_dilution_shares
        );
        let stated = dec!(6000000);
        let off = (o.implied_post_money.amount - stated).abs() / stated;
        match pricing {
            AntiDilutionPricing::InPrice => assert!(off < dec!(0.0001), "{off}"),
            AntiDilutionPricing::AfterPrice => assert!(off > dec!(0.001), "{off}"),
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// On random down rounds, every protection method and both pricings: the pool target
    /// holds after the adjustment, and post-money FD is the round's pieces plus it.
    #[test]
    fn the_pool_target_holds_after_any_adjustment(
        pre in 1_000u64..12_000,
        target in 1u32..20,
        method in proptest::prop_oneof![
            proptest::strategy::Just(AntiDilution::BroadBasedWeightedAverage),
            proptest::strategy::Just(AntiDilution::NarrowBasedWeightedAverage),
            proptest::strategy::Just(AntiDilution::FullRatchet),
        ],
        in_price in proptest::bool::ANY,
    ) {
        let pricing = if in_price { AntiDilutionPricing::InPrice } else { AntiDilutionPricing::AfterPrice };
        let target = Decimal::new(i64::from(target), 2);
        let o = model_down_round(method, Decimal::from(pre * 1_000), target, pricing).unwrap();
        proptest::prop_assert!(o.pool_available_after_pct >= target * Decimal::ONE_HUNDRED);
        proptest::prop_assert_eq!(
            o.post_money_fd_shares,
            o.pre_round_fd_shares + o.pool_increase + o.conversion_shares + o.new_shares + o.anti_dilution_shares
        );
    }
}
