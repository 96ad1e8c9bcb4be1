//! `roundbook`: the book from the shell. A thin shell over the ledger and the
//! store: parse arguments, run one transaction, print a table or JSON.

mod args;
mod bench;
mod calc;
mod compute;
mod io;
mod read;
mod show;
mod simulate;
mod table;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use roundbook_application::ErrorCode;

use args::{Cli, Command};

/// The one error every surface reports (the application layer's): a stable code, the field at
/// fault if any, and words.
pub use roundbook_application::Error as CliError;

pub type CliResult<T = ()> = Result<T, CliError>;

fn default_book() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("roundbook")
        .join("default.roundbook")
}

/// The command line, with negative numbers taken as values everywhere, so that
/// `--price -5` reaches the ledger and is refused with the field named.
fn parse() -> Result<Cli, clap::Error> {
    fn allow_negatives(c: clap::Command) -> clap::Command {
        #[allow(deprecated)]
        c.allow_negative_numbers(true)
            .mut_subcommands(allow_negatives)
    }
    let matches = allow_negatives(Cli::command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
            let wants_json = std::env::args().any(|a| a == "--json");
            if wants_json && !matches!(e.kind(), DisplayHelp | DisplayVersion) {
                let message = e.render().to_string();
                let e = CliError::new(ErrorCode::Usage, message.trim());
                let v = serde_json::json!({ "error": e });
                eprintln!("{v}");
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    let book = cli.book.clone().unwrap_or_else(default_book);
    let json = cli.json;
    // Writers take turns; a wait past a second is said, so it is never silent.
    roundbook_store::wait::set_limit(std::time::Duration::from_secs(cli.wait));
    roundbook_store::wait::on_wait(|limit| {
        eprintln!(
            "roundbook: another program is writing to the book; waiting for its turn (up to {} s, --wait)",
            limit.as_secs()
        );
    });
    let mut out = String::new();
    let result = match cli.command {
        Command::Bench(b) => bench::run(b),
        Command::Simulate(a) => simulate::run(&book, a, json, &mut out),
        Command::Calc { file } => calc::run(&file, &mut out),
        command => run(&book, json, command, &mut out),
    };
    // A reader that stopped early (`| head`) is not an error of ours; anything else is said.
    if let Err(e) = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("roundbook: error: writing the output: {e}");
            return ExitCode::from(1);
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                let v = serde_json::json!({ "error": e });
                eprintln!("{v}");
            } else {
                eprintln!("roundbook: error: {}", e.message);
            }
            ExitCode::from(1)
        }
    }
}

fn run(book: &std::path::Path, json: bool, command: Command, out: &mut String) -> CliResult {
    use Command::*;
    match command {
        Init(a) => write::init(book, a, out),
        Demo => write::demo(book, json, out),
        Stakeholder(c) => match c {
            args::StakeholderCmd::Add(a) => write::stakeholder_add(book, a, out),
            args::StakeholderCmd::List => read::stakeholders(book, json, out),
        },
        Class(c) => match c {
            args::ClassCmd::Add(a) => write::class_add(book, a, out),
            args::ClassCmd::List => read::classes(book, json, out),
        },
        Plan(c) => match c {
            args::PlanCmd::Add(a) => write::plan_add(book, a, out),
            args::PlanCmd::List { as_of } => read::plans(book, as_of, json, out),
        },
        Pool(args::PoolCmd::Increase(a)) => write::pool_increase(book, a, out),
        Round(c) => match c {
            args::RoundCmd::Record(a) => write::round_record(book, *a, json, out),
            args::RoundCmd::List => read::rounds(book, json, out),
            args::RoundCmd::Show { round } => read::round_show(book, &round, json, out),
            args::RoundCmd::Model(a) => write::round_model(book, *a, json, out),
        },
        Issue(a) => write::issue(book, a, out),
        Grant(a) => write::grant(book, a, out),
        Transfer(a) => write::transfer(book, a, out),
        Cancel(a) => write::cancel(book, a, out),
        Exercise(a) => write::exercise(book, a, out),
        Repurchase(a) => write::repurchase(book, a, out),
        Convert(a) => write::convert(book, a, out),
        Safe(a) => write::safe(book, a, out),
        Note(a) => write::note(book, a, out),
        Valuation(c) => match c {
            args::ValuationCmd::Add(a) => write::valuation_add(book, a, out),
            args::ValuationCmd::List => read::valuations(book, json, out),
        },
        Split(a) => write::split(book, a, json, out),
        Reverse(a) => write::reverse(book, a, out),
        Captable(a) => read::captable(book, a, json, out),
        Waterfall(a) => read::waterfall(book, a, json, out),
        Journal(a) => read::journal(book, a, json, out),
        Settings(args::SettingsCmd::Rounding(a)) => write::settings_rounding(book, a, json, out),
        Compute(c) => compute::run(book, c, json, out),
        Runs => simulate::list(book, json, out),
        Check => read::check(book, json, out),
        Export(c) => io::export(book, c, json, out),
        Import(c) => io::import(book, c, json, out),
        Bench(_) | Calc { .. } | Simulate(_) => Ok(()),
    }
}
