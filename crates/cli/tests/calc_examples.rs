//! Worked examples from public sources (issue 13), each a deal in docs/calc/ that
//! `roundbook calc` must turn into exactly the output beside it (UPDATE_GOLDEN=1 rewrites
//! them). Each test names its source, works the source's figures by hand, and checks them in
//! code: the price, each conversion's price and shares, the new shares, the percentages.

mod common;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;

/// Common shares a class converts into after the round, by its name.
fn as_converted(r: &Value, class: &str) -> u64 {
    let classes = r["pro_forma"]["classes"].as_array().unwrap();
    u(&classes
        .iter()
        .find(|c| c["name"] == class)
        .unwrap_or_else(|| panic!("no {class} in the pro forma"))["as_converted"])
}

/// The money a class takes in an exit, by its name.
fn paid(exit: &Value, class: &str) -> Decimal {
    let classes = exit["classes"].as_array().unwrap();
    amount(
        &classes
            .iter()
            .find(|c| c["name"] == class)
            .unwrap_or_else(|| panic!("no {class} in the exit"))["total"],
    )
}

#[test]
fn yc_safe_primer_cap_no_discount() {
    // YC's (pre-money) Safe Primer, "Numerical Example: SAFE, cap, no discount", as FundersClub
    // reproduces it (fundersclub.com/learn/safe-primer/safe-numerical-examples/
    // safe-cap-no-discount/). A $100,000 safe with a $5,000,000 cap; a $1,000,000 Series A at
    // $10,000,000 pre-money on 11,000,000 fully diluted shares, which include a 1,000,000-share
    // pool adopted with the financing. By hand: $10M / 11M = $0.90909..., which the primer
    // shows to 3 places, $0.909; $1M / $0.909 = 1,100,110.01 -> 1,100,110 Series A shares. The
    // cap price is $5M / 11M = $0.454545..., shown to 4 places, $0.4545; $100,000 / $0.4545 =
    // 220,022.0002 -> 220,022 shares of Series A-1 (the "Safe Preferred Stock"), whose
    // preference per share is its own $0.4545. In a sale each series takes its preference,
    // pari passu: about $1,000,000 for the Series A and $100,000 for the A-1.
    let v = calc("yc-primer-cap-no-discount");
    let r = &v["round"];
    assert_eq!(r["pricing"], "pre-money");
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(909, 3));
    assert_eq!(u(&r["pool_increase"]), 1_000_000);
    assert_eq!(dec(&r["price_denominator"]), Decimal::from(11_000_000));
    assert_eq!(u(&r["new_shares"]), 1_100_110);
    let c = &r["conversions"][0];
    assert_eq!(c["basis"], "cap");
    assert_eq!(amount(&c["conversion_price"]), Decimal::new(4545, 4));
    assert_eq!(u(&c["shares"]), 220_022);
    assert_eq!(c["class_name"], "Series A-1 Preferred");
    // A $5M sale: both series take their preferences; the $3.9M left is $0.39 a common share,
    // below either series' price, so neither converts.
    let exit = &v["exits"][0];
    assert_eq!(
        paid(exit, "Series A Preferred").round_dp(0),
        Decimal::from(1_000_000)
    );
    assert_eq!(paid(exit, "Series A-1 Preferred"), Decimal::from(100_000));
}

