//! Priced rounds: `price_round` on its own, and `Book::record_priced_round`.
//!
//! Public figures used here:
//! - xAI's Series B, announced 2024-05-26: $6B raised at an $18B pre-money valuation,
//!   $24B post-money (xAI blog post "Series B funding round", 2024-05-26, and press
//!   coverage of the round the same week). The share counts are NOT public: the
//!   1,200,000,000 pre-money fully diluted shares are illustrative.
//! - Y Combinator's "Post-Money Safe User Guide", its Series A example: the company
//!   raises $5m at a $15m pre-money valuation; "Series A Price per Share = pre-money
//!   valuation / (total fully diluted shares post safe conversion + option pool
//!   increase) = $15,000,000 / (11,764,705 + 1,695,000) = $1.1144".

mod common;

use chrono::NaiveDate;
use common::*;
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn series_b_date() -> NaiveDate {
    date(2024, 5, 26)
}

fn terms(pre_money: Decimal, investments: Vec<(StakeholderId, Decimal)>) -> PricedRound {
    PricedRound {
        name: "Series B".into(),
        date: series_b_date(),
        class: ClassId(1),
        pre_money: usd(pre_money),
        investments: investments
            .into_iter()
            .map(|(investor, a)| Investment {
                investor,
                amount: usd(a),
            })
            .collect(),
        lead: None,
        stated_post_money: None,
        stated_price: None,
        rounding: RoundingPolicy::default(),
        provenance: Provenance::Public,
        note: None,
    }
}

fn name(id: StakeholderId) -> String {
    format!("Investor {id}")
}

/// Every allocation buys floor(amount / price) shares and pays shares x price,
/// rounded half-up to cents (the policy's cash rule); the totals add up.
fn assert_allocations_consistent(o: &PricedRoundOutcome) {
    let price = o.price_per_share.amount;
    let mut shares = 0u64;
    let mut raised = Decimal::ZERO;
    let mut uninvested = Decimal::ZERO;
    for a in &o.allocations {
        let floor = (a.amount.amount / price).floor();
        assert_eq!(Decimal::from(a.shares), floor, "{}", a.name);
        assert_eq!(
            a.invested.amount,
            (Decimal::from(a.shares) * price)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            "{}",
            a.name
        );
        assert_eq!(
            a.uninvested.amount,
            a.amount.amount - a.invested.amount,
            "{}",
            a.name
        );
        assert!(
            a.uninvested.amount >= Decimal::ZERO && a.uninvested.amount < price,
            "{}",
            a.name
        );
        shares += a.shares;
        raised += a.amount.amount;
        uninvested += a.uninvested.amount;
    }
    assert_eq!(o.new_shares, shares);
    assert_eq!(o.amount_raised.amount, raised);
    assert_eq!(o.uninvested.amount, uninvested);
    assert_eq!(
        o.post_money.amount,
        o.pre_money.amount + o.amount_raised.amount
    );
    assert_eq!(o.post_money_fd_shares, o.pre_money_fd_shares + o.new_shares);
    assert_eq!(
        o.implied_post_money.amount,
        (price * Decimal::from(o.post_money_fd_shares))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    );
}

// ---- (a) xAI Series B, where nothing rounds ---------------------------------------

#[test]
fn xai_series_b_prices_at_fifteen_dollars() {
    let investors = StakeholderId(1);
    let mut t = terms(dec!(18000000000), vec![(investors, dec!(6000000000))]);
    t.stated_post_money = Some(usd(dec!(24000000000)));
    let o = price_round(&t, 1_200_000_000, name).unwrap();
    // $18,000,000,000 / 1,200,000,000 = $15 exactly, stated to the policy's 5 decimals.
    assert_eq!(o.exact_price, dec!(15));
    assert_eq!(o.price_per_share, usd(dec!(15)));
    assert_eq!(o.price_per_share.amount.to_string(), "15.00000");
    // $6B / $15 = 400,000,000 new shares: 25% of 1,600,000,000.
    assert_eq!(o.allocations.len(), 1);
    assert_eq!(o.allocations[0].shares, 400_000_000);
    assert_eq!(o.allocations[0].invested, usd(dec!(6000000000)));
    assert_eq!(o.new_shares, 400_000_000);
    assert_eq!(o.post_money, usd(dec!(24000000000)));
    assert_eq!(o.post_money_fd_shares, 1_600_000_000);
    assert_eq!(o.new_ownership_pct, dec!(25));
    assert_eq!(o.target_new_ownership_pct, dec!(25));
    assert_eq!(o.implied_post_money, usd(dec!(24000000000)));
    assert!(o.uninvested.amount.is_zero());
    assert!(!o.rounding_bites);
    assert_eq!(
        o.rounding_rule,
        "price up to 5 dp; shares floor; conversion floor; cash half-up to 2 dp; pool top-up ceiling"
    );
    assert_allocations_consistent(&o);
}

