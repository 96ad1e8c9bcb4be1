//! The worked examples of docs/calc.md run here: each input in docs/calc/ is computed by
//! `roundbook calc` and must print exactly the output beside it (UPDATE_GOLDEN=1 rewrites
//! them), and the figures the document quotes are checked in code.

mod common;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;

#[test]
fn the_option_pool_shuffle() {
    // Venture Hacks: $8M pre, $2M new, 15% post-money pool in the pre-money -> $6.5M effective pre.
    let v = calc("pool-shuffle");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(81250, 5));
    assert_eq!(u(&r["pool_increase"]), 1_846_154);
    assert_eq!(u(&r["new_shares"]), 2_461_538);
    assert_eq!(amount(&r["post_money"]), Decimal::from(10_000_000));
}

#[test]
fn two_post_money_safes_and_a_series_a() {
    // YC post-money SAFE: $1.5M at $10M post-money caps is 15% of a Company Capitalization of
    // 10,000,000 / 0.85 = 11,764,705.88 shares; the Series A prices at $15M / that = $1.275.
    let v = calc("yc-post-money-safe");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(127500, 5));
    let conv = r["conversions"].as_array().unwrap();
    assert_eq!(u(&conv[0]["shares"]), 1_176_470);
    assert_eq!(u(&conv[1]["shares"]), 588_235);
    assert!(
        conv.iter().all(|c| c["basis"] == "cap"),
        "the discount price $1.02 is above the cap price $0.85"
    );
}

#[test]
fn a_pool_increase_given_as_a_share_count() {
    // YC's post-money SAFE user guide: after the SAFEs, the Series A adds an option pool increase
    // of 1,695,000 shares in the pre-money, "Series A PPS = 15,000,000 / (11,764,705 + 1,695,000)
    // = $1.1144" (the guide floors Company Capitalization to 11,764,705; the exact
    // 11,764,705.88 gives the same price at the guide's 4 decimal places).
    let v = calc("yc-post-money-safe-pool");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(11144, 4));
    assert_eq!(u(&r["pool_increase"]), 1_695_000);
    assert_eq!(
        r["pool"]["size"]["shares"], 1_695_000,
        "the output states the setting"
    );
    assert_eq!(
        dec(&r["price_denominator"]).floor(),
        Decimal::from(13_459_705)
    );
    let conv = r["conversions"].as_array().unwrap();
    assert_eq!(u(&conv[0]["shares"]) + u(&conv[1]["shares"]), 1_764_705);
    // $5,000,000 / $1.1144, floored.
    assert_eq!(u(&r["new_shares"]), 4_486_719);
    assert_eq!(
        u(&r["post_money_fd_shares"]),
        10_000_000 + 1_764_705 + 1_695_000 + 4_486_719
    );
}

#[test]
fn a_discount_price_rounded_by_its_own_rule() {
    // The same note, with the discount price rounded down to 4 decimals while the round's price
    // stays up to 5: 80% x $1.86751 = $1.494008 -> $1.4940, so $1,060,000 buys
    // floor(709,504.68) = 709,504 shares (709,499 at the price's rule, $1.49401). The output
    // states both rules.
    let v = calc("note-discount-price-4dp");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(186751, 5));
    let c = &r["conversions"][0];
    assert_eq!(amount(&c["conversion_price"]), Decimal::new(14940, 4));
    assert_eq!(u(&c["shares"]), 709_504);
    assert_eq!(r["rounding"]["discount_price"]["decimals"], 4);
    assert!(r["rounding_rule"]
        .as_str()
        .unwrap()
        .ends_with("discount price down to 4 dp"));
}

