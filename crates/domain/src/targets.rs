//! The yearly targets of the indicators, as the reference tables of the plans give them.

use crate::chrono::NaiveDate;
use crate::{Direction, WaterClass, WaterParameter};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pm25TargetRow {
    /// As written: “柯城”, “衢州市区”.
    pub area: String,
    pub year: i32,
    /// µg/m³.
    pub value: f64,
    /// “以下” or empty.
    pub qualifier: String,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionRow {
    pub name: String,
    pub target_class: WaterClass,
    pub reservoir: bool,
    pub table_name: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrainLimitRow {
    pub drain: String,
    pub parameter: WaterParameter,
    pub limit_mg_l: f64,
    pub effective_from: NaiveDate,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateGoalRow {
    pub metric: String,
    pub year: i32,
    pub percent: f64,
    pub comparator: Direction,
    pub raw: String,
}

/// Everything the indicators page shows of the targets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndicatorTargets {
    pub pm25: Vec<Pm25TargetRow>,
    pub sections: Vec<SectionRow>,
    pub drains: Vec<DrainLimitRow>,
    pub rates: Vec<RateGoalRow>,
    /// The plans' own indicators (of plans in effect or closed) …
    #[serde(default)]
    pub indicators: Vec<crate::measure::PlanIndicator>,
    /// … and every target plans set, with its plan: on their own indicators, and on PM2.5 or a
    /// soil rate (those are also in `pm25` and `rates`, beside the reference tables').
    #[serde(default)]
    pub plan_targets: Vec<crate::measure::PlanTarget>,
}
