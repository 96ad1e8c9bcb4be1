//! SAFEs and notes from the shell: recorded with their terms, listed apart from
//! fully diluted shares, named by a priced round that does not convert them, and
//! converted into shares once, by entry number.

mod common;

use common::*;

fn book_with_a_safe() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let (dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("stakeholder add Ada --role founder"));
    ok(
        &book,
        &words("stakeholder add 'Angel Fund' --kind institution --role investor"),
    );
    ok(
        &book,
        &words("class add Common --kind common --authorized 20000000"),
    );
    ok(
        &book,
        &words("issue --holder Ada --class Common --shares 8000000 --date 2020-01-01"),
    );
    // YC's post-money SAFE: a purchase amount and a post-money valuation cap, no discount.
    let safe = entry_number(&ok(
        &book,
        &words("safe --holder 'Angel Fund' --investment 500000 --valuation-cap 10000000 --date 2020-06-01"),
    ));
    (dir, book, safe)
}

#[test]
fn a_safe_is_listed_apart_from_fully_diluted_shares() {
    let (_d, book, safe) = book_with_a_safe();
    let ct = json(&book, &words("captable --as-of 2020-12-31"));
    let c = &ct["cap_table"];
    assert_eq!(
        u(&c["totals"]["fully_diluted"]),
        8_000_000,
        "a SAFE adds no shares until it converts"
    );
    let list = c["convertibles"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["instrument"].to_string(), safe);
    assert_eq!(list[0]["kind"], "SAFE");
    assert_eq!(
        dec(&list[0]["amount"]["amount"]),
        rust_decimal::Decimal::from(500_000)
    );
    // The journal keeps the terms exactly.
    let journal = json(&book, &["journal"]);
    let entry = journal["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(entry["terms"]["valuation_cap"]["amount"], "10000000");
    assert_eq!(entry["terms"]["timing"], "post-money");
    assert!(entry["terms"]["discount"].is_null());
}

#[test]
fn a_priced_round_names_the_safes_it_did_not_convert() {
    let (_d, book, safe) = book_with_a_safe();
    ok(
        &book,
        &words("stakeholder add 'Lead VC' --kind institution --role investor"),
    );
    let text = ok(
        &book,
        &words("round record Seed --date 2021-01-01 --class 'Seed Preferred' --create-class --pre-money 8000000 --invest 'Lead VC=2000000'"),
    );
    assert!(
        text.contains("Warning: 1 SAFE(s) or note(s) are outstanding"),
        "{text}"
    );
    assert!(
        text.contains(&format!("#{safe} SAFE of $500,000.00 held by Angel Fund")),
        "{text}"
    );
}

#[test]
fn a_safe_converts_once_into_shares() {
    let (_d, book, safe) = book_with_a_safe();
    ok(&book, &words("class add 'Seed Preferred' --kind preferred --original-issue-price 1.00 --authorized 5000000"));
    let out = ok(
        &book,
        &[
            "convert",
            "--instrument",
            &safe,
            "--to-class",
            "Seed Preferred",
            "--resulting",
            "526315",
            "--date",
            "2021-01-01",
        ],
    );
    assert!(out.contains("journal entry #"), "{out}");
    let c = json(&book, &words("captable --as-of 2021-01-01"))["cap_table"].clone();
    assert!(c["convertibles"].as_array().unwrap().is_empty());
    assert_eq!(u(&c["totals"]["fully_diluted"]), 8_000_000 + 526_315);
    let angel = c["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Angel Fund")
        .unwrap()
        .clone();
    assert_eq!(u(&angel["outstanding"]), 526_315);
    // The day before, it was still a SAFE.
    let before = json(&book, &words("captable --as-of 2020-12-31"))["cap_table"].clone();
    assert_eq!(before["convertibles"].as_array().unwrap().len(), 1);

    // A second conversion of the same SAFE is refused, naming the instrument, and changes nothing.
    let snap = snapshot(&book);
    let again = run(
        &book,
        &[
            "convert",
            "--instrument",
            &safe,
            "--to-class",
            "Seed Preferred",
            "--resulting",
            "1",
            "--date",
            "2021-02-01",
        ],
    );
    assert!(!again.status.success());
    assert!(stderr(&again).contains("instrument"), "{}", stderr(&again));
    assert_same(&snap, &snapshot(&book), "a refused second conversion");
}

#[test]
fn the_waterfall_pays_a_safe_by_its_terms_and_names_the_setting() {
    // YC's post-money SAFE at a liquidity event (docs/waterfall.md): $500,000 at a $10M cap is
    // 5% of a Liquidity Capitalization of 8,000,000 / 0.95 shares: Liquidity Price $10M x 0.95 /
    // 8,000,000 = $1.1875, 421,052 shares. At $5M converting pays 5% of it, $250,000: the SAFE
    // takes its $500,000 cash-out amount.
    let (_d, book, safe) = book_with_a_safe();
    let low = json(&book, &words("waterfall --exit 5000000 --as-of 2021-01-01"));
    assert_eq!(low["conventions"]["convertibles"], "paid");
    assert_eq!(low["conventions"]["notes"], "greater-of");
    assert_eq!(low["conventions"]["preference_basis"], "issue-price");
    assert!(low["left_out_instruments"].as_array().unwrap().is_empty());
    let s = &low["outcomes"][0]["convertibles"][0];
    assert_eq!(s["name"], format!("SAFE #{safe}"));
    assert_eq!(s["decision"], "cash-out");
    assert_eq!(s["conversion_shares"], 421_052);
    assert_eq!(s["conversion_price"], "1.18750");
    assert_eq!(
        dec(&s["total"]["amount"]),
        rust_decimal::Decimal::from(500_000)
    );
    // At $50M it converts: 421,052 / 8,421,052 of $50M = $2,499,996.4375, to the cent
    // $2,499,996.44 (the larger remainder); Ada $47,500,003.56.
    let high = json(
        &book,
        &words("waterfall --exit 50000000 --as-of 2021-01-01"),
    );
    let s = &high["outcomes"][0]["convertibles"][0];
    assert_eq!(s["decision"], "converts");
    assert_eq!(dec(&s["total"]["amount"]), "2499996.44".parse().unwrap());
    // The tables show it as a row, by class and by holder.
    let text = ok(
        &book,
        &words("waterfall --exit 50000000 --as-of 2021-01-01"),
    );
    assert!(
        text.contains(&format!("SAFE #{safe} (Angel Fund)")),
        "{text}"
    );
    assert!(text.contains("SAFEs and notes"), "{text}");
    assert!(
        text.contains("Settings: SAFEs and notes paid (notes: greater-of"),
        "{text}"
    );
    // Left out, as before: the founders take all and the SAFE is listed apart.
    let out = json(
        &book,
        &words("waterfall --exit 50000000 --as-of 2021-01-01 --convertibles left-out"),
    );
    assert_eq!(out["conventions"]["convertibles"], "left-out");
    assert_eq!(out["left_out_instruments"].as_array().unwrap().len(), 1);
    assert!(out["outcomes"][0]["convertibles"]
        .as_array()
        .unwrap()
        .is_empty());
    let text = ok(
        &book,
        &words("waterfall --exit 50000000 --as-of 2021-01-01 --convertibles left-out"),
    );
    assert!(text.contains("Not in this waterfall: 1 SAFE(s)"), "{text}");
    // A bad setting is refused, naming it.
    let bad = run(
        &book,
        &words("waterfall --exit 1 --as-of 2021-01-01 --note-repayment-multiple 0.5"),
    );
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("note_repayment_multiple"),
        "{}",
        stderr(&bad)
    );
}
