//! The cap table CSV in: every value checked with the file, line and column named; the
//! template (assets/templates/captable.csv) imported into a new book gives the cap table
//! worked out by hand below.

use chrono::NaiveDate;
use proptest::prelude::*;
use roundbook_export::import::{apply, read_captable_csv};
use roundbook_ledger::{Book, Company, Currency, LedgerError};

const TEMPLATE: &str = include_str!("../../../assets/templates/captable.csv");

fn book() -> Book {
    Book::new(Company {
        name: "Acme".into(),
        legal_name: "Acme, Inc.".into(),
        founded: NaiveDate::from_ymd_opt(2020, 1, 15).unwrap(),
        currency: Currency::USD,
        jurisdiction: "Delaware".into(),
    })
    .unwrap()
}

fn read_err(text: &str) -> LedgerError {
    read_captable_csv("cap.csv", text.as_bytes()).unwrap_err()
}

const HEADER: &str = "date,holder,class,class_kind,shares,price_per_share\n";

#[test]
fn the_template_gives_the_cap_table_worked_out_by_hand() {
    let mut b = book();
    let rows = read_captable_csv("captable.csv", TEMPLATE.as_bytes()).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[3].holder, "Angel, A.",
        "a quoted comma stays in the name"
    );
    let summary = apply(&mut b, "captable.csv", &rows).unwrap();
    assert_eq!(summary.issuances, 4);
    assert_eq!(
        summary.new_holders,
        ["Ada Founder", "Grace Founder", "Seed Fund", "Angel, A."]
    );
    assert_eq!(summary.new_classes, ["Common", "Seed Preferred"]);
    // By hand: common 8,000,000 + 2,000,000 = 10,000,000; seed 1,500,000 + 400,000 =
    // 1,900,000; in all 11,900,000 outstanding, no options: Ada holds 8/11.9 = 67.2268907563%.
    let ct = b
        .cap_table(
            NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
            &b.default_rounding(),
        )
        .unwrap();
    assert_eq!(ct.totals.outstanding, 11_900_000);
    assert_eq!(ct.totals.fully_diluted, 11_900_000);
    let ada = ct.holders.iter().find(|h| h.name == "Ada Founder").unwrap();
    assert_eq!(ada.outstanding_pct.to_string(), "67.2268907563");
    let seed = b
        .classes()
        .iter()
        .find(|c| c.name == "Seed Preferred")
        .unwrap();
    assert_eq!(
        seed.original_issue_price.unwrap().amount.to_string(),
        "1.25"
    );
    assert_eq!(b.stakeholders()[0].relationships.len(), 2, "founder; board");
    // Before the seed closed, only the founders held shares.
    let early = b
        .cap_table(
            NaiveDate::from_ymd_opt(2020, 6, 1).unwrap(),
            &b.default_rounding(),
        )
        .unwrap();
    assert_eq!(early.totals.outstanding, 10_000_000);
}

#[test]
fn bad_values_name_the_file_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        ("2024-13-01,A,Common,common,1,", "date", "not a date"),
        ("26/05/2024,A,Common,common,1,", "date", "not a date"),
        (
            "2024-05-26,A,Common,common,12.5,",
            "shares",
            "not a whole number",
        ),
        (
            "2024-05-26,A,Common,common,abc,",
            "shares",
            "not a whole number",
        ),
        (
            "2024-05-26,A,Common,common,-5,",
            "shares",
            "not a whole number",
        ),
        ("2024-05-26,A,Common,common,0,", "shares", "at least 1"),
        // Huge numbers: past the 10^15 one entry may move, and past u64.
        (
            "2024-05-26,A,Common,common,1000000000000001,",
            "shares",
            "more than the",
        ),
        (
            "2024-05-26,A,Common,common,99999999999999999999999,",
            "shares",
            "more than the",
        ),
        (
            "2024-05-26,A,Common,common,1,123456789012345678901234567890",
            "price_per_share",
            "more digits",
        ),
        // More than ten decimal places.
        (
            "2024-05-26,A,Common,common,1,0.00000000001",
            "price_per_share",
            "11 decimal places",
        ),
        (
            "2024-05-26,A,Common,common,1,1e5",
            "price_per_share",
            "not a decimal",
        ),
        (
            "2024-05-26,A,Common,common,1,$1.00",
            "price_per_share",
            "not a decimal",
        ),
        (
            "2024-05-26,A,Common,common,1,-1",
            "price_per_share",
            "negative",
        ),
        (
            "2024-05-26,A,Common,stock,1,",
            "class_kind",
            "not common or preferred",
        ),
        ("2024-05-26,,Common,common,1,", "holder", "is empty"),
    ];
    for (row, field, words) in cases {
        let text = format!("{HEADER}2024-05-25,Z,Common,common,1,\n{row}\n");
        let e = read_err(&text);
        let message = e.to_string();
        assert_eq!(e.field(), Some(*field), "{row}: {message}");
        assert!(message.contains("cap.csv line 3"), "{row}: {message}");
        assert!(message.contains(words), "{row}: {message}");
    }
}

