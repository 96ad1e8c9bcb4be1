//! Typed reads from one OCF object. Every failure names the file, the object's id
//! and the field; nothing is coerced (a number where OCF wants a decimal string is
//! a wrong type, not a value).

use chrono::NaiveDate;
use roundbook_ledger::{Currency, Money, MAX_SHARES};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::error::{OcfError, OcfErrorKind, Result};

/// OCF's Numeric allows ten decimal places; more is refused, not rounded.
pub const MAX_DECIMALS: usize = 10;
/// Digits before the point. 10^15 is the most shares a book holds in one entry, and far
/// beyond any real amount of money; a longer number is absurd input, not a cap table.
pub const MAX_INTEGER_DIGITS: usize = 16;

#[derive(Clone)]
pub struct Obj<'a> {
    pub file: &'a str,
    pub id: &'a str,
    map: &'a Map<String, Value>,
    /// The top-level object this one is part of (its comments carry the marks).
    pub top: &'a Value,
    /// Where this (nested) object sits inside the top-level one, e.g. `conversion_rights[0].`.
    prefix: String,
}

impl<'a> Obj<'a> {
    /// A top-level object: it must be a JSON object with a string `id`.
    pub fn top(file: &'a str, index: usize, v: &'a Value) -> Result<Obj<'a>> {
        let map = v.as_object().ok_or_else(|| {
            OcfError::new(
                OcfErrorKind::Invalid,
                file,
                format!("items[{index}] is not a JSON object"),
            )
        })?;
        let id = match map.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.as_str(),
            _ => {
                return Err(OcfError::new(
                    OcfErrorKind::Invalid,
                    file,
                    format!("items[{index}] has no string id"),
                )
                .at_field("id"))
            }
        };
        Ok(Obj {
            file,
            id,
            map,
            top: v,
            prefix: String::new(),
        })
    }

    /// An object with no id of its own (the manifest's issuer is one).
    pub fn anonymous(file: &'a str, id: &'a str, v: &'a Value) -> Result<Obj<'a>> {
        let map = v.as_object().ok_or_else(|| {
            OcfError::new(OcfErrorKind::Invalid, file, "is not a JSON object").in_object(id)
        })?;
        Ok(Obj {
            file,
            id,
            map,
            top: v,
            prefix: String::new(),
        })
    }

    pub fn err(&self, kind: OcfErrorKind, field: &str, message: impl Into<String>) -> OcfError {
        OcfError::new(kind, self.file, message)
            .in_object(self.id)
            .at_field(format!("{}{field}", self.prefix))
    }

    pub fn invalid(&self, field: &str, message: impl Into<String>) -> OcfError {
        self.err(OcfErrorKind::Invalid, field, message)
    }

    pub fn unsupported(&self, field: &str, message: impl Into<String>) -> OcfError {
        self.err(OcfErrorKind::Unsupported, field, message)
    }

    pub fn has(&self, field: &str) -> bool {
        self.map.get(field).is_some_and(|v| !v.is_null())
    }

    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    fn need(&self, field: &str) -> Result<&'a Value> {
        self.raw(field)
            .ok_or_else(|| self.invalid(field, "is required"))
    }

    pub fn str(&self, field: &str) -> Result<&'a str> {
        match self.need(field)? {
            Value::String(s) => Ok(s),
            other => Err(self.wrong_type(field, "a string", other)),
        }
    }

    pub fn opt_str(&self, field: &str) -> Result<Option<&'a str>> {
        self.raw(field).map(|_| self.str(field)).transpose()
    }

    pub fn bool(&self, field: &str) -> Result<bool> {
        match self.need(field)? {
            Value::Bool(b) => Ok(*b),
            other => Err(self.wrong_type(field, "true or false", other)),
        }
    }

    pub fn date(&self, field: &str) -> Result<NaiveDate> {
        let s = self.str(field)?;
        roundbook_ledger::calendar::iso_date(s)
            .filter(|_| s.len() == 10)
            .ok_or_else(|| self.invalid(field, format!("'{s}' is not a date (YYYY-MM-DD)")))
    }

    pub fn opt_date(&self, field: &str) -> Result<Option<NaiveDate>> {
        self.raw(field).map(|_| self.date(field)).transpose()
    }

    /// An OCF Numeric: a decimal string, at most ten places, of a sane magnitude.
    pub fn numeric(&self, field: &str) -> Result<Decimal> {
        match self.need(field)? {
            Value::String(s) => parse_numeric(s).map_err(|m| self.invalid(field, m)),
            other => Err(self.wrong_type(field, "a decimal string such as \"1000.00\"", other)),
        }
    }

    pub fn opt_numeric(&self, field: &str) -> Result<Option<Decimal>> {
        self.raw(field).map(|_| self.numeric(field)).transpose()
    }

    /// A whole, positive number of shares the book can hold.
    pub fn shares(&self, field: &str) -> Result<u64> {
        let d = self.numeric(field)?;
        whole_shares(d).map_err(|m| self.invalid(field, m))
    }

    /// An OCF Percentage: a decimal string between 0 and 1.
    pub fn percentage(&self, field: &str) -> Result<Decimal> {
        let d = self.numeric(field)?;
        if d < Decimal::ZERO || d > Decimal::ONE {
            return Err(self.invalid(field, format!("{d} is not a fraction between 0 and 1")));
        }
        Ok(d)
    }

    pub fn opt_percentage(&self, field: &str) -> Result<Option<Decimal>> {
        self.raw(field).map(|_| self.percentage(field)).transpose()
    }

    pub fn money(&self, field: &str) -> Result<Money> {
        let m = self.sub(field)?;
        let amount = m.numeric("amount")?;
        let code = m.str("currency")?;
        let currency: Currency = code
            .parse()
            .map_err(|_| m.invalid("currency", format!("'{code}' is not an ISO-4217 code")))?;
        Ok(Money::new(amount, currency))
    }

    pub fn opt_money(&self, field: &str) -> Result<Option<Money>> {
        self.raw(field).map(|_| self.money(field)).transpose()
    }

    /// `numerator / denominator` of an OCF Ratio, exactly.
    pub fn ratio(&self, field: &str) -> Result<Decimal> {
        let r = self.sub(field)?;
        let n = r.numeric("numerator")?;
        let d = r.numeric("denominator")?;
        if n <= Decimal::ZERO || d <= Decimal::ZERO {
            return Err(r.invalid("denominator", "a ratio's terms must be greater than zero"));
        }
        n.checked_div(d)
            .filter(|q| (*q * d) == n)
            .ok_or_else(|| r.invalid("denominator", format!("{n}/{d} has no exact decimal value")))
    }

    pub fn sub(&self, field: &str) -> Result<Obj<'a>> {
        match self.need(field)? {
            Value::Object(map) => Ok(Obj {
                file: self.file,
                id: self.id,
                map,
                top: self.top,
                prefix: format!("{}{field}.", self.prefix),
            }),
            other => Err(self.wrong_type(field, "an object", other)),
        }
    }

    pub fn array(&self, field: &str) -> Result<&'a [Value]> {
        match self.raw(field) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(self.wrong_type(field, "an array", other)),
        }
    }

    /// The objects of an array field, each readable with its index in error messages.
    pub fn objects(&self, field: &str) -> Result<Vec<Obj<'a>>> {
        self.array(field)?
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(map) => Ok(Obj {
                    file: self.file,
                    id: self.id,
                    map,
                    top: self.top,
                    prefix: format!("{}{field}[{i}].", self.prefix),
                }),
                other => Err(self.wrong_type(&format!("{field}[{i}]"), "an object", other)),
            })
            .collect()
    }

    pub fn strings(&self, field: &str) -> Result<Vec<&'a str>> {
        self.array(field)?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .ok_or_else(|| self.wrong_type(&format!("{field}[{i}]"), "a string", v))
            })
            .collect()
    }

    fn wrong_type(&self, field: &str, want: &str, got: &Value) -> OcfError {
        let found = match got {
            Value::Null => "null",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a JSON number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        self.invalid(field, format!("must be {want}; found {found}"))
    }
}

