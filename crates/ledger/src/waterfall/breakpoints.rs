//! The breakpoints: every exit value at which some class's (or option grant's) payout changes
//! slope, found by walking the preference stack and then the engine's choices in order.

use super::engine::{ClassState, Engine, EventKind};
use super::exact::{Big, Exact, Mode};
use super::{Breakpoint, BreakpointEvent, ExitTerms};
use crate::error::{LedgerError, Result};
use crate::money::Money;

impl Engine<'_> {
    pub(super) fn breakpoints(&self, exit: &ExitTerms) -> Result<Vec<Breakpoint>> {
        let x = self.exit_ticks(exit)?;
        let cd = self.rounding.cash_decimals;
        let currency = self.cap.currency;
        // (net proceeds as an exact amount of money, class, holder, event, q, description)
        let mut found: Vec<(Exact, usize, Option<usize>, BreakpointEvent, Exact)> = Vec::new();
        let dollars = |ticks: Big| Exact::new(ticks, x.unit.clone());

        // The preference stack, most senior first.
        let mut acc = Big::zero();
        for tier in &self.tiers {
            let total = x.up(&tier.total);
            if total.is_zero() {
                continue;
            }
            let end = acc.add(&total);
            for &c in &tier.classes {
                if self.classes[c].pref.is_zero() {
                    continue;
                }
                if !acc.add(&x.deductions).is_zero() {
                    found.push((
                        dollars(acc.clone()),
                        c,
                        None,
                        BreakpointEvent::PreferenceStarts,
                        Exact::zero(),
                    ));
                }
                found.push((
                    dollars(end.clone()),
                    c,
                    None,
                    BreakpointEvent::PreferenceFullyPaid,
                    Exact::zero(),
                ));
            }
            acc = end;
        }
        // The common pool opens once every preference is paid.
        if !acc.add(&x.deductions).is_zero() {
            for (i, c) in self.classes.iter().enumerate() {
                if c.role.starts_in_pool() && c.ce > 0 {
                    found.push((
                        dollars(acc.clone()),
                        i,
                        None,
                        BreakpointEvent::StartsParticipating,
                        Exact::zero(),
                    ));
                }
            }
        }
        // Every choice, in order: the net proceeds at which q reaches its threshold t are
        // t S + F - E, with the state (F, E, S) just before it.
        let mut states = vec![ClassState::Pool; self.classes.len()];
        let mut exercised = vec![false; self.options.len()];
        let mut fixed = x.up(&self.pref_total);
        let mut exercise = Big::zero();
        let mut pool = self.base_pool.clone();
        for ev in &self.events {
            let num = x.up(&ev.num);
            let at = num
                .mul(&pool)
                .add(&fixed.mul(&ev.den))
                .checked_sub(&exercise.mul(&ev.den))
                .ok_or_else(|| {
                    LedgerError::conflict("waterfall", "internal: a breakpoint below zero")
                })?;
            let event = match ev.kind {
                EventKind::Convert | EventKind::CapConvert => BreakpointEvent::Converts,
                EventKind::HitCap => BreakpointEvent::HitsCap,
                EventKind::Exercise => BreakpointEvent::OptionsInTheMoney,
            };
            let (class, holder) = match ev.kind {
                EventKind::Exercise => (self.options[ev.target].class, Some(ev.target)),
                _ => (ev.target, None),
            };
            let q = Exact::new(num.clone(), ev.den.mul(&x.unit));
            found.push((Exact::new(at, ev.den.mul(&x.unit)), class, holder, event, q));
            self.apply(
                ev,
                &x,
                &mut states,
                &mut exercised,
                &mut fixed,
                &mut exercise,
                &mut pool,
            )?;
        }

        found.sort_by(|a, b| a.0.cmp(&b.0));
        let deductions = dollars(x.deductions.clone());
        let mut out = Vec::with_capacity(found.len());
        for (net, class, option, event, q) in found {
            let at = net.add(&deductions);
            let exit_value = Money::new(at.round(cd, Mode::HalfUp)?, currency);
            let e = &self.classes[class];
            let name = &e.name;
            let what = e.role.claim_words();
            let claim = |b: &Big| -> Result<Money> {
                Ok(Money::new(
                    Exact::new(x.up(b), x.unit.clone()).round(cd, Mode::HalfUp)?,
                    currency,
                ))
            };
            let q_money = Money::new(
                q.round(self.rounding.price_decimals, Mode::HalfUp)?,
                currency,
            );
            let description = match event {
                BreakpointEvent::PreferenceStarts => format!(
                    "{name}'s {what} ({}) starts being paid: every more senior claim is paid",
                    claim(&e.pref)?
                ),
                BreakpointEvent::PreferenceFullyPaid => {
                    format!("{name}'s {what} ({}) is paid in full", claim(&e.pref)?)
                }
                BreakpointEvent::StartsParticipating => {
                    format!("every preference is paid; {name} starts receiving the common pool")
                }
                BreakpointEvent::Converts => format!(
                    "{name} converts to common: the common price passes {q_money} per share"
                ),
                BreakpointEvent::HitsCap => format!(
                    "{name} reaches its cap ({}) and stops participating",
                    claim(&e.cap.clone().unwrap_or_default())?
                ),
                BreakpointEvent::OptionsInTheMoney => {
                    let o = &self.cap.options[option.unwrap_or(0)];
                    format!(
                        "{}'s {} {}s on {} at strike {} come into the money",
                        o.holder,
                        o.count,
                        o.kind.name(),
                        o.class,
                        o.strike
                    )
                }
            };
            out.push(Breakpoint {
                exit_value,
                exit_value_exact: at.truncated()?,
                class: name.clone(),
                holder: match option {
                    Some(j) => Some(self.cap.options[j].holder.clone()),
                    None => e.holder.map(|h| self.holder_name(h).to_string()),
                },
                event,
                common_price_per_share: q.truncated()?,
                description,
            });
        }
        Ok(out)
    }
}
