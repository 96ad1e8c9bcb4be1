//! Commands that add to the book: each fills the application layer's form from its flags and
//! submits it (one store transaction: the form read against the book, the whole history
//! checked, written). Any error leaves the file as it was. What is printed is this shell's.

use std::fmt::Write as _;
use std::path::Path;

use roundbook_application::forms::*;
use roundbook_application::parse::date;
use roundbook_ledger::*;
use roundbook_store::Store;

use crate::args::*;
use crate::{CliError, CliResult};

fn open(book: &Path) -> CliResult<Store> {
    Ok(Store::open(book)?)
}

fn text(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

/// A form names its fields as the app's page does; on the command line a refusal names the
/// flag the user typed instead (`relationships` is `--role`; `investments.2.amount` is the
/// amount of the third `--invest`).
fn as_flags(e: CliError, flags: &[(&str, &str)]) -> CliError {
    let Some(field) = e.field.clone() else {
        return e;
    };
    let generic: Vec<&str> = field
        .split('.')
        .filter(|part| part.parse::<usize>().is_err())
        .collect();
    match flags.iter().find(|(f, _)| *f == generic.join(".")) {
        Some((_, flag)) => e.on_field(flag),
        None => e,
    }
}

const INVEST_FLAGS: &[(&str, &str)] = &[
    ("investments.investor", "invest"),
    ("investments.amount", "amount"),
    ("investments", "invest"),
    ("grants.holder", "grant-options"),
    ("grants.target", "grant-options"),
    ("grants.plan", "grant-plan"),
    ("grants.strike", "grant-strike"),
    ("grants.class", "grant-class"),
];

/// `--grant-options NAME=FRACTION` and `--grant-shares NAME=FRACTION` as the form's grants.
fn sized_grants(a: &RoundModelArgs) -> CliResult<Vec<SizedGrantForm>> {
    let mut out = vec![];
    let specs = a
        .grant_options
        .iter()
        .map(|s| ("grant-options", GrantChoice::Options, s))
        .chain(
            a.grant_shares
                .iter()
                .map(|s| ("grant-shares", GrantChoice::Shares, s)),
        );
    for (flag, kind, spec) in specs {
        let (holder, target) = spec.rsplit_once('=').ok_or_else(|| {
            CliError::invalid(flag, format!("'{spec}' is not NAME=FRACTION (0.01 for 1%)"))
        })?;
        out.push(SizedGrantForm {
            holder: holder.to_string(),
            target: target.to_string(),
            kind,
            plan: text(&a.grant_plan),
            strike: text(&a.grant_strike),
            class: text(&a.grant_class),
        });
    }
    Ok(out)
}

/// One entry form, one transaction.
fn record(book: &Path, out: &mut String, what: &str, form: impl Form<Output = Entry>) -> CliResult {
    let entry = form.submit(&mut open(book)?)?;
    let _ = writeln!(out, "Recorded {what} as journal entry #{}.", entry.id);
    Ok(())
}

// ---- commands ---------------------------------------------------------------

pub fn init(book: &Path, a: InitArgs, out: &mut String) -> CliResult {
    let company = Company {
        legal_name: a.legal_name.clone().unwrap_or_else(|| a.name.clone()),
        name: a.name,
        founded: date("founded", &a.founded)?,
        currency: a.currency.parse()?,
        jurisdiction: a.jurisdiction,
    };
    Store::create(book, &company)?;
    let _ = writeln!(
        out,
        "Created the book for {} at {}.",
        company.name,
        book.display()
    );
    Ok(())
}

pub fn demo(book: &Path, json: bool, out: &mut String) -> CliResult {
    // The same function makes the app's first-start book; a failure leaves no file behind.
    let made = Store::create_example(book)?;
    let (outcome, orders) = (made.series_b, made.gpu_orders);
    if json {
        let v = serde_json::json!({"book": book.display().to_string(), "series_b": outcome, "gpu_orders": orders});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Created the example book for xAI at {}.",
        book.display()
    );
    let _ = writeln!(out, "Public facts: the Series B of 2024-05-26, $6B at $18B pre-money, $24B post-money, and the investors' names.");
    let _ = writeln!(out, "ILLUSTRATIVE (labelled in every view): share counts, holdings, the pool, the Series A, per-investor amounts.");
    let _ = writeln!(out, "Sources: assets/xai/SOURCES.md.\n");
    crate::show::round_outcome(&outcome, out);
    let _ = writeln!(out, "\nCompute plan (Colossus), funded by the Series B: 100,000 H100 (public), $30,000 each and delivered June-August 2024 (illustrative);");
    let _ = writeln!(out, "1.275 kW per GPU x PUE 1.2 = 153 MW at full build (public: ~150 MW); other burn, revenue and infra ratio illustrative. Sources: assets/xai/COMPUTE.md.");
    let _ = writeln!(
        out,
        "\nTry: roundbook --book {} captable --as-of 2024-05-26 --fully-diluted",
        book.display()
    );
    let _ = writeln!(
        out,
        "     roundbook --book {} compute projection --months 24",
        book.display()
    );
    Ok(())
}

pub fn stakeholder_add(book: &Path, a: StakeholderAddArgs, out: &mut String) -> CliResult {
    let form = StakeholderForm {
        name: a.name.clone(),
        kind: match a.kind {
            KindArg::Individual => StakeholderKind::Individual,
            KindArg::Institution => StakeholderKind::Institution,
        },
        relationships: a.role.split(',').map(str::to_string).collect(),
        note: text(&a.note),
    };
    let id = form
        .submit(&mut open(book)?)
        .map_err(|e| as_flags(e, &[("relationships", "role")]))?;
    let _ = writeln!(out, "Added stakeholder #{id}: {}", a.name.trim());
    Ok(())
}

pub fn class_add(book: &Path, a: ClassAddArgs, out: &mut String) -> CliResult {
    let form = ClassForm {
        name: a.name.clone(),
        kind: match a.kind {
            ClassKindArg::Common => ClassKind::Common,
            ClassKindArg::Preferred => ClassKind::Preferred,
        },
        original_issue_price: text(&a.oip),
        preference_multiple: text(&a.preference_multiple),
        participation: match a.participation {
            ParticipationArg::None => ParticipationChoice::None,
            ParticipationArg::Full => ParticipationChoice::Full,
            ParticipationArg::Capped => ParticipationChoice::Capped,
        },
        cap_multiple: text(&a.cap_multiple),
        seniority: a.seniority.to_string(),
        conversion_ratio: a.conversion_ratio.clone(),
        anti_dilution: match a.anti_dilution {
            AntiDilutionArg::None => AntiDilution::None,
            AntiDilutionArg::BroadBased => AntiDilution::BroadBasedWeightedAverage,
            AntiDilutionArg::NarrowBased => AntiDilution::NarrowBasedWeightedAverage,
            AntiDilutionArg::FullRatchet => AntiDilution::FullRatchet,
        },
        authorized: text(&a.authorized),
    };
    let id = form.submit(&mut open(book)?)?;
    let _ = writeln!(out, "Added share class #{id}: {}", a.name.trim());
    Ok(())
}

pub fn plan_add(book: &Path, a: PlanAddArgs, out: &mut String) -> CliResult {
    let form = PlanForm {
        name: a.name.clone(),
        class: a.class,
        date: a.date,
        reserved: a.reserved,
    };
    let id = form.submit(&mut open(book)?)?;
    let _ = writeln!(out, "Adopted equity plan #{id}: {}", a.name.trim());
    Ok(())
}

pub fn pool_increase(book: &Path, a: PoolIncreaseArgs, out: &mut String) -> CliResult {
    let form = PoolIncreaseForm {
        plan: a.plan,
        shares: a.shares,
        date: a.date,
        memo: text(&a.memo),
    };
    record(book, out, "the pool increase", form)
}

/// The rounding flags as the form's choices (empty: the book's default).
fn rounding(r: &RoundingArgs) -> RoundingForm {
    RoundingForm {
        price_decimals: r.price_decimals.map(|d| d.to_string()).unwrap_or_default(),
        price_rounding: r.price_rounding.map(direction),
        share_rounding: r.share_rounding.map(share_rule),
        conversion_rounding: r.conversion_rounding.map(share_rule),
        capitalisation_rounding: r.capitalisation_rounding.map(|c| match c {
            CapitalisationRoundingArg::Exact => CapitalisationRounding::Exact,
            CapitalisationRoundingArg::Floor => CapitalisationRounding::Floor,
            CapitalisationRoundingArg::Ceiling => CapitalisationRounding::Ceiling,
            CapitalisationRoundingArg::Nearest => CapitalisationRounding::Nearest,
        }),
        pool_rounding: r.pool_rounding.map(share_rule),
        cap_price_decimals: r
            .cap_price_decimals
            .map(|d| d.to_string())
            .unwrap_or_default(),
        cap_price_rounding: r.cap_price_rounding.map(direction),
        discount_price_decimals: r
            .discount_price_decimals
            .map(|d| d.to_string())
            .unwrap_or_default(),
        discount_price_rounding: r.discount_price_rounding.map(direction),
    }
}

fn direction(dir: PriceRoundingArg) -> PriceDirection {
    match dir {
        PriceRoundingArg::Up => PriceDirection::Up,
        PriceRoundingArg::Down => PriceDirection::Down,
        PriceRoundingArg::HalfUp => PriceDirection::HalfUp,
        PriceRoundingArg::HalfEven => PriceDirection::HalfEven,
    }
}

fn share_rule(s: ShareRoundingArg) -> ShareRounding {
    match s {
        ShareRoundingArg::Floor => ShareRounding::Floor,
        ShareRoundingArg::Ceiling => ShareRounding::Ceiling,
        ShareRoundingArg::Nearest => ShareRounding::Nearest,
    }
}

/// "NAME=AMOUNT" flags, one per investor.
fn investments(specs: &[String]) -> CliResult<Vec<InvestmentForm>> {
    let mut out = vec![];
    for (i, spec) in specs.iter().enumerate() {
        let (investor, amount) = spec.rsplit_once('=').ok_or_else(|| {
            CliError::invalid(
                "invest",
                format!("investment {} '{spec}' is not NAME=AMOUNT", i + 1),
            )
        })?;
        out.push(InvestmentForm {
            investor: investor.to_string(),
            amount: amount.to_string(),
        });
    }
    Ok(out)
}

fn class_choice(create: bool) -> ClassChoice {
    if create {
        ClassChoice::New
    } else {
        ClassChoice::Existing
    }
}

pub fn round_model(book: &Path, a: RoundModelArgs, json: bool, out: &mut String) -> CliResult {
    let (convert, convert_entries) = match a.convert.trim() {
        "all" => (ConvertChoice::All, vec![]),
        "none" => (ConvertChoice::None, vec![]),
        list => (
            ConvertChoice::Only,
            list.split(',').map(str::to_string).collect(),
        ),
    };
    let form = RoundForm {
        name: a.name.clone(),
        date: a.date.clone(),
        class: a.class.clone(),
        class_choice: class_choice(a.create_class),
        pre_money: text(&a.pre_money),
        post_money: text(&a.post_money),
        price: text(&a.price),
        pricing: match a.pricing {
            PricingArg::PercentageOwnership => PricingMethod::PercentageOwnership,
            PricingArg::PreMoney => PricingMethod::PreMoney,
            PricingArg::DollarsInvested => PricingMethod::DollarsInvested,
        },
        investments: investments(&a.investments)?,
        lead: text(&a.lead),
        pro_rata: a.pro_rata.clone(),
        safe_pro_rata: a.safe_pro_rata.clone(),
        pro_rata_sizing: match a.pro_rata_sizing {
            ProRataSizingArg::OnTop => ProRataSizing::OnTop,
            ProRataSizingArg::CarvedOut => ProRataSizing::CarvedOut,
        },
        pool_target: text(&a.pool_target),
        pool_shares: text(&a.pool_shares),
        pool_plan: text(&a.pool_plan),
        grants: sized_grants(&a)?,
        pool_timing: match a.pool_in {
            PoolTimingArg::Pre => PoolTiming::PreMoney,
            PoolTimingArg::Post => PoolTiming::PostMoney,
        },
        convert,
        convert_entries,
        conversion_class: match a.convert_into {
            ConversionClassArg::RoundClass => ConversionClass::RoundClass,
            ConversionClassArg::ShadowSeries => ConversionClass::ShadowSeries,
        },
        anti_dilution_pricing: match a.anti_dilution_shares {
            AntiDilutionPricingArg::AfterPrice => AntiDilutionPricing::AfterPrice,
            AntiDilutionPricingArg::InPrice => AntiDilutionPricing::InPrice,
        },
        rounding: rounding(&a.rounding),
        note: text(&a.note),
    };
    let mut store = open(book)?;
    // A pro forma is the same form on a copy of the book that is never written.
    let outcome = if a.commit {
        form.submit(&mut store)
    } else {
        form.preview(&store)
    }
    .map_err(|e| as_flags(e, INVEST_FLAGS))?
    .outcome;
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&outcome).unwrap_or_default()
        );
    } else {
        crate::show::model_outcome(&outcome, a.commit, out);
    }
    Ok(())
}

