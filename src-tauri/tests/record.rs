//! Recording the book's other entries from the app (issue, grant, transfer, SAFE, split) on
//! Tauri's mock runtime, over a fresh copy of the xAI example book: each success moves the cap
//! table by exactly what was recorded, each bad field is named and leaves the file unchanged.
//!
//! Worked example: the xAI example book's holders (crates/ledger/src/example.rs): Elon Musk and
//! the founding team hold Common, Valor Equity Partners a Series B investor (public, per
//! assets/xai/SOURCES.md; share counts illustrative), employees' options under the "2023 Equity
//! Incentive Plan". All entries here are dated 2024-12-01, after the Series B of 2024-05-26.

mod common;

use std::path::Path;

use common::{column, harness, rows, Harness};
use serde_json::{json, Value};

const DAY: &str = "2024-12-01";

/// The file's bytes, to show a refused form changed nothing on disk.
fn book_bytes(p: &Path) -> Vec<u8> {
    let copy = p.with_extension("probe");
    let _ = std::fs::remove_file(&copy);
    roundbook_store::Store::open(p)
        .unwrap()
        .save_copy(&copy)
        .unwrap();
    let bytes = std::fs::read(&copy).unwrap();
    std::fs::remove_file(&copy).unwrap();
    bytes
}

/// The cap table as the page shows it on DAY: the read model's tables by holder and by class
/// (fully diluted), and the SAFEs and notes outstanding.
fn cap_table(h: &Harness) -> Value {
    let table = |table: &str, by: &str| {
        h.ok(
            "read_table",
            json!({ "form": { "table": table, "as_of": DAY, "by": by } }),
        )
    };
    json!({
        "holders": table("captable", "holder"),
        "classes": table("captable", "class"),
        "convertibles": table("convertibles", "holder"),
    })
}

/// The row whose first cell is `name`.
fn row<'a>(t: &'a Value, name: &str) -> Option<&'a Value> {
    t["rows"].as_array().unwrap().iter().find(|r| r[0] == name)
}

/// A count in `name`'s row; zero where the cell is blank, the row or the column absent.
fn count(t: &Value, name: &str, header: &str) -> u64 {
    let Some(c) = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["header"] == header)
    else {
        return 0;
    };
    row(t, name).map_or(0, |r| r[c].as_u64().unwrap_or(0))
}

/// Shares of `class` that `name` holds; zero when they hold none.
fn shares_of(t: &Value, name: &str, class: &str) -> u64 {
    count(&t["holders"], name, class)
}

fn options_of(t: &Value, name: &str) -> u64 {
    count(&t["holders"], name, "Options")
}

fn class_shares(t: &Value, class: &str) -> u64 {
    assert!(row(&t["classes"], class).is_some(), "no class {class}");
    count(&t["classes"], class, "Shares")
}

/// A figure of the totals row: by holder, or by class for the pool.
fn total(t: &Value, header: &str) -> u64 {
    let table = if header == "Pool available" {
        &t["classes"]
    } else {
        &t["holders"]
    };
    table["totals"][column(table, header)].as_u64().unwrap()
}

fn journal_len(h: &Harness) -> usize {
    h.ok("journal", json!({})).as_array().unwrap().len()
}

/// Calls `cmd` with `form` and checks the refusal names `field` and changes nothing.
fn refused(h: &Harness, cmd: &str, form: Value, field: &str) -> Value {
    let before = book_bytes(&h.book);
    let entries = journal_len(h);
    let e = h.err(cmd, json!({ "form": form }));
    assert_eq!(e["field"], field, "{cmd}: {e}");
    assert!(
        e["message"].as_str().unwrap().contains(field),
        "{cmd}: the message names {field}: {e}"
    );
    assert_eq!(journal_len(h), entries, "{cmd}: nothing recorded");
    assert_eq!(book_bytes(&h.book), before, "{cmd}: the file is unchanged");
    e
}

fn issue(holder: &str, shares: &str) -> Value {
    json!({
        "holder": holder, "class": "Common", "shares": shares, "date": DAY,
        "price_per_share": "0.10", "memo": "Advisor stock"
    })
}

