//! A user's workflow on a fresh book, one command at a time, checking the cap
//! table (JSON) after each step that moves it, and that a reversal puts the
//! cap table back exactly.

mod common;

use std::path::Path;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;

/// Every check reads the cap table on a date after everything in the book.
const AS_OF: &str = "2023-12-31";

fn cap_table(book: &Path, as_of: &str) -> Value {
    let v = json(book, &["captable", "--as-of", as_of]);
    assert_eq!(v["company"], "Acme");
    v["cap_table"].clone()
}

fn ct(book: &Path) -> Value {
    cap_table(book, AS_OF)
}

fn holder<'a>(ct: &'a Value, name: &str) -> &'a Value {
    ct["holders"]
        .as_array()
        .expect("holders")
        .iter()
        .find(|h| h["name"] == name)
        .unwrap_or_else(|| panic!("no holder row for {name} in {ct:#}"))
}

fn has_holder(ct: &Value, name: &str) -> bool {
    ct["holders"]
        .as_array()
        .expect("holders")
        .iter()
        .any(|h| h["name"] == name)
}

/// A holder's shares of one class (0 when none).
fn held(ct: &Value, name: &str, class: &str) -> u64 {
    holder(ct, name)["holdings"]
        .as_array()
        .expect("holdings")
        .iter()
        .find(|x| x["class_name"] == class)
        .map_or(0, |x| u(&x["shares"]))
}

fn plan<'a>(ct: &'a Value, name: &str) -> &'a Value {
    ct["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["name"] == name)
        .expect("the plan's row")
}

fn totals(ct: &Value) -> (u64, u64, u64, u64) {
    let t = &ct["totals"];
    (
        u(&t["outstanding"]),
        u(&t["options"]),
        u(&t["pool_available"]),
        u(&t["fully_diluted"]),
    )
}

/// The cap table's own arithmetic, whatever the step.
fn consistent(ct: &Value) {
    let (outstanding, options, pool, fd) = totals(ct);
    assert_eq!(
        outstanding + options + pool,
        fd,
        "totals: {:#}",
        ct["totals"]
    );
    let holders = ct["holders"].as_array().expect("holders");
    assert_eq!(
        holders.iter().map(|h| u(&h["outstanding"])).sum::<u64>(),
        outstanding
    );
    assert_eq!(
        holders.iter().map(|h| u(&h["options"])).sum::<u64>(),
        options
    );
    let plans = ct["plans"].as_array().expect("plans");
    assert_eq!(plans.iter().map(|p| u(&p["available"])).sum::<u64>(), pool);
    for p in plans {
        assert_eq!(
            u(&p["reserved"]),
            u(&p["granted_outstanding"]) + u(&p["exercised"]) + u(&p["available"]),
            "reserved = granted + exercised + available for {}",
            p["name"]
        );
    }
    for h in holders {
        assert_eq!(
            u(&h["fully_diluted"]),
            u(&h["outstanding"]) + u(&h["options"])
        );
    }
}

fn money_of(v: &Value) -> Decimal {
    assert_eq!(v["currency"], "USD", "{v}");
    dec(&v["amount"])
}

