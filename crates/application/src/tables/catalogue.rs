//! Which table: the catalogue of the read model's tables, in the user's words, for the command
//! line's `export csv TABLE`, the app's table choices and the workbook.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The tables a CSV can hold, in the user's words (`roundbook export csv TABLE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum TableChoice {
    /// The cap table as of a date, by holder or by class.
    Captable,
    /// Each holder's shares per class as of a date.
    Holdings,
    /// SAFEs and notes outstanding as of a date.
    Convertibles,
    Journal,
    Rounds,
    /// Each investor's shares in each round.
    Participations,
    Stakeholders,
    /// Share classes with their terms, the conversion ratio in force on the date.
    Classes,
    /// Equity plans on a date: reserved, granted, exercised, expired, available.
    Plans,
    /// The compute plan's GPU orders.
    GpuOrders,
    /// Each round's use of proceeds: GPU and infra capex against what it raised.
    UseOfProceeds,
    /// The compute plan's monthly projection.
    Compute,
    /// Stored Monte Carlo runs: headline probabilities and means.
    SimulationRuns,
    /// Stored Monte Carlo runs: percentile fans per measure and month.
    SimulationFans,
}

/// A cap table's rows: one per holder or one per class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CapTableBy {
    #[default]
    Holder,
    Class,
}

/// What a cap table counts: the shares issued (as converted to common), or those plus every
/// option granted and still available for grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CapTableShares {
    Outstanding,
    /// The exports' default: it holds every column the outstanding view has, and more.
    #[default]
    FullyDiluted,
}

impl CapTableShares {
    /// The table's name, as a sheet or a CSV names it.
    pub fn table_name(self, by: CapTableBy) -> &'static str {
        match (by, self) {
            (CapTableBy::Holder, CapTableShares::FullyDiluted) => "captable",
            (CapTableBy::Holder, CapTableShares::Outstanding) => "captable-outstanding",
            (CapTableBy::Class, CapTableShares::FullyDiluted) => "captable-classes",
            (CapTableBy::Class, CapTableShares::Outstanding) => "captable-classes-outstanding",
        }
    }
}

impl TableChoice {
    pub const ALL: [TableChoice; 14] = [
        TableChoice::Captable,
        TableChoice::Holdings,
        TableChoice::Convertibles,
        TableChoice::Journal,
        TableChoice::Rounds,
        TableChoice::Participations,
        TableChoice::Stakeholders,
        TableChoice::Classes,
        TableChoice::Plans,
        TableChoice::GpuOrders,
        TableChoice::UseOfProceeds,
        TableChoice::Compute,
        TableChoice::SimulationRuns,
        TableChoice::SimulationFans,
    ];

    /// The name a user types (`simulation-fans`), as serialised.
    pub fn name(self) -> &'static str {
        match self {
            TableChoice::Captable => "captable",
            TableChoice::Holdings => "holdings",
            TableChoice::Convertibles => "convertibles",
            TableChoice::Journal => "journal",
            TableChoice::Rounds => "rounds",
            TableChoice::Participations => "participations",
            TableChoice::Stakeholders => "stakeholders",
            TableChoice::Classes => "classes",
            TableChoice::Plans => "plans",
            TableChoice::GpuOrders => "gpu-orders",
            TableChoice::UseOfProceeds => "use-of-proceeds",
            TableChoice::Compute => "compute",
            TableChoice::SimulationRuns => "simulation-runs",
            TableChoice::SimulationFans => "simulation-fans",
        }
    }

    /// What the table holds, for a command line's help.
    pub fn help(self) -> &'static str {
        match self {
            TableChoice::Captable => "the cap table as of a date, by holder or by class",
            TableChoice::Holdings => "each holder's shares per class as of a date",
            TableChoice::Convertibles => "SAFEs and notes outstanding as of a date",
            TableChoice::Journal => "every entry, with its description",
            TableChoice::Rounds => "funding rounds with their terms, standing or reversed",
            TableChoice::Participations => "each investor's shares in each round",
            TableChoice::Stakeholders => "stakeholders with their kind and relationships",
            TableChoice::Classes => "share classes with their terms",
            TableChoice::Plans => "equity plans as of a date: granted, exercised, available",
            TableChoice::GpuOrders => "the compute plan's GPU orders and their deliveries",
            TableChoice::UseOfProceeds => "each round's GPU and infra capex against what it raised",
            TableChoice::Compute => "the compute plan's monthly projection",
            TableChoice::SimulationRuns => "stored Monte Carlo runs: probabilities and means",
            TableChoice::SimulationFans => "stored Monte Carlo runs: percentile fans",
        }
    }

    pub fn from_name(name: &str) -> Option<TableChoice> {
        TableChoice::ALL.into_iter().find(|t| t.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::TableChoice;

    /// The names clap offers are the ones the page and the JSON send: one list, two spellings
    /// that must not drift apart.
    #[test]
    fn every_table_is_listed_once_under_its_serialised_name() {
        for t in TableChoice::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.name(), "{t:?}");
            assert_eq!(TableChoice::from_name(t.name()), Some(t));
        }
        let mut names: Vec<_> = TableChoice::ALL.map(TableChoice::name).to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TableChoice::ALL.len());
    }
}
