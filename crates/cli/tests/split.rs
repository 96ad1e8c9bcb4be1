//! `roundbook split`: a forward and a reverse split on a fresh book, the cap table before and
//! after, the statement of fractions paid in cash, the journal line, and refusals that name
//! the field and leave the file byte for byte.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn holding(book: &Path, as_of: &str, name: &str) -> u64 {
    let v = json(book, &["captable", "--as-of", as_of]);
    v["cap_table"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == name)
        .map_or(0, |h| {
            h["holdings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| u(&x["shares"]))
                .sum()
        })
}

fn fd_pct(book: &Path, as_of: &str, name: &str) -> Value {
    let v = json(book, &["captable", "--as-of", as_of]);
    v["cap_table"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == name)
        .unwrap()["fully_diluted_pct"]
        .clone()
}

/// Acme: Ada 8,000,001 Common, Bo 1,999,999 Common, a plan reserving 1,000,000 with 10,001
/// options to Bo at $0.25.
fn acme(book: &Path) {
    ok(book, &["init", "--name", "Acme", "--founded", "2020-01-15"]);
    ok(
        book,
        &["stakeholder", "add", "Ada Founder", "--role", "founder"],
    );
    ok(
        book,
        &["stakeholder", "add", "Bo Builder", "--role", "employee"],
    );
    ok(
        book,
        &[
            "class",
            "add",
            "Common",
            "--kind",
            "common",
            "--authorized",
            "20000000",
        ],
    );
    ok(
        book,
        &[
            "issue",
            "--holder",
            "Ada Founder",
            "--class",
            "Common",
            "--shares",
            "8000001",
            "--date",
            "2020-01-15",
        ],
    );
    ok(
        book,
        &[
            "issue",
            "--holder",
            "Bo Builder",
            "--class",
            "Common",
            "--shares",
            "1999999",
            "--date",
            "2020-01-15",
        ],
    );
    ok(
        book,
        &[
            "plan",
            "add",
            "2020 Plan",
            "--class",
            "Common",
            "--date",
            "2020-02-01",
            "--reserved",
            "1000000",
        ],
    );
    ok(
        book,
        &[
            "grant",
            "--holder",
            "Bo Builder",
            "--plan",
            "2020 Plan",
            "--options",
            "10001",
            "--exercise-price",
            "0.25",
            "--date",
            "2020-03-01",
        ],
    );
}

/// 2:1 on 2021-01-01: Ada 16,000,002, Bo 3,999,998, options 20,002 at $0.125; FD % unchanged.
/// Then 1:10 on 2022-01-01: Ada 1,600,000 (0.2 paid in cash), Bo 399,999 (0.8), options
/// 2,000 (0.2 dropped) at $1.25.
#[test]
fn forward_and_reverse_split_on_the_command_line() {
    let (_d, book) = temp_book();
    acme(&book);
    let pct = fd_pct(&book, "2020-12-31", "Ada Founder");
    let out = ok(
        &book,
        &["split", "Common", "--date", "2021-01-01", "--ratio", "2:1"],
    );
    assert!(
        out.contains("Recorded the 2:1 split of Common as journal entry #"),
        "{out}"
    );
    assert!(out.contains("16,000,002"), "{out}");
    assert!(
        out.contains("Authorised shares: 20,000,000 -> 40,000,000."),
        "{out}"
    );
    assert_eq!(holding(&book, "2020-12-31", "Ada Founder"), 8_000_001);
    assert_eq!(holding(&book, "2021-01-01", "Ada Founder"), 16_000_002);
    assert_eq!(fd_pct(&book, "2021-01-01", "Ada Founder"), pct);

    let v = json(
        &book,
        &["split", "Common", "--date", "2022-01-01", "--ratio", "1:10"],
    );
    let s = &v["split"];
    let ada = s["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["after"] == 1_600_000)
        .unwrap();
    assert_eq!(ada["fraction_dropped"], "0.2");
    let bo = s["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["before"] == 3_999_998)
        .unwrap();
    assert_eq!(
        (u(&bo["after"]), bo["fraction_dropped"].as_str()),
        (399_999, Some("0.8"))
    );
    assert_eq!(u(&s["grants"][0]["after"]), 2_000);
    assert_eq!(
        dec(&s["grants"][0]["exercise_price_after"]),
        rust_decimal::Decimal::new(125, 2)
    );
    assert_eq!(holding(&book, "2022-01-01", "Bo Builder"), 399_999);

    let journal = ok(&book, &["journal"]);
    assert!(
        journal.contains("2:1 split of Common: every share becomes 2 shares"),
        "{journal}"
    );
    assert!(
        journal.contains("1:10 reverse split of Common: every 10 shares become 1 share"),
        "{journal}"
    );
}

#[test]
fn bad_splits_name_the_field_and_change_nothing() {
    let (_d, book) = temp_book();
    acme(&book);
    let cases: [(&[&str], &str); 6] = [
        (
            &["split", "Common", "--date", "2021-01-01", "--ratio", "0:1"],
            "numerator",
        ),
        (
            &["split", "Common", "--date", "2021-01-01", "--ratio", "2:0"],
            "denominator",
        ),
        (
            &["split", "Common", "--date", "2021-01-01", "--ratio", "two"],
            "ratio",
        ),
        (
            &["split", "Common", "--date", "2021-01-01", "--ratio", "3:3"],
            "ratio",
        ),
        (
            &[
                "split",
                "Preferred",
                "--date",
                "2021-01-01",
                "--ratio",
                "2:1",
            ],
            "class",
        ),
        // Before the class's first issuance (2020-01-15).
        (
            &["split", "Common", "--date", "2020-01-14", "--ratio", "2:1"],
            "date",
        ),
    ];
    for (args, field) in cases {
        let before = snapshot(&book);
        let o = run(&book, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(field), "{args:?}: {err}");
        assert_same(&before, &snapshot(&book), &format!("{args:?}"));
    }
}

/// Reversing the split as of its date puts every number back.
#[test]
fn reverse_undoes_a_split() {
    let (_d, book) = temp_book();
    acme(&book);
    let before = json(&book, &["captable", "--as-of", "2023-01-01"]);
    let out = ok(
        &book,
        &["split", "Common", "--date", "2021-01-01", "--ratio", "3:2"],
    );
    let id = entry_number(&out);
    assert_ne!(
        json(&book, &["captable", "--as-of", "2023-01-01"])["cap_table"],
        before["cap_table"]
    );
    ok(
        &book,
        &[
            "reverse",
            &id,
            "--reason",
            "the board approved 2:1, not 3:2",
        ],
    );
    assert_eq!(
        json(&book, &["captable", "--as-of", "2023-01-01"])["cap_table"],
        before["cap_table"]
    );
}
