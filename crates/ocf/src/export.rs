//! Book -> OCF package. The book keeps fungible holdings per holder and class; OCF
//! keeps securities. Each issuance becomes a security, and a movement out of a
//! holding takes its shares from the holder's securities first in, first out: each
//! security touched gets its own OCF transaction, with a resulting security for what
//! moved and a balance security for what stayed, each issued by its own
//! TX_STOCK_ISSUANCE, as OCF requires. Importing the package replays the same
//! movements, so the cap table is the same (tested on the xAI example).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use roundbook_ledger::{
    AntiDilution, Book, ClassId, ClassKind, Compounding, ConvertibleTerms, DayCount, Entry,
    EntryId, Money, Movement, Participation, PlanId, Provenance, Relationship, RoundId, SafeTiming,
    StakeholderId, ValuationKind,
};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::error::{OcfError, OcfErrorKind, Result};
use crate::marks::mark;
use crate::package::{FileType, Package, OCF_VERSION};

/// About 12 MiB of pretty JSON per file, far under `Limits::max_file_bytes`.
pub const TRANSACTIONS_PER_FILE: usize = 20_000;

#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Export the entries effective on or before this date; all of them when None.
    pub as_of: Option<NaiveDate>,
    /// The manifest's `generated_at`; the caller reads the clock.
    pub generated_at: DateTime<Utc>,
    /// ISO 3166-1 alpha-2 country of formation. When None it is read from the book's
    /// jurisdiction ("Nevada, United States" gives US and NV).
    pub country_of_formation: Option<String>,
    pub country_subdivision_of_formation: Option<String>,
    /// Each entry's hash in the journal's chain (the store's), carried in its transactions'
    /// comments as `roundbook: chain_hash=...`.
    pub chain: BTreeMap<EntryId, String>,
}

impl ExportOptions {
    pub fn new(generated_at: DateTime<Utc>) -> Self {
        ExportOptions {
            as_of: None,
            generated_at,
            country_of_formation: None,
            country_subdivision_of_formation: None,
            chain: BTreeMap::new(),
        }
    }
}

fn err(what: &str, message: impl Into<String>) -> OcfError {
    OcfError::new(OcfErrorKind::Unsupported, "the book", message).in_object(what)
}

/// An error at one of the book's journal entries, named `entry #id`.
fn entry_err(e: &Entry, message: impl Into<String>) -> OcfError {
    err(&format!("entry #{}", e.id), message)
}

pub fn export_package(book: &Book, options: &ExportOptions) -> Result<Package> {
    let entries: Vec<&Entry> = effective_order(book, options.as_of);
    let as_of = options
        .as_of
        .or_else(|| entries.iter().map(|e| e.effective).max())
        .unwrap_or(book.company.founded);
    let manifest = manifest(book, options, as_of)?;
    let mut x = Exporter::new(book, &options.chain);
    let transactions = x.transactions(&entries)?;
    let mut files = vec![
        (
            FileType::Stakeholders,
            file(FileType::Stakeholders, stakeholders(book)),
        ),
        (
            FileType::StockClasses,
            file(FileType::StockClasses, classes(book)?),
        ),
        (FileType::StockPlans, file(FileType::StockPlans, x.plans())),
        (
            FileType::Valuations,
            file(FileType::Valuations, valuations(book, as_of)),
        ),
        (
            FileType::Financings,
            file(FileType::Financings, x.financings()),
        ),
    ];
    // Several files keep each under the reader's per-file bound for a long journal
    // (OCF lists transaction files in order, oldest first).
    let mut rest = transactions;
    loop {
        let tail = rest.split_off(rest.len().min(TRANSACTIONS_PER_FILE));
        files.push((FileType::Transactions, file(FileType::Transactions, rest)));
        if tail.is_empty() {
            break;
        }
        rest = tail;
    }
    Ok(Package::assemble(manifest, files))
}

fn file(t: FileType, items: Vec<Value>) -> Value {
    json!({ "file_type": t.file_type(), "items": items })
}

/// Entries effective by `as_of`, by date then recording order, less each entry reversed
/// on its own date together with its reversal: "as if it never happened" in OCF too.
fn effective_order(book: &Book, as_of: Option<NaiveDate>) -> Vec<&Entry> {
    let mut gone = HashSet::new();
    for e in book.entries() {
        if let Movement::Reversal { reverses, .. } = e.movement {
            if book
                .entry(reverses)
                .is_some_and(|r| r.effective == e.effective)
            {
                gone.insert(reverses);
                gone.insert(e.id);
            }
        }
    }
    let mut out: Vec<&Entry> = book
        .entries()
        .iter()
        .filter(|e| as_of.is_none_or(|d| e.effective <= d) && !gone.contains(&e.id))
        .collect();
    out.sort_by_key(|e| e.effective);
    out
}