#[test]
fn cooleys_pre_money_method() {
    // Cooley GO, "Calculating Share Price With Outstanding Convertible Notes or Safes": $2M at
    // $8M pre-money on 1,000,000 fully diluted shares, $1M of notes at a 30% discount. By the
    // pre-money method the price is $8M / 1,000,000 = $8.00, the notes convert at $5.60 into
    // 178,571 shares, the investors buy 250,000: founders 70%, notes 12.5%, investors 17.5%.
    let v = calc("cooley-pre-money-method");
    let r = &v["round"];
    assert_eq!(r["pricing"], "pre-money");
    assert_eq!(amount(&r["price_per_share"]), Decimal::from(8));
    assert_eq!(u(&r["conversions"][0]["shares"]), 178_571);
    assert_eq!(u(&r["new_shares"]), 250_000);
    assert_eq!(u(&r["post_money_fd_shares"]), 1_428_571);
    assert_eq!(after_pct(r, "Founders").round_dp(2), Decimal::new(7000, 2));
    assert_eq!(
        after_pct(r, "Series A Investors").round_dp(2),
        Decimal::new(1750, 2)
    );
}

#[test]
fn cooleys_percentage_ownership_method() {
    // The same deal by the percentage-ownership method: the investors keep 20%, the price
    // falls to $6.57143 (notes at $4.60), 304,348 and 217,391 shares (the article rounds to
    // the nearest share), founders 65.71%.
    let v = calc("cooley-percentage-ownership-method");
    let r = &v["round"];
    assert_eq!(r["pricing"], "percentage-ownership");
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(657143, 5));
    assert_eq!(u(&r["new_shares"]), 304_348);
    assert_eq!(u(&r["conversions"][0]["shares"]), 217_391);
    assert_eq!(u(&r["post_money_fd_shares"]), 1_521_739);
    assert_eq!(after_pct(r, "Founders").round_dp(2), Decimal::new(6571, 2));
    assert_eq!(
        after_pct(r, "Series A Investors").round_dp(2),
        Decimal::new(2000, 2)
    );
}

#[test]
fn the_dollars_invested_method() {
    // The dollars-invested method (adsmehub's convertible-note series, the third of Cooley's
    // methods): $10M pre-money plus $500,000 of notes is an effective pre-money of $10.5M on
    // 1,000,000 shares, $10.50 a share; $1M buys 95,238; the notes convert at 70% = $7.35 into
    // 68,027; the founder keeps 85.96%.
    let v = calc("dollars-invested-method");
    let r = &v["round"];
    assert_eq!(r["pricing"], "dollars-invested");
    assert_eq!(amount(&r["effective_pre_money"]), Decimal::from(10_500_000));
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(105, 1));
    assert_eq!(
        amount(&r["conversions"][0]["conversion_price"]),
        Decimal::new(735, 2)
    );
    assert_eq!(u(&r["conversions"][0]["shares"]), 68_027);
    assert_eq!(u(&r["new_shares"]), 95_238);
    assert_eq!(after_pct(r, "Founder").round_dp(2), Decimal::new(8596, 2));
}

#[test]
fn a_price_given_outright() {
    // YC's post-money SAFE user guide states the Series A price, $1.1144; given it, the round
    // issues the same shares as from the $15M pre-money, and the pre-money is derived:
    // $1.1144 x (10,000,000 + 1,764,705 + 1,695,000) = $14,999,495.25 (the Company
    // Capitalization floored, as the guide does).
    let v = calc("yc-given-price");
    let r = &v["round"];
    assert_eq!(r["valuation"]["kind"], "price");
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(11144, 4));
    assert_eq!(amount(&r["pre_money"]), Decimal::new(1_499_949_525, 2));
    assert_eq!(u(&r["new_shares"]), 4_486_719);
    assert_eq!(r["rounding"]["capitalisation"], "floor");
}

