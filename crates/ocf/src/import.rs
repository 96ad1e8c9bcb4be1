//! OCF package -> book. Everything goes through the ledger's own `add_*` and `record`,
//! so every invariant the ledger keeps is checked, then `Book::check` replays the whole
//! journal. The work is done on a copy of the book: on any error the caller's book is
//! untouched, and on success the copy replaces it. No I/O happens here.
//!
//! OCF tracks securities (certificates); the book keeps fungible holdings per holder
//! and class. A transaction that moves part of a security names the securities it
//! results in (`resulting_security_ids`, `balance_security_id`), each issued by its
//! own TX_STOCK_ISSUANCE (or equity compensation issuance). Those derived issuances
//! are not new shares: they are read when the transaction that names them is, and
//! checked against it (same class, quantities that add up); the book records only the
//! movement between holders. docs/ocf.md has the whole mapping.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use roundbook_ledger::{
    AntiDilution, Book, ClassId, ClassKind, Company, Compounding, ConvertibleTerms, Currency,
    DayCount, EntryId, LedgerError, Money, Movement, NewClass, NewPlan, NewStakeholder,
    NewValuation, Participation, PlanId, Provenance, Relationship, SafeTiming, StakeholderId,
    StakeholderKind, ValuationKind,
};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::error::{OcfError, OcfErrorKind, Result};
use crate::marks;
use crate::obj::{whole_shares, Obj};
use crate::package::{FileType, Package, MANIFEST_NAME};

/// What an import brought in, and every OCF fact the book does not keep (so nothing is
/// dropped silently: the CLI shows these lines).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub stakeholders: usize,
    pub classes: usize,
    pub plans: usize,
    pub valuations: usize,
    /// OCF transactions read (derived issuances included).
    pub transactions: usize,
    /// Journal entries recorded (a plan's initial reserve is one).
    pub entries: usize,
    /// One line per kind of fact not kept, with how many: "3 x TX_VESTING_START: ...".
    pub not_kept: Vec<String>,
}

/// The book's company from the manifest's issuer: the name is the `dba` when there is
/// one, the founding date the `formation_date`, the currency the first one any amount
/// in the package is in (USD when it has none; the ledger refuses any other currency
/// later, naming the object).
pub fn company_from(pkg: &Package) -> Result<Company> {
    let issuer = pkg.manifest().get("issuer").ok_or_else(|| {
        OcfError::new(OcfErrorKind::Invalid, MANIFEST_NAME, "is required").at_field("issuer")
    })?;
    let o = Obj::anonymous(MANIFEST_NAME, "issuer", issuer)?;
    let legal_name = o.str("legal_name")?.trim().to_string();
    let name = o
        .opt_str("dba")?
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(&legal_name)
        .to_string();
    let country = o.str("country_of_formation")?;
    let jurisdiction = match o.opt_str("country_subdivision_of_formation")? {
        Some(sub) => format!("{sub}, {country}"),
        None => country.to_string(),
    };
    let currency = pkg
        .files()
        .iter()
        .find_map(|f| first_currency(&f.json))
        .map(|c| {
            c.parse::<Currency>().map_err(|e| {
                OcfError::new(OcfErrorKind::Invalid, MANIFEST_NAME, e.to_string())
                    .at_field("currency")
            })
        })
        .transpose()?
        .unwrap_or(Currency::USD);
    Ok(Company {
        name,
        legal_name,
        founded: o.date("formation_date")?,
        currency,
        jurisdiction,
    })
}

fn first_currency(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) => m
            .get("currency")
            .and_then(Value::as_str)
            .filter(|_| m.contains_key("amount"))
            .or_else(|| m.values().find_map(first_currency)),
        Value::Array(a) => a.iter().find_map(first_currency),
        _ => None,
    }
}

/// Imports a package into a book that has nothing in it yet (a new book made with
/// `company_from`). All or nothing: on error `book` is exactly as it was.
pub fn import_into(book: &mut Book, pkg: &Package) -> Result<ImportSummary> {
    if !book.stakeholders().is_empty() || !book.classes().is_empty() || !book.entries().is_empty() {
        return Err(OcfError::new(
            OcfErrorKind::Invalid,
            "the book",
            "already holds stakeholders, classes or entries; import an OCF package into a new book",
        ));
    }
    let mut copy = book.clone();
    let summary = Importer::new(&mut copy, pkg).run()?;
    *book = copy;
    Ok(summary)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holding {
    Stock(ClassId),
    Grant { grant: EntryId, plan: PlanId },
    Convertible(EntryId),
}

#[derive(Debug, Clone)]
struct Security {
    holder: StakeholderId,
    holding: Holding,
    /// Shares or options still on the security (the amount, for a convertible: 1).
    quantity: u64,
    /// The entry that issued it, when its issuance was a movement of its own; a
    /// retraction reverses that entry, so only an untouched security can be retracted.
    issued_by: Option<EntryId>,
    touched: bool,
}

struct Importer<'a> {
    book: &'a mut Book,
    pkg: &'a Package,
    stakeholders: HashMap<String, StakeholderId>,
    classes: HashMap<String, (ClassId, ClassKind)>,
    /// plan -> (id, shares reserved so far: OCF's adjustments give the new total)
    plans: HashMap<String, (PlanId, u64)>,
    securities: HashMap<String, Security>,
    /// security id -> the issuance object that created it (file, index).
    issuances: HashMap<String, (usize, usize)>,
    /// Securities some transaction names as resulting or balance.
    derived: HashSet<String>,
    /// issuance id -> financing name, for the entry's memo.
    financing_of: HashMap<String, String>,
    /// Each recorded entry's object, to name it when the history check fails.
    origin: HashMap<EntryId, (String, String)>,
    not_kept: BTreeMap<String, usize>,
    summary: ImportSummary,
}

/// The stock securities a conversion results in, each with its class and shares.
type Resulting<'a> = Vec<(Obj<'a>, ClassId, u64)>;
impl<'a> Importer<'a> {
    fn new(book: &'a mut Book, pkg: &'a Package) -> Self {
        Importer {
            book,
            pkg,
            stakeholders: HashMap::new(),
            classes: HashMap::new(),
            plans: HashMap::new(),
            securities: HashMap::new(),
            issuances: HashMap::new(),
            derived: HashSet::new(),
            financing_of: HashMap::new(),
            origin: HashMap::new(),
            not_kept: BTreeMap::new(),
            summary: ImportSummary::default(),
        }
    }

    fn run(mut self) -> Result<ImportSummary> {
        let start = self.book.mark();
        self.stakeholders()?;
        self.classes()?;
        self.plans()?;
        self.valuations()?;
        self.financings()?;
        self.count_unkept_files();
        self.transactions()?;
        if let Err((entry, e)) = self.book.check_entries(start) {
            return Err(self.blame(entry, e));
        }
        self.summary.entries = self.book.added_since(start).entries.len();
        self.summary.not_kept = self
            .not_kept
            .iter()
            .map(|(what, n)| format!("{n} x {what}"))
            .collect();
        Ok(self.summary)
    }

