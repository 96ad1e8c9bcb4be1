//! The outcome of a command in words: a priced round, a modelled round, a split. Printed by
//! the commands that record them (write.rs) and by those that show them again (read.rs).

use std::fmt::Write as _;

use roundbook_application::words;
use roundbook_ledger::*;

use crate::table::{cents, pct, price, shares, Align, Table};
use Align::{Left as L, Right as R};

/// The figures of a priced round just recorded, including what rounding did.
pub fn round_outcome(o: &PricedRoundOutcome, out: &mut String) {
    let _ = writeln!(out, "Recorded round #{}: {} on {}", o.round, o.name, o.date);
    let mut t = Table::new(&[("", L), ("", R)]);
    t.row(vec!["Pre-money valuation".into(), cents(&o.pre_money)]);
    t.row(vec![
        "Pre-money fully diluted shares".into(),
        shares(o.pre_money_fd_shares),
    ]);
    t.row(vec![
        "Exact price (pre-money / FD shares)".into(),
        o.exact_price.to_string(),
    ]);
    t.row(vec!["Price per share".into(), price(&o.price_per_share)]);
    t.row(vec!["Amount raised".into(), cents(&o.amount_raised)]);
    t.row(vec![
        "Post-money valuation (pre + raised)".into(),
        cents(&o.post_money),
    ]);
    t.row(vec!["New shares".into(), shares(o.new_shares)]);
    t.row(vec![
        "Post-money fully diluted shares".into(),
        shares(o.post_money_fd_shares),
    ]);
    t.row(vec![
        "New investors' ownership (FD)".into(),
        pct(o.new_ownership_pct),
    ]);
    t.row(vec![
        "Target ownership (raised / post-money)".into(),
        pct(o.target_new_ownership_pct),
    ]);
    out.push_str(&t.render_body());
    let _ = writeln!(out, "Rounding: {}", o.rounding_rule);
    if o.rounding_bites {
        let _ = writeln!(
            out,
            "Rounding effect: price {} vs exact {}; {} of the money buys no whole share; \
             implied post-money (price x FD shares) {}; new investors own {} instead of {}.",
            price(&o.price_per_share),
            o.exact_price,
            cents(&o.uninvested),
            cents(&o.implied_post_money),
            // Ten decimals where four would hide the difference.
            if pct(o.new_ownership_pct) == pct(o.target_new_ownership_pct) {
                format!("{}%", o.new_ownership_pct)
            } else {
                pct(o.new_ownership_pct)
            },
            if pct(o.new_ownership_pct) == pct(o.target_new_ownership_pct) {
                format!("{}%", o.target_new_ownership_pct)
            } else {
                pct(o.target_new_ownership_pct)
            }
        );
    } else {
        let _ = writeln!(
            out,
            "Rounding effect: none; every dollar bought whole shares at the exact price."
        );
    }
    anti_dilution_lines(&o.anti_dilution, out);
    let mut t = Table::new(&[
        ("Investor", L),
        ("Amount", R),
        ("Shares", R),
        ("Invested", R),
        ("Uninvested", R),
    ]);
    for a in &o.allocations {
        t.row(vec![
            a.name.clone(),
            cents(&a.amount),
            shares(a.shares),
            cents(&a.invested),
            cents(&a.uninvested),
        ]);
    }
    let _ = writeln!(out);
    out.push_str(&t.render());
}