/// A book whose fully diluted count on the Series B date is 1,200,000,000
/// (illustrative): 1,000,000,000 common, 50,000,000 options, 150,000,000 in the pool.
struct XaiBook {
    book: Book,
    founder: StakeholderId,
    valor: StakeholderId,
    others: StakeholderId,
    series_b: ClassId,
}

fn xai_book() -> XaiBook {
    let mut book = Book::new(Company {
        name: "xAI".into(),
        legal_name: "X.AI Corp.".into(),
        founded: date(2023, 7, 12),
        currency: Currency::USD,
        jurisdiction: "Nevada".into(),
    })
    .unwrap();
    let mark = book.mark();
    let founder = person(&mut book, "Founders (illustrative)", Relationship::Founder);
    let staff = person(
        &mut book,
        "Employees (illustrative)",
        Relationship::Employee,
    );
    let valor = person(&mut book, "Valor Equity Partners", Relationship::Investor);
    let others = person(
        &mut book,
        "Other Series B investors",
        Relationship::Investor,
    );
    let safe_holder = person(
        &mut book,
        "SAFE holder (illustrative)",
        Relationship::Investor,
    );
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let series_b = book
        .add_class(preferred(
            "Series B Preferred",
            Some(400_000_000),
            dec!(15),
            Decimal::ONE,
        ))
        .unwrap();
    let plan = plan(
        &mut book,
        "2023 Plan",
        common,
        date(2023, 7, 12),
        200_000_000,
    );
    book.check(mark).unwrap();
    rec(
        &mut book,
        date(2023, 7, 12),
        issue(founder, common, 1_000_000_000),
    );
    rec(&mut book, date(2023, 9, 1), grant(staff, plan, 50_000_000));
    // A SAFE outstanding: not in FD, so it does not move the price.
    rec(
        &mut book,
        date(2024, 1, 10),
        Movement::ConvertibleIssuance {
            holder: safe_holder,
            terms: ConvertibleTerms::Safe {
                investment: usd(dec!(1000000)),
                timing: SafeTiming::PostMoney,
                valuation_cap: None,
                discount: None,
                mfn: false,
            },
        },
    );
    assert_eq!(
        table(&book, series_b_date()).totals.fully_diluted,
        1_200_000_000
    );
    XaiBook {
        book,
        founder,
        valor,
        others,
        series_b,
    }
}

fn xai_terms(x: &XaiBook) -> PricedRound {
    let mut t = terms(
        dec!(18000000000),
        vec![(x.valor, dec!(1500000000)), (x.others, dec!(4500000000))],
    );
    t.class = x.series_b;
    t.lead = Some(x.valor);
    t.stated_post_money = Some(usd(dec!(24000000000)));
    t
}

