//! Accrued interest on a convertible note: what a note is worth (principal + interest)
//! on a date, for its conversion or repayment. docs/notes.md states every rule and its
//! source; in short:
//!
//! - **Day count** (OCF `day_count_convention`): `Act365` counts actual days over a
//!   365-day year (2006 ISDA Definitions §4.16(d), "Actual/365 (Fixed)"); `Thirty360`
//!   counts 30-day months over a 360-day year by the US (NASD) / Bond Basis rule of the
//!   2006 ISDA Definitions §4.16(f): with dates Y1-M1-D1 and Y2-M2-D2, if D1 is 31 it
//!   becomes 30; then if D2 is 31 and D1 is 30, D2 becomes 30; days =
//!   360(Y2-Y1) + 30(M2-M1) + (D2-D1). The last day of February is *not* adjusted.
//! - **Simple** interest: `P x r x days / basis`.
//! - **Compound** (annual compounding: OCF `compounding_type` COMPOUNDING with an
//!   `interest_accrual_period` of ANNUAL): the year fraction `t = days / basis` is split
//!   into `n` whole years, compounded, and a remainder that accrues simple interest on the
//!   compounded balance: `P x ((1 + r)^n x (1 + r x (t - n)) - 1)`. Under one year this is
//!   simple interest. No power with a fractional exponent is taken, so every step is a
//!   decimal multiplication or one final division (exact to 28 significant digits).
//! - Interest accrues from the issue date up to `to`, **past maturity too**: a note
//!   accrues "until paid in full or converted" (Series Seed convertible note form), and
//!   the book records no repayment.
//! - Nothing is rounded here: the amounts are exact (to rust_decimal's 28 significant
//!   digits). Round with `RoundingPolicy::round_cash` where a figure is shown or paid.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::{Compounding, ConvertibleTerms, DayCount};
use crate::error::{LedgerError, Result};
use crate::money::Money;

/// The days in a year under a day count convention: 365 (ACT/365) or 360 (30/360).
pub fn basis(convention: DayCount) -> i64 {
    match convention {
        DayCount::Act365 => 365,
        DayCount::Thirty360 => 360,
    }
}

/// The days from `from` to `to` under a day count convention (negative when `to` is earlier).
pub fn day_count(convention: DayCount, from: NaiveDate, to: NaiveDate) -> i64 {
    match convention {
        DayCount::Act365 => (to - from).num_days(),
        DayCount::Thirty360 => thirty_360_days(from, to),
    }
}

/// 30/360 by the US (NASD) / Bond Basis rule, 2006 ISDA Definitions §4.16(f):
/// D1 = 31 becomes 30; then D2 = 31 becomes 30 when D1 is 30; the last day of
/// February is counted as it is (no end-of-month rule).
pub fn thirty_360_days(from: NaiveDate, to: NaiveDate) -> i64 {
    let (y1, m1, mut d1) = (
        i64::from(from.year()),
        i64::from(from.month()),
        i64::from(from.day()),
    );
    let (y2, m2, mut d2) = (
        i64::from(to.year()),
        i64::from(to.month()),
        i64::from(to.day()),
    );
    if d1 == 31 {
        d1 = 30;
    }
    if d2 == 31 && d1 == 30 {
        d2 = 30;
    }
    360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
}

/// How a note's interest was reached, step by step, so a view can show its working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accrual {
    pub issued: NaiveDate,
    pub to: NaiveDate,
    pub day_count: DayCount,
    pub compounding: Compounding,
    #[serde(with = "rust_decimal::serde::str")]
    pub interest_rate: Decimal,
    /// Days from `issued` to `to` under the day count convention.
    pub days: i64,
    /// Days in a year under the convention (365 or 360).
    pub basis: i64,
    /// Whole years compounded (compound interest only; 0 for simple interest).
    pub whole_years: i64,
    /// Days after the whole years, accrued simple on the compounded balance
    /// (compound interest; for simple interest, all the days).
    pub remaining_days: i64,
    pub principal: Money,
    /// Exact, not rounded.
    pub interest: Money,
    /// principal + interest, exact.
    pub balance: Money,
    pub maturity: NaiveDate,
    /// `to` is after the maturity date: interest kept accruing (see the module's rules).
    pub past_maturity: bool,
}