/// What a split did, holder by holder: the statement a transfer agent sends.
pub fn split_statement(b: &Book, e: &SplitEffect, out: &mut String) {
    let _ = writeln!(
        out,
        "Recorded the {} of {} as journal entry #{}, effective {}.",
        words::split_name(e.numerator, e.denominator),
        b.class_name(e.class),
        e.entry,
        e.effective
    );
    let mut t = Table::new(&[
        ("Holder", L),
        ("Before", R),
        ("After", R),
        ("Fraction paid in cash", R),
    ]);
    for h in &e.holdings {
        t.row(vec![
            b.stakeholder_name(h.holder).to_string(),
            shares(h.before),
            shares(h.after),
            h.fraction_dropped.normalize().to_string(),
        ]);
    }
    if !e.holdings.is_empty() {
        let _ = write!(out, "{}", t.render());
    }
    if !e.grants.is_empty() {
        let mut g = Table::new(&[
            ("Grant", L),
            ("Holder", L),
            ("Options before", R),
            ("Options after", R),
            ("Fraction dropped", R),
            ("Exercise price before", R),
            ("After", R),
        ]);
        for x in &e.grants {
            let cur = b.company.currency;
            g.row(vec![
                format!("#{}", x.grant),
                b.stakeholder_name(x.holder).to_string(),
                shares(x.before),
                shares(x.after),
                x.fraction_dropped.normalize().to_string(),
                price(&Money::new(x.exercise_price_before, cur)),
                price(&Money::new(x.exercise_price_after, cur)),
            ]);
        }
        let _ = write!(out, "{}", g.render());
    }
    for p in &e.plans {
        let _ = writeln!(
            out,
            "Plan '{}': reserved {} -> {}, available {} -> {}.",
            b.plan_name(p.plan),
            shares(p.reserved_before),
            shares(p.reserved_after),
            shares(p.available_before),
            shares(p.available_after)
        );
    }
    if let Some((before, after)) = e.authorized {
        let _ = writeln!(
            out,
            "Authorised shares: {} -> {}.",
            shares(before),
            shares(after)
        );
    }
    if let Some((before, after)) = e.original_issue_price {
        let _ = writeln!(
            out,
            "Original issue price per share: {} -> {} (exact, so the total preference is unchanged).",
            before.normalize(),
            after.normalize()
        );
    }
    for (class, before, after) in &e.conversion_ratios {
        let _ = writeln!(
            out,
            "{} converts at {} -> {} shares of common per share.",
            b.class_name(*class),
            before.normalize(),
            after.normalize()
        );
    }
    let _ = writeln!(
        out,
        "Fractions dropped in all: {} (SAFEs and notes are amounts of money and do not change).",
        e.fractions_dropped().normalize()
    );
}