#[test]
fn recording_xai_series_b_issues_the_shares_and_marks_the_value() {
    let mut x = xai_book();
    let mark = x.book.mark();
    let o = x.book.record_priced_round(&xai_terms(&x)).unwrap();
    x.book.check(mark).unwrap();

    assert_eq!(o.pre_money_fd_shares, 1_200_000_000);
    assert_eq!(o.price_per_share, usd(dec!(15)));
    // The illustrative split: $1.5B and $4.5B at $15.
    let shares: Vec<_> = o
        .allocations
        .iter()
        .map(|a| (a.investor, a.shares))
        .collect();
    assert_eq!(
        shares,
        vec![(x.valor, 100_000_000), (x.others, 300_000_000)]
    );
    assert!(!o.rounding_bites);
    assert_eq!(o.allocations[0].name, "Valor Equity Partners");

    let added = x.book.added_since(mark);
    assert_eq!(added.rounds.len(), 1);
    let r = &added.rounds[0];
    assert_eq!(
        (r.id, r.pre_money_fd_shares, r.lead),
        (o.round, 1_200_000_000, Some(x.valor))
    );
    assert_eq!(
        (r.pre_money, r.amount_raised, r.post_money),
        (
            usd(dec!(18000000000)),
            usd(dec!(6000000000)),
            usd(dec!(24000000000))
        )
    );
    assert_eq!(r.price_per_share, usd(dec!(15)));
    assert_eq!(added.entries.len(), 2);
    for e in added.entries {
        assert_eq!(e.effective, series_b_date());
        match &e.movement {
            Movement::StockIssuance {
                class,
                price_per_share,
                round,
                ..
            } => {
                assert_eq!(
                    (*class, *price_per_share, *round),
                    (x.series_b, Some(usd(dec!(15))), Some(o.round))
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(added.valuations.len(), 1);
    let v = &added.valuations[0];
    assert_eq!(
        (v.kind, v.class, v.round),
        (ValuationKind::RoundMark, x.series_b, Some(o.round))
    );
    assert_eq!(
        (v.price_per_share, v.company_value),
        (usd(dec!(15)), Some(usd(dec!(24000000000))))
    );

    // The cap table: new investors hold exactly 25% of 1,600,000,000 FD.
    let before = table(&x.book, date(2024, 5, 25));
    assert_eq!(before.totals.fully_diluted, 1_200_000_000);
    let ct = table(&x.book, series_b_date());
    assert_eq!(ct.totals.fully_diluted, 1_600_000_000);
    let new_pct =
        holder_row(&ct, x.valor).fully_diluted_pct + holder_row(&ct, x.others).fully_diluted_pct;
    assert_eq!(new_pct, dec!(25));
    assert_eq!(holder_row(&ct, x.founder).fully_diluted_pct, dec!(62.5)); // 1.0B / 1.6B
    assert_eq!(class_row(&ct, x.series_b).fully_diluted_pct, dec!(25));
    assert_eq!(ct.convertibles.len(), 1, "the SAFE is still outstanding");
    assert_ties_out(&ct);
    assert_percentages_sum(&ct);
    assert_eq!(x.book.find_round("round", "series b").unwrap(), o.round);
}

#[test]
fn a_round_larger_than_the_class_authorises_is_refused_by_check() {
    let mut x = xai_book();
    let mut t = xai_terms(&x);
    // $6,000,000,015 buys 400,000,001 shares; 400,000,000 are authorised.
    t.investments[1].amount = usd(dec!(4500000015));
    t.stated_post_money = None;
    let mark = x.book.mark();
    x.book.record_priced_round(&t).unwrap();
    let err = x.book.check(mark).unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }), "{err:?}");
    assert_eq!(err.field(), Some("shares"));
}

#[test]
fn record_priced_round_refuses_bad_terms() {
    let x = xai_book();
    let attempt = |edit: &dyn Fn(&mut PricedRound)| -> LedgerError {
        let mut b = x.book.clone();
        let mut t = xai_terms(&x);
        edit(&mut t);
        b.record_priced_round(&t).unwrap_err()
    };
    assert_eq!(attempt(&|t| t.name = "  ".into()).field(), Some("name"));
    assert_eq!(
        attempt(&|t| t.date = date(2023, 7, 11)).field(),
        Some("date")
    );
    assert_eq!(
        attempt(&|t| t.pre_money = eur(dec!(18000000000))).field(),
        Some("pre_money")
    );
    assert_eq!(
        attempt(&|t| t.investments[0].amount = eur(dec!(1))).field(),
        Some("amount")
    );
    assert_eq!(
        attempt(&|t| t.investments[0].investor = StakeholderId(404)).field(),
        Some("investor")
    );
    assert_eq!(attempt(&|t| t.lead = Some(x.founder)).field(), Some("lead"));
    assert_eq!(attempt(&|t| t.class = ClassId(404)).field(), Some("class"));
    assert_eq!(
        attempt(&|t| t.stated_post_money = Some(usd(dec!(25000000000)))).field(),
        Some("post_money")
    );
    // A round name is used once.
    let mut b = x.book.clone();
    b.record_priced_round(&xai_terms(&x)).unwrap();
    let mut again = xai_terms(&x);
    again.name = "series b".into();
    let err = b.record_priced_round(&again).unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }));
    assert_eq!(err.field(), Some("name"));
}

