//! Golden tests on the shipped xAI demo book: the exact text and JSON of the
//! read commands, compared with tests/golden/ at the workspace root.
//!
//! To regenerate after an intended change: `UPDATE_GOLDEN=1 cargo test -p roundbook-cli --test golden`,
//! then read the diff of tests/golden/ before committing it.
//!
//! The figures are also checked in code from the JSON, so a golden file
//! regenerated with wrong numbers still fails.

mod common;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;

fn update_mode() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file `name`, or writes it in update mode.
fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if update_mode() {
        std::fs::create_dir_all(golden_dir()).expect("tests/golden can be created");
        std::fs::write(&path, actual).expect("the golden file can be written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}\n(run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let (e_lines, a_lines): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), actual.lines().collect());
    let first = (0..e_lines.len().max(a_lines.len()))
        .find(|&i| e_lines.get(i) != a_lines.get(i))
        .unwrap_or(0);
    panic!(
        "output differs from {} at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
         --- full actual output ---\n{actual}\n--- end ---\n(if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff)",
        path.display(),
        first + 1,
        e_lines.get(first),
        a_lines.get(first),
    );
}

/// Runs a read command on a fresh demo book and compares stdout with a golden file.
fn check_golden(name: &str, args: &[&str]) {
    let (_dir, book) = demo_book();
    let before = snapshot(&book);
    let o = run(&book, args);
    assert!(
        o.status.success(),
        "`roundbook {}` failed: {}",
        args.join(" "),
        stderr(&o)
    );
    assert_eq!(
        stderr(&o),
        "",
        "`roundbook {}` wrote to stderr",
        args.join(" ")
    );
    golden(name, &stdout(&o));
    // Reading never changes the file.
    assert_same(
        &before,
        &snapshot(&book),
        &format!("roundbook {}", args.join(" ")),
    );
}

#[test]
fn demo_output() {
    let (dir, book) = temp_book();
    let out = ok(&book, &["demo"]);
    let book_text = book.display().to_string();
    assert!(
        out.contains(&book_text),
        "the demo names the book it created"
    );
    let normalised = out.replace(&book_text, "<BOOK>");
    assert!(!normalised.contains(&dir.path().display().to_string()));
    golden("demo.txt", &normalised);
}

#[test]
fn demo_refuses_an_existing_book() {
    let (_dir, book) = demo_book();
    let before = snapshot(&book);
    let o = run(&book, &["demo"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_same(&before, &snapshot(&book), "demo over an existing book");
}

#[test]
fn captable_outstanding() {
    check_golden(
        "captable_2024-05-26.txt",
        &words("captable --as-of 2024-05-26"),
    );
}

#[test]
fn captable_fully_diluted() {
    check_golden(
        "captable_2024-05-26_fd.txt",
        &words("captable --as-of 2024-05-26 --fully-diluted"),
    );
}

#[test]
fn captable_by_class_fully_diluted() {
    check_golden(
        "captable_2024-05-26_by_class_fd.txt",
        &words("captable --as-of 2024-05-26 --by class --fully-diluted"),
    );
}

#[test]
fn captable_before_series_b() {
    check_golden(
        "captable_2023-12-31_fd.txt",
        &words("captable --as-of 2023-12-31 --fully-diluted"),
    );
}

#[test]
fn stakeholder_list() {
    check_golden("stakeholder_list.txt", &words("stakeholder list"));
}

#[test]
fn class_list() {
    check_golden("class_list.txt", &words("class list"));
}

#[test]
fn round_list() {
    check_golden("round_list.txt", &words("round list"));
}

#[test]
fn round_show_series_b() {
    check_golden("round_show_series_b.txt", &words("round show 'Series B'"));
}

#[test]
fn valuation_list() {
    check_golden("valuation_list.txt", &words("valuation list"));
}

#[test]
fn plan_list() {
    check_golden(
        "plan_list_2024-05-26.txt",
        &words("plan list --as-of 2024-05-26"),
    );
}

#[test]
fn captable_json() {
    check_golden(
        "captable_2024-05-26.json",
        &words("--json captable --as-of 2024-05-26"),
    );
}

#[test]
fn round_show_json() {
    check_golden(
        "round_show_series_b.json",
        &words("--json round show 'Series B'"),
    );
}

// ---- the figures, checked in code against the public facts -------------------

fn money(v: &Value) -> Decimal {
    assert_eq!(v["currency"], "USD", "{v}");
    dec(&v["amount"])
}

fn billions(n: i64) -> Decimal {
    Decimal::from(n) * Decimal::from(1_000_000_000)
}

/// Series B: $6B raised at $18B pre-money, $24B post-money (public); 1,200,000,000
/// pre-money FD shares (illustrative) make $15.00000 a share and 400,000,000 new shares,
/// 25% of 1,600,000,000 FD shares.
#[test]
fn series_b_figures() {
    let (_dir, book) = demo_book();
    let v = json(&book, &words("round show 'Series B'"));
    let r = &v["round"];
    let pre = money(&r["pre_money"]);
    let raised = money(&r["amount_raised"]);
    let post = money(&r["post_money"]);
    assert_eq!(post, pre + raised, "post-money = pre-money + amount raised");
    assert_eq!(pre, billions(18));
    assert_eq!(raised, billions(6));
    assert_eq!(post, billions(24));
    assert_eq!(u(&r["pre_money_fd_shares"]), 1_200_000_000);
    let price = money(&r["price_per_share"]);
    assert_eq!(price, Decimal::from(15));
    assert_eq!(
        r["price_per_share"]["amount"], "15.00000",
        "the price shows the policy's 5 decimals"
    );
    assert_eq!(
        price * Decimal::from(u(&r["pre_money_fd_shares"])),
        pre,
        "price x pre-money FD shares = pre-money"
    );

    let new_shares = u(&v["new_shares"]);
    assert_eq!(new_shares, 400_000_000);
    assert_eq!(u(&v["post_money_fd_shares"]), 1_600_000_000);
    assert_eq!(
        u(&v["post_money_fd_shares"]),
        u(&r["pre_money_fd_shares"]) + new_shares
    );
    assert_eq!(
        dec(&v["new_ownership_pct"]),
        Decimal::from(25),
        "new investors own 25% FD"
    );
    assert_eq!(
        dec(&v["new_ownership_pct"]),
        raised / post * Decimal::from(100),
        "ownership = raised / post-money"
    );

    // The participations add up to the round.
    let parts = v["participations"].as_array().expect("participations");
    assert_eq!(parts.len(), 6);
    let shares: u64 = parts.iter().map(|p| u(&p["shares"])).sum();
    assert_eq!(shares, new_shares);
    let invested: Decimal = parts.iter().map(|p| money(&p["invested"])).sum();
    assert_eq!(
        invested, raised,
        "every dollar of the $6B bought shares at $15"
    );
    for p in parts {
        assert_eq!(money(&p["price_per_share"]), price);
        assert!(p["reversed_by"].is_null());
    }
    assert_eq!(v["class"]["name"], "Series B Preferred");
    assert_eq!(r["provenance"], "public");
}

/// The cap table's totals are the sum of its rows, on both bases.
#[test]
fn captable_json_adds_up() {
    let (_dir, book) = demo_book();
    let v = json(&book, &words("captable --as-of 2024-05-26"));
    let ct = &v["cap_table"];
    assert_eq!(v["company"], "xAI");
    let holders = ct["holders"].as_array().expect("holders");
    let plans = ct["plans"].as_array().expect("plans");
    let totals = &ct["totals"];

    let holder_fd: u64 = holders.iter().map(|h| u(&h["fully_diluted"])).sum();
    let pool: u64 = plans.iter().map(|p| u(&p["available"])).sum();
    assert_eq!(
        holder_fd + pool,
        u(&totals["fully_diluted"]),
        "holders' FD + pool available = total FD"
    );
    assert_eq!(u(&totals["fully_diluted"]), 1_600_000_000);
    assert_eq!(pool, u(&totals["pool_available"]));
    let outstanding: u64 = holders.iter().map(|h| u(&h["outstanding"])).sum();
    assert_eq!(outstanding, u(&totals["outstanding"]));
    assert_eq!(outstanding, 1_480_000_000);
    let options: u64 = holders.iter().map(|h| u(&h["options"])).sum();
    assert_eq!(options, u(&totals["options"]));
    assert_eq!(
        u(&totals["outstanding"]) + u(&totals["options"]) + u(&totals["pool_available"]),
        u(&totals["fully_diluted"])
    );

    // Each holder's FD = outstanding + options, and the holdings add up to outstanding.
    for h in holders {
        assert_eq!(
            u(&h["fully_diluted"]),
            u(&h["outstanding"]) + u(&h["options"]),
            "{}",
            h["name"]
        );
        let held: u64 = h["holdings"]
            .as_array()
            .expect("holdings")
            .iter()
            .map(|x| u(&x["as_converted"]))
            .sum();
        assert_eq!(held, u(&h["outstanding"]), "{}", h["name"]);
    }

    // Classes: the Series B class is 25% of FD; classes' FD add up to the total.
    let classes = ct["classes"].as_array().expect("classes");
    let class_fd: u64 = classes.iter().map(|c| u(&c["fully_diluted"])).sum();
    assert_eq!(class_fd, u(&totals["fully_diluted"]));
    let b = classes
        .iter()
        .find(|c| c["name"] == "Series B Preferred")
        .expect("Series B class");
    assert_eq!(u(&b["shares"]), 400_000_000);
    assert_eq!(dec(&b["fully_diluted_pct"]), Decimal::from(25));

    // Percentages: exact shares over total, and they sum to 100 up to their 10-decimal rounding.
    let fd_pct: Decimal = holders
        .iter()
        .map(|h| dec(&h["fully_diluted_pct"]))
        .sum::<Decimal>()
        + plans
            .iter()
            .map(|p| dec(&p["available_pct"]))
            .sum::<Decimal>();
    assert!(
        (fd_pct - Decimal::from(100)).abs() < Decimal::new(1, 8),
        "FD percentages sum to {fd_pct}"
    );
    let musk = holders
        .iter()
        .find(|h| h["name"] == "Elon Musk")
        .expect("Elon Musk");
    assert_eq!(dec(&musk["fully_diluted_pct"]), Decimal::new(5625, 2));
    assert_eq!(
        holders[0]["name"], "Elon Musk",
        "holders are sorted by FD shares, largest first"
    );
}

/// The cap table the day before the Series B has the FD count the round was priced on.
#[test]
fn series_b_priced_on_the_fd_count_the_day_before() {
    let (_dir, book) = demo_book();
    let before = json(&book, &words("captable --as-of 2024-05-25"));
    let round = json(&book, &words("round show 'Series B'"));
    assert_eq!(
        before["cap_table"]["totals"]["fully_diluted"],
        round["round"]["pre_money_fd_shares"]
    );
    assert_eq!(
        u(&before["cap_table"]["totals"]["fully_diluted"]),
        1_200_000_000
    );
    // Nobody holds Series B yet.
    let classes = before["cap_table"]["classes"].as_array().expect("classes");
    let b = classes
        .iter()
        .find(|c| c["name"] == "Series B Preferred")
        .expect("class exists before its round");
    assert_eq!(u(&b["shares"]), 0);
}

#[test]
fn demo_book_passes_check() {
    let (_dir, book) = demo_book();
    let out = ok(&book, &["check"]);
    assert!(out.contains("integrity check: ok"), "{out}");
    let v = json(&book, &["check"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["integrity_check"], "ok");
    assert_eq!(v["journal_replay"], "ok");
    let store = roundbook_store::Store::open(&book).expect("the demo book opens");
    assert_eq!(store.integrity_check().expect("integrity check runs"), "ok");
    assert_eq!(
        store.load().expect("the demo book loads").entries().len() as u64,
        u(&v["entries"])
    );
}

/// Every `*_pct` value anywhere in `v`, with its path.
fn percentages(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                if k.ends_with("_pct") {
                    out.push((p.clone(), x.clone()));
                }
                percentages(x, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                percentages(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// docs/cli-json.md: "Percentages are decimal strings with exactly 10 decimal places, in
/// percent (`"25.0000000000"`)". (An earlier build printed `"25"`, `"56.25"`, `"7.50"`:
/// whatever scale the division left.)
#[test]
fn json_percentages_have_exactly_ten_decimals() {
    let (_dir, book) = demo_book();
    let mut found = vec![];
    percentages(
        &json(&book, &words("captable --as-of 2024-05-26")),
        "captable",
        &mut found,
    );
    percentages(
        &json(&book, &words("round show 'Series B'")),
        "round_show",
        &mut found,
    );
    percentages(
        &json(&book, &words("plan list --as-of 2024-05-26")),
        "plan_list",
        &mut found,
    );
    assert!(found.len() > 20, "found only {found:?}");
    let bad: Vec<String> = found
        .iter()
        .filter(|(_, v)| {
            let s = v.as_str().unwrap_or("");
            let (int, frac) = s.split_once('.').unwrap_or((s, ""));
            int.is_empty()
                || !int.chars().all(|c| c.is_ascii_digit())
                || frac.len() != 10
                || !frac.chars().all(|c| c.is_ascii_digit())
        })
        .map(|(p, v)| format!("{p} = {v}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} percentages are not in the documented shape, e.g.:\n{}",
        bad.len(),
        found.len(),
        bad[..bad.len().min(8)].join("\n")
    );
}
