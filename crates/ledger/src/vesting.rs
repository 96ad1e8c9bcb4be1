//! Vesting: a time-based schedule's tranches, and what has vested on a date.
//!
//! Pure functions of a schedule and a quantity, following OCF v1.2.0's VestingTerms: a start
//! date, periods of a number of months (monthly, quarterly, annual), a cliff of whole periods
//! whose share vests at once when it ends, and an allocation type that says how a quantity that
//! does not divide evenly is spread over the tranches. Every OCF allocation type is here, each
//! checked against OCF's own example (18 shares over 4 tranches, docs/vesting.md).
//!
//! Tranche dates count months from the start, so a schedule starting on the 31st vests on the
//! last day of shorter months and on the 31st again after them (OCF's
//! VESTING_START_DAY_OR_LAST_DAY_OF_MONTH).

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{LedgerError, Result};

/// How a quantity that does not divide evenly is spread over the tranches (OCF AllocationType;
/// OCF's example splits 18 shares over 4 tranches as noted on each).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AllocationType {
    /// Cumulative vested amount rounded to the nearest share at each tranche: 5-4-5-4.
    #[default]
    CumulativeRounding,
    /// Cumulative vested amount rounded down at each tranche: 4-5-4-5.
    CumulativeRoundDown,
    /// Each tranche rounded down, one more share to each of the earliest: 5-5-4-4.
    FrontLoaded,
    /// Likewise to each of the latest: 4-4-5-5.
    BackLoaded,
    /// Each tranche rounded down, the whole remainder on the first: 6-4-4-4.
    FrontLoadedToSingleTranche,
    /// The whole remainder on the last: 4-4-4-6.
    BackLoadedToSingleTranche,
    /// Exact fractions of a share: 4.5-4.5-4.5-4.5.
    Fractional,
}

/// A time-based vesting schedule.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VestingSchedule {
    /// Vesting commencement.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: NaiveDate,
    /// Months in a period: 1 monthly, 3 quarterly, 12 annual.
    pub period_months: u32,
    /// Periods in the whole schedule: 48 for four years monthly.
    pub periods: u32,
    /// Periods before anything vests; their share vests at once when the cliff ends (12 of 48
    /// for a one-year cliff on a monthly four-year schedule). 0: no cliff.
    pub cliff_periods: u32,
    pub allocation: AllocationType,
}

/// What vests on a date.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tranche {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub quantity: Decimal,
}

/// The longest schedule a book takes: 50 years of monthly periods.
pub const MAX_PERIODS: u32 = 600;

impl VestingSchedule {
    /// Four years, monthly, a one-year cliff: the most common schedule (Carta's and Pulley's
    /// help pages, OCF's sample "Four Year / One Year Cliff").
    pub fn four_years_one_year_cliff(start: NaiveDate) -> VestingSchedule {
        VestingSchedule {
            start,
            period_months: 1,
            periods: 48,
            cliff_periods: 12,
            allocation: AllocationType::CumulativeRounding,
        }
    }

    pub fn validate(&self) -> Result<()> {
        if self.periods == 0 || self.periods > MAX_PERIODS {
            return Err(LedgerError::invalid(
                "periods",
                format!("{} is not 1 to {MAX_PERIODS} periods", self.periods),
            ));
        }
        if self.period_months == 0 || self.period_months > 120 {
            return Err(LedgerError::invalid(
                "period_months",
                format!(
                    "{} is not 1 to 120 months (1 monthly, 3 quarterly, 12 annual)",
                    self.period_months
                ),
            ));
        }
        if self.cliff_periods > self.periods {
            return Err(LedgerError::invalid(
                "cliff_periods",
                format!(
                    "a cliff of {} periods is longer than the schedule's {}",
                    self.cliff_periods, self.periods
                ),
            ));
        }
        self.end()?;
        Ok(())
    }

    /// The date `n` periods after the start.
    fn after(&self, n: u32) -> Result<NaiveDate> {
        self.start
            .checked_add_months(Months::new(n * self.period_months))
            .ok_or_else(|| LedgerError::invalid("start", "the schedule ends past the calendar"))
    }

    /// The last tranche's date.
    pub fn end(&self) -> Result<NaiveDate> {
        self.after(self.periods)
    }

    /// Each tranche's share of the whole, as numerators over `periods`: the cliff's periods at
    /// once, then one period each.
    fn portions(&self) -> Vec<(u32, u32)> {
        let mut out = vec![];
        let first = self.cliff_periods.max(1);
        out.push((first, first));
        for n in first + 1..=self.periods {
            out.push((n, 1));
        }
        out
    }