fn manifest(book: &Book, o: &ExportOptions, as_of: NaiveDate) -> Result<Map<String, Value>> {
    let (country, subdivision) = match &o.country_of_formation {
        Some(c) => (c.clone(), o.country_subdivision_of_formation.clone()),
        None => country_of(&book.company.jurisdiction).ok_or_else(|| {
            OcfError::new(
                OcfErrorKind::Invalid,
                "the book",
                format!(
                    "cannot tell the ISO country code of '{}'; give the country of formation",
                    book.company.jurisdiction
                ),
            )
            .at_field("jurisdiction")
        })?,
    };
    let mut issuer = json!({
        "object_type": "ISSUER",
        "id": "issuer",
        "legal_name": book.company.legal_name,
        "formation_date": book.company.founded.to_string(),
        "country_of_formation": country,
    });
    if book.company.name != book.company.legal_name {
        issuer["dba"] = json!(book.company.name);
    }
    if let Some(s) = subdivision {
        issuer["country_subdivision_of_formation"] = json!(s);
    }
    let mut m = Map::new();
    m.insert("ocf_version".into(), json!(OCF_VERSION));
    m.insert("file_type".into(), json!("OCF_MANIFEST_FILE"));
    m.insert("issuer".into(), issuer);
    m.insert("as_of".into(), json!(as_of.to_string()));
    m.insert(
        "generated_at".into(),
        json!(o.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    m.insert(
        "comments".into(),
        json!([format!(
            "Exported by Roundbook from the book of {}.",
            book.company.name
        )]),
    );
    Ok(m)
}

/// "Nevada, United States" -> (US, NV); a bare two-letter code is taken as it is.
fn country_of(jurisdiction: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = jurisdiction.split(',').map(str::trim).collect();
    let country = *parts.last()?;
    let code = match country {
        "United States" | "United States of America" | "USA" | "US" => "US",
        c if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => c,
        _ => return None,
    };
    let sub = parts
        .first()
        .filter(|_| parts.len() > 1)
        .and_then(|s| us_state(s).or(Some(*s).filter(|s| s.len() == 2)))
        .map(str::to_string);
    Some((code.to_string(), sub))
}

fn us_state(name: &str) -> Option<&'static str> {
    const STATES: [(&str, &str); 51] = [
        ("Alabama", "AL"),
        ("Alaska", "AK"),
        ("Arizona", "AZ"),
        ("Arkansas", "AR"),
        ("California", "CA"),
        ("Colorado", "CO"),
        ("Connecticut", "CT"),
        ("Delaware", "DE"),
        ("District of Columbia", "DC"),
        ("Florida", "FL"),
        ("Georgia", "GA"),
        ("Hawaii", "HI"),
        ("Idaho", "ID"),
        ("Illinois", "IL"),
        ("Indiana", "IN"),
        ("Iowa", "IA"),
        ("Kansas", "KS"),
        ("Kentucky", "KY"),
        ("Louisiana", "LA"),
        ("Maine", "ME"),
        ("Maryland", "MD"),
        ("Massachusetts", "MA"),
        ("Michigan", "MI"),
        ("Minnesota", "MN"),
        ("Mississippi", "MS"),
        ("Missouri", "MO"),
        ("Montana", "MT"),
        ("Nebraska", "NE"),
        ("Nevada", "NV"),
        ("New Hampshire", "NH"),
        ("New Jersey", "NJ"),
        ("New Mexico", "NM"),
        ("New York", "NY"),
        ("North Carolina", "NC"),
        ("North Dakota", "ND"),
        ("Ohio", "OH"),
        ("Oklahoma", "OK"),
        ("Oregon", "OR"),
        ("Pennsylvania", "PA"),
        ("Rhode Island", "RI"),
        ("South Carolina", "SC"),
        ("South Dakota", "SD"),
        ("Tennessee", "TN"),
        ("Texas", "TX"),
        ("Utah", "UT"),
        ("Vermont", "VT"),
        ("Virginia", "VA"),
        ("Washington", "WA"),
        ("West Virginia", "WV"),
        ("Wisconsin", "WI"),
        ("Wyoming", "WY"),
    ];
    STATES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| *c)
}

fn provenance_comments(p: Provenance) -> Vec<Value> {
    match p {
        Provenance::Recorded => vec![],
        p => vec![mark("provenance", p.name())],
    }
}

fn money(m: &Money) -> Value {
    json!({ "amount": numeric(m.amount), "currency": m.currency.as_str() })
}

/// A decimal as OCF's Numeric: no exponent, the book's own scale ("15.00000" stays so),
/// and at most ten places: OCF holds no more, so a longer price is rounded half-even.
fn numeric(d: Decimal) -> String {
    if d.scale() > 10 {
        d.round_dp_with_strategy(10, rust_decimal::RoundingStrategy::MidpointNearestEven)
            .to_string()
    } else {
        d.to_string()
    }
}

fn ratio(d: Decimal) -> Value {
    let d = d.normalize();
    let den = Decimal::from_i128_with_scale(10i128.pow(d.scale()), 0);
    let num = Decimal::from_i128_with_scale(d.mantissa(), 0);
    json!({ "numerator": num.to_string(), "denominator": den.to_string() })
}

fn stakeholder_id(id: StakeholderId) -> String {
    format!("stakeholder-{id}")
}
fn class_id(id: ClassId) -> String {
    format!("class-{id}")
}
fn plan_id(id: PlanId) -> String {
    format!("plan-{id}")
}