#[test]
fn a_company_from_founding_to_its_seed_round() {
    let (_dir, book) = temp_book();
    let out = ok(&book, &words("init --name Acme --founded 2020-01-01"));
    assert!(out.contains("Acme"), "{out}");

    let c = ct(&book);
    assert_eq!(totals(&c), (0, 0, 0, 0));
    assert_eq!(c["holders"].as_array().map(Vec::len), Some(0));

    // People and a class.
    ok(
        &book,
        &words("stakeholder add 'Ada Founder' --role founder,board"),
    );
    ok(
        &book,
        &words("stakeholder add 'Bo Employee' --role employee"),
    );
    ok(
        &book,
        &words("stakeholder add 'Cy Angel' --kind institution --role investor"),
    );
    ok(
        &book,
        &words("stakeholder add 'Dee VC' --kind institution --role investor"),
    );
    let people = json(&book, &words("stakeholder list"));
    let people = people["stakeholders"].as_array().expect("stakeholders");
    assert_eq!(people.len(), 4);
    assert_eq!(people[0]["name"], "Ada Founder");
    assert_eq!(
        people[0]["relationships"],
        serde_json::json!(["founder", "board"])
    );
    assert_eq!(people[2]["kind"], "institution");
    assert!(people.iter().all(|p| p["provenance"] == "recorded"));

    ok(
        &book,
        &words("class add Common --kind common --authorized 20000000"),
    );
    let classes = json(&book, &words("class list"));
    assert_eq!(classes["classes"][0]["name"], "Common");
    assert_eq!(u(&classes["classes"][0]["authorized"]), 20_000_000);

    // The option pool.
    ok(
        &book,
        &words("plan add '2020 Plan' --class Common --date 2020-01-15 --reserved 2000000"),
    );
    let c = ct(&book);
    consistent(&c);
    assert_eq!(totals(&c), (0, 0, 2_000_000, 2_000_000));

    // Founder's stock.
    let out = ok(
        &book,
        &words("issue --holder 'Ada Founder' --class Common --shares 8000000 --date 2020-01-10 --price 0.0001"),
    );
    assert!(out.contains("journal entry #"), "{out}");
    let c = ct(&book);
    consistent(&c);
    assert_eq!(held(&c, "Ada Founder", "Common"), 8_000_000);
    assert_eq!(totals(&c), (8_000_000, 0, 2_000_000, 10_000_000));
    assert_eq!(
        dec(&holder(&c, "Ada Founder")["fully_diluted_pct"]),
        Decimal::from(80)
    );

    // A grant, then part of it exercised by the grant's entry number.
    let out = ok(
        &book,
        &words("grant --holder 'Bo Employee' --plan '2020 Plan' --options 500000 --exercise-price 0.05 --date 2020-03-01 --expires 2030-02-28"),
    );
    let grant = entry_number(&out);
    let c = ct(&book);
    consistent(&c);
    assert_eq!(u(&holder(&c, "Bo Employee")["options"]), 500_000);
    assert_eq!(u(&plan(&c, "2020 Plan")["available"]), 1_500_000);
    assert_eq!(
        totals(&c),
        (8_000_000, 500_000, 1_500_000, 10_000_000),
        "a grant moves the pool into options"
    );

    ok(
        &book,
        &[
            "exercise",
            "--grant",
            &grant,
            "--options",
            "100000",
            "--date",
            "2021-03-01",
        ],
    );
    let c = ct(&book);
    consistent(&c);
    assert_eq!(held(&c, "Bo Employee", "Common"), 100_000);
    assert_eq!(u(&holder(&c, "Bo Employee")["options"]), 400_000);
    assert_eq!(u(&plan(&c, "2020 Plan")["exercised"]), 100_000);
    assert_eq!(
        totals(&c),
        (8_100_000, 400_000, 1_500_000, 10_000_000),
        "an exercise turns options into shares"
    );

    // Cancelled options return to the pool.
    ok(
        &book,
        &[
            "cancel",
            "--grant",
            &format!("#{grant}"),
            "--options",
            "50000",
            "--date",
            "2021-06-01",
        ],
    );
    let c = ct(&book);
    consistent(&c);
    assert_eq!(u(&holder(&c, "Bo Employee")["options"]), 350_000);
    assert_eq!(u(&plan(&c, "2020 Plan")["available"]), 1_550_000);
    assert_eq!(totals(&c), (8_100_000, 350_000, 1_550_000, 10_000_000));

    // A secondary transfer moves shares and changes no total.
    ok(
        &book,
        &words("transfer --from 'Ada Founder' --to 'Bo Employee' --class Common --shares 200000 --date 2021-07-01 --price 0.50"),
    );
    let c = ct(&book);
    consistent(&c);
    assert_eq!(held(&c, "Ada Founder", "Common"), 7_800_000);
    assert_eq!(held(&c, "Bo Employee", "Common"), 300_000);
    assert_eq!(totals(&c), (8_100_000, 350_000, 1_550_000, 10_000_000));

    // Cancelled and repurchased shares leave the cap table.
    ok(
        &book,
        &words("cancel --holder 'Ada Founder' --class Common --shares 100000 --date 2021-08-01"),
    );
    let c = ct(&book);
    assert_eq!(held(&c, "Ada Founder", "Common"), 7_700_000);
    assert_eq!(totals(&c), (8_000_000, 350_000, 1_550_000, 9_900_000));
    ok(
        &book,
        &words("repurchase --holder 'Bo Employee' --class Common --shares 50000 --price 0.05 --date 2021-09-01"),
    );
    let c = ct(&book);
    consistent(&c);
    assert_eq!(held(&c, "Bo Employee", "Common"), 250_000);
    assert_eq!(totals(&c), (7_950_000, 350_000, 1_550_000, 9_850_000));

    // A SAFE and a note: listed apart, not in fully diluted shares.
    // (--discount is given on both: without it the book becomes unreadable; see bad_input.rs.)
    let out = ok(
        &book,
        &words("safe --holder 'Cy Angel' --amount 500000 --cap 10000000 --discount 0.20 --date 2021-10-01"),
    );
    let safe = entry_number(&out);
    let c = ct(&book);
    consistent(&c);
    assert_eq!(
        totals(&c),
        (7_950_000, 350_000, 1_550_000, 9_850_000),
        "a SAFE is not in FD"
    );
    let conv = c["convertibles"].as_array().expect("convertibles");
    assert_eq!(conv.len(), 1);
    assert_eq!(conv[0]["kind"], "SAFE");
    assert_eq!(conv[0]["name"], "Cy Angel");
    assert_eq!(money_of(&conv[0]["amount"]), Decimal::from(500_000));
    assert_eq!(conv[0]["instrument"].to_string(), safe);
    assert_eq!(conv[0]["issued"], "2021-10-01");

    ok(
        &book,
        &words("note --holder 'Cy Angel' --principal 250000 --rate 0.06 --date 2021-11-01 --maturity 2023-11-01 --discount 0.15"),
    );
    let c = ct(&book);
    let conv = c["convertibles"].as_array().expect("convertibles");
    assert_eq!(conv.len(), 2);
    assert_eq!(conv[1]["kind"], "convertible note");
    assert_eq!(money_of(&conv[1]["amount"]), Decimal::from(250_000));
    assert_eq!(totals(&c), (7_950_000, 350_000, 1_550_000, 9_850_000));

    // A priced round creating its class, with two investors.
    let pre_round = ct(&book);
    let outcome = json(
        &book,
        &words("round record 'Series Seed' --date 2022-01-15 --class 'Seed Preferred' --create-class --pre-money 10000000 --post-money 13000000 --invest 'Dee VC=2000000' --invest 'Cy Angel=1000000' --lead 'Dee VC'"),
    );
    let unconverted = outcome["unconverted_instruments"]
        .as_array()
        .expect("a list")
        .len();
    let outcome = outcome["round"].clone();
    assert_eq!(
        unconverted, 2,
        "the round names the SAFE and the note it did not convert"
    );
    let pre = money_of(&outcome["pre_money"]);
    let raised = money_of(&outcome["amount_raised"]);
    let post = money_of(&outcome["post_money"]);
    assert_eq!(pre, Decimal::from(10_000_000));
    assert_eq!(raised, Decimal::from(3_000_000));
    assert_eq!(post, pre + raised);
    assert_eq!(
        u(&outcome["pre_money_fd_shares"]),
        9_850_000,
        "priced on the FD count the day of the round"
    );
    let price = money_of(&outcome["price_per_share"]);
    // 10,000,000 / 9,850,000 = 1.015228..., rounded up to 5 decimals.
    assert_eq!(price, Decimal::new(101_523, 5));
    assert!(
        price * Decimal::from(9_850_000u64) >= pre,
        "rounding the price up never undervalues the company"
    );
    let allocations = outcome["allocations"].as_array().expect("allocations");
    assert_eq!(allocations.len(), 2);
    let mut new_shares = 0u64;
    for a in allocations {
        let amount = money_of(&a["amount"]);
        let shares = u(&a["shares"]);
        assert_eq!(
            Decimal::from(shares),
            (amount / price).floor(),
            "whole shares, rounded down, for {}",
            a["name"]
        );
        // What the shares cost, rounded half-up to cents (the default cash rule).
        assert_eq!(
            money_of(&a["invested"]),
            (Decimal::from(shares) * price)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        );
        assert_eq!(
            money_of(&a["invested"]) + money_of(&a["uninvested"]),
            amount
        );
        new_shares += shares;
    }
    assert_eq!(u(&allocations[0]["shares"]), 1_969_996);
    assert_eq!(u(&allocations[1]["shares"]), 984_998);
    assert_eq!(u(&outcome["new_shares"]), new_shares);
    assert_eq!(u(&outcome["post_money_fd_shares"]), 9_850_000 + new_shares);
    assert_eq!(
        dec(&outcome["target_new_ownership_pct"]).round_dp(6),
        (raised / post * Decimal::from(100)).round_dp(6)
    );

    let c = ct(&book);
    consistent(&c);
    assert_eq!(held(&c, "Dee VC", "Seed Preferred"), 1_969_996);
    assert_eq!(held(&c, "Cy Angel", "Seed Preferred"), 984_998);
    assert_eq!(
        totals(&c),
        (
            7_950_000 + new_shares,
            350_000,
            1_550_000,
            9_850_000 + new_shares
        )
    );
    let seed = c["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .find(|x| x["name"] == "Seed Preferred")
        .expect("class created");
    assert_eq!(seed["kind"], "preferred");
    assert_eq!(u(&seed["shares"]), new_shares);
    // The round did not touch what was there before it.
    assert_eq!(
        holder(&c, "Ada Founder")["holdings"],
        holder(&pre_round, "Ada Founder")["holdings"]
    );
    assert_eq!(
        c["convertibles"], pre_round["convertibles"],
        "the round does not convert the SAFE or the note"
    );
    let rounds = json(&book, &words("round list"));
    let r = &rounds["rounds"][0];
    assert_eq!(r["name"], "Series Seed");
    assert_eq!(money_of(&r["post_money"]), Decimal::from(13_000_000));
    assert_eq!(r["lead"], people[3]["id"], "Dee VC leads");
    let shown = json(&book, &words("round show 'Series Seed'"));
    assert_eq!(u(&shown["new_shares"]), new_shares);
    assert_eq!(
        shown["class"]["original_issue_price"]["amount"],
        outcome["price_per_share"]["amount"]
    );

    // A corrected mistake: every kind of movement reversed puts the cap table back exactly.
    let settled = ct(&book);
    let journal_len = json(&book, &["journal"])["entries"]
        .as_array()
        .map_or(0, Vec::len);
    let mistakes: Vec<Vec<&str>> = vec![
        words("transfer --from 'Ada Founder' --to 'Dee VC' --class Common --shares 1000000 --date 2022-06-01"),
        words("issue --holder 'Cy Angel' --class Common --shares 12345 --date 2022-06-02 --price 1.5"),
        words("grant --holder 'Ada Founder' --plan '2020 Plan' --options 70000 --exercise-price 1.01523 --date 2022-06-03"),
        vec![
            "exercise",
            "--grant",
            &grant,
            "--options",
            "1000",
            "--date",
            "2022-06-04",
        ],
        vec![
            "cancel",
            "--grant",
            &grant,
            "--options",
            "999",
            "--date",
            "2022-06-05",
        ],
        words("repurchase --holder 'Dee VC' --class 'Seed Preferred' --shares 10 --price 1.01523 --date 2022-06-06"),
        words("pool increase --plan '2020 Plan' --shares 500000 --date 2022-06-07"),
        words("safe --holder 'Dee VC' --amount 75000 --discount 0.1 --date 2022-06-08"),
    ];
    for args in &mistakes {
        let out = ok(&book, args);
        let entry = entry_number(&out);
        let changed = ct(&book);
        assert_ne!(changed, settled, "`{}` changed nothing", args.join(" "));
        consistent(&changed);
        let out = ok(
            &book,
            &["reverse", &entry, "--reason", "entered by mistake"],
        );
        assert!(out.contains(&format!("Reversed entry #{entry}")), "{out}");
        assert_eq!(
            ct(&book),
            settled,
            "reversing `{}` did not restore the cap table",
            args.join(" ")
        );
    }

    // A reversal dated later undoes the entry only from its own date.
    let out = ok(
        &book,
        &words("transfer --from 'Ada Founder' --to 'Bo Employee' --class Common --shares 5000 --date 2022-07-01"),
    );
    let late = entry_number(&out);
    ok(
        &book,
        &[
            "reverse",
            &late,
            "--reason",
            "the sale fell through",
            "--date",
            "2022-09-01",
        ],
    );
    let between = cap_table(&book, "2022-08-01");
    assert_eq!(
        held(&between, "Bo Employee", "Common"),
        255_000,
        "in effect between the entry and its reversal"
    );
    assert_eq!(
        held(&cap_table(&book, "2022-09-01"), "Bo Employee", "Common"),
        250_000
    );
    assert_eq!(ct(&book), settled);

    // The journal keeps every entry and says which reversal undid which.
    let entries = json(&book, &["journal"]);
    let entries = entries["entries"].as_array().expect("entries");
    assert_eq!(
        entries.len(),
        journal_len + 2 * mistakes.len() + 2,
        "nothing is deleted"
    );
    let by_id = |id: &str| {
        let n: u64 = id.parse().expect("an entry number");
        entries
            .iter()
            .find(|e| e["id"] == n)
            .expect("entry in the journal")
    };
    let original = by_id(&late);
    assert_eq!(original["kind"], "transfer");
    let reversal = original["reversed_by"].to_string();
    assert_eq!(by_id(&reversal)["kind"], "reversal");
    assert_eq!(by_id(&reversal)["reverses"].to_string(), late);
    assert_eq!(by_id(&reversal)["reason"], "the sale fell through");
    assert_eq!(by_id(&reversal)["effective"], "2022-09-01");
    assert!(by_id(&reversal)["reversed_by"].is_null());

    // The whole book checks out, from the CLI and from the store.
    let check = json(&book, &["check"]);
    assert_eq!(check["ok"], true, "{check:#}");
    let store = roundbook_store::Store::open(&book).expect("the book opens");
    assert_eq!(store.integrity_check().expect("integrity check"), "ok");
    assert_eq!(
        store.load().expect("the book loads").entries().len(),
        entries.len()
    );
}

#[test]
fn a_reversed_round_investment_shows_in_the_round() {
    let (_dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    for name in ["Ada", "Dee VC", "Eve Fund"] {
        ok(&book, &["stakeholder", "add", name]);
    }
    ok(&book, &words("class add Common --kind common"));
    ok(
        &book,
        &words("issue --holder Ada --class Common --shares 4000000 --date 2020-01-01"),
    );
    let before = ct(&book);
    let outcome = json(
        &book,
        &words("round record Seed --date 2021-01-01 --class 'Seed Preferred' --create-class --pre-money 4000000 --invest 'Dee VC=1000000' --invest 'Eve Fund=1000000'"),
    )["round"]
        .clone();
    assert_eq!(money_of(&outcome["price_per_share"]), Decimal::ONE);
    assert_eq!(u(&outcome["new_shares"]), 2_000_000);
    assert_eq!(
        dec(&outcome["new_ownership_pct"]).round_dp(6),
        Decimal::new(33_333_333, 6)
    );
    let shown = json(&book, &words("round show Seed"));
    let parts = shown["participations"].as_array().expect("participations");
    let eve = parts
        .iter()
        .find(|p| p["name"] == "Eve Fund")
        .expect("Eve's participation");
    let eve_entry = eve["entry"].to_string();

    ok(
        &book,
        &["reverse", &eve_entry, "--reason", "wire never arrived"],
    );
    let shown = json(&book, &words("round show Seed"));
    assert_eq!(
        u(&shown["new_shares"]),
        1_000_000,
        "a reversed investment is not new shares"
    );
    let eve = shown["participations"]
        .as_array()
        .expect("participations")
        .iter()
        .find(|p| p["name"] == "Eve Fund")
        .cloned();
    assert!(!eve.expect("still listed")["reversed_by"].is_null());
    let c = ct(&book);
    assert!(
        !has_holder(&c, "Eve Fund"),
        "no row for a holder with nothing"
    );
    assert_eq!(held(&c, "Dee VC", "Seed Preferred"), 1_000_000);
    assert_eq!(
        held(&c, "Ada", "Common"),
        u(&before["totals"]["outstanding"])
    );
}