#[test]
fn the_header_is_checked() {
    let e = read_err("date,holder,class,share\n2024-05-26,A,Common,1\n");
    assert!(e.to_string().contains("unknown column 'share'"), "{e}");
    let e = read_err("date,holder,class\n2024-05-26,A,Common\n");
    assert!(e.to_string().contains("no 'shares' column"), "{e}");
    let e = read_err("date,holder,class,shares,shares\n");
    assert!(e.to_string().contains("appears twice"), "{e}");
    let e = read_err(HEADER);
    assert!(e.to_string().contains("no rows"), "{e}");
    let e = read_err("date,holder,class,shares\n2024-05-26,A,Common\n");
    assert!(e.to_string().contains("cap.csv line 2"), "a short row: {e}");
    let e = read_captable_csv("cap.csv", b"date,holder,class,shares\n\xff\n").unwrap_err();
    assert!(e.to_string().contains("not UTF-8"), "{e}");
}

#[test]
fn rows_that_conflict_with_the_book_name_their_line() {
    let mut b = book();
    // A new class needs a kind; a new preferred class needs a price.
    let rows = read_captable_csv(
        "cap.csv",
        b"date,holder,class,shares\n2020-02-01,A,Common,10\n",
    )
    .unwrap();
    let e = apply(&mut b, "cap.csv", &rows).unwrap_err();
    assert!(
        e.to_string().contains("cap.csv line 2") && e.field() == Some("class_kind"),
        "{e}"
    );
    let rows = read_captable_csv(
        "cap.csv",
        format!("{HEADER}2020-02-01,A,Series A,preferred,10,\n").as_bytes(),
    )
    .unwrap();
    let e = apply(&mut b, "cap.csv", &rows).unwrap_err();
    assert_eq!(e.field(), Some("price_per_share"), "{e}");
    // Before the company was founded.
    let rows = read_captable_csv(
        "cap.csv",
        format!("{HEADER}2020-02-01,A,Common,common,10,\n2019-01-01,B,Common,,10,\n").as_bytes(),
    )
    .unwrap();
    let e = apply(&mut b, "cap.csv", &rows).unwrap_err();
    assert!(e.to_string().contains("cap.csv line 3"), "{e}");
}

proptest! {
    /// Any whole number of shares in range is read exactly; anything past the limit is refused.
    #[test]
    fn shares_are_read_exactly(n in 1u64..=roundbook_ledger::MAX_SHARES, over in 1u64..1_000_000) {
        let text = format!("{HEADER}2024-05-26,A,Common,common,{n},\n");
        let rows = read_captable_csv("cap.csv", text.as_bytes()).unwrap();
        prop_assert_eq!(rows[0].shares, n);
        let text = format!("{HEADER}2024-05-26,A,Common,common,{},\n", roundbook_ledger::MAX_SHARES + over);
        prop_assert!(read_captable_csv("cap.csv", text.as_bytes()).is_err());
    }

    /// A price keeps every digit it was given, up to ten places.
    #[test]
    fn prices_keep_their_digits(m in 0u64..10_000_000_000, scale in 0u32..=10) {
        let price = rust_decimal::Decimal::new(m as i64, scale);
        let text = format!("{HEADER}2024-05-26,A,Common,common,1,{price}\n");
        let rows = read_captable_csv("cap.csv", text.as_bytes()).unwrap();
        prop_assert_eq!(rows[0].price_per_share.unwrap().to_string(), price.to_string());
    }
}