    fn blame(&self, entry: Option<EntryId>, e: LedgerError) -> OcfError {
        let mut err = OcfError::new(OcfErrorKind::Ledger, "the package", e.to_string());
        if let Some((file, id)) = entry.and_then(|id| self.origin.get(&id)) {
            err.file.clone_from(file);
            err.object = Some(id.clone());
        }
        err.field = e.field().map(str::to_string);
        err
    }

    fn not_kept(&mut self, what: impl Into<String>) {
        *self.not_kept.entry(what.into()).or_default() += 1;
    }

    fn each(&self, t: FileType) -> Vec<(&'a str, usize, &'a Value)> {
        let pkg: &'a Package = self.pkg;
        pkg.files()
            .iter()
            .filter(|f| f.file_type == t)
            .flat_map(|f| {
                f.items()
                    .iter()
                    .enumerate()
                    .map(move |(i, v)| (f.path.as_str(), i, v))
            })
            .collect()
    }

    fn record(
        &mut self,
        o: &Obj,
        date: NaiveDate,
        movement: Movement,
        memo: Option<String>,
    ) -> Result<EntryId> {
        let provenance = provenance(o)?;
        let id = self
            .book
            .record(date, movement, memo, provenance)
            .map_err(|e| ledger(o, e))?;
        self.origin
            .insert(id, (o.file.to_string(), o.id.to_string()));
        Ok(id)
    }

    // ---- the objects --------------------------------------------------------

