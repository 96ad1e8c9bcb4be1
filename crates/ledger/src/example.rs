//! The shipped example: xAI's Series B.
//!
//! Public facts (sources in assets/xai/SOURCES.md): xAI was announced on
//! 2023-07-12 (X.AI Corp., a Nevada corporation); its Series B was announced on
//! 2024-05-26: $6B raised at an $18B pre-money valuation, $24B post-money; investors
//! named in public reports include Valor Equity Partners, Vy Capital, Andreessen
//! Horowitz, Sequoia Capital, Fidelity, and Prince Alwaleed Bin Talal with Kingdom
//! Holding.
//!
//! Everything else is ILLUSTRATIVE and labelled so on every record: share counts,
//! founder and employee holdings, the option pool, the Series A, each investor's
//! amount, the Series B lead, and therefore the price per share.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::book::{Book, NewClass, NewPlan, NewStakeholder, NewValuation};
use crate::domain::*;
use crate::error::Result;
use crate::journal::Movement;
use crate::money::{Currency, Money};
use crate::round::{Investment, PricedRound, PricedRoundOutcome};
use crate::rounding::RoundingPolicy;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn usd(units: i64) -> Money {
    Money::new(Decimal::from(units), Currency::USD)
}

fn usd_dec(s: &str) -> Money {
    Money::new(
        Decimal::from_str_exact(s).unwrap_or_default(),
        Currency::USD,
    )
}

pub fn xai_company() -> Company {
    Company {
        name: "xAI".into(),
        legal_name: "X.AI Corp.".into(),
        founded: d(2023, 7, 12),
        currency: Currency::USD,
        jurisdiction: "Nevada, United States".into(),
    }
}

/// The Series B date, and the date the demo's views default to.
pub fn xai_series_b_date() -> NaiveDate {
    d(2024, 5, 26)
}