fn stakeholders(book: &Book) -> Vec<Value> {
    book.stakeholders()
        .iter()
        .map(|s| {
            let mut comments = provenance_comments(s.provenance);
            if s.relationships.len() > 1 {
                let names: Vec<&str> = s.relationships.iter().map(|r| r.name()).collect();
                comments.push(mark("relationships", &names.join(",")));
            }
            if let Some(n) = &s.note {
                comments.push(mark("note", n));
            }
            let mut v = json!({
                "object_type": "STAKEHOLDER",
                "id": stakeholder_id(s.id),
                "name": { "legal_name": s.name },
                "stakeholder_type": match s.kind {
                    roundbook_ledger::StakeholderKind::Individual => "INDIVIDUAL",
                    roundbook_ledger::StakeholderKind::Institution => "INSTITUTION",
                },
                "comments": comments,
            });
            if let Some(r) = s.relationships.first() {
                v["current_relationship"] = json!(match r {
                    Relationship::Founder => "FOUNDER",
                    Relationship::Employee => "EMPLOYEE",
                    Relationship::Investor => "INVESTOR",
                    Relationship::Advisor => "ADVISOR",
                    Relationship::Board => "BOARD_MEMBER",
                });
            }
            v
        })
        .collect()
}

fn classes(book: &Book) -> Result<Vec<Value>> {
    let common = book.classes().iter().find(|c| c.kind == ClassKind::Common);
    let mut out = Vec::new();
    for c in book.classes() {
        let mut comments = provenance_comments(c.provenance);
        if c.anti_dilution != AntiDilution::None {
            comments.push(mark("anti_dilution", c.anti_dilution.name()));
        }
        let mut v = json!({
            "object_type": "STOCK_CLASS",
            "id": class_id(c.id),
            "name": c.name,
            "class_type": match c.kind { ClassKind::Common => "COMMON", ClassKind::Preferred => "PREFERRED" },
            "default_id_prefix": prefix(&c.name),
            "initial_shares_authorized": c.authorized.map_or("UNLIMITED".to_string(), |a| a.to_string()),
            // The book does not track votes; one per share is the usual charter and is
            // what OCF's schema asks to be stated.
            "votes_per_share": "1",
            "seniority": c.seniority.to_string(),
            "liquidation_preference_multiple": numeric(c.preference_multiple),
            "conversion_rights": [],
        });
        if let Some(p) = &c.original_issue_price {
            v["price_per_share"] = money(p);
        }
        match c.participation {
            Participation::None => {}
            Participation::Full => comments.push(mark("participation", "full")),
            Participation::Capped { cap_multiple } => {
                v["participation_cap_multiple"] = json!(numeric(cap_multiple));
            }
        }
        if c.kind == ClassKind::Preferred {
            let target = common.ok_or_else(|| {
                err(
                    &c.name,
                    "a preferred class needs a common class to convert into",
                )
            })?;
            let price = c.original_issue_price.map_or(Decimal::ZERO, |p| p.amount);
            v["conversion_rights"] = json!([{
                "type": "STOCK_CLASS_CONVERSION_RIGHT",
                "conversion_mechanism": ratio_mechanism(price, c.conversion_ratio, book),
                "converts_to_stock_class_id": class_id(target.id),
            }]);
        }
        v["comments"] = json!(comments);
        out.push(v);
    }
    Ok(out)
}

fn ratio_mechanism(issue_price: Decimal, r: Decimal, book: &Book) -> Value {
    let conversion_price = issue_price.checked_div(r).unwrap_or(Decimal::ZERO);
    json!({
        "type": "RATIO_CONVERSION",
        "conversion_price": money(&Money::new(conversion_price, book.company.currency)),
        "ratio": ratio(r),
        "rounding_type": "NORMAL",
    })
}

fn prefix(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    format!(
        "{}-",
        if initials.is_empty() {
            "S".into()
        } else {
            initials
        }
    )
}

fn valuations(book: &Book, as_of: NaiveDate) -> Vec<Value> {
    // OCF 1.2.0 knows 409A valuations only; a round's mark is its issuances' price.
    book.valuations()
        .iter()
        .filter(|v| v.kind == ValuationKind::FourOhNineA && v.effective <= as_of)
        .map(|v| {
            let mut o = json!({
                "object_type": "VALUATION",
                "id": format!("valuation-{}", v.id),
                "price_per_share": money(&v.price_per_share),
                "effective_date": v.effective.to_string(),
                "valuation_type": "409A",
                "stock_class_id": class_id(v.class),
                "comments": provenance_comments(v.provenance),
            });
            if let Some(p) = &v.provider {
                o["provider"] = json!(p);
            }
            o
        })
        .collect()
}

/// A security the exporter has issued: its id and what is on it.
#[derive(Debug, Clone)]
struct Lot {
    security: String,
    quantity: u64,
}

struct Exporter<'a> {
    book: &'a Book,
    chain: &'a BTreeMap<EntryId, String>,
    /// (holder, class) -> stock securities, oldest first.
    lots: HashMap<(StakeholderId, ClassId), VecDeque<Lot>>,
    /// option grant -> its current security and the options on it.
    grants: HashMap<EntryId, Lot>,
    /// convertible -> (security, trigger id)
    convertibles: HashMap<EntryId, (String, String)>,
    /// plan -> shares reserved at adoption (its initial reserve) and so far.
    reserved: BTreeMap<PlanId, (u64, u64)>,
    /// round -> the issuance transactions of its investors.
    round_issuances: BTreeMap<RoundId, Vec<String>>,
    securities: usize,
    /// The transactions so far, in order.
    out: Vec<Value>,
}