#[test]
fn a_round_with_no_fully_diluted_shares_cannot_be_priced() {
    let mut book = new_book();
    let v = person(&mut book, "Vera", Relationship::Investor);
    let class = book
        .add_class(preferred("Seed", None, dec!(1), Decimal::ONE))
        .unwrap();
    let mut t = terms(dec!(1000000), vec![(v, dec!(100000))]);
    t.class = class;
    t.date = date(2020, 6, 1);
    let err = book.record_priced_round(&t).unwrap_err();
    assert_eq!(err.field(), Some("date"));
    assert!(
        book.rounds().is_empty() && book.entries().is_empty(),
        "nothing recorded"
    );
}

// ---- (b) the same round where rounding bites ---------------------------------------

#[test]
fn xai_series_b_on_an_awkward_share_count_rounds_the_price_up_and_the_shares_down() {
    let (a, b) = (StakeholderId(1), StakeholderId(2));
    let t = terms(
        dec!(18000000000),
        vec![(a, dec!(4000000000)), (b, dec!(2000000000))],
    );
    let o = price_round(&t, 1_000_000_007, name).unwrap();
    // 18,000,000,000 / 1,000,000,007 = 17.999999874000000882 -> up at 5 dp: 18.00000.
    assert!(
        o.exact_price > dec!(17.999999874) && o.exact_price < dec!(17.999999875),
        "{}",
        o.exact_price
    );
    assert_eq!(o.price_per_share, usd(dec!(18)));
    assert!(o.price_per_share.amount > o.exact_price);
    // 4,000,000,000 / 18 = 222,222,222.2 -> 222,222,222; 2,000,000,000 / 18 = 111,111,111.1 -> 111,111,111.
    let shares: Vec<_> = o.allocations.iter().map(|x| x.shares).collect();
    assert_eq!(shares, vec![222_222_222, 111_111_111]);
    assert_eq!(o.allocations[0].invested, usd(dec!(3999999996)));
    assert_eq!(o.allocations[1].invested, usd(dec!(1999999998)));
    assert_eq!(o.allocations[0].uninvested, usd(dec!(4)));
    assert_eq!(o.allocations[1].uninvested, usd(dec!(2)));
    assert_eq!(o.uninvested, usd(dec!(6)));
    assert!(o.uninvested.is_positive());
    // 333,333,333 / 1,333,333,340 = 24.99999985000000075% -> 24.9999998500 at 10 dp.
    assert_eq!(o.new_shares, 333_333_333);
    assert_eq!(o.post_money_fd_shares, 1_333_333_340);
    assert_eq!(o.new_ownership_pct, dec!(24.99999985));
    assert!(o.new_ownership_pct < dec!(25));
    assert_eq!(o.target_new_ownership_pct, dec!(25));
    // The post-money is still pre + raised; the price implies $120 more.
    assert_eq!(o.post_money, usd(dec!(24000000000)));
    assert_eq!(o.implied_post_money, usd(dec!(24000000120)));
    assert!(o.rounding_bites);
    assert_allocations_consistent(&o);
}

#[test]
fn rounding_bites_when_only_the_shares_round() {
    // $10 over 10 shares is exactly $1; $2.50 buys 2 shares and leaves $0.50.
    let t = terms(dec!(10), vec![(StakeholderId(1), dec!(2.50))]);
    let o = price_round(&t, 10, name).unwrap();
    assert_eq!(o.exact_price, o.price_per_share.amount);
    assert_eq!(o.allocations[0].shares, 2);
    assert_eq!(o.uninvested, usd(dec!(0.50)));
    assert!(o.rounding_bites);
    // The terms promise 2.5 / 12.5 = 20%; 2 shares of 12 give 16.67%.
    assert_eq!(o.target_new_ownership_pct, dec!(20));
    assert_eq!(o.new_ownership_pct, dec!(16.6666666667));
}

