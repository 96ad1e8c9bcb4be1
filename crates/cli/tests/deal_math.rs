//! Deal math from the shell: a round modelled then committed, refused terms that change
//! nothing, and the waterfall on the example book.

mod common;

use common::*;
use rust_decimal::Decimal;

fn seed_book() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("stakeholder add Founder --role founder"));
    ok(
        &book,
        &words("stakeholder add Angel --kind institution --role investor"),
    );
    ok(
        &book,
        &words("stakeholder add 'Lead VC' --kind institution --role investor"),
    );
    ok(&book, &words("class add Common --kind common"));
    ok(
        &book,
        &words("issue --holder Founder --class Common --shares 8000000 --date 2020-01-01"),
    );
    ok(
        &book,
        &words("plan add Plan --class Common --date 2020-01-01 --reserved 0"),
    );
    ok(
        &book,
        &words(
            "safe --holder Angel --investment 500000 --valuation-cap 10000000 --date 2020-06-01",
        ),
    );
    (dir, book)
}

const MODEL: &str = "round model 'Series A' --date 2021-06-01 --class 'Series A Preferred' --create-class \
                     --pre-money 8000000 --invest 'Lead VC=2000000' --pool-target 0.15 --pool-plan Plan";

#[test]
fn a_model_records_nothing_and_its_commit_records_exactly_it() {
    let (_d, book) = seed_book();
    let snap = snapshot(&book);
    let model = json(&book, &words(MODEL));
    assert_same(&snap, &snapshot(&book), "a pro forma");
    let committed = json(&book, &words(&format!("{MODEL} --commit")));
    assert_eq!(model, committed, "the commit records what the model showed");
    // The cap table of the book is now the pro forma's.
    let ct = json(&book, &words("captable --as-of 2021-06-01"));
    assert_eq!(ct["cap_table"], committed["pro_forma"]);
    assert!(ct["cap_table"]["convertibles"]
        .as_array()
        .unwrap()
        .is_empty());
    // post = pre + new money; the pool target is met.
    assert_eq!(
        dec(&committed["post_money"]["amount"]),
        Decimal::from(10_000_000)
    );
    assert!(dec(&committed["pool_available_after_pct"]) >= Decimal::from(15));
    // A second round with the same name is refused.
    let again = run(&book, &words(&format!("{MODEL} --commit")));
    assert!(!again.status.success());
}

/// The pricing method and a given price from the shell (Cooley GO's methods): the SAFE
/// converts at the round price, so it is in the price's denominator only by the
/// percentage-ownership method; a price given outright is used as it is, the pre-money derived;
/// a stated price the valuation does not give is refused naming --price.
#[test]
fn the_pricing_method_and_a_given_price() {
    let (_d, book) = seed_book();
    let plain = MODEL.replace(" --pool-target 0.15 --pool-plan Plan", "");
    let pct = json(&book, &words(&plain));
    assert_eq!(pct["pricing"], "percentage-ownership");
    // $8M / (8,000,000 + x), x = $500,000 / price: x = 500,000 x (8,000,000 + x) / 8,000,000,
    // x = 8,000,000 / 15 = 533,333.33; the price $0.9375.
    assert_eq!(
        dec(&pct["price_per_share"]["amount"]),
        Decimal::new(9375, 4)
    );
    let pre = json(&book, &words(&format!("{plain} --pricing pre-money")));
    assert_eq!(pre["pricing"], "pre-money");
    assert_eq!(dec(&pre["price_denominator"]), Decimal::from(8_000_000));
    assert_eq!(dec(&pre["price_per_share"]["amount"]), Decimal::ONE);
    let dollars = json(
        &book,
        &words(&format!("{plain} --pricing dollars-invested")),
    );
    assert_eq!(
        dec(&dollars["effective_pre_money"]["amount"]),
        Decimal::from(8_500_000)
    );
    let text = ok(
        &book,
        &words(&format!("{plain} --pricing dollars-invested")),
    );
    assert!(text.contains("Pricing method: dollars-invested"), "{text}");
    assert!(text.contains("Effective pre-money"), "{text}");

    // The term sheet's price: the shares are those of the pre-money's price, the pre-money is
    // derived (price x the denominator).
    let given = plain.replace("--pre-money 8000000", "--price 0.9375");
    let g = json(&book, &words(&given));
    assert_eq!(g["valuation"]["kind"], "price");
    assert_eq!(g["new_shares"], pct["new_shares"]);
    assert_eq!(
        g["conversions"][0]["shares"],
        pct["conversions"][0]["shares"]
    );
    assert_eq!(dec(&g["pre_money"]["amount"]), Decimal::from(8_000_000));
    assert!(ok(&book, &words(&given)).contains("Price per share (given)"));
    // Beside the pre-money, checked; a disagreeing one changes nothing and names the flag.
    json(&book, &words(&format!("{plain} --price 0.9375")));
    let snap = snapshot(&book);
    let wrong = run(&book, &words(&format!("{plain} --price 0.95 --commit")));
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("price"), "{}", stderr(&wrong));
    assert_same(&snap, &snapshot(&book), "a refused price");
}