impl<'a> Exporter<'a> {
    fn new(book: &'a Book, chain: &'a BTreeMap<EntryId, String>) -> Self {
        Exporter {
            book,
            chain,
            lots: HashMap::new(),
            grants: HashMap::new(),
            convertibles: HashMap::new(),
            reserved: BTreeMap::new(),
            round_issuances: BTreeMap::new(),
            securities: 0,
            out: Vec::new(),
        }
    }

    fn next_security(&mut self) -> String {
        self.securities += 1;
        format!("security-{}", self.securities)
    }

    fn plans(&self) -> Vec<Value> {
        self.book
            .plans()
            .iter()
            .map(|p| {
                let initial = self.reserved.get(&p.id).map_or(0, |r| r.0);
                json!({
                    "object_type": "STOCK_PLAN",
                    "id": plan_id(p.id),
                    "plan_name": p.name,
                    "board_approval_date": p.adopted.to_string(),
                    "initial_shares_reserved": initial.to_string(),
                    "default_cancellation_behavior": "RETURN_TO_POOL",
                    "stock_class_ids": [class_id(p.class)],
                    "comments": provenance_comments(p.provenance),
                })
            })
            .collect()
    }

    fn financings(&self) -> Vec<Value> {
        self.book
            .rounds()
            .iter()
            .filter_map(|r| {
                let ids = self.round_issuances.get(&r.id)?;
                let mut comments = vec![json!(format!(
                    "Pre-money {}, raised {}, post-money {}, price per share {}.",
                    r.pre_money, r.amount_raised, r.post_money, r.price_per_share
                ))];
                comments.extend(provenance_comments(r.provenance));
                Some(json!({
                    "object_type": "FINANCING",
                    "id": format!("round-{}", r.id),
                    "name": r.name,
                    "issuance_ids": ids,
                    "date": r.date.to_string(),
                    "comments": comments,
                }))
            })
            .collect()
    }

    fn transactions(&mut self, entries: &[&Entry]) -> Result<Vec<Value>> {
        for e in entries {
            self.entry(e)?;
        }
        Ok(std::mem::take(&mut self.out))
    }

    fn base(&self, e: &Entry, kind: &str, n: usize) -> Value {
        let mut comments = provenance_comments(e.provenance);
        if let Some(m) = &e.memo {
            comments.push(mark("memo", m));
        }
        if let Some(h) = self.chain.get(&e.id) {
            comments.push(mark("chain_hash", h));
        }
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        json!({
            "object_type": kind,
            "id": format!("entry-{}{suffix}", e.id),
            "date": e.effective.to_string(),
            "comments": comments,
        })
    }

    fn stock_issuance(
        &mut self,
        e: &Entry,
        n: usize,
        holder: StakeholderId,
        class: ClassId,
        quantity: u64,
        price: Option<Money>,
    ) -> (String, Value) {
        let security = self.next_security();
        let mut v = self.base(e, "TX_STOCK_ISSUANCE", n);
        let price = price.unwrap_or_else(|| Money::zero(self.book.company.currency));
        let fields = json!({
            "security_id": security,
            "custom_id": security,
            "stakeholder_id": stakeholder_id(holder),
            "stock_class_id": class_id(class),
            "share_price": money(&price),
            "quantity": quantity.to_string(),
            "security_law_exemptions": [],
            "stock_legend_ids": [],
        });
        merge(&mut v, fields);
        self.lots
            .entry((holder, class))
            .or_default()
            .push_back(Lot {
                security: security.clone(),
                quantity,
            });
        (security, v)
    }

    /// Takes `shares` from a holding's securities, oldest first: (security, taken, left).
    fn take(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
    ) -> Result<Vec<(String, u64, u64)>> {
        let lots = self.lots.entry((holder, class)).or_default();
        let mut out = Vec::new();
        let mut need = shares;
        while need > 0 {
            let lot = lots.pop_front().ok_or_else(|| {
                entry_err(e, "moves more shares than the holder's securities hold")
            })?;
            let taken = lot.quantity.min(need);
            need -= taken;
            out.push((lot.security, taken, lot.quantity - taken));
        }
        Ok(out)
    }

    /// The balance security of a partial movement, issued to the holder and kept first in line.
    fn balance(
        &mut self,
        e: &Entry,
        n: usize,
        holder: StakeholderId,
        class: ClassId,
        left: u64,
    ) -> Option<String> {
        if left == 0 {
            return None;
        }
        let (sec, v) = self.stock_issuance(e, n, holder, class, left, None);
        // The balance stays the oldest of the holding, where its shares were.
        if let Some(lots) = self.lots.get_mut(&(holder, class)) {
            if let Some(last) = lots.pop_back() {
                lots.push_front(last);
            }
        }
        self.out.push(v);
        Some(sec)
    }

    /// The `kind` transaction, with `fields`, of shares moved out of the `n`th security a
    /// movement takes from `holding`, after the balance security for the `left` that stay.
    fn out_of_security(
        &mut self,
        e: &Entry,
        n: usize,
        kind: &str,
        holding: (StakeholderId, ClassId),
        left: u64,
        fields: Value,
    ) {
        let (holder, class) = holding;
        let balance = self.balance(e, n * 10 + 2, holder, class, left);
        let mut v = self.base(e, kind, n * 10);
        merge(&mut v, fields);
        if let Some(b) = balance {
            v["balance_security_id"] = json!(b);
        }
        self.out.push(v);
    }