#[test]
fn yc_safe_primer_cap_and_discount() {
    // YC's Safe Primer, "Numerical Example: SAFE, cap and discount" (FundersClub,
    // fundersclub.com/learn/safe-primer/safe-numerical-examples/safe-cap-and-discount/): the same
    // round, a $100,000 safe with an $8,000,000 cap and a Discount Rate of 85%. The discount
    // price is 85% x $0.909 = $0.77265; the cap price $8M / 11M = $0.727272... -> $0.72727 (5
    // places here). The cap is lower, so the safe converts at $0.72727 into
    // $100,000 / $0.72727 = 137,500.52 -> 137,500 shares of Series A-1; the discount is unused.
    let v = calc("yc-primer-cap-and-discount");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(909, 3));
    assert_eq!(u(&r["new_shares"]), 1_100_110);
    let c = &r["conversions"][0];
    assert_eq!(c["basis"], "cap");
    assert_eq!(amount(&c["conversion_price"]), Decimal::new(72727, 5));
    assert_eq!(u(&c["shares"]), 137_500);
    assert_eq!(c["class_name"], "Series A-1 Preferred");
    // The discount price the primer compares it with, from the rounded round price.
    let discount_price = Decimal::new(85, 2) * amount(&r["price_per_share"]);
    assert_eq!(discount_price, Decimal::new(77265, 5));
    assert!(amount(&c["conversion_price"]) < discount_price);
}

#[test]
fn yc_safe_primer_discount_no_cap() {
    // YC's Safe Primer, "Numerical Example: SAFE, discount, no cap" (FundersClub,
    // fundersclub.com/learn/safe-primer/safe-numerical-examples/safe-discount-no-cap/): a $20,000
    // safe at a Discount Rate of 80%; $400,000 of Series AA at $2,000,000 pre-money on
    // 10,500,000 fully diluted shares. By hand: $2M / 10.5M = $0.190476... -> $0.19 (the primer
    // truncates); $400,000 / $0.19 = 2,105,263.2 -> 2,105,263 Series AA shares; the safe's
    // price 80% x $0.19 = $0.152, so $20,000 / $0.152 = 131,578.9 -> 131,578 shares of Series
    // AA-1.
    let v = calc("yc-primer-discount-no-cap");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(19, 2));
    assert_eq!(u(&r["new_shares"]), 2_105_263);
    let c = &r["conversions"][0];
    assert_eq!(c["basis"], "discount");
    assert_eq!(amount(&c["conversion_price"]), Decimal::new(152, 3));
    assert_eq!(u(&c["shares"]), 131_578);
    assert_eq!(c["class_name"], "Series AA-1 Preferred");
}

#[test]
fn a_capped_note_converts_at_the_cap() {
    // FundersClub, "Numerical Example: $25k convertible note with $5M cap, 20% discount"
    // (fundersclub.com/learn/convertible-notes/convertible-notes-numerical-examples/
    // convertible-note-cap-discount/), accrued interest ignored: a Series A at $10M pre-money
    // and $5.00 a share, so 2,000,000 shares before it. The discount price is $4.00, the cap's
    // $5M / 2,000,000 = $2.50, lower: the note converts into $25,000 / $2.50 = 10,000 shares.
    // FundersClub's companion "$25k convertible note with $5M cap, no discount" (reproduced at
    // bnktothefuture.freshdesk.com/support/solutions/articles/9000103308) works the same cap
    // price and adds that a new investor's $25,000 buys only 5,000 shares at $5.00. (The
    // fund's $2.5M is ours: neither page gives the round's size.)
    let v = calc("fundersclub-note-cap");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::from(5));
    let c = &r["conversions"][0];
    assert_eq!(c["kind"], "convertible note");
    assert_eq!(c["basis"], "cap");
    assert_eq!(amount(&c["conversion_price"]), Decimal::new(25, 1));
    assert_eq!(u(&c["shares"]), 10_000);
    let lines = r["new_money_lines"].as_array().unwrap();
    let angel = lines.iter().find(|l| l["name"] == "New Angel").unwrap();
    assert_eq!(u(&angel["shares"]), 5_000);
}

#[test]
fn a_capped_note_converts_at_its_discount() {
    // The same FundersClub page, second case: the Series A at $6M pre-money and $5.00 a share
    // (1,200,000 shares before it). The cap price is $5M / 1,200,000 = $4.1667, above the
    // discount price $5.00 x 80% = $4.00, so the note converts at the discount into
    // $25,000 / $4.00 = 6,250 shares.
    let v = calc("fundersclub-note-discount");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::from(5));
    let c = &r["conversions"][0];
    assert_eq!(c["basis"], "discount");
    assert_eq!(amount(&c["conversion_price"]), Decimal::from(4));
    assert_eq!(u(&c["shares"]), 6_250);
}