/// The interest a note has accrued from `issued` to `to`, with its working.
///
/// Refuses a SAFE (field `instrument`: it bears no interest), a negative rate
/// (`interest_rate`) and a date before the issue date (`date`).
pub fn accrue(terms: &ConvertibleTerms, issued: NaiveDate, to: NaiveDate) -> Result<Accrual> {
    let ConvertibleTerms::Note {
        principal,
        interest_rate,
        compounding,
        day_count: convention,
        maturity,
        ..
    } = terms
    else {
        return Err(LedgerError::invalid(
            "instrument",
            "a SAFE bears no interest; only a convertible note accrues it",
        ));
    };
    let rate = *interest_rate;
    if rate < Decimal::ZERO {
        return Err(LedgerError::invalid("interest_rate", "cannot be negative"));
    }
    if to < issued {
        return Err(LedgerError::invalid(
            "date",
            format!("{to} is before the note was issued ({issued})"),
        ));
    }
    let days = day_count(*convention, issued, to);
    let basis = basis(*convention);
    let p = principal.amount;
    let overflow = || {
        LedgerError::invalid(
            "date",
            format!("the interest to {to} is too large to compute exactly"),
        )
    };
    let mul = |a: Decimal, b: Decimal| a.checked_mul(b).ok_or_else(overflow);
    let (whole_years, remaining_days, interest) = match compounding {
        // P x r x days / basis: one division, last.
        Compounding::Simple => {
            let i = mul(mul(p, rate)?, Decimal::from(days))? / Decimal::from(basis);
            (0, days, i)
        }
        // P x ((1+r)^n - 1) + P x (1+r)^n x r x rest / basis
        Compounding::Compound => {
            let n = days / basis;
            let rest = days % basis;
            let mut growth = Decimal::ONE;
            for _ in 0..n {
                growth = mul(growth, Decimal::ONE + rate)?;
            }
            let compounded = mul(p, growth - Decimal::ONE)?;
            let stub =
                mul(mul(mul(p, growth)?, rate)?, Decimal::from(rest))? / Decimal::from(basis);
            let i = compounded.checked_add(stub).ok_or_else(overflow)?;
            (n, rest, i)
        }
    };
    let interest = Money::new(interest, principal.currency);
    Ok(Accrual {
        issued,
        to,
        day_count: *convention,
        compounding: *compounding,
        interest_rate: rate,
        days,
        basis,
        whole_years,
        remaining_days,
        principal: *principal,
        interest,
        balance: principal.checked_add(interest)?,
        maturity: *maturity,
        past_maturity: to > *maturity,
    })
}

/// The interest a note has accrued from `issued` to `to`, exact (see `accrue`).
pub fn accrued_interest(
    terms: &ConvertibleTerms,
    issued: NaiveDate,
    to: NaiveDate,
) -> Result<Money> {
    Ok(accrue(terms, issued, to)?.interest)
}