    /// The tranches of `quantity` (a whole number of shares or options, unless the allocation
    /// is fractional), in date order; they add up to `quantity` exactly.
    pub fn tranches(&self, quantity: Decimal) -> Result<Vec<Tranche>> {
        self.validate()?;
        if quantity < Decimal::ZERO {
            return Err(LedgerError::invalid("quantity", "cannot be negative"));
        }
        let portions = self.portions();
        let amounts = allocate(
            quantity,
            &portions.iter().map(|p| p.1).collect::<Vec<_>>(),
            self.periods,
            self.allocation,
        );
        portions
            .iter()
            .zip(amounts)
            .map(|((at, _), quantity)| {
                Ok(Tranche {
                    date: self.after(*at)?,
                    quantity,
                })
            })
            .collect()
    }

    /// What has vested of `quantity` by the end of `as_of`.
    pub fn vested(&self, quantity: Decimal, as_of: NaiveDate) -> Result<Decimal> {
        Ok(self
            .tranches(quantity)?
            .iter()
            .take_while(|t| t.date <= as_of)
            .map(|t| t.quantity)
            .sum())
    }
}

/// Spreads `total` over tranches whose shares are `numerators` over `denominator` (they add up
/// to it) by an allocation type. The result adds up to `total` exactly.
pub fn allocate(
    total: Decimal,
    numerators: &[u32],
    denominator: u32,
    allocation: AllocationType,
) -> Vec<Decimal> {
    let d = Decimal::from(denominator);
    let exact = |n: u32| total * Decimal::from(n) / d;
    let cumulative = |strategy: RoundingStrategy| {
        let mut out = vec![];
        let (mut sum, mut before) = (0u32, Decimal::ZERO);
        for (k, n) in numerators.iter().enumerate() {
            sum += n;
            // The last tranche takes what is left, so the tranches add up whatever the division.
            let now = if k + 1 == numerators.len() {
                total
            } else {
                exact(sum).round_dp_with_strategy(0, strategy)
            };
            out.push(now - before);
            before = now;
        }
        out
    };
    match allocation {
        AllocationType::Fractional => {
            let mut out: Vec<Decimal> = numerators.iter().map(|n| exact(*n)).collect();
            // Decimal division can leave a last-digit residue; the last tranche absorbs it.
            let residue = total - out.iter().sum::<Decimal>();
            if let Some(last) = out.last_mut() {
                *last += residue;
            }
            out
        }
        AllocationType::CumulativeRounding => cumulative(RoundingStrategy::MidpointAwayFromZero),
        AllocationType::CumulativeRoundDown => cumulative(RoundingStrategy::ToZero),
        AllocationType::FrontLoaded
        | AllocationType::BackLoaded
        | AllocationType::FrontLoadedToSingleTranche
        | AllocationType::BackLoadedToSingleTranche => {
            let mut out: Vec<Decimal> = numerators.iter().map(|n| exact(*n).floor()).collect();
            let mut left = total - out.iter().sum::<Decimal>();
            let n = out.len();
            let order: Vec<usize> = match allocation {
                AllocationType::FrontLoaded | AllocationType::FrontLoadedToSingleTranche => {
                    (0..n).collect()
                }
                _ => (0..n).rev().collect(),
            };
            let single = matches!(
                allocation,
                AllocationType::FrontLoadedToSingleTranche
                    | AllocationType::BackLoadedToSingleTranche
            );
            if single {
                if let Some(&k) = order.first() {
                    out[k] += left;
                }
            } else {
                // One more share to each tranche in turn (the remainder is below the count of
                // tranches, as each was rounded down by less than one).
                for &k in order.iter().cycle().take(n * 2) {
                    if left < Decimal::ONE {
                        break;
                    }
                    out[k] += Decimal::ONE;
                    left -= Decimal::ONE;
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// OCF v1.2.0, enums/AllocationType: "18 shares split across 4 tranches".
    #[test]
    fn every_allocation_type_on_ocfs_example() {
        let cases = [
            (AllocationType::CumulativeRounding, [5, 4, 5, 4]),
            (AllocationType::CumulativeRoundDown, [4, 5, 4, 5]),
            (AllocationType::FrontLoaded, [5, 5, 4, 4]),
            (AllocationType::BackLoaded, [4, 4, 5, 5]),
            (AllocationType::FrontLoadedToSingleTranche, [6, 4, 4, 4]),
            (AllocationType::BackLoadedToSingleTranche, [4, 4, 4, 6]),
        ];
        for (allocation, want) in cases {
            let got = allocate(dec!(18), &[1, 1, 1, 1], 4, allocation);
            let want: Vec<Decimal> = want.iter().map(|n| Decimal::from(*n)).collect();
            assert_eq!(got, want, "{allocation:?}");
        }
        assert_eq!(
            allocate(dec!(18), &[1, 1, 1, 1], 4, AllocationType::Fractional),
            vec![dec!(4.5); 4]
        );
    }

    /// Four years monthly with a one-year cliff (OCF's sample "Four Year / One Year Cliff";
    /// Carta's help page on cliffs): of 48,000 options, 12,000 vest on the first anniversary
    /// and 1,000 on the same day of each month after, the last on the fourth anniversary.
    #[test]
    fn four_years_with_a_one_year_cliff() {
        let s = VestingSchedule::four_years_one_year_cliff(date(2024, 1, 15));
        let t = s.tranches(dec!(48000)).unwrap();
        assert_eq!(t.len(), 37);
        assert_eq!(t[0].date, date(2025, 1, 15));
        assert_eq!(t[0].quantity, dec!(12000));
        assert!(t[1..].iter().all(|x| x.quantity == dec!(1000)));
        assert_eq!(t[36].date, date(2028, 1, 15));
        assert_eq!(s.vested(dec!(48000), date(2025, 1, 14)).unwrap(), dec!(0));
        assert_eq!(
            s.vested(dec!(48000), date(2025, 1, 15)).unwrap(),
            dec!(12000)
        );
        assert_eq!(
            s.vested(dec!(48000), date(2026, 7, 15)).unwrap(),
            dec!(30000)
        );
        assert_eq!(
            s.vested(dec!(48000), date(2030, 1, 1)).unwrap(),
            dec!(48000)
        );
    }

    /// 10,000 options do not divide by 48: cumulative rounding keeps the vested total within half
    /// an option of the exact fraction at every tranche (2,500 at the cliff; 2,708 after 13
    /// months, 10,000 x 13/48 = 2,708.33).
    #[test]
    fn an_uneven_grant_rounds_cumulatively() {
        let s = VestingSchedule::four_years_one_year_cliff(date(2024, 1, 15));
        assert_eq!(
            s.vested(dec!(10000), date(2025, 1, 15)).unwrap(),
            dec!(2500)
        );
        assert_eq!(
            s.vested(dec!(10000), date(2025, 2, 15)).unwrap(),
            dec!(2708)
        );
        let t = s.tranches(dec!(10000)).unwrap();
        assert_eq!(t.iter().map(|x| x.quantity).sum::<Decimal>(), dec!(10000));
    }

    /// A schedule from the 31st vests on the last day of shorter months and on the 31st after.
    #[test]
    fn the_day_of_month_follows_the_start() {
        let s = VestingSchedule {
            start: date(2024, 1, 31),
            period_months: 1,
            periods: 3,
            cliff_periods: 0,
            allocation: AllocationType::CumulativeRounding,
        };
        let dates: Vec<NaiveDate> = s
            .tranches(dec!(3))
            .unwrap()
            .iter()
            .map(|t| t.date)
            .collect();
        assert_eq!(
            dates,
            vec![date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
        );
    }

    #[test]
    fn bad_schedules_are_refused_by_field() {
        let mut s = VestingSchedule::four_years_one_year_cliff(date(2024, 1, 1));
        s.cliff_periods = 60;
        assert_eq!(s.validate().unwrap_err().field(), Some("cliff_periods"));
        s.cliff_periods = 0;
        s.periods = 0;
        assert_eq!(s.validate().unwrap_err().field(), Some("periods"));
        s.periods = 4;
        s.period_months = 0;
        assert_eq!(s.validate().unwrap_err().field(), Some("period_months"));
    }

    proptest::proptest! {
        /// Under every allocation type the tranches add up to the grant, none is negative, and
        /// what has vested never decreases and never exceeds the grant.
        #[test]
        fn tranches_add_up_and_vesting_only_grows(
            quantity in 0u64..10_000_000,
            periods in 1u32..100,
            cliff in 0u32..100,
            months in 1u32..13,
            kind in 0usize..7,
        ) {
            let allocation = [
                AllocationType::CumulativeRounding,
                AllocationType::CumulativeRoundDown,
                AllocationType::FrontLoaded,
                AllocationType::BackLoaded,
                AllocationType::FrontLoadedToSingleTranche,
                AllocationType::BackLoadedToSingleTranche,
                AllocationType::Fractional,
            ][kind];
            let s = VestingSchedule {
                start: date(2024, 3, 31),
                period_months: months,
                periods,
                cliff_periods: cliff.min(periods),
                allocation,
            };
            let q = Decimal::from(quantity);
            let t = s.tranches(q).unwrap();
            proptest::prop_assert_eq!(t.iter().map(|x| x.quantity).sum::<Decimal>(), q);
            proptest::prop_assert!(t.iter().all(|x| x.quantity >= Decimal::ZERO));
            if allocation != AllocationType::Fractional {
                proptest::prop_assert!(t.iter().all(|x| x.quantity.fract().is_zero()));
            }
            proptest::prop_assert!(t.windows(2).all(|w| w[0].date < w[1].date));
            let mut before = Decimal::ZERO;
            for x in &t {
                let v = s.vested(q, x.date).unwrap();
                proptest::prop_assert!(v >= before && v <= q);
                before = v;
            }
            proptest::prop_assert_eq!(before, q);
        }
    }
}