#[test]
fn a_note_with_a_years_interest_converts_at_its_discount() {
    // CCDD Law, "Conversion of a Convertible Note" (ccddlaw.com/2019/03/
    // conversion-of-a-convertible-note/): 10,000 shares outstanding; a Series A investor buys
    // 2,000 shares for $1,000,000 ($500 a share, $5,000,000 pre-money). A $100,000 note at 8%
    // converts on its first anniversary (365 days, ACT/365: $8,000 of interest) with
    // $108,000; at a 20% discount the price is $400, so it converts into 270 shares.
    let v = calc("ccddlaw-note-interest-discount");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::from(500));
    assert_eq!(u(&r["new_shares"]), 2_000);
    let c = &r["conversions"][0];
    assert_eq!(amount(&c["amount"]), Decimal::from(108_000));
    assert_eq!(c["basis"], "discount");
    assert_eq!(amount(&c["conversion_price"]), Decimal::from(400));
    assert_eq!(u(&c["shares"]), 270);
}

#[test]
fn a_note_with_a_years_interest_converts_at_a_low_cap() {
    // The same article's second case: the note also has a $1,000,000 valuation cap, so it
    // converts at $1M / 10,000 = $100 a share (below the $400 discount price): $108,000 buys
    // 1,080 shares.
    let v = calc("ccddlaw-note-interest-cap");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::from(500));
    let c = &r["conversions"][0];
    assert_eq!(amount(&c["amount"]), Decimal::from(108_000));
    assert_eq!(c["basis"], "cap");
    assert_eq!(amount(&c["conversion_price"]), Decimal::from(100));
    assert_eq!(u(&c["shares"]), 1_080);
    // 1,080 of 10,000 + 2,000 + 1,080.
    assert_eq!(u(&r["post_money_fd_shares"]), 13_080);
}

#[test]
fn a_full_ratchet_down_round() {
    // TEJU Finance's course, "Anti-Dilution Provisions", section 2.1 "Full Ratchet Anti-Dilution
    // Provision" (vlp.teju-finance.com/courses/mod/book/view.php?chapterid=475&id=163): founders
    // hold 2,000,000 common; 1,000,000 Series A preferred bought at $2 with a full ratchet. A
    // Series B sells 100,000 shares at $0.50 ($50,000): the Series A's conversion price drops to
    // $0.50, so it converts into 1,000,000 x $2 / $0.50 = 4,000,000 common (3,000,000 more),
    // and the company has 6,100,000 shares as converted.
    let v = calc("full-ratchet-down-round");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(5, 1));
    assert_eq!(u(&r["new_shares"]), 100_000);
    let a = &r["anti_dilution"][0];
    assert_eq!(a["method"], "full-ratchet");
    assert_eq!(amount(&a["new_conversion_price"]), Decimal::new(5, 1));
    assert_eq!(dec(&a["new_ratio"]), Decimal::from(4));
    assert_eq!(as_converted(r, "Series A Preferred"), 4_000_000);
    assert_eq!(u(&r["anti_dilution_shares"]), 3_000_000);
    assert_eq!(u(&r["post_money_fd_shares"]), 6_100_000);
}