#[test]
fn safes_convert_into_a_shadow_series() {
    // YC's post-money SAFE: the SAFE converts into "Safe Preferred Stock", the round's
    // preferred "except that the per share liquidation preference ... will equal the
    // Conversion Price". Both SAFEs convert at the $0.85 cap price into one shadow series,
    // Series A-1 Preferred (1,764,705 shares, original issue price $0.85), pari passu with the
    // Series A at $1.1144. At a $6M exit the preferences ($4,999,999.65 and $1,499,999.25) share
    // it pro rata: the Series A $4,615,385.07, the A-1 $1,384,614.93.
    let v = calc("yc-shadow-series");
    let r = &v["round"];
    for c in r["conversions"].as_array().unwrap() {
        assert_eq!(c["class_name"], "Series A-1 Preferred");
    }
    let classes = r["pro_forma"]["classes"].as_array().unwrap();
    let a1 = classes
        .iter()
        .find(|c| c["name"] == "Series A-1 Preferred")
        .unwrap();
    assert_eq!(u(&a1["shares"]), 1_764_705);
    let at_6m = v["exits"][0]["classes"].as_array().unwrap();
    let paid = |name: &str| amount(&at_6m.iter().find(|c| c["name"] == name).unwrap()["total"]);
    assert_eq!(paid("Series A Preferred"), Decimal::new(461_538_507, 2));
    assert_eq!(paid("Series A-1 Preferred"), Decimal::new(138_461_493, 2));
    assert_eq!(paid("Common"), Decimal::ZERO);
    // Into the round's class (the default), the SAFEs would share the Series A's $1.1144.
    let same = calc("yc-post-money-safe-pool");
    assert_eq!(
        same["round"]["conversions"][0]["class_name"],
        "Series A Preferred"
    );
}

#[test]
fn a_hires_options_sized_to_the_round() {
    // Venture Hacks' option pool shuffle ($8M pre, $2M new, 15% of post-money FD available
    // after, in the pre-money) with a new CTO's 1% option grant out of the pool in the round.
    // By hand: the pool must hold 15% + 1% of T; the new money is 20% of T; the founders'
    // 8,000,000 are the rest, 64% of T: T = 12,500,000, the price $8M / (8,000,000 + 2,000,000)
    // = $0.80 (effective pre-money $6.4M), the top-up 2,000,000, the grant 125,000, the pool
    // after 1,875,000 = 15%.
    let v = calc("pool-shuffle-hire-grant");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(8, 1));
    assert_eq!(u(&r["pool_increase"]), 2_000_000);
    assert_eq!(u(&r["post_money_fd_shares"]), 12_500_000);
    let g = &r["grants"][0];
    assert_eq!(u(&g["shares"]), 125_000);
    assert_eq!(dec(&g["pct_after"]), Decimal::ONE);
    assert_eq!(u(&r["pool_available_after"]), 1_875_000);
    assert_eq!(dec(&r["pool_available_after_pct"]), Decimal::from(15));
}

#[test]
fn new_shares_sized_to_the_round() {
    // The same shuffle with an advisor's 2% of post-money FD in new common shares, counted in
    // the pre-money like the pool: 8,000,000 = T (1 - 15% - 2% - 20%) = 63% of T, so
    // T = 12,698,412.70, the price $2M / (20% of T) = $0.7875, the advisor
    // floor(2% x 12,698,412) = 253,968 shares, the founders 63%.
    let v = calc("pool-shuffle-share-grant");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(7875, 4));
    assert_eq!(u(&r["grants"][0]["shares"]), 253_968);
    assert_eq!(u(&r["pool_increase"]), 1_904_762);
    assert_eq!(u(&r["new_shares"]), 2_539_682);
    assert_eq!(
        after_pct(r, "Founders").round_dp(4),
        Decimal::new(630000, 4)
    );
}