#[test]
fn issuing_shares_adds_exactly_those_shares_to_the_holder() {
    let h = harness();
    let before = cap_table(&h);
    let entries = journal_len(&h);
    let e = h.ok(
        "issue_shares",
        json!({ "form": issue("Elon Musk", "1250000") }),
    );
    assert_eq!(e["kind"], "stock-issuance");
    assert_eq!(e["shares"], 1_250_000);
    assert_eq!(e["effective"], DAY);
    assert_eq!(e["price_per_share"]["amount"], "0.10");
    let after = cap_table(&h);
    assert_eq!(
        shares_of(&after, "Elon Musk", "Common"),
        shares_of(&before, "Elon Musk", "Common") + 1_250_000
    );
    assert_eq!(
        total(&after, "Outstanding"),
        total(&before, "Outstanding") + 1_250_000
    );
    let journal = h.ok("journal", json!({}));
    assert_eq!(journal.as_array().unwrap().len(), entries + 1);
}

#[test]
fn an_issue_with_a_bad_field_names_it_and_records_nothing() {
    let h = harness();
    refused(&h, "issue_shares", issue("Elon Musk", "12.5"), "shares");
    refused(&h, "issue_shares", issue("Elon Musk", "0"), "shares");
    refused(&h, "issue_shares", issue("Nobody Known", "100"), "holder");
    let mut bad_class = issue("Elon Musk", "100");
    bad_class["class"] = json!("Series Z Preferred");
    refused(&h, "issue_shares", bad_class, "class");
    let mut bad_date = issue("Elon Musk", "100");
    bad_date["date"] = json!("2024-13-01");
    refused(&h, "issue_shares", bad_date, "date");
    let mut bad_price = issue("Elon Musk", "100");
    bad_price["price_per_share"] = json!("ten cents");
    refused(&h, "issue_shares", bad_price, "price_per_share");
}

#[test]
fn issuing_past_the_authorised_shares_is_refused_on_the_shares_field() {
    let h = harness();
    // The example authorises 3,000,000,000 Common; 1,080,000,000 are outstanding or reserved.
    let e = refused(
        &h,
        "issue_shares",
        issue("Elon Musk", "1920000001"),
        "shares",
    );
    assert_eq!(e["code"], "conflict");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("3000000000 authorised"),
        "{e}"
    );
    h.ok(
        "issue_shares",
        json!({ "form": issue("Elon Musk", "1920000000") }),
    );
}

fn grant(options: &str, exercise_price: &str) -> Value {
    json!({
        "holder": "Employees (aggregate)", "plan": "2023 Equity Incentive Plan",
        "options": options, "exercise_price": exercise_price, "date": DAY,
        "expires": "2034-12-01", "memo": ""
    })
}

#[test]
fn granting_options_adds_exactly_those_options_from_the_pool() {
    let h = harness();
    let before = cap_table(&h);
    let e = h.ok("grant_options", json!({ "form": grant("400000", "0.10") }));
    assert_eq!(e["kind"], "option-grant");
    assert_eq!(e["options"], 400_000);
    assert_eq!(e["expires"], "2034-12-01");
    let after = cap_table(&h);
    assert_eq!(
        options_of(&after, "Employees (aggregate)"),
        options_of(&before, "Employees (aggregate)") + 400_000
    );
    assert_eq!(
        total(&after, "Options"),
        total(&before, "Options") + 400_000
    );
    assert_eq!(
        total(&after, "Pool available"),
        total(&before, "Pool available") - 400_000
    );
    // A grant from the pool moves shares between columns; fully diluted stays the same.
    assert_eq!(
        total(&after, "Fully diluted"),
        total(&before, "Fully diluted")
    );
}

#[test]
fn a_grant_with_a_bad_field_names_it_and_records_nothing() {
    let h = harness();
    refused(&h, "grant_options", grant("lots", "0.10"), "options");
    refused(&h, "grant_options", grant("1000", "-1"), "exercise_price");
    let mut bad_plan = grant("1000", "0.10");
    bad_plan["plan"] = json!("2099 Plan");
    refused(&h, "grant_options", bad_plan, "plan");
    let mut bad_expiry = grant("1000", "0.10");
    bad_expiry["expires"] = json!("someday");
    refused(&h, "grant_options", bad_expiry, "expires");
}