#[test]
fn share_rounding_rules_apply_per_investor() {
    let t = |rule| {
        let mut t = terms(
            dec!(10),
            vec![
                (StakeholderId(1), dec!(2.50)),
                (StakeholderId(2), dec!(3.40)),
            ],
        );
        t.rounding.shares = rule;
        price_round(&t, 10, name).unwrap()
    };
    let shares =
        |o: &PricedRoundOutcome| o.allocations.iter().map(|a| a.shares).collect::<Vec<_>>();
    assert_eq!(shares(&t(ShareRounding::Floor)), vec![2, 3]);
    assert_eq!(shares(&t(ShareRounding::Ceiling)), vec![3, 4]);
    assert_eq!(shares(&t(ShareRounding::Nearest)), vec![3, 3]);
    // Rounding up makes an investor pay more than they put in: shown as negative uninvested cash.
    assert_eq!(t(ShareRounding::Ceiling).uninvested, usd(dec!(-1.10)));
}

// ---- (c), (d) and other refusals -------------------------------------------------

#[test]
fn a_stated_post_money_must_be_pre_plus_raised() {
    let mut t = terms(
        dec!(18000000000),
        vec![(StakeholderId(1), dec!(6000000000))],
    );
    t.stated_post_money = Some(usd(dec!(24000000001)));
    let err = price_round(&t, 1_200_000_000, name).unwrap_err();
    assert_eq!(err.field(), Some("post_money"));
    t.stated_post_money = Some(usd(dec!(24000000000.00)));
    assert!(
        price_round(&t, 1_200_000_000, name).is_ok(),
        "24,000,000,000.00 is the same amount"
    );
}

#[test]
fn an_investment_that_buys_no_whole_share_is_refused() {
    let t = terms(
        dec!(18000000000),
        vec![
            (StakeholderId(1), dec!(6000000000)),
            (StakeholderId(2), dec!(14.99)),
        ],
    );
    let err = price_round(&t, 1_200_000_000, name).unwrap_err();
    assert_eq!(err.field(), Some("amount"));
    assert!(err.to_string().contains("Investor 2"), "{err}");
    let t = terms(dec!(18000000000), vec![(StakeholderId(2), dec!(15))]);
    assert_eq!(price_round(&t, 1_200_000_000, name).unwrap().new_shares, 1);
}

#[test]
fn price_round_refuses_bad_terms() {
    let ok = terms(dec!(1000), vec![(StakeholderId(1), dec!(100))]);
    let field = |edit: &dyn Fn(&mut PricedRound), fd: u64| {
        let mut t = ok.clone();
        edit(&mut t);
        price_round(&t, fd, name).unwrap_err().field()
    };
    assert_eq!(field(&|_| {}, 0), Some("date"));
    assert_eq!(
        field(&|t| t.pre_money = usd(dec!(0)), 100),
        Some("pre_money")
    );
    assert_eq!(
        field(&|t| t.pre_money = usd(dec!(-1)), 100),
        Some("pre_money")
    );
    assert_eq!(field(&|t| t.investments.clear(), 100), Some("investments"));
    assert_eq!(
        field(&|t| t.investments[0].amount = usd(dec!(0)), 100),
        Some("amount")
    );
    assert_eq!(
        field(&|t| t.investments.push(t.investments[0].clone()), 100),
        Some("investor")
    );
    assert_eq!(
        field(&|t| t.rounding.price_decimals = 11, 100),
        Some("price_decimals")
    );
    // $1,000 over 1,000,000 shares is $0.001: zero at 2 dp rounding down.
    let down = |t: &mut PricedRound| {
        t.rounding.price_decimals = 2;
        t.rounding.price_direction = PriceDirection::Down;
    };
    assert_eq!(field(&down, 1_000_000), Some("price_decimals"));
    assert_eq!(
        field(&|t| t.investments[0].amount = eur(dec!(100)), 100),
        Some("currency")
    );
}