pub fn round_record(book: &Path, a: RoundRecordArgs, json: bool, out: &mut String) -> CliResult {
    let form = PricedRoundForm {
        name: a.name.clone(),
        date: a.date.clone(),
        class: a.class.clone(),
        class_choice: class_choice(a.create_class),
        pre_money: text(&a.pre_money),
        post_money: text(&a.post_money),
        price: text(&a.price),
        investments: investments(&a.investments)?,
        lead: text(&a.lead),
        rounding: rounding(&a.rounding),
        note: text(&a.note),
    };
    let RecordedRound {
        round: outcome,
        unconverted_instruments: unconverted,
    } = form
        .submit(&mut open(book)?)
        .map_err(|e| as_flags(e, INVEST_FLAGS))?;
    if json {
        let v = serde_json::json!({ "round": outcome, "unconverted_instruments": unconverted });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    crate::show::round_outcome(&outcome, out);
    if !unconverted.is_empty() {
        let _ = writeln!(
            out,
            "\nWarning: {} SAFE(s) or note(s) are outstanding on {} and this round did not convert them; \
             their shares are not in the pre-money fully diluted count above. Record each conversion with \
             `roundbook convert --instrument ENTRY --to-class CLASS --resulting SHARES --date DATE`:",
            unconverted.len(),
            outcome.date
        );
        for c in &unconverted {
            let _ = writeln!(
                out,
                "  #{} {} of {} held by {}",
                c.instrument,
                c.kind,
                crate::table::cents(&c.amount),
                c.name
            );
        }
    }
    Ok(())
}

pub fn issue(book: &Path, a: IssueArgs, out: &mut String) -> CliResult {
    if let Some(csv) = &a.csv {
        return issue_csv(book, csv, out);
    }
    let (Some(holder), Some(class), Some(n), Some(day)) = (&a.holder, &a.class, &a.shares, &a.date)
    else {
        return Err(CliError::invalid(
            "holder",
            "give --holder, --class, --shares and --date, or --csv FILE",
        ));
    };
    let form = IssueForm {
        holder: holder.clone(),
        class: class.clone(),
        shares: n.clone(),
        date: day.clone(),
        price_per_share: text(&a.price),
        memo: text(&a.memo),
    };
    record(book, out, "the issuance", form)
}

/// A batch of issuances from CSV: every row is checked, then all are written in one transaction.
fn issue_csv(book: &Path, path: &Path, out: &mut String) -> CliResult {
    let file = path.display().to_string();
    let csv_error = |e: csv::Error| CliError::invalid("csv", format!("{file}: {e}"));
    let bytes = roundbook_files::read_input(path)?;
    // RFC 4180: quoted fields may hold commas ("Kingdom Holding, Inc.") and quotes.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    // The reader skips blank lines but reports a record from where its skip began.
    let line_of = |p: &csv::Position| {
        let blank = bytes[p.byte() as usize..]
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'));
        p.line() + blank.filter(|c| **c == b'\n').count() as u64
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(c_date), Some(c_holder), Some(c_class), Some(c_shares)) =
        (col("date"), col("holder"), col("class"), col("shares"))
    else {
        return Err(CliError::invalid(
            "csv",
            format!("{file}: the header must name date, holder, class, shares (and may add price_per_share, memo)"),
        ));
    };
    let c_price = col("price_per_share");
    let c_memo = col("memo");
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, line_of);
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push((line, record));
    }
    let mut store = open(book)?;
    let n = store.transact(|b| -> CliResult<usize> {
        let mark = b.mark();
        let first = b.entries().last().map_or(1, |e| e.id.0 + 1);
        for (line, record) in &rows {
            let at = format!("{file} line {line}");
            let cell = |c: usize| record.get(c).unwrap_or("");
            let form = IssueForm {
                holder: cell(c_holder).to_string(),
                class: cell(c_class).to_string(),
                shares: cell(c_shares).to_string(),
                date: cell(c_date).to_string(),
                price_per_share: c_price.map(cell).unwrap_or_default().to_string(),
                memo: c_memo.map(cell).unwrap_or_default().to_string(),
            };
            let (day, movement, memo) = form.movement(b).map_err(|e| e.at(&at))?;
            b.record(day, movement, memo, Provenance::Recorded)
                .map_err(|e| e.at(&at))?;
        }
        // Check here too, so a conflict in the history names its line.
        b.check_entries(mark).map_err(|(id, e)| {
            let row = id.and_then(|id| rows.get(usize::try_from(id.0 - first).ok()?));
            match row {
                Some((line, _)) => e.at(&format!("{file} line {line}")),
                None => e.at(&file),
            }
        })?;
        Ok(rows.len())
    })?;
    let _ = writeln!(
        out,
        "Recorded {n} issuances from {file} in one transaction."
    );
    Ok(())
}