fn transfer(shares: &str) -> Value {
    json!({
        "from": "Elon Musk", "to": "Valor Equity Partners", "class": "Common",
        "shares": shares, "date": DAY, "price_per_share": "", "memo": "Secondary sale"
    })
}

#[test]
fn a_transfer_moves_exactly_those_shares_and_no_more() {
    let h = harness();
    let before = cap_table(&h);
    let e = h.ok("transfer_shares", json!({ "form": transfer("3000000") }));
    assert_eq!(e["kind"], "transfer");
    assert_eq!(e["shares"], 3_000_000);
    let after = cap_table(&h);
    assert_eq!(
        shares_of(&after, "Elon Musk", "Common"),
        shares_of(&before, "Elon Musk", "Common") - 3_000_000
    );
    assert_eq!(
        shares_of(&after, "Valor Equity Partners", "Common"),
        shares_of(&before, "Valor Equity Partners", "Common") + 3_000_000
    );
    assert_eq!(total(&after, "Outstanding"), total(&before, "Outstanding"));
}

#[test]
fn a_transfer_with_a_bad_field_names_it_and_records_nothing() {
    let h = harness();
    refused(&h, "transfer_shares", transfer("1e6"), "shares");
    let mut bad_to = transfer("100");
    bad_to["to"] = json!("");
    refused(&h, "transfer_shares", bad_to, "to");
    let mut bad_from = transfer("100");
    bad_from["from"] = json!("Nobody Known");
    refused(&h, "transfer_shares", bad_from, "from");
    // More than Elon Musk holds: the ledger refuses it against the whole history.
    let held = shares_of(&cap_table(&h), "Elon Musk", "Common");
    let before = book_bytes(&h.book);
    let e = h.err(
        "transfer_shares",
        json!({ "form": transfer(&(held + 1).to_string()) }),
    );
    assert_eq!(e["field"], "shares", "{e}");
    assert!(e["message"].as_str().unwrap().contains("Elon Musk"), "{e}");
    assert_eq!(
        book_bytes(&h.book),
        before,
        "an over-transfer changes nothing"
    );
}

fn safe(amount: &str, discount: &str) -> Value {
    json!({
        "holder": "Fidelity", "investment": amount, "date": DAY,
        "valuation_cap": "30000000000", "discount": discount,
        "timing": "post-money", "memo": ""
    })
}

#[test]
fn a_safe_is_listed_with_its_amount_and_adds_no_shares_until_it_converts() {
    let h = harness();
    let before = cap_table(&h);
    let e = h.ok("record_safe", json!({ "form": safe("250000000", "0.20") }));
    assert_eq!(e["kind"], "convertible-issuance");
    let after = cap_table(&h);
    let listed = &after["convertibles"];
    let safes: Vec<&Value> = listed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[column(listed, "Entry")] == e["id"])
        .collect();
    assert_eq!(safes.len(), 1, "{after}");
    assert_eq!(safes[0][column(listed, "Holder")], "Fidelity");
    assert_eq!(safes[0][column(listed, "Amount")], "250000000");
    assert_eq!(safes[0][column(listed, "Issued")], DAY);
    assert_eq!(
        listed["rows"].as_array().unwrap().len(),
        before["convertibles"]["rows"].as_array().unwrap().len() + 1
    );
    assert_eq!(total(&after, "Outstanding"), total(&before, "Outstanding"));
}

#[test]
fn a_safe_with_a_bad_field_names_it_and_records_nothing() {
    let h = harness();
    refused(&h, "record_safe", safe("", "0.20"), "investment");
    refused(&h, "record_safe", safe("250000000", "twenty"), "discount");
    let mut bad_cap = safe("250000000", "");
    bad_cap["valuation_cap"] = json!("0");
    refused(&h, "record_safe", bad_cap, "valuation_cap");
}

fn split(ratio: &str) -> Value {
    json!({ "class": "Common", "date": DAY, "ratio": ratio, "memo": "Board resolution" })
}