/// Fills a book holding only `xai_company()` with the example. Returns the Series B outcome.
pub fn populate_xai(book: &mut Book) -> Result<PricedRoundOutcome> {
    use Provenance::{Illustrative, Public};
    use Relationship::*;
    use StakeholderKind::*;

    let person =
        |name: &str, kind, rel: Vec<Relationship>, provenance, note: &str| NewStakeholder {
            name: name.into(),
            kind,
            relationships: rel,
            provenance,
            note: Some(note.into()).filter(|n: &String| !n.is_empty()),
        };
    let musk = book.add_stakeholder(person(
        "Elon Musk",
        Individual,
        vec![Founder, Board],
        Public,
        "Founder (public). His holdings in this book are illustrative.",
    ))?;
    let team = book.add_stakeholder(person(
        "Founding team (aggregate)",
        Individual,
        vec![Founder, Employee],
        Illustrative,
        "Illustrative aggregate of the co-founders named at launch; not a public figure.",
    ))?;
    let staff = book.add_stakeholder(person(
        "Employees (aggregate)",
        Individual,
        vec![Employee],
        Illustrative,
        "Illustrative aggregate of option holders.",
    ))?;
    let series_a_investors = book.add_stakeholder(person(
        "Series A investors (aggregate)",
        Institution,
        vec![Investor],
        Illustrative,
        "Illustrative: the earlier financing is not public in this detail.",
    ))?;
    let public_investor = |name: &str| {
        person(
            name,
            Institution,
            vec![Investor],
            Public,
            "Named in public reports of the Series B; amount illustrative.",
        )
    };
    let valor = book.add_stakeholder(public_investor("Valor Equity Partners"))?;
    let vy = book.add_stakeholder(public_investor("Vy Capital"))?;
    let a16z = book.add_stakeholder(public_investor("Andreessen Horowitz"))?;
    let sequoia = book.add_stakeholder(public_investor("Sequoia Capital"))?;
    let fidelity = book.add_stakeholder(public_investor("Fidelity"))?;
    let kingdom = book.add_stakeholder(public_investor(
        "Kingdom Holding (Prince Alwaleed Bin Talal)",
    ))?;

    let mut common = NewClass::common("Common", Some(3_000_000_000));
    common.provenance = Illustrative;
    let common = book.add_class(common)?;
    let preferred = |name: &str, oip: &str, seniority, authorized| NewClass {
        name: name.into(),
        kind: ClassKind::Preferred,
        original_issue_price: Some(usd_dec(oip)),
        preference_multiple: Decimal::ONE,
        participation: Participation::None,
        seniority,
        conversion_ratio: Decimal::ONE,
        anti_dilution: AntiDilution::BroadBasedWeightedAverage,
        authorized: Some(authorized),
        provenance: Illustrative,
    };
    let series_a = book.add_class(preferred("Series A Preferred", "1.12500", 1, 120_000_000))?;
    let series_b = book.add_class(preferred("Series B Preferred", "15.00000", 2, 400_000_000))?;

    let founded = d(2023, 7, 12);
    for (holder, shares) in [(musk, 900_000_000u64), (team, 60_000_000)] {
        book.record(
            founded,
            Movement::StockIssuance {
                holder,
                class: common,
                shares,
                price_per_share: Some(usd_dec("0.0001")),
                round: None,
            },
            Some("Founders' stock (illustrative)".into()),
            Illustrative,
        )?;
    }
    let plan = book.add_plan(NewPlan {
        name: "2023 Equity Incentive Plan".into(),
        class: common,
        adopted: founded,
        reserved: 120_000_000,
        provenance: Illustrative,
    })?;
    book.add_valuation(NewValuation {
        kind: ValuationKind::FourOhNineA,
        effective: d(2023, 8, 15),
        class: common,
        price_per_share: usd_dec("0.10"),
        company_value: None,
        provider: Some("Illustrative appraiser".into()),
        round: None,
        provenance: Illustrative,
    })?;
    book.record(
        d(2023, 9, 1),
        Movement::OptionGrant {
            holder: staff,
            plan,
            options: 40_000_000,
            exercise_price: usd_dec("0.10"),
            expires: Some(d(2033, 8, 31)),
        },
        Some("Employee grants, aggregated (illustrative)".into()),
        Illustrative,
    )?;

    // Illustrative Series A: 1,080,000,000 FD shares before it, priced at $1.125.
    book.record_priced_round_labelled(
        &PricedRound {
            name: "Series A".into(),
            date: d(2023, 12, 5),
            class: series_a,
            pre_money: usd(1_215_000_000),
            investments: vec![Investment { investor: series_a_investors, amount: usd(135_000_000) }],
            lead: None,
            stated_post_money: Some(usd(1_350_000_000)),
            stated_price: None,
            rounding: RoundingPolicy::default(),
            provenance: Illustrative,
            note: Some("Illustrative round: xAI's financing before the Series B is not public in this detail.".into()),
        },
        Illustrative,
    )?;

    // Series B: terms public; 1,200,000,000 FD shares before it (illustrative) make $15.00 a share.
    book.record_priced_round_labelled(
        &PricedRound {
            name: "Series B".into(),
            date: xai_series_b_date(),
            class: series_b,
            pre_money: usd(18_000_000_000),
            investments: vec![
                Investment { investor: valor, amount: usd(1_500_000_000) },
                Investment { investor: vy, amount: usd(1_050_000_000) },
                Investment { investor: a16z, amount: usd(900_000_000) },
                Investment { investor: sequoia, amount: usd(900_000_000) },
                Investment { investor: kingdom, amount: usd(900_000_000) },
                Investment { investor: fidelity, amount: usd(750_000_000) },
            ],
            lead: Some(valor),
            stated_post_money: Some(usd(24_000_000_000)),
            stated_price: None,
            rounding: RoundingPolicy::default(),
            provenance: Public,
            note: Some(
                "Public: announced 2024-05-26, $6B at $18B pre-money, $24B post-money. Illustrative: \
                 per-investor amounts, the lead, and the share counts behind the price per share."
                    .into(),
            ),
        },
        Illustrative,
    )
}