#[test]
fn gusts_broad_based_weighted_average() {
    // Gust Equity's help page "Anti-Dilution" (docs.equity.gust.com/article/71-anti-dilution),
    // weighted average (broad): 1,500,000 common, 2,500,000 Series A (issued at $1), 2,000,000
    // Series B (at $2) and 1,000,000 options, 7,000,000 in all; 2,000,000 Series C at $0.50
    // ($1,000,000). Series A: CP2 = $1.00 x (7,000,000 + 1,000,000) / (7,000,000 + 2,000,000)
    // = 8/9, which the page prints cut to cents as $0.88 but uses whole: the Series A converts
    // into 2,812,500 common, a conversion rate of 1.125. Kept to 10 places, rounded down
    // ($0.8888888888), the ratio is 1.1250000001 and the shares floor to 2,812,500. The Series
    // B is adjusted too (to $2 x 7,500,000 / 9,000,000); only the Series A's figures are checked
    // against the page.
    let v = calc("gust-broad-based-two-series");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(5, 1));
    let a = r["anti_dilution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["class_name"] == "Series A Preferred")
        .unwrap();
    assert_eq!(a["method"], "broad-based-weighted-average");
    assert_eq!(u(&a["shares_deemed_outstanding"]), 7_000_000);
    assert_eq!(dec(&a["shares_at_old_price"]), Decimal::from(1_000_000));
    let cp2 = amount(&a["new_conversion_price"]);
    assert_eq!(cp2.trunc_with_scale(2), Decimal::new(88, 2));
    assert_eq!(dec(&a["new_ratio"]).round_dp(6), Decimal::new(1125, 3));
    assert_eq!(as_converted(r, "Series A Preferred"), 2_812_500);
}

#[test]
fn yc_startup_school_two_post_money_safes() {
    // YC Startup School 2018, Kirsty Nathoo, "Understanding SAFEs and Priced Equity Rounds"
    // (ycombinator.com/library/6m-understanding-safes-and-priced-equity-rounds): two founders
    // with 4,625,000 shares each and a 750,000-share pool (650,000 granted), 10,000,000 fully
    // diluted; post-money safes of $200,000 at a $4M cap (5%) and $800,000 at $8M (10%). With
    // them the company has 10,000,000 / 85% = 11,764,705.88 shares, of which they take 5% and
    // 10%: 588,235 and 1,176,470 (11,764,705 in all). A Series A of $5M
    // ($4M from the lead) at $15M pre-money with a 1,695,000-share pool increase prices at
    // $15M / (11,764,705 + 1,695,000), about 13.5M shares: $1.114. The $5M buys 4.48M shares,
    // the lead's $4M 3.59M; after the round the lead owns 20%, the others 5%, the pool 10% and
    // the founders 51.5%.
    let v = calc("yc-startup-school-safes");
    let r = &v["round"];
    let conv = r["conversions"].as_array().unwrap();
    assert_eq!(u(&conv[0]["shares"]), 588_235);
    assert_eq!(u(&conv[1]["shares"]), 1_176_470);
    assert_eq!(
        u(&r["pre_round_fd_shares"]) + u(&r["conversion_shares"]),
        11_764_705
    );
    assert_eq!(u(&r["pool_increase"]), 1_695_000);
    // 13,459,705.88 is "13.5 million".
    assert_eq!(
        (dec(&r["price_denominator"]) / Decimal::from(100_000)).round(),
        Decimal::from(135)
    );
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(1114, 3));
    // In millions, as the talk reads them: 4.48 and 3.59.
    let millions = |n: u64| Decimal::from(n / 10_000) / Decimal::from(100);
    assert_eq!(millions(u(&r["new_shares"])), Decimal::new(448, 2));
    let lines = r["new_money_lines"].as_array().unwrap();
    let lead = lines.iter().find(|l| l["name"] == "Lead Investor").unwrap();
    assert_eq!(millions(u(&lead["shares"])), Decimal::new(359, 2));
    let pct = |name: &str| after_pct(r, name).round_dp(1);
    assert_eq!(pct("Lead Investor"), Decimal::from(20));
    assert_eq!(pct("Other Investors"), Decimal::from(5));
    assert_eq!(
        (after_pct(r, "Founder 1") + after_pct(r, "Founder 2")).round_dp(1),
        Decimal::new(515, 1)
    );
    assert_eq!(
        dec(&r["pool_available_after_pct"]).round_dp(1),
        Decimal::from(10)
    );
}
