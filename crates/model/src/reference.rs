//! The reference tables of the plans: what the charts and lists compute with.

use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::{Direction, Pollutant, UnitName, WaterClass, WaterParameter};

/// Everything outside the allocation tables that the charts and lists compute with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reference {
    pub pm25_targets: Vec<Pm25Target>,
    pub emission_cuts: Vec<EmissionCut>,
    pub water_sections: Vec<WaterSection>,
    pub drain_limits: Vec<DrainLimit>,
    pub drain_relative_limits: Vec<DrainRelativeLimit>,
    pub rate_goals: Vec<RateGoal>,
    pub yearly_goals: Vec<YearlyGoal>,
    pub enterprises: Vec<Enterprise>,
    pub stations: Vec<Station>,
}

/// A PM2.5 annual-mean target (µg/m³): per county from 附件2, and for 衢州市区 from the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Pm25Target {
    /// The area as written (“柯城”, “衢州市区”).
    pub area: String,
    /// The unit answerable for the area, when the area is one (“柯城” → 柯城区政府).
    pub unit: Option<UnitName>,
    pub year: i32,
    pub value: f64,
    /// “以下” (開化 “28以下”, 市区 “控制在40…以下”) or empty.
    pub qualifier: String,
    pub raw: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmissionCut {
    pub area: String,
    pub unit: Option<UnitName>,
    pub pollutant: Pollutant,
    /// Reduction by 2020 against 2015, in percent; `None` where the table says “—”.
    pub percent: Option<f64>,
    pub raw: String,
    pub note: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaterSection {
    pub name: String,
    pub target_class: WaterClass,
    pub reservoir: bool,
    /// How the allocation table writes the name, when it differs (下董).
    pub table_name: Option<String>,
    pub note: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrainLimit {
    pub drain: String,
    pub parameter: WaterParameter,
    pub limit_mg_l: f64,
    pub effective_from: NaiveDate,
    pub raw: String,
    pub note: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrainRelativeLimit {
    pub drain: String,
    pub area: String,
    pub parameters: Vec<WaterParameter>,
    pub effective_from: NaiveDate,
    pub raw: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateGoal {
    pub metric: String,
    pub year: i32,
    pub percent: f64,
    pub comparator: Direction,
    pub raw: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YearlyGoal {
    /// The plan's code.
    pub plan: String,
    pub task: Option<i32>,
    pub year: i32,
    pub text: String,
    pub span: String,
    pub note: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enterprise {
    pub seq: i32,
    pub town: String,
    pub name: String,
    pub responsible: UnitName,
    pub responsible_text: String,
    pub provenance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub seq: i32,
    pub area: String,
    pub unit: Option<UnitName>,
    pub name: String,
    pub provenance: String,
}