/// Principal plus the interest accrued from `issued` to `to`, exact (see `accrue`): the
/// amount a note converts at.
pub fn note_balance(terms: &ConvertibleTerms, issued: NaiveDate, to: NaiveDate) -> Result<Money> {
    Ok(accrue(terms, issued, to)?.balance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SafeTiming;
    use crate::money::Currency;
    use crate::rounding::RoundingPolicy;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn usd(x: Decimal) -> Money {
        Money::new(x, Currency::USD)
    }

    fn note(
        principal: Decimal,
        rate: Decimal,
        compounding: Compounding,
        day_count: DayCount,
    ) -> ConvertibleTerms {
        ConvertibleTerms::Note {
            principal: usd(principal),
            interest_rate: rate,
            compounding,
            day_count,
            maturity: d(2030, 1, 1),
            valuation_cap: None,
            discount: None,
        }
    }

    fn cents(m: Money) -> Decimal {
        RoundingPolicy::default().round_cash(m).amount
    }

    /// Source: 2006 ISDA Definitions §4.16(f), ISDA's published 30/360 examples
    /// (30-360-2006ISDADefs.xls, "30/360 (Bond Basis)" column), as reproduced in QuantLib's
    /// test-suite/daycounters.cpp `testThirty360_BondBasis`. Every case holds under the
    /// NASD rule implemented here.
    #[test]
    fn thirty_360_matches_the_isda_examples() {
        let cases = [
            // Example 1: end dates do not involve the last day of February
            ((2006, 8, 20), (2007, 2, 20), 180),
            ((2007, 2, 20), (2007, 8, 20), 180),
            ((2007, 8, 20), (2008, 2, 20), 180),
            ((2008, 2, 20), (2008, 8, 20), 180),
            ((2008, 8, 20), (2009, 2, 20), 180),
            ((2009, 2, 20), (2009, 8, 20), 180),
            // Example 2: end dates include some end-February dates
            ((2006, 8, 31), (2007, 2, 28), 178),
            ((2007, 2, 28), (2007, 8, 31), 183),
            ((2007, 8, 31), (2008, 2, 29), 179),
            ((2008, 2, 29), (2008, 8, 31), 182),
            ((2008, 8, 31), (2009, 2, 28), 178),
            ((2009, 2, 28), (2009, 8, 31), 183),
            // Example 3: miscellaneous calculations
            ((2006, 1, 31), (2006, 2, 28), 28),
            ((2006, 1, 30), (2006, 2, 28), 28),
            ((2006, 2, 28), (2006, 3, 3), 5),
            ((2006, 2, 14), (2006, 2, 28), 14),
            ((2006, 9, 30), (2006, 10, 31), 30),
            ((2006, 10, 31), (2006, 11, 28), 28),
            ((2007, 8, 31), (2008, 2, 28), 178),
            ((2008, 2, 28), (2008, 8, 28), 180),
            ((2008, 2, 28), (2008, 8, 30), 182),
            ((2008, 2, 28), (2008, 8, 31), 183),
            ((2007, 2, 26), (2008, 2, 28), 362),
            ((2007, 2, 26), (2008, 2, 29), 363),
            ((2008, 2, 29), (2009, 2, 28), 359),
            ((2008, 2, 28), (2008, 3, 30), 32),
            ((2008, 2, 28), (2008, 3, 31), 33),
        ];
        for ((y1, m1, d1), (y2, m2, d2), days) in cases {
            let (a, b) = (d(y1, m1, d1), d(y2, m2, d2));
            assert_eq!(thirty_360_days(a, b), days, "{a} to {b}");
            assert_eq!(day_count(DayCount::Thirty360, a, b), days, "{a} to {b}");
        }
    }

    /// 31 January to 31 March: D1 31 -> 30, then D2 31 -> 30 because D1 is 30: two
    /// 30-day months. The same rule gives 1 February to 31 March 60 days (D2 stays 31,
    /// D1 is 1): 30 + 30.
    #[test]
    fn thirty_360_month_ends() {
        assert_eq!(thirty_360_days(d(2024, 1, 31), d(2024, 3, 31)), 60);
        assert_eq!(thirty_360_days(d(2024, 2, 1), d(2024, 3, 31)), 60);
        assert_eq!(thirty_360_days(d(2024, 1, 30), d(2024, 1, 31)), 0);
        // No end-of-February rule: 29 Feb 2024 counts as the 29th (the "30/360 US
        // end-of-month" variant would make it the 30th and count 30 days).
        assert_eq!(thirty_360_days(d(2024, 2, 29), d(2024, 3, 31)), 32);
        assert_eq!(thirty_360_days(d(2023, 1, 1), d(2024, 1, 1)), 360);
    }

    /// A $100,000 note at 6% simple for one 365-day year earns 6% of the principal: $6,000.
    #[test]
    fn simple_act365_one_year() {
        let t = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Simple,
            DayCount::Act365,
        );
        let a = accrue(&t, d(2023, 1, 1), d(2024, 1, 1)).unwrap();
        assert_eq!((a.days, a.basis), (365, 365));
        assert_eq!(a.interest.amount, dec!(6000));
        assert_eq!(a.balance.amount, dec!(106000));
        assert!(!a.past_maturity);
    }

    /// Source: Carta support, "How do I find the interest payment?"
    /// (support.carta.com/article/633-interest-payment): $100,000 at 6% simple,
    /// Actual/365, 366 actual days: $16.44 a day, $6,016.44 of interest, $106,016.44 in all.
    /// 2024 is a leap year, so 1 Jan 2024 to 1 Jan 2025 is 366 days.
    #[test]
    fn simple_act365_leap_year_matches_carta() {
        let t = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Simple,
            DayCount::Act365,
        );
        let a = accrue(&t, d(2024, 1, 1), d(2025, 1, 1)).unwrap();
        assert_eq!(a.days, 366);
        // 100,000 x 0.06 x 366 / 365, exact to 28 digits
        assert_eq!(a.interest.amount, dec!(6016.4383561643835616438356164));
        assert_eq!(cents(a.interest), dec!(6016.44));
        assert_eq!(cents(a.balance), dec!(106016.44));
    }

    /// 30/360: 31 Jan to 31 Mar 2024 is 60 days, a sixth of a year: $100,000 x 6% / 6 = $1,000.
    #[test]
    fn simple_thirty_360() {
        let t = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Simple,
            DayCount::Thirty360,
        );
        let a = accrue(&t, d(2024, 1, 31), d(2024, 3, 31)).unwrap();
        assert_eq!((a.days, a.basis), (60, 360));
        assert_eq!(a.interest.amount, dec!(1000));
    }

    /// Checked by hand. 15 Mar 2021 to 15 Sep 2023 under 30/360 is 2 x 360 + 6 x 30 = 900
    /// days: 2 whole years and 180 days. At 8% compounded annually:
    /// 100,000 x (1.08^2 x (1 + 0.08 x 180/360) - 1) = 100,000 x (1.1664 x 1.04 - 1)
    /// = 100,000 x 0.213056 = $21,305.60.
    /// (An exact fractional power, 1.08^2.5, would give $21,215.84: the stub here is simple.)
    #[test]
    fn compound_whole_years_then_simple_stub() {
        let t = note(
            dec!(100000),
            dec!(0.08),
            Compounding::Compound,
            DayCount::Thirty360,
        );
        let a = accrue(&t, d(2021, 3, 15), d(2023, 9, 15)).unwrap();
        assert_eq!((a.days, a.whole_years, a.remaining_days), (900, 2, 180));
        assert_eq!(a.interest.amount, dec!(21305.60));
    }

    /// Checked by hand. 1 Jun 2021 to 1 Jun 2023 is 730 actual days (no 29 February
    /// between), two 365-day years: 100,000 x (1.05^2 - 1) = $10,250.
    #[test]
    fn compound_act365_whole_years() {
        let t = note(
            dec!(100000),
            dec!(0.05),
            Compounding::Compound,
            DayCount::Act365,
        );
        let a = accrue(&t, d(2021, 6, 1), d(2023, 6, 1)).unwrap();
        assert_eq!((a.days, a.whole_years, a.remaining_days), (730, 2, 0));
        assert_eq!(a.interest.amount, dec!(10250));
    }

    /// Under one year compound interest is simple interest: 1 Jan to 1 Jul 2023 is 181 days,
    /// 100,000 x 0.06 x 181/365 = $2,975.34 either way.
    #[test]
    fn compound_under_a_year_is_simple() {
        let s = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Simple,
            DayCount::Act365,
        );
        let c = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Compound,
            DayCount::Act365,
        );
        let (from, to) = (d(2023, 1, 1), d(2023, 7, 1));
        let si = accrued_interest(&s, from, to).unwrap();
        let ci = accrued_interest(&c, from, to).unwrap();
        assert_eq!(si, ci);
        assert_eq!(cents(si), dec!(2975.34));
    }

    /// ACT/365 years are 365-day blocks, not anniversaries: 1 Jun 2023 to 1 Jun 2024 is
    /// 366 days (29 Feb 2024 between), one year compounded and 1 day simple:
    /// 100,000 x (1.06 x (1 + 0.06/365) - 1) = 6,000 + 6,360/365 = $6,017.42.
    #[test]
    fn compound_act365_across_a_leap_day() {
        let t = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Compound,
            DayCount::Act365,
        );
        let a = accrue(&t, d(2023, 6, 1), d(2024, 6, 1)).unwrap();
        assert_eq!((a.days, a.whole_years, a.remaining_days), (366, 1, 1));
        assert_eq!(cents(a.interest), dec!(6017.42));
    }

    /// Interest keeps accruing after maturity: a note issued 1 Jan 2023, maturing 1 Jan 2024,
    /// valued on 1 Jan 2025 (731 days, 6% simple, ACT/365): 100,000 x 0.06 x 731/365 = $12,016.44.
    #[test]
    fn interest_runs_past_maturity() {
        let t = ConvertibleTerms::Note {
            principal: usd(dec!(100000)),
            interest_rate: dec!(0.06),
            compounding: Compounding::Simple,
            day_count: DayCount::Act365,
            maturity: d(2024, 1, 1),
            valuation_cap: None,
            discount: None,
        };
        let a = accrue(&t, d(2023, 1, 1), d(2025, 1, 1)).unwrap();
        assert!(a.past_maturity);
        assert_eq!(cents(a.interest), dec!(12016.44));
        assert_eq!(
            cents(note_balance(&t, d(2023, 1, 1), d(2025, 1, 1)).unwrap()),
            dec!(112016.44)
        );
    }

    #[test]
    fn nothing_accrues_on_the_issue_date_or_at_zero_rate() {
        let t = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Compound,
            DayCount::Act365,
        );
        assert!(accrued_interest(&t, d(2023, 1, 1), d(2023, 1, 1))
            .unwrap()
            .amount
            .is_zero());
        let z = note(
            dec!(100000),
            dec!(0),
            Compounding::Compound,
            DayCount::Act365,
        );
        assert!(accrued_interest(&z, d(2023, 1, 1), d(2033, 1, 1))
            .unwrap()
            .amount
            .is_zero());
    }

    #[test]
    fn refusals_name_their_field() {
        let t = note(
            dec!(100000),
            dec!(0.06),
            Compounding::Simple,
            DayCount::Act365,
        );
        let e = accrued_interest(&t, d(2023, 1, 2), d(2023, 1, 1)).unwrap_err();
        assert_eq!(e.field(), Some("date"));
        let safe = ConvertibleTerms::Safe {
            investment: usd(dec!(100000)),
            timing: SafeTiming::PostMoney,
            valuation_cap: None,
            discount: None,
            mfn: false,
        };
        let e = note_balance(&safe, d(2023, 1, 1), d(2024, 1, 1)).unwrap_err();
        assert_eq!(e.field(), Some("instrument"));
        let neg = note(
            dec!(100000),
            dec!(-0.01),
            Compounding::Simple,
            DayCount::Act365,
        );
        let e = accrued_interest(&neg, d(2023, 1, 1), d(2024, 1, 1)).unwrap_err();
        assert_eq!(e.field(), Some("interest_rate"));
        // A rate that overflows after centuries is an error, not a wrap.
        let huge = note(
            dec!(100000),
            dec!(5),
            Compounding::Compound,
            DayCount::Thirty360,
        );
        let e = accrued_interest(&huge, d(2000, 1, 1), d(2200, 1, 1)).unwrap_err();
        assert_eq!(e.field(), Some("date"));
    }
}
