//! `roundbook compute`: the demo's Colossus plan, orders and terms from the shell, and bad
//! input refused naming the field with the book's files byte-identical.

mod common;

use common::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn the_demo_projection_powers_153_mw_for_8935200_a_month() {
    let (_dir, book) = demo_book();
    let v = json(&book, &["compute", "projection", "--months", "36"]);
    let rows = v["projection"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 36);
    assert_eq!(rows[0]["month"], "2024-06-01");
    let sept = &rows[3];
    assert_eq!(sept["month"], "2024-09-01");
    assert_eq!(u(&sept["installed"]), 100_000);
    assert_eq!(dec(&sept["power_mw"]), d("153"));
    // 100,000 x 1.275 kW x 1.2 x 730 h x $0.08 = $8,935,200 a month.
    assert_eq!(dec(&sept["power"]["amount"]), d("8935200"));
    // $4.95B of capex over 60 months.
    assert_eq!(dec(&sept["depreciation"]["amount"]), d("82500000"));
    let p = &v["projection"];
    assert_eq!(
        dec(&p["closing_cash"]["amount"]),
        dec(&p["opening_cash"]["amount"]) + dec(&p["totals"]["net_cash_flow"]["amount"])
    );
    assert_eq!(dec(&p["opening_cash"]["amount"]), d("6000000000"));
    let uop = &v["use_of_proceeds"][0];
    assert_eq!(uop["name"], "Series B");
    assert_eq!(dec(&uop["gpu_capex"]["amount"]), d("3000000000"));
    assert_eq!(v["terms"]["operating"]["provenance"], "illustrative");
    assert_eq!(v["terms"]["power"]["provenance"], "public");

    let text = ok(&book, &["compute", "projection", "--months", "6"]);
    assert!(text.contains("$8,935,200.00"), "{text}");
    assert!(text.contains("153.0"), "{text}");
    let orders = ok(&book, &["compute", "order", "list"]);
    assert!(
        orders.contains("100,000") && orders.contains("illustrative"),
        "{orders}"
    );
}

#[test]
fn orders_and_terms_from_the_shell() {
    let (_dir, book) = demo_book();
    let out = ok(
        &book,
        &words("compute order add --model H200 --vendor Nvidia --quantity 50000 --unit-price 35000 --date 2024-10-04 --deliver 2024-11=20000 --deliver 2024-12=30000 --round 'Series B'"),
    );
    assert!(out.contains("Recorded GPU order #2"), "{out}");
    // Use of proceeds: $3B + $1.75B of GPUs from the $6B.
    let v = json(&book, &["compute", "order", "list"]);
    assert_eq!(v["orders"].as_array().unwrap().len(), 2);
    assert_eq!(
        dec(&v["use_of_proceeds"][0]["gpu_capex"]["amount"]),
        d("4750000000")
    );
    ok(
        &book,
        &words("compute terms set --pue 1.3 --years 6 --note 'test'"),
    );
    let t = json(&book, &["compute", "terms", "show"]);
    assert_eq!(dec(&t["terms"]["power"]["pue"]), d("1.3"));
    assert_eq!(t["terms"]["power"]["provenance"], "recorded");
    assert_eq!(u(&t["terms"]["depreciation"]["years"]), 6);
    assert_eq!(t["terms"]["facility"]["provenance"], "illustrative");
    let p = json(
        &book,
        &words("compute projection --from 2025-01 --months 2"),
    );
    assert_eq!(p["projection"]["rows"][0]["month"], "2025-01-01");
    assert_eq!(u(&p["projection"]["rows"][0]["installed"]), 150_000);
}

#[test]
fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    let (_dir, book) = demo_book();
    let add = "compute order add --model H100 --vendor Nvidia --date 2024-07-01";
    let cases: &[(&str, &str)] = &[
        ("--quantity 0 --unit-price 30000", "quantity"),
        ("--quantity ten --unit-price 30000", "quantity"),
        ("--quantity 10 --unit-price -1", "unit_price"),
        (
            "--quantity 10 --unit-price 30000 --deliver 2024-07=9",
            "deliveries",
        ),
        (
            "--quantity 10 --unit-price 30000 --deliver 2024-06=10",
            "deliveries",
        ),
        (
            "--quantity 10 --unit-price 30000 --deliver July=10",
            "deliveries",
        ),
        (
            "--quantity 10 --unit-price 30000 --round 'Series Z'",
            "round",
        ),
        (
            "--quantity 100000 --unit-price 40000 --round 'Series B'",
            "round",
        ),
    ];
    let mut all: Vec<(String, &str)> = cases
        .iter()
        .map(|(rest, field)| (format!("{add} {rest}"), *field))
        .collect();
    all.push(("compute order add --model H100 --vendor Nvidia --quantity 1 --unit-price 1 --date 2024-13-01".into(), "date"));
    all.push(("compute order add --model '' --vendor Nvidia --quantity 1 --unit-price 1 --date 2024-07-01".into(), "model"));
    for (line, field) in [
        ("compute terms set --pue 0.9", "pue"),
        ("compute terms set --kw-per-gpu 0", "kw_per_gpu"),
        ("compute terms set --usd-per-kwh -0.08", "usd_per_kwh"),
        ("compute terms set --years 0", "years"),
        ("compute terms set --burn -5", "burn"),
        ("compute terms set --cash-month 2024-6-x", "cash_month"),
        ("compute terms set", "terms"),
        ("compute projection --months 0", "months"),
        ("compute projection --from 2024-01", "from"),
    ] {
        all.push((line.to_string(), field));
    }
    for (line, field) in &all {
        let before = snapshot(&book);
        let mut args = vec!["--json"];
        args.extend(words(line));
        let o = run(&book, &args);
        assert_eq!(
            o.status.code(),
            Some(1),
            "`{line}` should fail: {}",
            stdout(&o)
        );
        let err: serde_json::Value = serde_json::from_str(stderr(&o).trim()).unwrap();
        assert_eq!(err["error"]["field"], *field, "`{line}`: {}", stderr(&o));
        assert_same(&before, &snapshot(&book), line);
    }
}

#[test]
fn an_order_is_cancelled_by_a_new_record_and_leaves_the_plan() {
    let (_dir, book) = demo_book();
    let before = json(&book, &["compute", "order", "list"]);
    let text = serde_json::to_string(&before).unwrap();
    assert!(text.contains("H100"), "the demo has its order");
    // Refused: unknown order, empty reason. Nothing changes.
    let snap = snapshot(&book);
    for (args, field) in [
        (
            vec!["compute", "order", "cancel", "99", "--reason", "typo"],
            "order",
        ),
        (
            vec!["compute", "order", "cancel", "1", "--reason", "  "],
            "reason",
        ),
        (
            vec!["compute", "order", "cancel", "x", "--reason", "typo"],
            "order",
        ),
    ] {
        let out = run(&book, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
        assert_same(&snap, &snapshot(&book), &format!("{args:?}"));
    }
    ok(
        &book,
        &[
            "compute",
            "order",
            "cancel",
            "1",
            "--reason",
            "entered twice",
        ],
    );
    let after = json(&book, &["compute", "order", "list"]);
    assert!(
        !serde_json::to_string(&after).unwrap().contains("H100"),
        "the plan leaves the order out"
    );
    // Once only.
    let again = run(
        &book,
        &["compute", "order", "cancel", "1", "--reason", "again"],
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already cancelled"),
        "{}",
        stderr(&again)
    );
    // The order's row is still in the book.
    let store = roundbook_store::Store::open(&book).unwrap();
    let rows: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM gpu_orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}