/// A modelled round: the terms, what rounding did, the conversions, the new money and
/// each holder's dilution.
pub fn model_outcome(o: &ModelOutcome, committed: bool, out: &mut String) {
    let _ = writeln!(
        out,
        "{} on {}: {}",
        o.name,
        o.date,
        if committed {
            "recorded in the book"
        } else {
            "pro forma (nothing recorded; add --commit to record it)"
        }
    );
    let mut t = Table::new(&[("", L), ("", R)]);
    let given_price = matches!(o.valuation, RoundValuation::Price(_));
    t.row(vec![
        if given_price {
            "Pre-money valuation (derived from the given price)"
        } else {
            "Pre-money valuation"
        }
        .into(),
        cents(&o.pre_money),
    ]);
    t.row(vec!["New money".into(), cents(&o.new_money)]);
    t.row(vec![
        "Post-money valuation (pre + new money)".into(),
        cents(&o.post_money),
    ]);
    t.row(vec![
        "Fully diluted shares before the round".into(),
        shares(o.pre_round_fd_shares),
    ]);
    t.row(vec![
        format!("Pricing method: {}", o.pricing.name()),
        o.pricing.quotient_words().into(),
    ]);
    if o.effective_pre_money != o.pre_money {
        t.row(vec![
            "Effective pre-money (what the price divides)".into(),
            cents(&o.effective_pre_money),
        ]);
    }
    t.row(vec![
        "Price denominator".into(),
        o.price_denominator.round_dp(4).to_string(),
    ]);
    if !given_price {
        t.row(vec![
            "Exact price".into(),
            o.exact_price.round_dp(10).to_string(),
        ]);
    }
    t.row(vec![
        if given_price {
            "Price per share (given)"
        } else {
            "Price per share"
        }
        .into(),
        price(&o.price_per_share),
    ]);
    if let Some(p) = &o.pool {
        t.row(vec![
            format!(
                "Option pool {} (top-up in the {}-money)",
                match p.size {
                    PoolSize::Target(t) => format!(
                        "target {} of post-money FD",
                        pct(t * rust_decimal::Decimal::ONE_HUNDRED)
                    ),
                    PoolSize::Shares(n) => format!("increase of {} shares", shares(n)),
                },
                match p.timing {
                    PoolTiming::PreMoney => "pre",
                    PoolTiming::PostMoney => "post",
                }
            ),
            String::new(),
        ]);
        t.row(vec![
            "  available before".into(),
            shares(o.pool_available_before),
        ]);
        t.row(vec!["  top-up".into(), shares(o.pool_increase)]);
        t.row(vec![
            "  available after".into(),
            format!(
                "{} ({})",
                shares(o.pool_available_after),
                pct(o.pool_available_after_pct)
            ),
        ]);
    }
    t.row(vec!["New money shares".into(), shares(o.new_shares)]);
    t.row(vec![
        "Conversion shares".into(),
        shares(o.conversion_shares),
    ]);
    if o.anti_dilution_shares > 0 {
        t.row(vec![
            match o.anti_dilution_pricing {
                AntiDilutionPricing::AfterPrice => "Anti-dilution shares (priced after the round)",
                AntiDilutionPricing::InPrice => "Anti-dilution shares (in the price's denominator)",
            }
            .into(),
            shares(o.anti_dilution_shares),
        ]);
    }
    t.row(vec![
        "Post-money fully diluted shares".into(),
        shares(o.post_money_fd_shares),
    ]);
    t.row(vec![
        "Implied post-money (price x post FD)".into(),
        cents(&o.implied_post_money),
    ]);
    out.push_str(&t.render_body());
    let _ = writeln!(out, "Rounding: {}", o.rounding_rule);
    anti_dilution_lines(&o.anti_dilution, out);

    if !o.conversions.is_empty() {
        let _ = writeln!(out, "\nSAFEs and notes converting:");
        let mut t = Table::new(&[
            ("Entry", R),
            ("Holder", L),
            ("Instrument", L),
            ("Amount", R),
            ("Converts at", L),
            ("Price", R),
            ("Shares", R),
            ("Into", L),
        ]);
        for c in &o.conversions {
            t.row(vec![
                format!("#{}", c.instrument),
                c.name.clone(),
                c.kind.into(),
                cents(&c.amount),
                match c.basis {
                    ConversionBasis::Cap => "cap",
                    ConversionBasis::Discount => "discount",
                    ConversionBasis::RoundPrice => "round price",
                }
                .into(),
                price(&c.conversion_price),
                shares(c.shares),
                c.class_name.clone(),
            ]);
        }
        out.push_str(&t.render());
    }
    let _ = writeln!(out, "\nNew money:");
    let mut t = Table::new(&[
        ("Investor", L),
        ("Amount", R),
        ("Shares", R),
        ("Invested", R),
        ("Uninvested", R),
        ("Pro rata share", R),
    ]);
    for l in &o.new_money_lines {
        t.row(vec![
            l.name.clone(),
            cents(&l.amount),
            shares(l.shares),
            cents(&l.invested),
            cents(&l.uninvested),
            l.pro_rata_share
                .map(|p| pct(p * rust_decimal::Decimal::ONE_HUNDRED))
                .unwrap_or_default(),
        ]);
    }
    out.push_str(&t.render());
    if !o.grants.is_empty() {
        let _ = writeln!(
            out,
            "\nGrants sized to the round (of post-money fully diluted):"
        );
        let mut t = Table::new(&[
            ("Holder", L),
            ("Granted as", L),
            ("Target", R),
            ("Shares", R),
            ("% after", R),
        ]);
        for g in &o.grants {
            t.row(vec![
                g.name.clone(),
                g.granted_as.clone(),
                pct(g.target * rust_decimal::Decimal::ONE_HUNDRED),
                shares(g.shares),
                pct(g.pct_after),
            ]);
        }
        out.push_str(&t.render());
    }
    let _ = writeln!(out, "\nDilution (fully diluted):");
    let mut t = Table::new(&[
        ("Holder", L),
        ("Before", R),
        ("% before", R),
        ("After", R),
        ("% after", R),
        ("Change", R),
    ]);
    for d in &o.dilution {
        let change = d.after_pct - d.before_pct;
        t.row(vec![
            d.name.clone(),
            shares(d.before_fd),
            pct(d.before_pct),
            shares(d.after_fd),
            pct(d.after_pct),
            format!(
                "{}{} pts",
                if change > rust_decimal::Decimal::ZERO {
                    "+"
                } else {
                    ""
                },
                change.round_dp(4)
            ),
        ]);
    }
    out.push_str(&t.render());
}

fn anti_dilution_lines(
    adjustments: &[roundbook_ledger::antidilution::Adjustment],
    out: &mut String,
) {
    for a in adjustments {
        let _ = writeln!(
            out,
            "Anti-dilution ({}): {} conversion price {} -> {}, conversion ratio {} -> {} (recorded as a conversion-ratio adjustment)",
            a.method.name(),
            a.class_name,
            price(&a.old_conversion_price),
            price(&a.new_conversion_price),
            a.old_ratio.normalize(),
            a.new_ratio.round_dp(10).normalize()
        );
    }
}