/// A SAFE converting below the round's price into a shadow series, recorded: the book gains
/// the series at the SAFE's conversion price, pari passu with the round's class, and the
/// conversion entry issues it.
#[test]
fn a_shadow_series_is_recorded_with_the_round() {
    let (_d, book) = seed_book();
    // At $20M pre-money the round prices at $20M / (8,000,000 + x) and the SAFE's $10M cap at
    // $10M / (8,000,000 + x): half the round's price, so it converts below it.
    let model = MODEL.replace(" --pool-target 0.15 --pool-plan Plan", "")
        + " --pre-money 20000000 --convert-into shadow-series";
    let model = model.replacen("--pre-money 8000000 ", "", 1);
    let o = json(&book, &words(&format!("{model} --commit")));
    let c = &o["conversions"][0];
    assert_eq!(c["basis"], "cap");
    assert_eq!(c["class_name"], "Series A-1 Preferred");
    let classes = json(&book, &words("class list"));
    let list = classes["classes"].as_array().unwrap();
    let find = |name: &str| list.iter().find(|k| k["name"] == name).unwrap().clone();
    let (a, a1) = (find("Series A Preferred"), find("Series A-1 Preferred"));
    assert_eq!(a1["original_issue_price"], c["conversion_price"]);
    assert_eq!(a1["seniority"], a["seniority"]);
    assert_eq!(a1["authorized"], c["shares"]);
    assert_eq!(
        a["authorized"], o["new_shares"],
        "the round's class holds only the new money"
    );
}

/// The pool increase as a share count (YC's post-money SAFE user guide states it so) and the
/// solved top-up's rounding as a setting, from the shell; the output states both.
#[test]
fn a_pool_increase_is_a_share_count_or_a_target_rounded_as_set() {
    let (_d, book) = seed_book();
    let by_count = MODEL.replace("--pool-target 0.15", "--pool-shares 1000000");
    let o = json(&book, &words(&by_count));
    assert_eq!(o["pool_increase"], 1_000_000);
    assert_eq!(o["pool"]["size"]["shares"], 1_000_000);
    // In the pre-money the price is $8M / (8,000,000 + x + 1,000,000). The SAFE's cap price,
    // $10M / (8,000,000 + x), is above that, so it converts at the round price:
    // x = $500,000 x (9,000,000 + x) / $8M, so x = 600,000 and the denominator is 9,600,000.
    assert_eq!(dec(&o["price_denominator"]), Decimal::from(9_600_000));
    assert_eq!(o["conversions"][0]["basis"], "round-price");
    let text = ok(&book, &words(&by_count));
    assert!(text.contains("increase of 1,000,000 shares"), "{text}");

    // The target's top-up: ceiling by default, floor when asked; one share apart at most.
    let up = json(&book, &words(MODEL));
    let down = json(&book, &words(&format!("{MODEL} --pool-rounding floor")));
    assert_eq!(up["rounding"]["pool"], "ceiling");
    assert_eq!(down["rounding"]["pool"], "floor");
    let (u, d) = (
        up["pool_increase"].as_u64().unwrap(),
        down["pool_increase"].as_u64().unwrap(),
    );
    assert!(u == d || u == d + 1, "{u} vs {d}");
    assert!(dec(&up["pool_available_after_pct"]) >= Decimal::from(15));

    let both = run(&book, &words(&format!("{MODEL} --pool-shares 5")));
    assert!(!both.status.success(), "a target and a count at once");
}