#[test]
fn amounts_too_large_to_price_are_refused_not_a_panic() {
    // $1 over 10,000,000,000 shares is $0.0000000001 at 10 dp; $10^20 would buy 10^30
    // shares, more than a decimal holds.
    let mut t = terms(
        dec!(1),
        vec![(StakeholderId(1), dec!(100000000000000000000))],
    );
    t.rounding.price_decimals = 10;
    let err = price_round(&t, 10_000_000_000, name).unwrap_err();
    assert_eq!(err.field(), Some("amount"));
    // A pre-money FD count near u64::MAX plus the new shares would overflow the count.
    // ($10^12 over 1.8 x 10^19 shares rounds up to $1 at 0 dp; $10^19 buys 10^19 shares.)
    let mut t = terms(
        dec!(1000000000000),
        vec![(StakeholderId(1), dec!(10000000000000000000))],
    );
    t.rounding.price_decimals = 0;
    let err = price_round(&t, 18_000_000_000_000_000_000, name).unwrap_err();
    assert_eq!(err.field(), Some("amount"));
    // 10^27 raised at $10^9 a share (10^27 pre-money over 10^18 shares) buys 10^18
    // shares, but the ownership target (raised x 100 / post) overflows on the way.
    let big = dec!(1000000000000000000000000000);
    let t = terms(big, vec![(StakeholderId(1), big)]);
    let err = price_round(&t, 1_000_000_000_000_000_000, name).unwrap_err();
    assert_eq!(err.field(), Some("amount"));
}

// ---- (e) YC's post-money SAFE user guide -----------------------------------------

#[test]
fn yc_post_money_safe_guide_series_a_price() {
    // YC Post-Money SAFE User Guide, Series A example: $15,000,000 pre-money over
    // 11,764,705 + 1,695,000 = 13,459,705 fully diluted shares -> $1.1144 per share.
    let fd = 11_764_705 + 1_695_000;
    assert_eq!(fd, 13_459_705);
    let price_with = |direction| {
        let mut t = terms(dec!(15000000), vec![(StakeholderId(1), dec!(5000000))]);
        t.rounding = RoundingPolicy {
            price_decimals: 4,
            price_direction: direction,
            ..RoundingPolicy::default()
        };
        price_round(&t, fd, name).unwrap()
    };
    // Exactly 1.11443750067...
    let o = price_with(PriceDirection::HalfUp);
    assert!(
        o.exact_price > dec!(1.1144375) && o.exact_price < dec!(1.1144376),
        "{}",
        o.exact_price
    );
    assert_eq!(o.price_per_share, usd(dec!(1.1144)));
    assert_eq!(
        price_with(PriceDirection::Down).price_per_share,
        usd(dec!(1.1144))
    );
    assert_eq!(
        price_with(PriceDirection::HalfEven).price_per_share,
        usd(dec!(1.1144))
    );
    // The default direction rounds up: a different price.
    assert_eq!(
        price_with(PriceDirection::Up).price_per_share,
        usd(dec!(1.1145))
    );
    // $5,000,000 / $1.1144 = 4,486,719.30 -> 4,486,719 shares.
    assert_eq!(o.allocations[0].shares, 4_486_719);
    assert_allocations_consistent(&o);
}

// ---- (f) price directions ----------------------------------------------------------

#[test]
fn price_directions_on_a_tie() {
    // 1.234565 is exactly halfway between 1.23456 and 1.23457.
    let cases = [
        (PriceDirection::Up, dec!(1.23457)),
        (PriceDirection::Down, dec!(1.23456)),
        (PriceDirection::HalfUp, dec!(1.23457)),
        (PriceDirection::HalfEven, dec!(1.23456)),
    ];
    for (direction, expect) in cases {
        let policy = RoundingPolicy {
            price_direction: direction,
            ..RoundingPolicy::default()
        };
        assert_eq!(policy.round_price(dec!(1.234565)), expect, "{direction:?}");
        // The same through a round: $1,234,565 over 1,000,000 shares.
        let mut t = terms(dec!(1234565), vec![(StakeholderId(1), dec!(100))]);
        t.rounding = policy;
        let o = price_round(&t, 1_000_000, name).unwrap();
        assert_eq!(o.exact_price, dec!(1.234565));
        assert_eq!(o.price_per_share, usd(expect), "{direction:?}");
        assert!(o.rounding_bites);
    }
}