/// Parses OCF's Numeric pattern `^[+-]?[0-9]+(\.[0-9]{1,10})?$` and bounds its magnitude.
pub fn parse_numeric(s: &str) -> std::result::Result<Decimal, String> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(format!("'{s}' is not a decimal number (e.g. \"1000.00\")"));
    }
    if let Some(f) = frac.filter(|f| f.len() > MAX_DECIMALS) {
        return Err(format!(
            "'{s}' has {} decimal places; OCF allows at most {MAX_DECIMALS}",
            f.len()
        ));
    }
    if int.trim_start_matches('0').len() > MAX_INTEGER_DIGITS {
        return Err(format!(
            "'{s}' is absurdly large (more than {MAX_INTEGER_DIGITS} digits before the point)"
        ));
    }
    Decimal::from_str_exact(s.strip_prefix('+').unwrap_or(s))
        .map_err(|e| format!("'{s}' cannot be read exactly: {e}"))
}

pub fn whole_shares(d: Decimal) -> std::result::Result<u64, String> {
    if d.fract() != Decimal::ZERO {
        return Err(format!(
            "{d} is not a whole number of shares; the book counts whole shares"
        ));
    }
    if d <= Decimal::ZERO {
        return Err(format!("{d}: must be greater than zero"));
    }
    u64::try_from(d)
        .ok()
        .filter(|n| *n <= MAX_SHARES)
        .ok_or_else(|| format!("{d} is more than the {MAX_SHARES} shares a book can hold"))
}