    fn stakeholders(&mut self) -> Result<()> {
        for (file, i, v) in self.each(FileType::Stakeholders) {
            let o = Obj::top(file, i, v)?;
            expect_type(&o, &["STAKEHOLDER"])?;
            let name = o.sub("name")?.str("legal_name")?.to_string();
            let kind = match o.str("stakeholder_type")? {
                "INDIVIDUAL" => StakeholderKind::Individual,
                "INSTITUTION" => StakeholderKind::Institution,
                other => {
                    return Err(o.invalid(
                        "stakeholder_type",
                        format!("'{other}' is not INDIVIDUAL or INSTITUTION"),
                    ))
                }
            };
            let m = marks::read(v);
            let mut note = m.get("note").cloned();
            let relationships = match m.get("relationships") {
                Some(list) => list
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        Relationship::parse(r.trim()).ok_or_else(|| {
                            o.invalid(
                                "comments",
                                format!("'{r}' is not a relationship the book knows"),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
                None => match o.opt_str("current_relationship")? {
                    Some(r) => {
                        let (mapped, exact) = relationship(&o, r)?;
                        if !exact {
                            note.get_or_insert_with(|| format!("OCF relationship: {r}"));
                        }
                        mapped.into_iter().collect()
                    }
                    None => vec![],
                },
            };
            for f in [
                "contact_info",
                "primary_contact",
                "addresses",
                "tax_ids",
                "issuer_assigned_id",
            ] {
                if o.has(f) {
                    self.not_kept(format!(
                        "stakeholder {f}: the book keeps no contact or tax details"
                    ));
                }
            }
            let id = self
                .book
                .add_stakeholder(NewStakeholder {
                    name,
                    kind,
                    relationships,
                    provenance: provenance(&o)?,
                    note,
                })
                .map_err(|e| ledger(&o, e))?;
            unique(&o, self.stakeholders.insert(o.id.to_string(), id).is_none())?;
            self.summary.stakeholders += 1;
        }
        Ok(())
    }

    fn classes(&mut self) -> Result<()> {
        let items = self.each(FileType::StockClasses);
        // A preferred class converts into a common one that may be listed after it.
        let mut common_ids = HashSet::new();
        for &(file, i, v) in &items {
            let o = Obj::top(file, i, v)?;
            if o.str("class_type")? == "COMMON" {
                common_ids.insert(o.id);
            }
        }
        for (file, i, v) in items {
            let o = Obj::top(file, i, v)?;
            expect_type(&o, &["STOCK_CLASS"])?;
            let new = self.new_class(&o, v, &common_ids)?;
            let kind = new.kind;
            let id = self.book.add_class(new).map_err(|e| ledger(&o, e))?;
            unique(
                &o,
                self.classes.insert(o.id.to_string(), (id, kind)).is_none(),
            )?;
            self.summary.classes += 1;
        }
        Ok(())
    }

    fn new_class(&mut self, o: &Obj, v: &Value, common_ids: &HashSet<&str>) -> Result<NewClass> {
        let name = o.str("name")?;
        let authorized = match o.raw("initial_shares_authorized") {
            Some(Value::String(s)) if s == "UNLIMITED" || s == "NOT APPLICABLE" => None,
            _ => Some(o.shares("initial_shares_authorized")?),
        };
        let seniority = o.numeric("seniority")?;
        let seniority = i32::try_from(seniority)
            .ok()
            .filter(|_| seniority.fract().is_zero())
            .ok_or_else(|| {
                o.invalid(
                    "seniority",
                    format!("{seniority} is not a whole number the book can rank"),
                )
            })?;
        for f in ["par_value", "votes_per_share", "default_id_prefix"] {
            if o.has(f) {
                self.not_kept(format!("stock class {f}: the book does not track it"));
            }
        }
        let m = marks::read(v);
        let provenance = provenance(o)?;
        if o.str("class_type")? == "COMMON" {
            if !o.array("conversion_rights")?.is_empty() {
                return Err(o.unsupported("conversion_rights", "a common class that converts into another class; the book's common classes do not convert"));
            }
            if o.opt_numeric("liquidation_preference_multiple")?
                .is_some_and(|x| !x.is_zero())
            {
                self.not_kept("common class liquidation_preference_multiple: common takes what is left after the preferences, so the book gives it none");
            }
            let mut c = NewClass::common(name, authorized);
            c.seniority = seniority;
            c.provenance = provenance;
            return Ok(c);
        }
        if o.str("class_type")? != "PREFERRED" {
            return Err(o.invalid("class_type", "must be COMMON or PREFERRED"));
        }
        let (conversion_ratio, conversion_price) = match o.objects("conversion_rights")?.as_slice()
        {
            [] => (Decimal::ONE, None),
            [right] => {
                let target = right.str("converts_to_stock_class_id")?;
                if !common_ids.contains(target) {
                    return Err(right.unsupported("converts_to_stock_class_id", format!("'{target}' is not a common class of the package; the book converts preferred into common")));
                }
                let mech = right.sub("conversion_mechanism")?;
                if mech.str("type")? != "RATIO_CONVERSION" {
                    return Err(mech.unsupported(
                        "type",
                        format!(
                            "{}: the book converts a class at a ratio",
                            mech.str("type")?
                        ),
                    ));
                }
                (mech.ratio("ratio")?, mech.opt_money("conversion_price")?)
            }
            _ => {
                return Err(o.unsupported(
                    "conversion_rights",
                    "more than one conversion right; the book keeps one ratio per class",
                ))
            }
        };
        // A class's conversion price starts at its original issue price divided by the
        // ratio; it stands in for the price when the class states none.
        let original_issue_price = match o.opt_money("price_per_share")? {
            Some(p) => Some(p),
            None => conversion_price
                .map(|p| {
                    p.amount
                        .checked_mul(conversion_ratio)
                        .map(|a| Money::new(a, p.currency))
                })
                .and_then(|p| p),
        };
        let preference_multiple = o
            .opt_numeric("liquidation_preference_multiple")?
            .unwrap_or(Decimal::ONE);
        let participation = match (
            m.get("participation").map(String::as_str),
            o.opt_numeric("participation_cap_multiple")?,
        ) {
            (Some("full"), _) => Participation::Full,
            (Some(other), _) => {
                return Err(o.invalid(
                    "comments",
                    format!("participation '{other}' is not one the book knows"),
                ))
            }
            (None, Some(cap)) if cap > preference_multiple => {
                Participation::Capped { cap_multiple: cap }
            }
            // A cap at or below the preference leaves nothing to participate in.
            _ => Participation::None,
        };
        let anti_dilution = match m.get("anti_dilution").map(String::as_str) {
            None | Some("none") => AntiDilution::None,
            Some("broad-based-weighted-average") => AntiDilution::BroadBasedWeightedAverage,
            Some("narrow-based-weighted-average") => AntiDilution::NarrowBasedWeightedAverage,
            Some("full-ratchet") => AntiDilution::FullRatchet,
            Some(other) => {
                return Err(o.invalid(
                    "comments",
                    format!("anti-dilution '{other}' is not one the book knows"),
                ))
            }
        };
        Ok(NewClass {
            name: name.to_string(),
            kind: ClassKind::Preferred,
            original_issue_price,
            preference_multiple,
            participation,
            seniority,
            conversion_ratio,
            anti_dilution,
            authorized,
            provenance,
        })
    }

    fn plans(&mut self) -> Result<()> {
        for (file, i, v) in self.each(FileType::StockPlans) {
            let o = Obj::top(file, i, v)?;
            expect_type(&o, &["STOCK_PLAN"])?;
            let mut class_ids = o.strings("stock_class_ids")?;
            if let Some(one) = o.opt_str("stock_class_id")? {
                class_ids.push(one);
            }
            let class = match class_ids.as_slice() {
                [one] => self.class(&o, "stock_class_ids", one)?,
                [] => {
                    return Err(o.invalid(
                        "stock_class_ids",
                        "a plan needs the class its options become",
                    ))
                }
                _ => {
                    return Err(o.unsupported(
                        "stock_class_ids",
                        "a plan over several classes; the book's plan grants one class",
                    ))
                }
            };
            match o.opt_str("default_cancellation_behavior")? {
                None | Some("RETURN_TO_POOL") => {}
                Some(other) => {
                    return Err(o.unsupported(
                        "default_cancellation_behavior",
                        format!("{other}: in the book, cancelled options return to the pool"),
                    ))
                }
            }
            let adopted = match (
                o.opt_date("board_approval_date")?,
                o.opt_date("stockholder_approval_date")?,
            ) {
                (Some(d), _) | (None, Some(d)) => d,
                (None, None) => self.book.company.founded,
            };
            let reserved = o.numeric("initial_shares_reserved")?;
            let reserved = if reserved.is_zero() {
                0
            } else {
                whole_shares(reserved).map_err(|m| o.invalid("initial_shares_reserved", m))?
            };
            let id = self
                .book
                .add_plan(NewPlan {
                    name: o.str("plan_name")?.to_string(),
                    class,
                    adopted,
                    reserved,
                    provenance: provenance(&o)?,
                })
                .map_err(|e| {
                    ledger_fields(
                        &o,
                        e,
                        &[
                            ("date", "board_approval_date"),
                            ("class", "stock_class_ids"),
                            ("name", "plan_name"),
                        ],
                    )
                })?;
            if let Some(e) = self.book.entries().last().filter(|_| reserved > 0) {
                self.origin
                    .insert(e.id, (file.to_string(), o.id.to_string()));
            }
            unique(
                &o,
                self.plans
                    .insert(o.id.to_string(), (id, reserved))
                    .is_none(),
            )?;
            self.summary.plans += 1;
        }
        Ok(())
    }

    fn valuations(&mut self) -> Result<()> {
        for (file, i, v) in self.each(FileType::Valuations) {
            let o = Obj::top(file, i, v)?;
            expect_type(&o, &["VALUATION"])?;
            if o.str("valuation_type")? != "409A" {
                return Err(o.invalid("valuation_type", "OCF 1.2.0 knows only 409A"));
            }
            let class = self.class(&o, "stock_class_id", o.str("stock_class_id")?)?;
            self.book
                .add_valuation(NewValuation {
                    kind: ValuationKind::FourOhNineA,
                    effective: o.date("effective_date")?,
                    class,
                    price_per_share: o.money("price_per_share")?,
                    company_value: None,
                    provider: o.opt_str("provider")?.map(str::to_string),
                    round: None,
                    provenance: provenance(&o)?,
                })
                .map_err(|e| ledger_fields(&o, e, &[("date", "effective_date")]))?;
            self.summary.valuations += 1;
        }
        Ok(())
    }

    fn financings(&mut self) -> Result<()> {
        for (file, i, v) in self.each(FileType::Financings) {
            let o = Obj::top(file, i, v)?;
            expect_type(&o, &["FINANCING"])?;
            let name = o.str("name")?.to_string();
            for issuance in o.strings("issuance_ids")? {
                self.financing_of.insert(issuance.to_string(), name.clone());
            }
            self.not_kept("FINANCING: its issuances are imported as stock issuances with the financing named in their memo; a round in the book needs pre-money terms OCF does not carry");
        }
        Ok(())
    }

    fn count_unkept_files(&mut self) {
        for (t, what) in [
            (
                FileType::VestingTerms,
                "VESTING_TERMS: the book has no vesting; options count in full",
            ),
            (
                FileType::StockLegendTemplates,
                "STOCK_LEGEND_TEMPLATE: the book keeps no legends",
            ),
            (FileType::Documents, "DOCUMENT: the book keeps no documents"),
        ] {
            for _ in self.each(t) {
                self.not_kept(what);
            }
        }
    }

    // ---- transactions ---------------------------------------------------------

    fn transactions(&mut self) -> Result<()> {
        let items = self.each(FileType::Transactions);
        let mut order = Vec::with_capacity(items.len());
        for (n, &(file, i, v)) in items.iter().enumerate() {
            let o = Obj::top(file, i, v)?;
            let date = o.date("date")?;
            if is_issuance(o.str("object_type")?) {
                let sec = o.str("security_id")?;
                unique(&o, self.issuances.insert(sec.to_string(), (n, i)).is_none())
                    .map_err(|e| e.at_field("security_id"))?;
            }
            if let Some(b) = o.opt_str("balance_security_id")? {
                self.derived.insert(b.to_string());
            }
            if o.has("resulting_security_ids") {
                self.derived.extend(
                    o.strings("resulting_security_ids")?
                        .into_iter()
                        .map(str::to_string),
                );
            }
            order.push((date, n));
        }
        // By date, and within a day in the order the files list them (a stable sort).
        order.sort_by_key(|&(date, _)| date);
        let mut seen_ids = HashSet::new();
        for (date, n) in order {
            let (file, i, v) = items[n];
            let o = Obj::top(file, i, v)?;
            unique(&o, seen_ids.insert(o.id))?;
            self.summary.transactions += 1;
            self.transaction(&o, date, &items)?;
        }
        // A derived issuance no transaction consumed would be shares dropped on the floor.
        for (sec, &(n, _)) in &self.issuances {
            if self.derived.contains(sec) && !self.securities.contains_key(sec) {
                let (file, i, v) = items[n];
                let o = Obj::top(file, i, v)?;
                return Err(o.invalid(
                    "security_id",
                    format!("'{sec}' is named as a resulting or balance security, but no transaction that names it was imported"),
                ));
            }
        }
        Ok(())
    }

    fn transaction(
        &mut self,
        o: &Obj,
        date: NaiveDate,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<()> {
        let t = o.str("object_type")?;
        match t {
            "TX_STOCK_ISSUANCE" | "TX_EQUITY_COMPENSATION_ISSUANCE" | "TX_PLAN_SECURITY_ISSUANCE"
                if self.derived.contains(o.str("security_id")?) =>
            {
                // Read with the transaction that names it as resulting or balance.
                Ok(())
            }
            "TX_STOCK_ISSUANCE" => self.stock_issuance(o, date),
            "TX_STOCK_TRANSFER" => self.stock_out(o, date, StockOut::Transfer, items),
            "TX_STOCK_CANCELLATION" => self.stock_out(o, date, StockOut::Cancellation, items),
            "TX_STOCK_REPURCHASE" => self.stock_out(o, date, StockOut::Repurchase, items),
            "TX_STOCK_CONVERSION" => self.stock_out(o, date, StockOut::Conversion, items),
            "TX_STOCK_RETRACTION" | "TX_EQUITY_COMPENSATION_RETRACTION" | "TX_PLAN_SECURITY_RETRACTION" | "TX_CONVERTIBLE_RETRACTION" => self.retraction(o, date),
            "TX_EQUITY_COMPENSATION_ISSUANCE" | "TX_PLAN_SECURITY_ISSUANCE" => self.grant(o, date),
            "TX_EQUITY_COMPENSATION_EXERCISE" | "TX_PLAN_SECURITY_EXERCISE" | "TX_EQUITY_COMPENSATION_RELEASE" | "TX_PLAN_SECURITY_RELEASE" => self.exercise(o, date, items),
            "TX_EQUITY_COMPENSATION_CANCELLATION" | "TX_PLAN_SECURITY_CANCELLATION" => self.option_cancellation(o, date, items),
            "TX_STOCK_PLAN_POOL_ADJUSTMENT" => self.pool_adjustment(o, date),
            "TX_CONVERTIBLE_ISSUANCE" => self.convertible(o, date),
            "TX_CONVERTIBLE_CONVERSION" => self.convertible_conversion(o, date, items),
            "TX_CONVERTIBLE_CANCELLATION" => self.convertible_cancellation(o, date),
            "TX_STOCK_CLASS_CONVERSION_RATIO_ADJUSTMENT" => self.ratio_adjustment(o, date),
            "TX_STOCK_CLASS_SPLIT" => self.split(o, date),
            "TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT" => self.authorized_adjustment(o, date),
            "TX_STOCK_REISSUANCE" => Err(o.unsupported("object_type", "a stock reissuance: the book keeps holdings, not certificates")),
            "TX_STOCK_PLAN_RETURN_TO_POOL" => Err(o.unsupported("object_type", "in the book, cancelled options return to the pool by themselves; an explicit return would count them twice")),
            "TX_CONVERTIBLE_TRANSFER" | "TX_EQUITY_COMPENSATION_TRANSFER" | "TX_PLAN_SECURITY_TRANSFER" => Err(o.unsupported("object_type", "the book transfers shares only, not convertibles or options")),
            t if t.starts_with("TX_WARRANT_") => Err(o.unsupported("object_type", "warrants: the book has no warrants yet")),
            "TX_ISSUER_AUTHORIZED_SHARES_ADJUSTMENT" => {
                self.not_kept("TX_ISSUER_AUTHORIZED_SHARES_ADJUSTMENT: the book keeps authorized shares per class only");
                Ok(())
            }
            "TX_STOCK_ACCEPTANCE" | "TX_CONVERTIBLE_ACCEPTANCE" | "TX_EQUITY_COMPENSATION_ACCEPTANCE" | "TX_PLAN_SECURITY_ACCEPTANCE" => {
                self.not_kept(format!("{t}: acceptance does not change the cap table"));
                Ok(())
            }
            "TX_VESTING_START" | "TX_VESTING_EVENT" | "TX_VESTING_ACCELERATION" => {
                self.not_kept(format!("{t}: the book has no vesting; options count in full"));
                Ok(())
            }
            other => Err(o.invalid("object_type", format!("'{other}' is not an OCF 1.2.0 transaction"))),
        }
    }

    fn stakeholder(&self, o: &Obj, field: &str) -> Result<StakeholderId> {
        let key = o.str(field)?;
        self.stakeholders
            .get(key)
            .copied()
            .ok_or_else(|| o.invalid(field, format!("no stakeholder '{key}' in the package")))
    }

    fn class(&self, o: &Obj, field: &str, key: &str) -> Result<ClassId> {
        self.classes
            .get(key)
            .map(|c| c.0)
            .ok_or_else(|| o.invalid(field, format!("no stock class '{key}' in the package")))
    }

    fn memo(&self, o: &Obj) -> Option<String> {
        let value = o.top;
        if let Some(m) = marks::read(value).remove("memo") {
            return Some(m);
        }
        let mut parts = vec![format!("OCF {}", o.id)];
        if let Some(c) = value.get("custom_id").and_then(Value::as_str) {
            parts.push(format!("security {c}"));
        }
        if let Some(f) = self.financing_of.get(o.id) {
            parts.push(format!("financing: {f}"));
        }
        parts.extend(marks::plain_comments(value));
        Some(parts.join("; "))
    }

    fn stock_issuance(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let holder = self.stakeholder(o, "stakeholder_id")?;
        let class = self.class(o, "stock_class_id", o.str("stock_class_id")?)?;
        if o.has("stock_plan_id") {
            return Err(o.unsupported(
                "stock_plan_id",
                "stock issued out of a plan's pool; the book's plans grant options only",
            ));
        }
        self.note_issuance_extras(o);
        let shares = o.shares("quantity")?;
        let price = o.money("share_price")?;
        let memo = self.memo(o);
        let entry = self.record(
            o,
            date,
            Movement::StockIssuance {
                holder,
                class,
                shares,
                price_per_share: Some(price),
                round: None,
            },
            memo,
        )?;
        self.open(
            o,
            Security {
                holder,
                holding: Holding::Stock(class),
                quantity: shares,
                issued_by: Some(entry),
                touched: false,
            },
        )
    }

    /// Counts what an issuance carries that the book has no place for.
    fn note_issuance_extras(&mut self, o: &Obj) {
        if o.has("vesting_terms_id") || o.has("vestings") {
            self.not_kept(
                "issuance vesting terms: the book has no vesting; shares and options count in full",
            );
        }
        let paperwork = [
            "board_approval_date",
            "stockholder_approval_date",
            "consideration_text",
            "cost_basis",
            "option_grant_type",
            "early_exercisable",
            "issuance_type",
            "share_numbers_issued",
        ];
        let exemptions = !o
            .array("security_law_exemptions")
            .map_or(true, <[Value]>::is_empty);
        if exemptions || paperwork.iter().any(|f| o.has(f)) {
            self.not_kept("issuance approval dates, consideration, cost basis, exemptions, grant type, certificate numbers: the book keeps the movement, not the paperwork");
        }
    }

    fn open(&mut self, o: &Obj, s: Security) -> Result<()> {
        let id = o.str("security_id")?;
        if self.securities.insert(id.to_string(), s).is_some() {
            return Err(o.invalid("security_id", format!("security '{id}' is issued twice")));
        }
        Ok(())
    }

    fn security(&self, o: &Obj) -> Result<Security> {
        let id = o.str("security_id")?;
        let s = self.securities.get(id).ok_or_else(|| {
            o.invalid(
                "security_id",
                format!("no issuance of security '{id}' precedes this transaction"),
            )
        })?;
        if s.quantity == 0 {
            return Err(o.invalid(
                "security_id",
                format!("security '{id}' was already closed by an earlier transaction"),
            ));
        }
        Ok(s.clone())
    }

    fn close(&mut self, o: &Obj) -> Result<()> {
        let id = o.str("security_id")?;
        if let Some(s) = self.securities.get_mut(id) {
            s.quantity = 0;
            s.touched = true;
        }
        Ok(())
    }

    /// The issuance object that created a derived security, checked to be of the kind expected.
    fn derived_issuance(
        &self,
        o: &Obj,
        field: &str,
        sec: &str,
        items: &[(&'a str, usize, &'a Value)],
        kinds: &[&str],
    ) -> Result<Obj<'a>> {
        let &(n, _) = self
            .issuances
            .get(sec)
            .ok_or_else(|| o.invalid(field, format!("no issuance creates security '{sec}'")))?;
        let (file, i, v) = items[n];
        let d = Obj::top(file, i, v)?;
        let t = d.str("object_type")?;
        if !kinds.contains(&t) {
            return Err(o.invalid(
                field,
                format!(
                    "security '{sec}' is issued by a {t}, not a {}",
                    kinds.join(" or ")
                ),
            ));
        }
        if self.securities.contains_key(sec) {
            return Err(o.invalid(field, format!("security '{sec}' already exists")));
        }
        Ok(d)
    }

    /// A derived stock security: (holder, class, shares, price, the issuance).
    fn derived_stock(
        &self,
        o: &Obj,
        field: &str,
        sec: &str,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<(StakeholderId, ClassId, u64, Money, Obj<'a>)> {
        let d = self.derived_issuance(o, field, sec, items, &["TX_STOCK_ISSUANCE"])?;
        let holder = self.stakeholder(&d, "stakeholder_id")?;
        let class = self.class(&d, "stock_class_id", d.str("stock_class_id")?)?;
        Ok((
            holder,
            class,
            d.shares("quantity")?,
            d.money("share_price")?,
            d,
        ))
    }

    /// The securities a conversion results in (`resulting_security_ids`): shares of one class,
    /// held by `holder`, and not of `from` when given. Their class, total and each to open.
    fn conversion_results(
        &self,
        o: &Obj,
        items: &[(&'a str, usize, &'a Value)],
        holder: StakeholderId,
        from: Option<ClassId>,
        rule: &str,
    ) -> Result<(ClassId, u64, Resulting<'a>)> {
        let mut class = None;
        let mut shares = 0u64;
        let mut results = Vec::new();
        for r in o.strings("resulting_security_ids")? {
            let (h, c, n, _, d) = self.derived_stock(o, "resulting_security_ids", r, items)?;
            if h != holder || from == Some(c) || class.is_some_and(|k| k != c) {
                return Err(o.invalid("resulting_security_ids", format!("'{r}' must be {rule}")));
            }
            class = Some(c);
            shares += n;
            results.push((d, c, n));
        }
        let class = class.ok_or_else(|| {
            o.invalid(
                "resulting_security_ids",
                "a conversion results in at least one security",
            )
        })?;
        Ok((class, shares, results))
    }

    /// Opens the stock securities a conversion resulted in.
    fn open_results(&mut self, holder: StakeholderId, results: Resulting<'a>) -> Result<()> {
        for (d, c, n) in results {
            self.open(
                &d,
                Security {
                    holder,
                    holding: Holding::Stock(c),
                    quantity: n,
                    issued_by: None,
                    touched: true,
                },
            )?;
        }
        Ok(())
    }

    /// Checks the balance security of a partial transaction and opens it in the source's place.
    fn balance(
        &mut self,
        o: &Obj,
        source: &Security,
        moved: u64,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<()> {
        let left = source.quantity - moved;
        match (o.opt_str("balance_security_id")?, left) {
            (None, 0) => Ok(()),
            (None, _) => Err(o.invalid(
                "balance_security_id",
                format!(
                    "the security held {}; {moved} moved; the {left} left need a balance security",
                    source.quantity
                ),
            )),
            (Some(b), 0) => Err(o.invalid(
                "balance_security_id",
                format!("'{b}' would hold nothing: all {moved} moved"),
            )),
            (Some(b), _) => {
                let kinds: &[&str] = match source.holding {
                    Holding::Stock(_) => &["TX_STOCK_ISSUANCE"],
                    Holding::Grant { .. } => &["TX_EQUITY_COMPENSATION_ISSUANCE", "TX_PLAN_SECURITY_ISSUANCE"],
                    Holding::Convertible(_) => return Err(o.unsupported("balance_security_id", "a partial conversion or cancellation of a convertible; the book extinguishes the whole instrument")),
                };
                let d = self.derived_issuance(o, "balance_security_id", b, items, kinds)?;
                let holder = self.stakeholder(&d, "stakeholder_id")?;
                let quantity = d.shares("quantity")?;
                let same_kind = match source.holding {
                    Holding::Stock(c) => {
                        self.class(&d, "stock_class_id", d.str("stock_class_id")?)? == c
                    }
                    Holding::Grant { plan, .. } => {
                        d.opt_str("stock_plan_id")?
                            .and_then(|p| self.plans.get(p))
                            .map(|p| p.0)
                            == Some(plan)
                    }
                    Holding::Convertible(_) => false,
                };
                if holder != source.holder || !same_kind || quantity != left {
                    return Err(o.invalid("balance_security_id", format!("'{b}' must hold the {left} left, for the same holder and class or plan; it holds {quantity}")));
                }
                self.open(
                    &d,
                    Security {
                        quantity,
                        issued_by: None,
                        touched: true,
                        ..source.clone()
                    },
                )
            }
        }
    }

    fn stock_out(
        &mut self,
        o: &Obj,
        date: NaiveDate,
        how: StockOut,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<()> {
        let s = self.security(o)?;
        let Holding::Stock(class) = s.holding else {
            return Err(o.invalid("security_id", "is not a stock security"));
        };
        let quantity_field = if how == StockOut::Conversion {
            "quantity_converted"
        } else {
            "quantity"
        };
        let q = o.shares(quantity_field)?;
        if q > s.quantity {
            return Err(o.invalid(
                quantity_field,
                format!("{q} is more than the {} shares on the security", s.quantity),
            ));
        }
        let memo = self.memo(o);
        let holder = s.holder;
        match how {
            StockOut::Transfer => {
                let mut total = 0u64;
                for r in o.strings("resulting_security_ids")? {
                    let (to, c, n, price, d) =
                        self.derived_stock(o, "resulting_security_ids", r, items)?;
                    if c != class {
                        return Err(o.invalid(
                            "resulting_security_ids",
                            format!("'{r}' is of another class than the security transferred"),
                        ));
                    }
                    total += n;
                    let issued_by = if to == holder {
                        None
                    } else {
                        Some(self.record(
                            o,
                            date,
                            Movement::Transfer {
                                from: holder,
                                to,
                                class,
                                shares: n,
                                price_per_share: Some(price),
                            },
                            memo.clone(),
                        )?)
                    };
                    self.open(
                        &d,
                        Security {
                            holder: to,
                            holding: s.holding,
                            quantity: n,
                            issued_by,
                            touched: true,
                        },
                    )?;
                }
                self.same_total(o, "resulting_security_ids", total, q)?;
            }
            StockOut::Cancellation => {
                let reason = o.str("reason_text")?;
                let memo = memo.map(|m| format!("{m}; {reason}"));
                self.record(
                    o,
                    date,
                    Movement::StockCancellation {
                        holder,
                        class,
                        shares: q,
                    },
                    memo,
                )?;
            }
            StockOut::Repurchase => {
                let price = o.money("price")?;
                self.record(
                    o,
                    date,
                    Movement::Repurchase {
                        holder,
                        class,
                        shares: q,
                        price_per_share: price,
                    },
                    memo,
                )?;
            }
            StockOut::Conversion => {
                let (to_class, resulting, results) = self.conversion_results(
                    o,
                    items,
                    holder,
                    Some(class),
                    "one other class, held by the same stakeholder",
                )?;
                self.record(
                    o,
                    date,
                    Movement::StockConversion {
                        holder,
                        from_class: class,
                        shares: q,
                        to_class,
                        resulting_shares: resulting,
                    },
                    memo,
                )?;
                self.open_results(holder, results)?;
            }
        }
        self.close(o)?;
        self.balance(o, &s, q, items)
    }

    fn same_total(&self, o: &Obj, field: &str, total: u64, expected: u64) -> Result<()> {
        if total == expected {
            Ok(())
        } else {
            Err(o.invalid(
                field,
                format!("the resulting securities hold {total}, not the {expected} moved"),
            ))
        }
    }

    fn retraction(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let s = self.security(o)?;
        let entry = s.issued_by.filter(|_| !s.touched).ok_or_else(|| {
            o.unsupported("security_id", "only a security untouched since its own issuance can be retracted in the book (the retraction reverses that issuance)")
        })?;
        let reason = o.str("reason_text")?.to_string();
        self.record(
            o,
            date,
            Movement::Reversal {
                reverses: entry,
                reason,
            },
            None,
        )?;
        self.close(o)
    }

    fn grant(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let holder = self.stakeholder(o, "stakeholder_id")?;
        let kind = o.str("compensation_type")?;
        let plan_key = o.opt_str("stock_plan_id")?.ok_or_else(|| {
            o.unsupported(
                "stock_plan_id",
                "equity compensation outside a plan; the book grants options from a plan",
            )
        })?;
        let (plan, _) = *self.plans.get(plan_key).ok_or_else(|| {
            o.invalid(
                "stock_plan_id",
                format!("no stock plan '{plan_key}' in the package"),
            )
        })?;
        let plan_class = self.book.plan(plan).map(|p| p.class);
        if let Some(c) = o.opt_str("stock_class_id")? {
            if Some(self.class(o, "stock_class_id", c)?) != plan_class {
                return Err(o.invalid("stock_class_id", "is not the class of the plan's options"));
            }
        }
        let exercise_price = match kind {
            "OPTION" | "OPTION_ISO" | "OPTION_NSO" => o.money("exercise_price")?,
            // An RSU settles in shares for nothing: an option at a zero price, released by exercise.
            "RSU" => Money::zero(self.book.company.currency),
            other => {
                return Err(o.unsupported(
                    "compensation_type",
                    format!(
                        "{other}: the book grants options and RSUs, not stock appreciation rights"
                    ),
                ))
            }
        };
        let expires = match o.raw("expiration_date") {
            None => None,
            Some(_) => o.opt_date("expiration_date")?,
        };
        if !o.array("termination_exercise_windows")?.is_empty() {
            self.not_kept(
                "termination_exercise_windows: the book lapses options at their expiry date only",
            );
        }
        self.note_issuance_extras(o);
        let options = o.shares("quantity")?;
        let memo = self.memo(o);
        let entry = self.record(
            o,
            date,
            Movement::OptionGrant {
                holder,
                plan,
                options,
                exercise_price,
                expires,
            },
            memo,
        )?;
        self.open(
            o,
            Security {
                holder,
                holding: Holding::Grant { grant: entry, plan },
                quantity: options,
                issued_by: Some(entry),
                touched: false,
            },
        )
    }

    fn exercise(
        &mut self,
        o: &Obj,
        date: NaiveDate,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<()> {
        let s = self.security(o)?;
        let Holding::Grant { grant, plan } = s.holding else {
            return Err(o.invalid("security_id", "is not an option or RSU"));
        };
        let q = o.shares("quantity")?;
        if q > s.quantity {
            return Err(o.invalid(
                "quantity",
                format!(
                    "{q} is more than the {} options on the security",
                    s.quantity
                ),
            ));
        }
        let plan_class = self.book.plan(plan).map(|p| p.class);
        let memo = self.memo(o);
        self.record(o, date, Movement::Exercise { grant, options: q }, memo)?;
        let mut total = 0;
        for r in o.strings("resulting_security_ids")? {
            let (h, c, n, _, d) = self.derived_stock(o, "resulting_security_ids", r, items)?;
            if h != s.holder || Some(c) != plan_class {
                return Err(o.invalid(
                    "resulting_security_ids",
                    format!("'{r}' must be shares of the plan's class held by the option holder"),
                ));
            }
            total += n;
            self.open(
                &d,
                Security {
                    holder: h,
                    holding: Holding::Stock(c),
                    quantity: n,
                    issued_by: None,
                    touched: true,
                },
            )?;
        }
        self.same_total(o, "resulting_security_ids", total, q)?;
        // An exercise names no balance: the options left stay on the security.
        let id = o.str("security_id")?;
        if let Some(sec) = self.securities.get_mut(id) {
            sec.quantity -= q;
            sec.touched = true;
        }
        Ok(())
    }

    fn option_cancellation(
        &mut self,
        o: &Obj,
        date: NaiveDate,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<()> {
        let s = self.security(o)?;
        let Holding::Grant { grant, .. } = s.holding else {
            return Err(o.invalid("security_id", "is not an option or RSU"));
        };
        let q = o.shares("quantity")?;
        if q > s.quantity {
            return Err(o.invalid(
                "quantity",
                format!(
                    "{q} is more than the {} options on the security",
                    s.quantity
                ),
            ));
        }
        let reason = o.str("reason_text")?;
        let memo = self.memo(o).map(|m| format!("{m}; {reason}"));
        self.record(
            o,
            date,
            Movement::OptionCancellation { grant, options: q },
            memo,
        )?;
        self.close(o)?;
        self.balance(o, &s, q, items)
    }

    fn pool_adjustment(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let key = o.str("stock_plan_id")?;
        let (plan, reserved) = *self.plans.get(key).ok_or_else(|| {
            o.invalid(
                "stock_plan_id",
                format!("no stock plan '{key}' in the package"),
            )
        })?;
        let total = whole_shares(o.numeric("shares_reserved")?)
            .map_err(|m| o.invalid("shares_reserved", m))?;
        if total < reserved {
            return Err(o.unsupported(
                "shares_reserved",
                format!(
                    "{total} is below the {reserved} reserved before; the book's pools only grow"
                ),
            ));
        }
        if total > reserved {
            let memo = self.memo(o);
            self.record(
                o,
                date,
                Movement::PoolIncrease {
                    plan,
                    shares: total - reserved,
                },
                memo,
            )?;
            self.plans.insert(key.to_string(), (plan, total));
        }
        Ok(())
    }

    fn convertible(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let holder = self.stakeholder(o, "stakeholder_id")?;
        self.note_issuance_extras(o);
        if o.has("seniority") || o.has("pro_rata") {
            self.not_kept("convertible seniority and pro rata: the book ranks a convertible by the round that converts it");
        }
        let amount = o.money("investment_amount")?;
        let triggers = o.objects("conversion_triggers")?;
        let mut mechanisms = Vec::new();
        let mut maturity = None;
        for t in &triggers {
            mechanisms.push(t.sub("conversion_right")?.sub("conversion_mechanism")?);
            if t.str("type")? == "AUTOMATIC_ON_DATE" {
                maturity = maturity.or(t.opt_date("trigger_date")?);
            }
        }
        let kind = o.str("convertible_type")?;
        let want = match kind {
            "SAFE" => "SAFE_CONVERSION",
            "NOTE" => "CONVERTIBLE_NOTE_CONVERSION",
            other => {
                return Err(o.unsupported(
                    "convertible_type",
                    format!("{other}: the book records SAFEs and convertible notes"),
                ))
            }
        };
        let m = mechanisms
            .iter()
            .find(|m| m.str("type").ok() == Some(want))
            .ok_or_else(|| {
                o.unsupported(
                    "conversion_triggers",
                    format!("a {kind} needs a {want} mechanism the book can convert with"),
                )
            })?;
        let valuation_cap = m.opt_money("conversion_valuation_cap")?;
        let discount = m.opt_percentage("conversion_discount")?;
        let terms = if kind == "SAFE" {
            ConvertibleTerms::Safe {
                investment: amount,
                timing: match m.opt_str("conversion_timing")? {
                    Some("PRE_MONEY") => SafeTiming::PreMoney,
                    // The post-money SAFE is YC's standard since 2018.
                    None | Some("POST_MONEY") => SafeTiming::PostMoney,
                    Some(other) => {
                        return Err(m.invalid(
                            "conversion_timing",
                            format!("'{other}' is not PRE_MONEY or POST_MONEY"),
                        ))
                    }
                },
                valuation_cap,
                discount,
                mfn: m.raw("conversion_mfn").is_some() && m.bool("conversion_mfn")?,
            }
        } else {
            let rates = m.objects("interest_rates")?;
            let [rate] = rates.as_slice() else {
                return Err(m.unsupported(
                    "interest_rates",
                    "the book keeps one interest rate per note",
                ));
            };
            if m.str("interest_payout")? != "DEFERRED" {
                return Err(m.unsupported(
                    "interest_payout",
                    "interest paid in cash; the book converts accrued interest",
                ));
            }
            let compounding = match (
                m.str("compounding_type")?,
                m.str("interest_accrual_period")?,
            ) {
                ("SIMPLE", _) => Compounding::Simple,
                ("COMPOUNDING", "ANNUAL") => Compounding::Compound,
                (_, period) => {
                    return Err(m.unsupported(
                        "interest_accrual_period",
                        format!("{period} compounding; the book compounds annually"),
                    ))
                }
            };
            ConvertibleTerms::Note {
                principal: amount,
                interest_rate: rate.numeric("rate")?,
                compounding,
                day_count: match m.str("day_count_convention")? {
                    "ACTUAL_365" => DayCount::Act365,
                    "30_360" => DayCount::Thirty360,
                    other => return Err(m.invalid("day_count_convention", format!("'{other}' is not ACTUAL_365 or 30_360"))),
                },
                maturity: maturity.ok_or_else(|| o.unsupported("conversion_triggers", "a note needs its maturity: an AUTOMATIC_ON_DATE trigger with a trigger_date"))?,
                valuation_cap,
                discount,
            }
        };
        let memo = self.memo(o);
        let entry = self.record(
            o,
            date,
            Movement::ConvertibleIssuance { holder, terms },
            memo,
        )?;
        self.open(
            o,
            Security {
                holder,
                holding: Holding::Convertible(entry),
                quantity: 1,
                issued_by: Some(entry),
                touched: false,
            },
        )
    }

    fn convertible_conversion(
        &mut self,
        o: &Obj,
        date: NaiveDate,
        items: &[(&'a str, usize, &'a Value)],
    ) -> Result<()> {
        let s = self.security(o)?;
        let Holding::Convertible(instrument) = s.holding else {
            return Err(o.invalid("security_id", "is not a convertible"));
        };
        if o.has("balance_security_id") {
            return Err(o.unsupported(
                "balance_security_id",
                "a partial conversion; the book converts the whole instrument",
            ));
        }
        let (class, shares, results) = self.conversion_results(
            o,
            items,
            s.holder,
            None,
            "shares of one class held by the instrument's holder",
        )?;
        let memo = self.memo(o);
        self.record(
            o,
            date,
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            },
            memo,
        )?;
        self.open_results(s.holder, results)?;
        self.close(o)
    }

    fn convertible_cancellation(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let s = self.security(o)?;
        let Holding::Convertible(instrument) = s.holding else {
            return Err(o.invalid("security_id", "is not a convertible"));
        };
        if o.has("balance_security_id") {
            return Err(o.unsupported(
                "balance_security_id",
                "a partial cancellation; the book cancels the whole instrument",
            ));
        }
        // From this date on the instrument is gone: a reversal dated at the cancellation.
        let reason = o.str("reason_text")?.to_string();
        self.record(
            o,
            date,
            Movement::Reversal {
                reverses: instrument,
                reason,
            },
            None,
        )?;
        self.close(o)
    }

    /// OCF splits each security of the class; the book splits each holder's holding. The two
    /// agree when no security is left with a fraction, and only then is the split imported.
    fn split(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let class = self.class(o, "stock_class_id", o.str("stock_class_id")?)?;
        let r = o.sub("split_ratio")?;
        let term = |field: &str| -> Result<u64> {
            whole_shares(r.numeric(field)?).map_err(|m| r.invalid(field, m))
        };
        let (numerator, denominator) = (term("numerator")?, term("denominator")?);
        if numerator == 0 || denominator == 0 {
            let field = if numerator == 0 {
                "numerator"
            } else {
                "denominator"
            };
            return Err(r.invalid(field, "a split ratio cannot have a zero"));
        }
        let book = &*self.book;
        let in_class = |h: &Holding| match *h {
            Holding::Stock(c) => c == class,
            Holding::Grant { plan, .. } => book.plan(plan).map(|p| p.class) == Some(class),
            Holding::Convertible(_) => false,
        };
        let scaled = |q: u64| -> Option<u64> {
            let n = u128::from(q) * u128::from(numerator);
            (n % u128::from(denominator) == 0)
                .then(|| u64::try_from(n / u128::from(denominator)).ok())
                .flatten()
        };
        let mut securities = self.securities.clone();
        for (id, s) in securities.iter_mut().filter(|(_, s)| in_class(&s.holding)) {
            s.quantity = scaled(s.quantity).ok_or_else(|| {
                o.unsupported(
                    "split_ratio",
                    format!("security '{id}' ({} shares) would hold a fraction of a share; the book rounds each holder's holding, not each security, so the two would disagree", s.quantity),
                )
            })?;
        }
        let mut plans = self.plans.clone();
        for (key, (plan, reserved)) in plans.iter_mut() {
            if book.plan(*plan).map(|p| p.class) == Some(class) {
                *reserved = scaled(*reserved).ok_or_else(|| {
                    o.unsupported(
                        "split_ratio",
                        format!("plan '{key}' would reserve a fraction of a share"),
                    )
                })?;
            }
        }
        let memo = self.memo(o);
        let m = self.book.stock_split(class, numerator, denominator);
        self.record(o, date, m, memo)?;
        self.securities = securities;
        self.plans = plans;
        Ok(())
    }

    fn authorized_adjustment(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let class = self.class(o, "stock_class_id", o.str("stock_class_id")?)?;
        let authorized = whole_shares(o.numeric("new_shares_authorized")?)
            .map_err(|m| o.invalid("new_shares_authorized", m))?;
        let memo = self.memo(o);
        self.record(
            o,
            date,
            Movement::AuthorizedSharesAdjustment { class, authorized },
            memo,
        )?;
        Ok(())
    }

    fn ratio_adjustment(&mut self, o: &Obj, date: NaiveDate) -> Result<()> {
        let class = self.class(o, "stock_class_id", o.str("stock_class_id")?)?;
        let m = o.sub("new_ratio_conversion_mechanism")?;
        if m.str("type")? != "RATIO_CONVERSION" {
            return Err(m.invalid("type", "must be RATIO_CONVERSION"));
        }
        let new_ratio = m.ratio("ratio")?;
        let v = Some(o.top);
        let reason = v
            .and_then(|v| marks::read(v).remove("reason"))
            .or_else(|| {
                v.map(marks::plain_comments)
                    .filter(|c| !c.is_empty())
                    .map(|c| c.join("; "))
            })
            .unwrap_or_else(|| format!("OCF {}", o.id));
        self.record(
            o,
            date,
            Movement::ConversionRatioAdjustment {
                class,
                new_ratio,
                reason,
            },
            None,
        )?;
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StockOut {
    Transfer,
    Cancellation,
    Repurchase,
    Conversion,
}

fn is_issuance(t: &str) -> bool {
    t.ends_with("_ISSUANCE") && t != "TX_STOCK_REISSUANCE"
}

fn expect_type(o: &Obj, allowed: &[&str]) -> Result<()> {
    let t = o.str("object_type")?;
    if allowed.contains(&t) {
        Ok(())
    } else {
        Err(o.invalid(
            "object_type",
            format!(
                "'{t}' does not belong in this file (expected {})",
                allowed.join(" or ")
            ),
        ))
    }
}

fn unique(o: &Obj, fresh: bool) -> Result<()> {
    if fresh {
        Ok(())
    } else {
        Err(o.invalid("id", format!("'{}' is used by two objects", o.id)))
    }
}

fn provenance(o: &Obj) -> Result<Provenance> {
    let comments = o.strings("comments")?;
    for c in comments {
        if let Some(p) = c
            .strip_prefix(marks::PREFIX)
            .and_then(|r| r.strip_prefix("provenance="))
        {
            return Provenance::parse(p.trim()).ok_or_else(|| {
                o.invalid(
                    "comments",
                    format!("provenance '{p}' is not recorded, public or illustrative"),
                )
            });
        }
    }
    Ok(Provenance::Recorded)
}

/// OCF's relationship in the book's words, and whether the mapping loses nothing.
fn relationship(o: &Obj, r: &str) -> Result<(Option<Relationship>, bool)> {
    Ok(match r {
        "FOUNDER" => (Some(Relationship::Founder), true),
        "EMPLOYEE" => (Some(Relationship::Employee), true),
        "INVESTOR" => (Some(Relationship::Investor), true),
        "ADVISOR" => (Some(Relationship::Advisor), true),
        "BOARD_MEMBER" => (Some(Relationship::Board), true),
        "EXECUTIVE" | "OFFICER" | "NON_US_EMPLOYEE" | "EX_EMPLOYEE" => {
            (Some(Relationship::Employee), false)
        }
        "CONSULTANT" | "EX_CONSULTANT" | "EX_ADVISOR" => (Some(Relationship::Advisor), false),
        "OTHER" => (None, false),
        other => {
            return Err(o.invalid(
                "current_relationship",
                format!("'{other}' is not an OCF relationship"),
            ))
        }
    })
}

fn ledger(o: &Obj, e: LedgerError) -> OcfError {
    ledger_fields(o, e, &[])
}

/// A ledger refusal, placed in the object; `fields` maps the ledger's field names to OCF's.
fn ledger_fields(o: &Obj, e: LedgerError, fields: &[(&str, &str)]) -> OcfError {
    let field = e.field().unwrap_or("object");
    let field = fields
        .iter()
        .find(|(l, _)| *l == field)
        .map_or(field, |(_, f)| f);
    o.err(OcfErrorKind::Ledger, field, e.to_string())
}
