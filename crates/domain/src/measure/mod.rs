//! What a plan measures beyond the national catalogue: its own indicators and the yearly
//! targets it sets, brought in with the plan's import (a workbook's 指标目标 sheet).
//!
//! A plan may set targets on a catalogue indicator (a new year's PM2.5 table for the areas, a
//! soil rate's goal for a later year) or define indicators of its own (a rate, a count, a
//! concentration) with targets per place and year. The standings judge a plan's own
//! indicator by its annual mean (weighted by valid days, as PM2.5) or by its latest month (as
//! the rates), against the target in the indicator's direction.
//!
//! Files: `sheet.rs` checks a 指标目标 sheet, `standing.rs` judges places against the targets;
//! this file has the types.

use crate::annual::{annual_mean, AnnualMean, MonthlyValue};
use crate::reading::{indicator, Better, PlaceKind, Places, ReadingValue, CITY, YEARS};
use crate::RowProblem;
use serde::{Deserialize, Serialize};

mod sheet;
mod standing;
#[cfg(test)]
mod tests;

pub use sheet::*;
pub use standing::*;

/// How a year of monthly values is judged against a yearly target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The year's mean (weighted by valid days when every month gives them).
    Mean,
    /// The latest month's value (a cumulative rate).
    Latest,
}

impl Aggregate {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Mean => "mean",
            Aggregate::Latest => "latest",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Aggregate::Mean => "年均值",
            Aggregate::Latest => "最新值",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "mean" | "年均" | "年均值" | "平均" | "均值" => Some(Aggregate::Mean),
            "latest" | "最新" | "最新值" | "累计" | "当前值" => Some(Aggregate::Latest),
            _ => None,
        }
    }
}

impl Better {
    /// “越低越好” / “lower”, “越高越好” / “higher” (and a few short forms).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "lower" | "越低越好" | "低" | "越低" | "不高于" | "≤" | "<=" => {
                Some(Better::Lower)
            }
            "higher" | "越高越好" | "高" | "越高" | "不低于" | "≥" | ">=" => {
                Some(Better::Higher)
            }
            _ => None,
        }
    }

    /// Whether `value` (rounded to one decimal, as figures are reported) meets `target`.
    pub fn meets(self, value: f64, target: f64) -> bool {
        let v = (value * 10.0).round() / 10.0;
        match self {
            Better::Lower => v <= target,
            Better::Higher => v >= target,
        }
    }
}

/// An indicator a plan defines for itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanIndicator {
    /// Stable code used in files and the API (`peer.1`, `river.patrol`).
    pub code: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub unit: String,
    pub better: Better,
    pub place_kind: PlaceKind,
    /// The plan that defines it.
    pub plan: String,
    /// Its short name, as stored (empty until read back from the store).
    #[serde(default)]
    pub plan_name: String,
    pub aggregate: Aggregate,
    /// A monthly value above this is not believable.
    pub max_plausible: f64,
}

impl PlanIndicator {
    pub fn name(&self, english: bool) -> &str {
        match &self.name_en {
            Some(en) if english && !en.trim().is_empty() => en,
            _ => &self.name_zh,
        }
    }
}

/// A yearly target a plan sets for an indicator (its own or the catalogue's) at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTarget {
    pub plan: String,
    /// The plan's short name, as stored (empty until read back from the store).
    #[serde(default)]
    pub plan_name: String,
    pub indicator: String,
    pub place: String,
    pub year: i32,
    pub value: f64,
    /// The cell as written.
    pub raw: String,
    /// Where it came from: the sheet and row of the import.
    pub provenance: String,
}

/// What an import brings beside the work: indicators and targets, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanMeasures {
    /// Indicators defined by this plan (new, or redefined by a later import).
    pub indicators: Vec<PlanIndicator>,
    pub targets: Vec<PlanTarget>,
}

impl PlanMeasures {
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty() && self.targets.is_empty()
    }
}