#[test]
fn a_safe_holders_pro_rata_right() {
    // YC's pro rata side letter, on the user guide's round: the Angel Fund's $1M SAFE converts
    // into 1,176,470 shares, as converted 1,176,470 / (10,000,000 + 1,764,705 + 1,695,000)
    // = 8.74068% of the company just before the new money, so it may buy 8.74068% of the $5M:
    // $437,034.10. On top of the round it grows to $5,437,034.10; carved out of it, the lead's
    // $5M shrinks to $4,562,965.90 and the round stays $5M.
    let on_top = calc("yc-safe-pro-rata");
    let r = &on_top["round"];
    let lines = r["new_money_lines"].as_array().unwrap();
    let angel = lines.iter().find(|l| l["name"] == "Angel Fund").unwrap();
    assert_eq!(amount(&angel["amount"]), Decimal::new(43_703_410, 2));
    assert_eq!(
        dec(&angel["pro_rata_share"]).round_dp(8),
        (Decimal::from(1_176_470) / Decimal::from(13_459_705)).round_dp(8)
    );
    assert_eq!(amount(&r["new_money"]), Decimal::new(543_703_410, 2));

    let carved = calc("yc-safe-pro-rata-carved-out");
    let r = &carved["round"];
    assert_eq!(amount(&r["new_money"]), Decimal::from(5_000_000));
    let lines = r["new_money_lines"].as_array().unwrap();
    let lead = lines.iter().find(|l| l["name"] == "Lead VC").unwrap();
    assert_eq!(amount(&lead["amount"]), Decimal::new(456_296_590, 2));
}