pub fn grant(book: &Path, a: GrantArgs, out: &mut String) -> CliResult {
    let form = GrantForm {
        holder: a.holder,
        plan: a.plan,
        options: a.options,
        exercise_price: a.exercise_price,
        date: a.date,
        expires: text(&a.expires),
        memo: text(&a.memo),
    };
    record(book, out, "the grant", form)
}

pub fn transfer(book: &Path, a: TransferArgs, out: &mut String) -> CliResult {
    let form = TransferForm {
        from: a.from,
        to: a.to,
        class: a.class,
        shares: a.shares,
        date: a.date,
        price_per_share: text(&a.price),
        memo: text(&a.memo),
    };
    record(book, out, "the transfer", form)
}

pub fn cancel(book: &Path, a: CancelArgs, out: &mut String) -> CliResult {
    let form = CancelForm {
        what: if a.grant.is_some() {
            CancelWhat::Options
        } else {
            CancelWhat::Shares
        },
        holder: text(&a.holder),
        class: text(&a.class),
        shares: text(&a.shares),
        grant: text(&a.grant),
        options: text(&a.options),
        date: a.date,
        memo: text(&a.memo),
    };
    record(book, out, "the cancellation", form)
}

pub fn exercise(book: &Path, a: ExerciseArgs, out: &mut String) -> CliResult {
    let form = ExerciseForm {
        grant: a.grant,
        options: a.options,
        date: a.date,
        memo: text(&a.memo),
    };
    record(book, out, "the exercise", form)
}

