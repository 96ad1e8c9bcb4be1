//! Figures and entries in words, the same on every surface that prints them (the command
//! line's tables, the app's journal, the exports' description column).

use roundbook_ledger::money::group_thousands;
use roundbook_ledger::{Book, ClassId, FundingRound, Money, Movement, StakeholderId};

/// A count of shares or options with thousands separators: "1,600,000,000".
pub fn shares(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// Exact money with thousands separators: "$24,000,000,000.00" for USD, "EUR 1,000" otherwise.
pub fn money(m: &Money) -> String {
    let amount = group_thousands(&m.amount.to_string());
    if m.currency.as_str() == "USD" {
        match amount.strip_prefix('-') {
            Some(rest) => format!("-${rest}"),
            None => format!("${amount}"),
        }
    } else {
        format!("{} {amount}", m.currency)
    }
}

/// A price per share as recorded, with at least two decimals: "$0.10", "$1.125", "$15.00000"
/// (a round's price keeps the decimals its rounding policy gave it).
pub fn price(m: &Money) -> String {
    let mut m = *m;
    if m.amount.scale() < 2 {
        m.amount.rescale(2);
    }
    money(&m)
}

/// Money with at least two decimals, for amounts a reader expects in cents.
pub fn cents(m: &Money) -> String {
    money(&m.tidy())
}

/// A round's basis: one word when its terms and its price share one ("public"), both
/// otherwise ("public terms, illustrative price": the shipped example's Series B).
pub fn round_basis(r: &FundingRound) -> String {
    if r.provenance == r.price_provenance {
        r.provenance.name().to_string()
    } else {
        format!(
            "{} terms, {} price",
            r.provenance.name(),
            r.price_provenance.name()
        )
    }
}

/// "2:1 split" or "1:10 reverse split", as a board resolution names it.
pub fn split_name(numerator: u64, denominator: u64) -> String {
    if numerator >= denominator {
        format!("{numerator}:{denominator} split")
    } else {
        format!("{numerator}:{denominator} reverse split")
    }
}

/// "every share becomes 2 shares", "every 10 shares become 1 share".
pub fn split_words(numerator: u64, denominator: u64) -> String {
    let count = |n: u64| {
        if n == 1 {
            "1 share".to_string()
        } else {
            format!("{} shares", shares(n))
        }
    };
    if denominator == 1 {
        format!("every share becomes {}", count(numerator))
    } else {
        format!("every {} become {}", count(denominator), count(numerator))
    }
}

/// A journal entry in the user's words: "Issued 1,000 Common to Ada at $0.10 (Seed)".
pub fn entry(b: &Book, m: &Movement) -> String {
    let who = |id: StakeholderId| b.stakeholder_name(id).to_string();
    let cls = |id: ClassId| b.class_name(id).to_string();
    let at = |p: &Option<Money>| {
        p.as_ref()
            .map(|p| format!(" at {}", price(p)))
            .unwrap_or_default()
    };
    match m {
        Movement::StockIssuance {
            holder,
            class,
            shares: n,
            price_per_share,
            round,
        } => format!(
            "Issued {} {} to {}{}{}",
            shares(*n),
            cls(*class),
            who(*holder),
            at(price_per_share),
            round
                .and_then(|r| b.round(r))
                .map(|r| format!(" ({})", r.name))
                .unwrap_or_default()
        ),
        Movement::OptionGrant {
            holder,
            plan,
            options,
            exercise_price,
            ..
        } => format!(
            "Granted {} options from {} to {}, exercise {}",
            shares(*options),
            b.plan_name(*plan),
            who(*holder),
            price(exercise_price)
        ),
        Movement::Exercise { grant, options } => {
            format!("Exercised {} options of grant #{grant}", shares(*options))
        }
        Movement::Transfer {
            from,
            to,
            class,
            shares: n,
            price_per_share,
        } => format!(
            "Transferred {} {} from {} to {}{}",
            shares(*n),
            cls(*class),
            who(*from),
            who(*to),
            at(price_per_share)
        ),
        Movement::StockCancellation {
            holder,
            class,
            shares: n,
        } => format!(
            "Cancelled {} {} of {}",
            shares(*n),
            cls(*class),
            who(*holder)
        ),
        Movement::OptionCancellation { grant, options } => {
            format!("Cancelled {} options of grant #{grant}", shares(*options))
        }
        Movement::Repurchase {
            holder,
            class,
            shares: n,
            price_per_share,
        } => format!(
            "Repurchased {} {} from {} at {}",
            shares(*n),
            cls(*class),
            who(*holder),
            price(price_per_share)
        ),
        Movement::PoolIncrease { plan, shares: n } => {
            format!("Added {} shares to {}", shares(*n), b.plan_name(*plan))
        }
        Movement::StockConversion {
            holder,
            from_class,
            shares: n,
            to_class,
            resulting_shares,
        } => format!(
            "Converted {} {} of {} into {} {}",
            shares(*n),
            cls(*from_class),
            who(*holder),
            shares(*resulting_shares),
            cls(*to_class)
        ),
        Movement::ConvertibleIssuance { holder, terms } => format!(
            "Issued a {} of {} to {}",
            terms.label(),
            cents(&terms.amount()),
            who(*holder)
        ),
        Movement::ConvertibleConversion {
            instrument,
            class,
            shares: n,
        } => format!(
            "Converted #{instrument} into {} {}",
            shares(*n),
            cls(*class)
        ),
        Movement::ConversionRatioAdjustment {
            class,
            new_ratio,
            reason,
        } => format!("{} converts at {new_ratio}: {reason}", cls(*class)),
        Movement::StockSplit {
            class,
            numerator,
            denominator,
            rounding,
            ..
        } => format!(
            "{} of {}: {} (shares {}, fractions paid in cash)",
            split_name(*numerator, *denominator),
            cls(*class),
            split_words(*numerator, *denominator),
            rounding.shares.name()
        ),
        Movement::AuthorizedSharesAdjustment { class, authorized } => format!(
            "{} authorised shares set to {}",
            cls(*class),
            shares(*authorized)
        ),
        Movement::Reversal { reverses, reason } => format!("Reversed #{reverses}: {reason}"),
    }
}