    /// One journal entry's OCF transactions: each kind of movement has its own function.
    fn entry(&mut self, e: &Entry) -> Result<()> {
        match &e.movement {
            Movement::StockIssuance {
                holder,
                class,
                shares,
                price_per_share,
                round,
            } => self.issuance(e, *holder, *class, *shares, *price_per_share, *round),
            Movement::Transfer {
                from,
                to,
                class,
                shares,
                price_per_share,
            } => self.transfer(e, *from, *to, *class, *shares, *price_per_share)?,
            Movement::StockCancellation {
                holder,
                class,
                shares,
            } => self.stock_cancellation(e, *holder, *class, *shares)?,
            Movement::Repurchase {
                holder,
                class,
                shares,
                price_per_share,
            } => self.repurchase(e, *holder, *class, *shares, price_per_share)?,
            Movement::StockConversion {
                holder,
                from_class,
                shares,
                to_class,
                resulting_shares,
            } => self.stock_conversion(
                e,
                *holder,
                *from_class,
                *shares,
                *to_class,
                *resulting_shares,
            )?,
            Movement::OptionGrant {
                holder,
                plan,
                options,
                exercise_price,
                expires,
            } => self.option_grant(e, *holder, *plan, *options, exercise_price, *expires),
            Movement::Exercise { grant, options } => self.exercise(e, *grant, *options)?,
            Movement::OptionCancellation { grant, options } => {
                self.option_cancellation(e, *grant, *options)?
            }
            Movement::PoolIncrease { plan, shares } => self.pool_increase(e, *plan, *shares),
            Movement::ConvertibleIssuance { holder, terms } => {
                self.convertible_issuance(e, *holder, terms)
            }
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            } => self.convertible_conversion(e, *instrument, *class, *shares)?,
            Movement::ConversionRatioAdjustment {
                class,
                new_ratio,
                reason,
            } => self.conversion_ratio_adjustment(e, *class, *new_ratio, reason)?,
            Movement::StockSplit {
                class,
                numerator,
                denominator,
                ..
            } => self.stock_split(e, *class, *numerator, *denominator)?,
            Movement::AuthorizedSharesAdjustment { class, authorized } => {
                self.authorized_shares_adjustment(e, *class, *authorized)
            }
            Movement::Reversal { reverses, reason } => self.reversal(e, *reverses, reason)?,
        }
        Ok(())
    }

    /// A new security for the holder; a round's issuance is listed in its financing.
    fn issuance(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
        price: Option<Money>,
        round: Option<RoundId>,
    ) {
        let (_, v) = self.stock_issuance(e, 0, holder, class, shares, price);
        if let Some(r) = round {
            self.round_issuances
                .entry(r)
                .or_default()
                .push(v["id"].as_str().unwrap_or_default().to_string());
        }
        self.out.push(v);
    }

    /// For each security the shares come from: the transfer, a balance security for what
    /// stays, and a new security of the buyer for what moved.
    fn transfer(
        &mut self,
        e: &Entry,
        from: StakeholderId,
        to: StakeholderId,
        class: ClassId,
        shares: u64,
        price: Option<Money>,
    ) -> Result<()> {
        let mut n = 0;
        for (sec, taken, left) in self.take(e, from, class, shares)? {
            n += 1;
            let (resulting, issued) = self.stock_issuance(e, n * 10 + 1, to, class, taken, price);
            let fields = json!({ "security_id": sec, "quantity": taken.to_string(), "resulting_security_ids": [resulting] });
            self.out_of_security(e, n, "TX_STOCK_TRANSFER", (from, class), left, fields);
            self.out.push(issued);
        }
        Ok(())
    }

    fn stock_cancellation(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
    ) -> Result<()> {
        let reason = json!({ "reason_text": e.memo.clone().unwrap_or_else(|| "Cancelled".into()) });
        self.shares_out(e, holder, class, shares, "TX_STOCK_CANCELLATION", &reason)
    }

    fn repurchase(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
        price: &Money,
    ) -> Result<()> {
        let price = json!({ "price": money(price) });
        self.shares_out(e, holder, class, shares, "TX_STOCK_REPURCHASE", &price)
    }

    /// Shares that leave a holding (cancelled or bought back): a `kind` transaction, with
    /// `fields` added, for each security they come from, and a balance security for what stays.
    fn shares_out(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
        kind: &str,
        fields: &Value,
    ) -> Result<()> {
        let mut n = 0;
        for (sec, taken, left) in self.take(e, holder, class, shares)? {
            n += 1;
            let mut f = json!({ "security_id": sec, "quantity": taken.to_string() });
            merge(&mut f, fields.clone());
            self.out_of_security(e, n, kind, (holder, class), left, f);
        }
        Ok(())
    }

    /// For each security the shares come from: the conversion, a balance security for what
    /// stays, and a security of the new class for its share of the resulting shares.
    fn stock_conversion(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        from_class: ClassId,
        shares: u64,
        to_class: ClassId,
        resulting_shares: u64,
    ) -> Result<()> {
        let taken = self.take(e, holder, from_class, shares)?;
        let count = taken.len();
        let mut given = 0u64;
        for (k, (sec, q, left)) in taken.into_iter().enumerate() {
            let n = k + 1;
            // Each security converts its share of the result; the last takes the rest,
            // so the total is the entry's exactly.
            let part = if n == count {
                resulting_shares - given
            } else {
                u64::try_from(u128::from(resulting_shares) * u128::from(q) / u128::from(shares))
                    .unwrap_or(0)
            };
            if part == 0 {
                return Err(entry_err(e, "a conversion spread over several securities leaves one of them converting into no share"));
            }
            given += part;
            let (resulting, issued) =
                self.stock_issuance(e, n * 10 + 1, holder, to_class, part, None);
            let fields = json!({ "security_id": sec, "quantity_converted": q.to_string(), "resulting_security_ids": [resulting] });
            self.out_of_security(
                e,
                n,
                "TX_STOCK_CONVERSION",
                (holder, from_class),
                left,
                fields,
            );
            self.out.push(issued);
        }
        Ok(())
    }

    fn option_grant(
        &mut self,
        e: &Entry,
        holder: StakeholderId,
        plan: PlanId,
        options: u64,
        exercise_price: &Money,
        expires: Option<NaiveDate>,
    ) {
        let security = self.next_security();
        let v = self.grant_issuance(
            e,
            0,
            &security,
            holder,
            plan,
            options,
            exercise_price,
            expires,
        );
        self.out.push(v);
        self.grants.insert(
            e.id,
            Lot {
                security,
                quantity: options,
            },
        );
    }

    /// The exercise, and the stock security it results in; the grant keeps what is left.
    fn exercise(&mut self, e: &Entry, grant: EntryId, options: u64) -> Result<()> {
        let book = self.book;
        let (holder, plan, price) = grant_terms(book, grant)
            .ok_or_else(|| entry_err(e, "exercises an entry that is not an option grant"))?;
        let class = book
            .plan(plan)
            .map(|p| p.class)
            .ok_or_else(|| entry_err(e, "its plan is missing"))?;
        let lot = self
            .grants
            .get(&grant)
            .cloned()
            .ok_or_else(|| entry_err(e, "exercises a grant not exported"))?;
        let (resulting, issued) = self.stock_issuance(e, 1, holder, class, options, Some(price));
        let mut v = self.base(e, "TX_EQUITY_COMPENSATION_EXERCISE", 0);
        merge(
            &mut v,
            json!({ "security_id": lot.security, "quantity": options.to_string(), "resulting_security_ids": [resulting] }),
        );
        self.out.push(v);
        self.out.push(issued);
        if let Some(l) = self.grants.get_mut(&grant) {
            l.quantity -= options;
        }
        Ok(())
    }

    /// The cancellation, and a new grant security for the options left, if any.
    fn option_cancellation(&mut self, e: &Entry, grant: EntryId, options: u64) -> Result<()> {
        let Some(Movement::OptionGrant {
            holder,
            plan,
            exercise_price,
            expires,
            ..
        }) = self.book.entry(grant).map(|g| g.movement.clone())
        else {
            return Err(entry_err(e, "cancels an entry that is not an option grant"));
        };
        let lot = self
            .grants
            .get(&grant)
            .cloned()
            .ok_or_else(|| entry_err(e, "cancels a grant not exported"))?;
        let left = lot
            .quantity
            .checked_sub(options)
            .ok_or_else(|| entry_err(e, "cancels more options than the grant has"))?;
        let mut v = self.base(e, "TX_EQUITY_COMPENSATION_CANCELLATION", 0);
        merge(
            &mut v,
            json!({ "security_id": lot.security, "quantity": options.to_string(), "reason_text": e.memo.clone().unwrap_or_else(|| "Cancelled".into()) }),
        );
        if left > 0 {
            let security = self.next_security();
            v["balance_security_id"] = json!(security);
            self.out.push(v);
            let balance = self.grant_issuance(
                e,
                2,
                &security,
                holder,
                plan,
                left,
                &exercise_price,
                expires,
            );
            self.out.push(balance);
            self.grants.insert(
                grant,
                Lot {
                    security,
                    quantity: left,
                },
            );
        } else {
            self.out.push(v);
            self.grants.remove(&grant);
        }
        Ok(())
    }

    /// What is added on the plan's adoption date, before any other increase, is its initial
    /// reserve (on the plan object); any other increase is an adjustment to the new total.
    fn pool_increase(&mut self, e: &Entry, plan: PlanId, shares: u64) {
        let adopted = self.book.plan(plan).map(|p| p.adopted);
        let r = self.reserved.entry(plan).or_insert((0, 0));
        r.1 += shares;
        if Some(e.effective) == adopted && r.0 + shares == r.1 {
            r.0 = r.1;
        } else {
            let total = r.1;
            let mut v = self.base(e, "TX_STOCK_PLAN_POOL_ADJUSTMENT", 0);
            merge(
                &mut v,
                json!({ "stock_plan_id": plan_id(plan), "shares_reserved": total.to_string() }),
            );
            self.out.push(v);
        }
    }

    fn convertible_issuance(&mut self, e: &Entry, holder: StakeholderId, terms: &ConvertibleTerms) {
        let security = self.next_security();
        let trigger = format!("{security}-trigger");
        let mut v = self.base(e, "TX_CONVERTIBLE_ISSUANCE", 0);
        merge(
            &mut v,
            json!({
                "security_id": security,
                "custom_id": security,
                "stakeholder_id": stakeholder_id(holder),
                "investment_amount": money(&terms.amount()),
                "convertible_type": match terms { ConvertibleTerms::Safe { .. } => "SAFE", ConvertibleTerms::Note { .. } => "NOTE" },
                "conversion_triggers": [conversion_trigger(&trigger, terms, e.effective)],
                // The book ranks convertibles by the round that converts them, not by a number.
                "seniority": 1,
                "security_law_exemptions": [],
            }),
        );
        self.out.push(v);
        self.convertibles.insert(e.id, (security, trigger));
    }

    /// The conversion of a SAFE or note, and the stock security it results in.
    fn convertible_conversion(
        &mut self,
        e: &Entry,
        instrument: EntryId,
        class: ClassId,
        shares: u64,
    ) -> Result<()> {
        let (security, trigger) = self
            .convertibles
            .remove(&instrument)
            .ok_or_else(|| entry_err(e, "converts an instrument not exported"))?;
        let holder = match self.book.entry(instrument).map(|i| &i.movement) {
            Some(Movement::ConvertibleIssuance { holder, .. }) => *holder,
            _ => return Err(entry_err(e, "converts an entry that is not a SAFE or note")),
        };
        let (resulting, issued) = self.stock_issuance(e, 1, holder, class, shares, None);
        let mut v = self.base(e, "TX_CONVERTIBLE_CONVERSION", 0);
        merge(
            &mut v,
            json!({ "security_id": security, "resulting_security_ids": [resulting], "reason_text": e.memo.clone().unwrap_or_else(|| "Converted".into()), "trigger_id": trigger }),
        );
        self.out.push(v);
        self.out.push(issued);
        Ok(())
    }

    fn conversion_ratio_adjustment(
        &mut self,
        e: &Entry,
        class: ClassId,
        new_ratio: Decimal,
        reason: &str,
    ) -> Result<()> {
        let book = self.book;
        let c = book
            .class(class)
            .ok_or_else(|| entry_err(e, "names a missing class"))?;
        let price = c.original_issue_price.map_or(Decimal::ZERO, |p| p.amount);
        let mut v = self.base(e, "TX_STOCK_CLASS_CONVERSION_RATIO_ADJUSTMENT", 0);
        merge(
            &mut v,
            json!({ "stock_class_id": class_id(class), "new_ratio_conversion_mechanism": ratio_mechanism(price, new_ratio, book) }),
        );
        if let Some(Value::Array(c)) = v.get_mut("comments") {
            c.push(mark("reason", reason));
        }
        self.out.push(v);
        Ok(())
    }

    fn stock_split(
        &mut self,
        e: &Entry,
        class: ClassId,
        numerator: u64,
        denominator: u64,
    ) -> Result<()> {
        self.split_lots(e, class, numerator, denominator)?;
        let mut v = self.base(e, "TX_STOCK_CLASS_SPLIT", 0);
        merge(
            &mut v,
            json!({
                "stock_class_id": class_id(class),
                "split_ratio": { "numerator": numerator.to_string(), "denominator": denominator.to_string() },
            }),
        );
        self.out.push(v);
        Ok(())
    }

    fn authorized_shares_adjustment(&mut self, e: &Entry, class: ClassId, authorized: u64) {
        let mut v = self.base(e, "TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT", 0);
        merge(
            &mut v,
            json!({ "stock_class_id": class_id(class), "new_shares_authorized": authorized.to_string() }),
        );
        self.out.push(v);
    }

    /// OCF splits each security; the book, each holding. They agree only when no security
    /// is left with a fraction of a share, so a split that dropped fractions is refused.
    fn split_lots(
        &mut self,
        e: &Entry,
        class: ClassId,
        numerator: u64,
        denominator: u64,
    ) -> Result<()> {
        let book = self.book;
        let scaled = |q: u64| -> Result<u64> {
            let n = u128::from(q) * u128::from(numerator);
            if n % u128::from(denominator) != 0 {
                return Err(entry_err(
                    e,
                    format!("the {numerator}:{denominator} split leaves a security of {q} with a fraction of a share; OCF splits each security, the book each holding, and the two would disagree"),
                ));
            }
            u64::try_from(n / u128::from(denominator))
                .map_err(|_| entry_err(e, "a split share count is too large"))
        };
        for ((_, c), lots) in self.lots.iter_mut() {
            if *c == class {
                for lot in lots.iter_mut() {
                    lot.quantity = scaled(lot.quantity)?;
                }
            }
        }
        let of_class = |p: PlanId| book.plan(p).map(|p| p.class) == Some(class);
        for (grant, lot) in self.grants.iter_mut() {
            if grant_terms(book, *grant).is_some_and(|(_, p, _)| of_class(p)) {
                lot.quantity = scaled(lot.quantity)?;
            }
        }
        for (plan, r) in self.reserved.iter_mut() {
            if of_class(*plan) {
                r.1 = scaled(r.1)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn grant_issuance(
        &self,
        e: &Entry,
        n: usize,
        security: &str,
        holder: StakeholderId,
        plan: PlanId,
        options: u64,
        price: &Money,
        expires: Option<NaiveDate>,
    ) -> Value {
        let mut v = self.base(e, "TX_EQUITY_COMPENSATION_ISSUANCE", n);
        let class = self.book.plan(plan).map(|p| class_id(p.class));
        merge(
            &mut v,
            json!({
                "security_id": security,
                "custom_id": security,
                "stakeholder_id": stakeholder_id(holder),
                "stock_plan_id": plan_id(plan),
                "stock_class_id": class,
                "compensation_type": "OPTION",
                "quantity": options.to_string(),
                "exercise_price": money(price),
                "expiration_date": expires.map(|d| d.to_string()),
                "termination_exercise_windows": [],
                "security_law_exemptions": [],
            }),
        );
        v
    }

    /// A reversal dated after its entry: OCF's retraction of an untouched security.
    fn reversal(&mut self, e: &Entry, reverses: EntryId, reason: &str) -> Result<()> {
        let book = self.book;
        let target = book.entry(reverses).map(|t| t.movement.clone());
        let refuse = || {
            entry_err(e, format!("reverses entry #{reverses} on a later date after it was moved on; OCF can only retract a security untouched since its issuance"))
        };
        let (kind, security) = match target {
            Some(Movement::StockIssuance {
                holder,
                class,
                shares,
                ..
            }) => {
                let lots = self.lots.entry((holder, class)).or_default();
                // The issuance's security is the one still holding exactly its shares.
                let at = lots
                    .iter()
                    .position(|l| l.quantity == shares)
                    .ok_or_else(refuse)?;
                let lot = lots.remove(at).ok_or_else(refuse)?;
                ("TX_STOCK_RETRACTION", lot.security)
            }
            Some(Movement::OptionGrant { options, .. }) => {
                let lot = self
                    .grants
                    .remove(&reverses)
                    .filter(|l| l.quantity == options)
                    .ok_or_else(refuse)?;
                ("TX_EQUITY_COMPENSATION_RETRACTION", lot.security)
            }
            Some(Movement::ConvertibleIssuance { .. }) => {
                let (sec, _) = self.convertibles.remove(&reverses).ok_or_else(refuse)?;
                ("TX_CONVERTIBLE_RETRACTION", sec)
            }
            _ => return Err(refuse()),
        };
        let mut v = self.base(e, kind, 0);
        merge(
            &mut v,
            json!({ "security_id": security, "reason_text": reason }),
        );
        self.out.push(v);
        Ok(())
    }
}

fn grant_terms(book: &Book, grant: EntryId) -> Option<(StakeholderId, PlanId, Money)> {
    match &book.entry(grant)?.movement {
        Movement::OptionGrant {
            holder,
            plan,
            exercise_price,
            ..
        } => Some((*holder, *plan, *exercise_price)),
        _ => None,
    }
}

fn conversion_trigger(id: &str, terms: &ConvertibleTerms, issued: NaiveDate) -> Value {
    let (mechanism, maturity) = match terms {
        ConvertibleTerms::Safe {
            timing,
            valuation_cap,
            discount,
            mfn,
            ..
        } => {
            let mut m = json!({
                "type": "SAFE_CONVERSION",
                "conversion_mfn": mfn,
                "conversion_timing": match timing { SafeTiming::PreMoney => "PRE_MONEY", SafeTiming::PostMoney => "POST_MONEY" },
            });
            optional_terms(&mut m, valuation_cap, discount);
            (m, None)
        }
        ConvertibleTerms::Note {
            interest_rate,
            compounding,
            day_count,
            maturity,
            valuation_cap,
            discount,
            ..
        } => {
            let mut m = json!({
                "type": "CONVERTIBLE_NOTE_CONVERSION",
                "interest_rates": [{ "rate": numeric(*interest_rate), "accrual_start_date": issued.to_string() }],
                "day_count_convention": match day_count { DayCount::Act365 => "ACTUAL_365", DayCount::Thirty360 => "30_360" },
                "interest_payout": "DEFERRED",
                "interest_accrual_period": "ANNUAL",
                "compounding_type": match compounding { Compounding::Simple => "SIMPLE", Compounding::Compound => "COMPOUNDING" },
            });
            optional_terms(&mut m, valuation_cap, discount);
            (m, Some(*maturity))
        }
    };
    let right =
        json!({ "type": "CONVERTIBLE_CONVERSION_RIGHT", "conversion_mechanism": mechanism });
    match maturity {
        // A note's maturity is the date it converts on if no round comes first.
        Some(d) => {
            json!({ "type": "AUTOMATIC_ON_DATE", "trigger_id": id, "trigger_date": d.to_string(), "conversion_right": right })
        }
        None => json!({ "type": "UNSPECIFIED", "trigger_id": id, "conversion_right": right }),
    }
}

fn optional_terms(m: &mut Value, cap: &Option<Money>, discount: &Option<Decimal>) {
    if let Some(c) = cap {
        m["conversion_valuation_cap"] = money(c);
    }
    if let Some(d) = discount {
        m["conversion_discount"] = json!(numeric(*d));
    }
}

fn merge(into: &mut Value, fields: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, fields) {
        for (k, v) in b {
            if !v.is_null() {
                a.insert(k, v);
            } else if k == "expiration_date" {
                // OCF asks for the field and allows null: an option that never lapses.
                a.insert(k, Value::Null);
            }
        }
    }
}
