//! What the store and the JSON output write must read back: every movement, with
//! optional terms absent or present.

use chrono::NaiveDate;
use roundbook_ledger::*;
use rust_decimal_macros::dec;

fn usd(d: rust_decimal::Decimal) -> Money {
    Money::new(d, Currency::USD)
}

#[test]
fn convertible_terms_round_trip_with_and_without_options() {
    let cases = vec![
        ConvertibleTerms::Safe {
            investment: usd(dec!(100)),
            timing: SafeTiming::PostMoney,
            valuation_cap: None,
            discount: None,
            mfn: false,
        },
        ConvertibleTerms::Safe {
            investment: usd(dec!(1000000)),
            timing: SafeTiming::PreMoney,
            valuation_cap: Some(usd(dec!(10000000))),
            discount: Some(dec!(0.20)),
            mfn: true,
        },
        ConvertibleTerms::Note {
            principal: usd(dec!(500000)),
            interest_rate: dec!(0.06),
            compounding: Compounding::Simple,
            day_count: DayCount::Act365,
            maturity: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valuation_cap: None,
            discount: None,
        },
    ];
    for terms in cases {
        let json = serde_json::to_string(&terms).unwrap();
        let back: ConvertibleTerms =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(back, terms, "{json}");
        // Inside an entry too (the journal's JSON flattens the movement).
        let movement = Movement::ConvertibleIssuance {
            holder: StakeholderId(1),
            terms,
        };
        let json = serde_json::to_string(&movement).unwrap();
        let back: Movement = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(back, movement);
    }
}

#[test]
fn a_discount_is_written_as_a_decimal_string() {
    let terms = ConvertibleTerms::Safe {
        investment: usd(dec!(100)),
        timing: SafeTiming::PostMoney,
        valuation_cap: None,
        discount: Some(dec!(0.15)),
        mfn: false,
    };
    let v: serde_json::Value = serde_json::to_value(&terms).unwrap();
    assert_eq!(v["discount"], serde_json::json!("0.15"));
    assert_eq!(v["instrument"], serde_json::json!("safe"));
}

/// A deal's capitalisation definitions are read under either spelling: ours
/// (`capitalisation`) and OCF's and YC's (`capitalization`). YC's post-money SAFE example
/// (docs/calc/yc-post-money-safe.json) with its definitions written out, counting the new
/// money too, gives the same round under both names, and a different one from the default.
#[test]
fn a_deals_capitalisation_is_read_under_either_spelling() {
    use roundbook_ledger::deal::{run_deal, Deal};
    use roundbook_ledger::model::CapitalisationDefinitions;
    let text = include_str!("../../../docs/calc/yc-post-money-safe.json");
    let mut definitions = CapitalisationDefinitions::default();
    definitions.post_money_safes.new_money = true;
    let with = |key: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["round"][key] = serde_json::to_value(definitions).unwrap();
        let deal: Deal = serde_json::from_value(v).unwrap();
        serde_json::to_value(run_deal(&deal).unwrap().round).unwrap()
    };
    let ours = with("capitalisation");
    assert_eq!(ours, with("capitalization"));
    let default: Deal = serde_json::from_str(text).unwrap();
    assert_ne!(
        ours,
        serde_json::to_value(run_deal(&default).unwrap().round).unwrap()
    );
}
