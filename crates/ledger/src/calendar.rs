//! The one date grammar: ISO 8601 calendar dates, `YYYY-MM-DD`, and months, `YYYY-MM`, with a
//! four-digit year and two-digit month and day. chrono's `%Y-%m-%d` also takes `2024-1-1`,
//! `+2024-06-01` and `24-01-01` (the year 24); a user who typed those meant something else, so
//! every surface (the command line, the app, CSV, calc, scenarios) reads dates here.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

use crate::error::LedgerError;

/// How a date is written, for messages.
pub const DATE_FORM: &str = "YYYY-MM-DD, e.g. 2024-05-26";
/// How a month is written, for messages.
pub const MONTH_FORM: &str = "YYYY-MM, e.g. 2024-06";

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD`, a real day; None otherwise.
pub fn iso_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let mut parts = t.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.len() != 2
        || d.len() != 2
        || !digits(y)
        || !digits(m)
        || !digits(d)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `YYYY-MM`, as the first day of that month; None otherwise.
pub fn iso_month(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let (y, m) = t.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// A date field: refused with the form it should take.
pub fn date(field: &'static str, text: &str) -> Result<NaiveDate, LedgerError> {
    iso_date(text).ok_or_else(|| {
        LedgerError::invalid(
            field,
            format!("'{}' is not a date (write {DATE_FORM})", text.trim()),
        )
    })
}

/// A month field (`YYYY-MM`; a full date is taken as its month).
pub fn month(field: &'static str, text: &str) -> Result<NaiveDate, LedgerError> {
    iso_month(text)
        .or_else(|| iso_date(text).and_then(|d| d.with_day(1)))
        .ok_or_else(|| {
            LedgerError::invalid(
                field,
                format!("'{}' is not a month (write {MONTH_FORM})", text.trim()),
            )
        })
}

/// For `#[serde(deserialize_with)]`: a date in a JSON or TOML file, read by the same grammar.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    iso_date(&text).ok_or_else(|| {
        serde::de::Error::custom(format!("'{text}' is not a date (write {DATE_FORM})"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_digit_years_and_two_digit_months_and_days_are_dates() {
        assert_eq!(iso_date("2024-05-26"), NaiveDate::from_ymd_opt(2024, 5, 26));
        assert_eq!(
            iso_date(" 2024-02-29 "),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2024-1-1",
            "+2024-06-01",
            "24-01-01",
            "2023-02-29",
            "2024-13-01",
            "2024-06-01T00:00",
            "2024/06/01",
            "02024-06-01",
            "",
            "２０２４-06-01",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_month_is_four_digits_then_two_and_a_date_counts_as_its_month() {
        assert_eq!(iso_month("2024-06"), NaiveDate::from_ymd_opt(2024, 6, 1));
        for bad in ["24-01", "2024-6", "+2024-06", "2024-00", "2024-06-01"] {
            assert_eq!(iso_month(bad), None, "{bad}");
        }
        assert_eq!(
            month("cash_month", "2024-06-15").unwrap(),
            NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
        );
        let e = month("cash_month", "24-01").unwrap_err();
        assert_eq!(e.field(), Some("cash_month"));
        assert!(e.to_string().contains("YYYY-MM"), "{e}");
    }
}