#[test]
fn refused_terms_name_the_field_and_change_nothing() {
    let (_d, book) = seed_book();
    let snap = snapshot(&book);
    for (line, field) in [
        (
            MODEL.replace("--pool-target 0.15", "--pool-target 1"),
            "pool_target",
        ),
        (
            MODEL.replace("--pool-target 0.15", "--pool-target 0.9"),
            "pool_target",
        ),
        (
            MODEL.replace("--pre-money 8000000", "--post-money 1000000"),
            "post_money",
        ),
        (
            MODEL.replace("--pre-money 8000000", "--pre-money 0"),
            "pre_money",
        ),
        (format!("{MODEL} --commit --convert 99"), "convert"),
        (
            format!("{MODEL} --commit --cap-price-decimals 11"),
            "cap_price_decimals",
        ),
    ] {
        let out = run(&book, &words(&line));
        assert!(!out.status.success(), "{line}");
        assert!(stderr(&out).contains(field), "{line}: {}", stderr(&out));
        assert_same(&snap, &snapshot(&book), &line);
    }
    for (line, field) in [
        (
            "safe --holder Angel --investment 100 --valuation-cap 0 --date 2020-07-01",
            "valuation_cap",
        ),
        (
            "safe --holder Angel --investment 100 --discount 1 --date 2020-07-01",
            "discount",
        ),
        (
            "safe --holder Angel --investment 100 --discount=-0.1 --date 2020-07-01",
            "discount",
        ),
    ] {
        let out = run(&book, &words(line));
        assert!(!out.status.success(), "{line}");
        assert!(stderr(&out).contains(field), "{line}: {}", stderr(&out));
        assert_same(&snap, &snapshot(&book), line);
    }
}