pub fn repurchase(book: &Path, a: RepurchaseArgs, out: &mut String) -> CliResult {
    let form = RepurchaseForm {
        holder: a.holder,
        class: a.class,
        shares: a.shares,
        price_per_share: a.price,
        date: a.date,
        memo: text(&a.memo),
    };
    record(book, out, "the repurchase", form)
}

pub fn convert(book: &Path, a: ConvertArgs, out: &mut String) -> CliResult {
    let form = ConvertForm {
        what: if a.instrument.is_some() {
            ConvertWhat::Instrument
        } else {
            ConvertWhat::Shares
        },
        to_class: a.to_class,
        instrument: text(&a.instrument),
        holder: text(&a.holder),
        from_class: text(&a.from_class),
        shares: text(&a.shares),
        resulting: text(&a.resulting),
        date: a.date,
        memo: text(&a.memo),
    };
    record(book, out, "the conversion", form)
}

pub fn safe(book: &Path, a: SafeArgs, out: &mut String) -> CliResult {
    let form = SafeForm {
        holder: a.holder,
        investment: a.amount,
        date: a.date,
        valuation_cap: text(&a.cap),
        discount: text(&a.discount),
        timing: if a.pre_money {
            SafeTiming::PreMoney
        } else {
            SafeTiming::PostMoney
        },
        mfn: a.mfn,
        memo: text(&a.memo),
    };
    record(book, out, "the SAFE", form)
}