#[test]
fn a_two_for_one_split_doubles_every_common_holding() {
    let h = harness();
    let before = cap_table(&h);
    let e = h.ok("split_stock", json!({ "form": split("2:1") }));
    assert_eq!(e["effective"], DAY);
    let after = cap_table(&h);
    assert_eq!(
        class_shares(&after, "Common"),
        2 * class_shares(&before, "Common")
    );
    assert_eq!(
        shares_of(&after, "Elon Musk", "Common"),
        2 * shares_of(&before, "Elon Musk", "Common")
    );
    assert_eq!(
        class_shares(&after, "Series B Preferred"),
        class_shares(&before, "Series B Preferred"),
        "another class is untouched"
    );
}

#[test]
fn a_split_with_a_bad_field_names_it_and_records_nothing() {
    let h = harness();
    refused(&h, "split_stock", split("two for one"), "ratio");
    refused(&h, "split_stock", split(""), "ratio");
    let mut bad_class = split("2:1");
    bad_class["class"] = json!("Nonexistent");
    refused(&h, "split_stock", bad_class, "class");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Any issuance then any transfer out of it: the holders' Common moves by exactly the
    /// recorded counts, and only the issuance changes the shares outstanding.
    #[test]
    fn an_issue_then_a_transfer_moves_exactly_the_recorded_shares(
        // Common is authorised to 3,000,000,000 and 1,080,000,000 are out or reserved.
        issued in 1u64..=1_000_000_000,
        per_mille in 1u64..=1000,
    ) {
        let moved = (issued * per_mille / 1000).max(1);
        let h = harness();
        let before = cap_table(&h);
        h.ok("issue_shares", json!({ "form": issue("Elon Musk", &issued.to_string()) }));
        h.ok("transfer_shares", json!({ "form": transfer(&moved.to_string()) }));
        let after = cap_table(&h);
        proptest::prop_assert_eq!(
            shares_of(&after, "Elon Musk", "Common"),
            shares_of(&before, "Elon Musk", "Common") + issued - moved
        );
        proptest::prop_assert_eq!(
            shares_of(&after, "Valor Equity Partners", "Common"),
            shares_of(&before, "Valor Equity Partners", "Common") + moved
        );
        proptest::prop_assert_eq!(total(&after, "Outstanding"), total(&before, "Outstanding") + issued);
    }
}

/// One rule in both shells (docs/forms.md): a stated price of $0 is a price (shares issued for
/// services), refused only below zero; the command line's test is in crates/cli/tests/bad_input.rs.
#[test]
fn a_zero_price_is_recorded_and_a_negative_one_refused() {
    let h = harness();
    let mut free = issue("Elon Musk", "1000");
    free["price_per_share"] = json!("0");
    let e = h.ok("issue_shares", json!({ "form": free }));
    assert_eq!(e["price_per_share"]["amount"], "0", "{e}");
    let mut negative = issue("Elon Musk", "1000");
    negative["price_per_share"] = json!("-0.01");
    let e = refused(&h, "issue_shares", negative, "price_per_share");
    assert_eq!(e["code"], "invalid");
}

fn gpu_order(quantity: &str) -> Value {
    json!({
        "model": "H200", "vendor": "Nvidia", "quantity": quantity, "unit_price": "32000",
        "date": DAY, "deliveries": ["2025-01=600", "2025-02=400"], "round": "Series B", "note": ""
    })
}

/// The compute plan's order form, the same one `roundbook compute order add` fills: the order
/// joins the plan with its deliveries; a bad quantity is named and nothing is written.
#[test]
fn a_gpu_order_joins_the_plan_and_a_bad_one_is_named() {
    let h = harness();
    let orders = |h: &Harness| rows(&h.table("gpu-orders"));
    let before = orders(&h);
    let o = h.ok("record_gpu_order", json!({ "form": gpu_order("1000") }));
    assert_eq!(o["quantity"], 1000, "{o}");
    assert_eq!(o["deliveries"].as_array().unwrap().len(), 2, "{o}");
    assert_eq!(orders(&h), before + 1);
    let e = refused(&h, "record_gpu_order", gpu_order("a thousand"), "quantity");
    assert_eq!(e["code"], "invalid");
    let e = h.err("set_compute_terms", json!({ "form": { "pue": "-1" } }));
    assert_eq!(e["field"], "pue", "{e}");
}