#[test]
fn the_example_books_waterfall_adds_up() {
    let (_d, book) = demo_book();
    let w = json(
        &book,
        &words("waterfall --exit 30000000000 --as-of 2024-06-01 --breakpoints"),
    );
    let o = &w["outcomes"][0];
    let total: Decimal = o["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| dec(&h["total"]["amount"]))
        .sum();
    assert_eq!(total, dec(&o["total_distributed"]["amount"]));
    let classes: Decimal = o["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| dec(&c["total"]["amount"]))
        .sum();
    // Everything but the option holders' share is paid to the classes.
    assert!(classes <= total);
    // The tables printed: by class (with the options' row) and by holder each add up to what is
    // distributed, and the breakpoints table lists every breakpoint.
    let tables = w["tables"].as_array().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["waterfall-classes", "waterfall-holders", "breakpoints"]
    );
    for (t, header) in [(&tables[0], "Total"), (&tables[1], "Total received")] {
        let c = t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["header"] == header)
            .unwrap();
        let sum: Decimal = t["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| dec(&r[c]))
            .sum();
        assert_eq!(sum, total, "{header}");
    }
    assert_eq!(
        tables[2]["rows"].as_array().unwrap().len(),
        w["breakpoints"].as_array().unwrap().len()
    );
    // At $30B the Series B ($15.00 a share) converts: the common price is above $15.
    assert!(dec(&o["common_price_per_share"]) > Decimal::from(15));
    // Below its $6B preference the Series B takes everything.
    let low = json(
        &book,
        &words("waterfall --exit 5000000000 --as-of 2024-06-01"),
    );
    let b = low["outcomes"][0]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Series B Preferred")
        .unwrap()
        .clone();
    assert_eq!(dec(&b["total"]["amount"]), Decimal::from(5_000_000_000u64));
    // A negative exit is refused, naming the field.
    let bad = run(&book, &["waterfall", "--exit=-1", "--as-of", "2024-06-01"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("exit_value"), "{}", stderr(&bad));
}

/// The demo book's down round: $1B at $12B pre-money with an 8% pool target triggers the
/// Series B's broad-based anti-dilution. The top-up meets its target after the adjustment
/// (it ended at 7.92% when the adjustment was left out of it); with the adjustment's shares in
/// the price, price x post-money FD is the stated $13B post-money.
#[test]
fn a_down_round_meets_its_pool_target_after_anti_dilution() {
    let (_d, book) = demo_book();
    let model =
        "round model 'Series C' --date 2025-01-01 --class 'Series C Preferred' --create-class \
                 --pre-money 12000000000 --invest 'Valor Equity Partners=1000000000' \
                 --pool-target 0.08 --pool-plan '2023 Equity Incentive Plan'";
    let after = json(&book, &words(model));
    let inside = json(
        &book,
        &words(&format!("{model} --anti-dilution-shares in-price")),
    );
    for o in [&after, &inside] {
        assert!(!o["anti_dilution"].as_array().unwrap().is_empty());
        assert!(o["anti_dilution_shares"].as_u64().unwrap() > 0);
        assert!(dec(&o["pool_available_after_pct"]) >= Decimal::from(8));
    }
    let stated = Decimal::from(13_000_000_000u64);
    let off =
        |o: &serde_json::Value| (dec(&o["implied_post_money"]["amount"]) - stated).abs() / stated;
    assert!(
        off(&after) > Decimal::new(1, 3),
        "priced after, the adjustment dilutes"
    );
    assert!(off(&inside) < Decimal::new(1, 5), "{}", off(&inside));
    assert_eq!(inside["anti_dilution_pricing"], "in-price");
    assert!(dec(&inside["price_per_share"]["amount"]) < dec(&after["price_per_share"]["amount"]));
}

/// A hire's option grant sized to the round, recorded with it: the grant is an ordinary
/// journal entry out of the plan, and the pool target holds after it. A target of 100% or
/// more, or a grant with no strike, is refused naming the flag and changes nothing.
#[test]
fn a_grant_sized_to_the_round_is_recorded_with_it() {
    let (_d, book) = seed_book();
    ok(&book, &words("stakeholder add 'New CTO' --role employee"));
    let grant =
        format!("{MODEL} --grant-options 'New CTO=0.01' --grant-plan Plan --grant-strike 0.10");
    let snap = snapshot(&book);
    let bad = run(&book, &words(&grant.replace("=0.01", "=1.5")));
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("grant-options"), "{}", stderr(&bad));
    let no_strike = run(
        &book,
        &words(&format!(
            "{MODEL} --grant-shares 'New CTO=0.01' --grant-class Nope"
        )),
    );
    assert!(
        stderr(&no_strike).contains("grant-class"),
        "{}",
        stderr(&no_strike)
    );
    assert_same(&snap, &snapshot(&book), "refused grants");

    let o = json(&book, &words(&format!("{grant} --commit")));
    let g = &o["grants"][0];
    let post = o["post_money_fd_shares"].as_u64().unwrap();
    assert_eq!(g["shares"].as_u64().unwrap(), post / 100);
    assert!(dec(&o["pool_available_after_pct"]) >= Decimal::from(15));
    let ct = json(&book, &words("captable --as-of 2021-06-01"));
    let cto = ct["cap_table"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "New CTO")
        .unwrap()
        .clone();
    assert_eq!(cto["options"], g["shares"]);
}

/// A SAFE holder's pro rata side letter from the shell: on its as-converted share, carved out
/// of the stated round when asked; a holder with no converting SAFE is refused by name.
#[test]
fn a_safe_holders_pro_rata_from_the_shell() {
    let (_d, book) = seed_book();
    let on_top = json(&book, &words(&format!("{MODEL} --safe-pro-rata Angel")));
    let carved = json(
        &book,
        &words(&format!(
            "{MODEL} --safe-pro-rata Angel --pro-rata-sizing carved-out"
        )),
    );
    let angel = |o: &serde_json::Value| {
        o["new_money_lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == "Angel")
            .unwrap()
            .clone()
    };
    assert!(dec(&angel(&on_top)["pro_rata_share"]) > Decimal::ZERO);
    assert_eq!(
        dec(&on_top["new_money"]["amount"]),
        Decimal::from(2_000_000) + dec(&angel(&on_top)["amount"]["amount"])
    );
    assert_eq!(
        dec(&carved["new_money"]["amount"]),
        Decimal::from(2_000_000)
    );
    let bad = run(&book, &words(&format!("{MODEL} --safe-pro-rata 'Lead VC'")));
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("safe_pro_rata") || stderr(&bad).contains("safe-pro-rata"),
        "{}",
        stderr(&bad)
    );
}

/// `round record` with the term sheet's price: beside the pre-money it is checked (a
/// disagreeing one is refused naming --price and records nothing); alone it is the round's
/// price and the pre-money is price x fully diluted shares.
#[test]
fn a_recorded_round_takes_the_term_sheets_price() {
    let (_d, book) = seed_book();
    let record = "round record Seed --date 2021-06-01 --class 'Seed Preferred' --create-class \
                  --invest 'Lead VC=2000000'";
    let snap = snapshot(&book);
    let wrong = run(
        &book,
        &words(&format!("{record} --pre-money 8000000 --price 1.1")),
    );
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("price"), "{}", stderr(&wrong));
    assert_same(&snap, &snapshot(&book), "a refused price");
    // 8,000,000 fully diluted at $1.25: pre-money $10M, 1,600,000 new shares.
    let r = json(&book, &words(&format!("{record} --price 1.25")));
    let round = &r["round"];
    assert_eq!(
        dec(&round["pre_money"]["amount"]),
        Decimal::from(10_000_000)
    );
    assert_eq!(
        dec(&round["price_per_share"]["amount"]),
        Decimal::new(125, 2)
    );
    assert_eq!(round["new_shares"], 1_600_000);
}