#[test]
fn price_directions_off_a_tie() {
    let at = |direction, x: Decimal| {
        RoundingPolicy {
            price_direction: direction,
            ..RoundingPolicy::default()
        }
        .round_price(x)
    };
    // Just above the tie: nearest goes up for both half rules.
    assert_eq!(
        at(PriceDirection::HalfEven, dec!(1.2345650001)),
        dec!(1.23457)
    );
    assert_eq!(
        at(PriceDirection::HalfUp, dec!(1.2345649999)),
        dec!(1.23456)
    );
    assert_eq!(at(PriceDirection::Down, dec!(1.2345699999)), dec!(1.23456));
    assert_eq!(at(PriceDirection::Up, dec!(1.2345600001)), dec!(1.23457));
    // An exact 5-dp price is left alone by every rule.
    for d in [
        PriceDirection::Up,
        PriceDirection::Down,
        PriceDirection::HalfUp,
        PriceDirection::HalfEven,
    ] {
        assert_eq!(at(d, dec!(1.23456)), dec!(1.23456), "{d:?}");
        assert_eq!(at(d, dec!(15)), dec!(15), "{d:?}");
    }
    // Ties on an odd last digit: half-even goes up to the even digit.
    assert_eq!(at(PriceDirection::HalfEven, dec!(1.234575)), dec!(1.23458));
    let policy = RoundingPolicy {
        price_decimals: 11,
        ..RoundingPolicy::default()
    };
    assert_eq!(
        policy.validate().unwrap_err().field(),
        Some("price_decimals")
    );
}

#[test]
fn the_outcome_serialises_prices_as_strings() {
    let t = terms(
        dec!(18000000000),
        vec![(StakeholderId(1), dec!(6000000000))],
    );
    let o = price_round(&t, 1_200_000_000, name).unwrap();
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["price_per_share"]["currency"], "USD");
    let pct: Decimal = json["new_ownership_pct"].as_str().unwrap().parse().unwrap();
    assert_eq!(pct, dec!(25));
    let price: Decimal = json["price_per_share"]["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(price, dec!(15));
    assert_eq!(json["rounding"]["price_direction"], "up");
    assert_eq!(json["rounding_bites"], false);
}

/// The rounds that stand: xAI's Series B (public: $6B raised) is the last round and all that
/// was raised; once both of its issuances are reversed it raised nothing, and a rescission
/// dated later leaves it standing until that date.
#[test]
fn a_round_whose_issuances_are_all_reversed_is_not_the_last_round() {
    let mut x = xai_book();
    let o = x.book.record_priced_round(&xai_terms(&x)).unwrap();
    let day = series_b_date();
    assert_eq!(x.book.last_round(day).map(|r| r.id), Some(o.round));
    assert_eq!(x.book.total_raised(day).unwrap(), usd(dec!(6000000000)));
    assert!(x.book.last_round(day.pred_opt().unwrap()).is_none());

    let issuances: Vec<EntryId> = x
        .book
        .entries()
        .iter()
        .filter(|e| matches!(e.movement, Movement::StockIssuance { round: Some(r), .. } if r == o.round))
        .map(|e| e.id)
        .collect();
    assert_eq!(issuances.len(), 2, "one issuance per investor");
    // The first investor's shares are rescinded a month later: the round still stands.
    let later = date(2024, 6, 26);
    rec(&mut x.book, later, reversal(issuances[0]));
    assert!(x.book.round_stands(o.round, later));
    // The second's on the same day: from then on the round raised nothing.
    rec(&mut x.book, later, reversal(issuances[1]));
    assert!(
        x.book.round_stands(o.round, day),
        "before the rescission it stood"
    );
    assert!(!x.book.round_stands(o.round, later));
    assert!(x.book.last_round(later).is_none());
    assert_eq!(x.book.total_raised(later).unwrap(), usd(dec!(0)));
    assert_eq!(x.book.standing_rounds(day).len(), 1);
}