pub fn note(book: &Path, a: NoteArgs, out: &mut String) -> CliResult {
    let form = NoteForm {
        holder: a.holder,
        principal: a.principal,
        interest_rate: a.rate,
        compounding: match a.compounding {
            CompoundingArg::Simple => Compounding::Simple,
            CompoundingArg::Compound => Compounding::Compound,
        },
        day_count: match a.day_count {
            DayCountArg::Act365 => DayCount::Act365,
            DayCountArg::Thirty360 => DayCount::Thirty360,
        },
        date: a.date,
        maturity: a.maturity,
        valuation_cap: text(&a.cap),
        discount: text(&a.discount),
        memo: text(&a.memo),
    };
    record(book, out, "the convertible note", form)
}

pub fn valuation_add(book: &Path, a: ValuationAddArgs, out: &mut String) -> CliResult {
    let form = ValuationForm {
        class: a.class,
        price_per_share: a.price,
        date: a.date,
        provider: text(&a.provider),
    };
    let id = form.submit(&mut open(book)?)?;
    let _ = writeln!(out, "Recorded 409A valuation #{id}.");
    Ok(())
}

pub fn split(book: &Path, a: SplitArgs, json: bool, out: &mut String) -> CliResult {
    let form = SplitForm {
        class: a.class,
        date: a.date,
        ratio: a.ratio,
        memo: text(&a.memo),
    };
    let mut store = open(book)?;
    let id = form.submit(&mut store)?.id;
    let b = store.load()?;
    let effect = b.split_effect(id)?;
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "entry": id, "split": effect }))
                .unwrap_or_default()
        );
    } else {
        crate::show::split_statement(&b, &effect, out);
    }
    Ok(())
}

pub fn reverse(book: &Path, a: ReverseArgs, out: &mut String) -> CliResult {
    let form = ReversalForm {
        entry: a.entry,
        reason: a.reason,
        date: text(&a.date),
    };
    let entry = form.submit(&mut open(book)?)?;
    if let Movement::Reversal { reverses, .. } = entry.movement {
        let _ = writeln!(
            out,
            "Reversed entry #{reverses} with journal entry #{}.",
            entry.id
        );
    }
    Ok(())
}

pub fn settings_rounding(book: &Path, a: RoundingArgs, json: bool, out: &mut String) -> CliResult {
    let form = rounding(&a);
    let policy = form.submit(&mut open(book)?)?;
    let given = !form.is_empty();
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "rounding": policy }))
                .unwrap_or_default()
        );
    } else if given {
        let _ = writeln!(
            out,
            "The book's default rounding is now: {}.",
            policy.describe()
        );
    } else {
        let _ = writeln!(out, "The book's default rounding: {}.", policy.describe());
    }
    Ok(())
}