fn calc_text(deal: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roundbook"))
        .args(["calc", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("roundbook runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(deal.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn contradicting_or_impossible_settings_are_refused_by_name() {
    let base = std::fs::read_to_string(calc_docs().join("yc-post-money-safe-pool.json")).unwrap();
    let refused = |from: &str, to: &str, field: &str| {
        let deal = base.replacen(from, to, 1);
        assert_ne!(deal, base, "{to}");
        let out = calc_text(&deal);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success() && err.contains(field), "{to}: {err}");
    };
    // A stated price the valuation does not give: $15M gives $1.1144, not $1.12.
    refused(
        r#""pre_money": "15000000","#,
        r#""pre_money": "15000000", "price": "1.12","#,
        "the stated USD 1.12 a share disagrees",
    );
    refused(
        r#""pool": {"shares": 1695000"#,
        r#""pool": {"shares": -5"#,
        "round.pool.shares: line",
    );
    refused(
        r#""price_decimals": 4"#,
        r#""price_decimals": 11"#,
        "price_decimals",
    );
    refused(
        r#""pre_money": "15000000","#,
        r#""pre_money": "15000000", "pricing": "fixed","#,
        "round.pricing: line",
    );
    // The agreeing pair is accepted.
    let agreeing = base.replacen(
        r#""pre_money": "15000000","#,
        r#""pre_money": "15000000", "price": "1.1144","#,
        1,
    );
    assert!(calc_text(&agreeing).status.success());
}

#[test]
fn a_down_round_adjusts_a_protected_class() {
    // NVCA model certificate of incorporation, broad-based weighted average:
    // CP2 = CP1 x (A + B) / (A + C) with CP1 = $1.00, A = 10,000,000 fully diluted (7,000,000
    // common + 2,000,000 Series A + 1,000,000 pool), B = $1,000,000 / $1.00 = 1,000,000,
    // C = 2,000,000 new shares at $0.50: CP2 = 11/12 = $0.916666..., up to 5 dp $0.91667.
    let v = calc("broad-based-down-round");
    let r = &v["round"];
    assert_eq!(amount(&r["price_per_share"]), Decimal::new(5, 1));
    let a = &r["anti_dilution"][0];
    assert_eq!(a["method"], "broad-based-weighted-average");
    assert_eq!(u(&a["shares_deemed_outstanding"]), 10_000_000);
    assert_eq!(amount(&a["new_conversion_price"]), Decimal::new(91667, 5));
    // New ratio = OIP / CP2 = 1 / 0.91667.
    assert_eq!(
        dec(&a["new_ratio"]).round_dp(8),
        (Decimal::ONE / Decimal::new(91667, 5)).round_dp(8)
    );
}

#[test]
fn a_note_with_interest_converts_at_its_discount() {
    // $1,000,000 at 6% simple interest for 365 days (ACT/365) = $1,060,000, converting at a 20%
    // discount to a round at $20M pre-money on 10,000,000 fully diluted shares.
    let v = calc("note-with-interest");
    let c = &v["round"]["conversions"][0];
    assert_eq!(amount(&c["amount"]), Decimal::new(106000000, 2));
    assert_eq!(c["basis"], "discount");
    assert_eq!(
        amount(&v["round"]["price_per_share"]),
        Decimal::new(186751, 5)
    );
    assert_eq!(u(&c["shares"]), 709_499);
}

#[test]
fn a_participating_preferred_exit() {
    // Participating preferred (Gust Equity's help page: it takes its preference, then shares
    // pro rata as converted): $2M of 1x participating Series A owning 20% takes
    // $2M + 20% x ($10M - $2M) = $3.6M of a $10M exit.
    let v = calc("exit-waterfall");
    let first = &v["exits"][0];
    let series_a = first["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Series A")
        .unwrap();
    assert_eq!(amount(&series_a["total"]), Decimal::from(3_600_000));
    assert_eq!(series_a["decision"], "participates");
    // The range: 0, 5M, 10M, 15M, 20M.
    assert_eq!(v["exits"].as_array().unwrap().len(), 6);
    let b = v["breakpoints"].as_array().unwrap();
    assert!(b.iter().any(|p| p["event"] == "preference-fully-paid"
        && amount(&p["exit_value"]) == Decimal::from(2_000_000)));
}

/// The SAFE or note `name` of an exit.
fn instrument<'a>(exit: &'a Value, holder: &str) -> &'a Value {
    exit["convertibles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["holder"] == holder)
        .unwrap_or_else(|| panic!("no SAFE or note of {holder}"))
}

/// What `holder` receives at an exit.
fn received(exit: &Value, holder: &str) -> Decimal {
    amount(
        &exit["holders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["holder"] == holder)
            .unwrap_or_else(|| panic!("no holder {holder}"))["total"],
    )
}

#[test]
fn a_post_money_safe_at_a_liquidity_event() {
    // YC post-money SAFE §1(b): the greater of the purchase amount and the Conversion Amount on
    // $1M / Liquidity Price shares; Liquidity Price = $10M cap / (9,000,000 / 0.9) = $1.00.
    // $5M: 10% as converted is $500,000, so $1M cash-out; $50M: converts for $5M.
    let v = calc("safe-liquidity-event");
    let (low, high) = (&v["exits"][0], &v["exits"][1]);
    assert_eq!(low["conventions"]["convertibles"], "paid");
    let s = instrument(low, "Angel");
    assert_eq!(
        (s["decision"].as_str(), u(&s["conversion_shares"])),
        (Some("cash-out"), 1_000_000)
    );
    assert_eq!(received(low, "Angel"), Decimal::from(1_000_000));
    assert_eq!(received(low, "Founders"), Decimal::from(4_000_000));
    assert_eq!(instrument(high, "Angel")["decision"], "converts");
    assert_eq!(received(high, "Angel"), Decimal::from(5_000_000));
    assert_eq!(received(high, "Founders"), Decimal::from(45_000_000));
    let b = v["breakpoints"].as_array().unwrap();
    assert!(b.iter().any(|p| p["event"] == "converts"
        && p["holder"] == "Angel"
        && amount(&p["exit_value"]) == Decimal::from(10_000_000)));
    assert!(v["left_out_instruments"].as_array().unwrap().is_empty());
}

#[test]
fn a_safe_on_par_with_the_most_senior_preferred() {
    // YC post-money SAFE §1(d)(ii): on par with Preferred Stock, pro rata to the full payments.
    // $1.5M against the Series A's $1M and the SAFE's $1M: $750,000 each; the Seed (junior)
    // nothing. $2.5M: both in full, the Seed $500,000.
    let v = calc("safe-pari-passu-preferred");
    let (low, high) = (&v["exits"][0], &v["exits"][1]);
    assert_eq!(received(low, "Angel"), Decimal::from(750_000));
    assert_eq!(received(low, "A Fund"), Decimal::from(750_000));
    assert_eq!(received(low, "Seed Fund"), Decimal::ZERO);
    assert_eq!(received(high, "Angel"), Decimal::from(1_000_000));
    assert_eq!(received(high, "Seed Fund"), Decimal::from(500_000));
    // Liquidity Capitalization (8,000,000 + 1,000,000 + 500,000) / 0.9: $0.94737, 1,055,553.
    let s = instrument(low, "Angel");
    assert_eq!(s["conversion_price"], "0.94737");
    assert_eq!(u(&s["conversion_shares"]), 1_055_553);
}

#[test]
fn a_note_repaid_or_converted_at_an_exit() {
    // Series Seed note term sheet §1.7: $100,000 + one year at 6% = $106,000 repaid first; or
    // converted at $5M / 10,000,000 shares = $0.50, 212,000 shares, when that pays more.
    let v = calc("note-at-exit");
    let (low, high) = (&v["exits"][0], &v["exits"][1]);
    let n = instrument(low, "Bridge");
    assert_eq!(n["decision"], "repaid");
    assert_eq!(amount(&n["claim"]), Decimal::from(106_000));
    assert_eq!(received(low, "Bridge"), Decimal::from(106_000));
    assert_eq!(received(low, "A Fund"), Decimal::from(394_000));
    assert_eq!(instrument(high, "Bridge")["decision"], "converts");
    assert_eq!(u(&instrument(high, "Bridge")["conversion_shares"]), 212_000);
    // $50M x 212,000 / 10,212,000 = $1,037,994.516...
    assert_eq!(received(high, "Bridge"), Decimal::new(103799452, 2));
}

#[test]
fn a_preference_on_the_cash_invested() {
    // YC's two SAFEs converted into the Series A at $0.85 and the Lead's 3,921,568 shares at
    // $1.275, sold for $6M: on the cash invested ($1M + $500,000 + $4,999,999.20) the $6M is
    // shared pro rata to it: Angel $923,077.04 (it would be $1,241,379.02 at the $1.275 issue
    // price, the preference YC's Safe Preferred Stock avoids).
    let v = calc("preference-basis-invested");
    let e = &v["exits"][0];
    assert_eq!(e["conventions"]["preference_basis"], "invested");
    assert_eq!(
        amount(&e["classes"][1]["preference_claim"]),
        Decimal::new(649999920, 2)
    );
    assert_eq!(received(e, "Angel Fund"), Decimal::new(92307704, 2));
    assert_eq!(received(e, "Seed Fund"), Decimal::new(46153852, 2));
    assert_eq!(received(e, "Lead VC"), Decimal::new(461538444, 2));
}

#[test]
fn a_discount_only_safe_at_a_liquidity_event() {
    // YC's discount-only SAFE: Liquidity Price = the common's value x 80%, so its Conversion
    // Amount is $500,000 / 0.8 = $625,000 at any value of the common: $400,000 (all there is),
    // $550,000 (its cash-out and the next $50,000), $625,000 at $100M.
    let v = calc("safe-discount-only");
    let e = v["exits"].as_array().unwrap();
    assert_eq!(instrument(&e[0], "Angel")["decision"], "cash-out");
    assert_eq!(received(&e[0], "Angel"), Decimal::from(400_000));
    assert_eq!(instrument(&e[1], "Angel")["decision"], "converts");
    assert_eq!(received(&e[1], "Angel"), Decimal::from(550_000));
    assert_eq!(received(&e[1], "Founders"), Decimal::ZERO);
    let s = instrument(&e[2], "Angel");
    assert_eq!(amount(&s["conversion_amount"]), Decimal::from(625_000));
    assert_eq!(received(&e[2], "Angel"), Decimal::from(625_000));
    assert_eq!(received(&e[2], "Founders"), Decimal::from(99_375_000));
}
