//! The indicators that readings are taken of, and the readings themselves.
//!
//! The catalogue is fixed by the plans: PM2.5 by area (治气), the six GB 3838 parameters that
//! decide a 水十条 section's class and the COD / NH3-N of the city's drains (治水), and the
//! three rates of the soil plan (治土). Places come from the seed's reference tables; a reading
//! is one month's value of one indicator at one place.
//!
//! Files: `input.rs` checks one reading as entered, `places.rs` has the places and indicators
//! readings refer to; this file has the catalogue and the reading types.

use crate::water::Parameter;
use crate::ParseError;
use serde::{Deserialize, Serialize};

mod input;
mod places;
#[cfg(test)]
mod tests;

pub use input::*;
pub use places::*;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

impl Better {
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Better::Lower => "越低越好",
            Better::Higher => "越高越好",
        }
    }
}

/// What kind of place an indicator is measured at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// An area of 附件2 (柯城 … 西区) or 衢州市区.
    Area,
    /// A national 水十条 section.
    Section,
    /// A drain of the city proper.
    Drain,
    /// The whole city (全市).
    City,
}

impl PlaceKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            PlaceKind::Area => "区域",
            PlaceKind::Section => "断面",
            PlaceKind::Drain => "排渠",
            PlaceKind::City => "全市",
        }
    }
}

/// The one place of city-wide indicators.
pub const CITY: &str = "全市";

/// One indicator of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    /// Stable code used in files and the API, e.g. `pm25`, `water.nh3n`.
    pub code: &'static str,
    pub name_zh: &'static str,
    pub unit: &'static str,
    pub better: Better,
    pub place_kind: PlaceKind,
    /// The plan that sets its targets: `water`, `air`, `soil`.
    pub plan: &'static str,
    /// A monthly value above this is not believable (a typo, a wrong unit).
    pub max_plausible: f64,
    /// The rate metric of the seed's rate goals, for the rate indicators.
    pub metric: Option<&'static str>,
    /// The GB 3838 parameter, for the section indicators.
    pub parameter: Option<Parameter>,
}

const fn def(
    code: &'static str,
    name_zh: &'static str,
    unit: &'static str,
    better: Better,
    place_kind: PlaceKind,
    plan: &'static str,
    max_plausible: f64,
) -> IndicatorDef {
    IndicatorDef {
        code,
        name_zh,
        unit,
        better,
        place_kind,
        plan,
        max_plausible,
        metric: None,
        parameter: None,
    }
}

const fn water(code: &'static str, p: Parameter, name: &'static str, max: f64) -> IndicatorDef {
    let better = if matches!(p, Parameter::DissolvedOxygen) {
        Better::Higher
    } else {
        Better::Lower
    };
    IndicatorDef {
        parameter: Some(p),
        ..def(code, name, "mg/L", better, PlaceKind::Section, "water", max)
    }
}

const fn rate(code: &'static str, metric: &'static str) -> IndicatorDef {
    IndicatorDef {
        metric: Some(metric),
        ..def(
            code,
            metric,
            "%",
            Better::Higher,
            PlaceKind::City,
            "soil",
            100.0,
        )
    }
}

/// Every indicator, in display order.
pub const CATALOGUE: [IndicatorDef; 12] = [
    def(
        "pm25",
        "PM2.5 月均浓度",
        "µg/m³",
        Better::Lower,
        PlaceKind::Area,
        "air",
        500.0,
    ),
    water("water.do", Parameter::DissolvedOxygen, "溶解氧", 20.0),
    water("water.codmn", Parameter::CodMn, "高锰酸盐指数", 100.0),
    water("water.cod", Parameter::Cod, "化学需氧量", 500.0),
    water("water.bod5", Parameter::Bod5, "五日生化需氧量", 200.0),
    water("water.nh3n", Parameter::AmmoniaN, "氨氮", 50.0),
    water("water.tp", Parameter::TotalP, "总磷", 10.0),
    def(
        "drain.cod",
        "排渠化学需氧量",
        "mg/L",
        Better::Lower,
        PlaceKind::Drain,
        "water",
        1000.0,
    ),
    def(
        "drain.nh3n",
        "排渠氨氮",
        "mg/L",
        Better::Lower,
        PlaceKind::Drain,
        "water",
        100.0,
    ),
    rate("rate.farmland", "受污染耕地安全利用率"),
    rate("rate.site", "污染地块安全利用率"),
    rate("rate.hazwaste", "危险废物规范化管理达标率"),
];

/// The indicator with this code, or with this Chinese name.
pub fn indicator(code_or_name: &str) -> Option<&'static IndicatorDef> {
    let s = code_or_name.trim();
    CATALOGUE
        .iter()
        .find(|d| d.code.eq_ignore_ascii_case(s) || d.name_zh == s)
}

/// The section indicator of a GB 3838 parameter.
pub fn water_indicator(p: Parameter) -> &'static IndicatorDef {
    CATALOGUE
        .iter()
        .find(|d| d.parameter == Some(p))
        .unwrap_or(&CATALOGUE[0])
}

/// Where a reading came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingSource {
    /// Typed into the entry form.
    Entered,
    /// From a CSV file.
    Imported,
    /// Pushed by another system through the API.
    Api,
    /// Generated demo data.
    Demo,
}

impl ReadingSource {
    pub const ALL: [ReadingSource; 4] = [
        ReadingSource::Entered,
        ReadingSource::Imported,
        ReadingSource::Api,
        ReadingSource::Demo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReadingSource::Entered => "entered",
            ReadingSource::Imported => "imported",
            ReadingSource::Api => "api",
            ReadingSource::Demo => "demo",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReadingSource::Entered => "录入",
            ReadingSource::Imported => "导入",
            ReadingSource::Api => "接口",
            ReadingSource::Demo => "演示",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| ParseError::new("source", format!("来源“{s}”无效")))
    }
}

/// Which reading: indicator, place and month. At most one reading per key is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReadingKey {
    pub indicator: String,
    pub place: String,
    pub year: i32,
    pub month: u32,
}

/// A reading that has been checked against the catalogue and is ready to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReading {
    pub key: ReadingKey,
    pub value: f64,
    /// Valid daily values behind a monthly mean (PM2.5); `None` when not given.
    pub valid_days: Option<u32>,
    pub provisional: bool,
    pub note: String,
}

/// A stored reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub id: i64,
    pub key: ReadingKey,
    pub value: f64,
    pub valid_days: Option<u32>,
    pub provisional: bool,
    pub source: ReadingSource,
    pub is_demo: bool,
    pub note: String,
    pub recorded_by: String,
    /// RFC 3339.
    pub recorded_at: String,
}

/// What standings and charts read of a reading: its key and value, not who recorded it (the
/// overview reads a year of these, and reading every column was most of its time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadingValue {
    pub key: ValueKey,
    pub value: f64,
    pub valid_days: Option<u32>,
    pub provisional: bool,
    pub is_demo: bool,
}

/// A [`ReadingKey`] as a server holds it in memory: the indicator and the place shared by every
/// reading of the series (and of the read) rather than copied into each. A province's year is
/// ~335,000 readings of ~4,900 places: two strings of their own each made a held reading
/// ~155 bytes, 64 now (issue 26, `server/examples/heap.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ValueKey {
    pub indicator: Name,
    pub place: Name,
    pub year: i32,
    pub month: u32,
}

impl From<&ReadingKey> for ValueKey {
    fn from(k: &ReadingKey) -> Self {
        ValueKey {
            indicator: Name::from(k.indicator.as_str()),
            place: Name::from(k.place.as_str()),
            year: k.year,
            month: k.month,
        }
    }
}

/// An indicator code or a place name held once and shared (see [`ValueKey`]); compares and
/// reads as the text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(std::sync::Arc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the two are one allocation (not only the same text).
    pub fn shares(&self, other: &Name) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(s.into())
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

/// Gives each distinct text one [`Name`] (a read of a year of readings shares each
/// indicator and place among all its rows).
#[derive(Default)]
pub struct Names(std::collections::HashSet<Name>);

impl Names {
    pub fn name(&mut self, s: &str) -> Name {
        if let Some(n) = self.0.get(s) {
            return n.clone();
        }
        let n = Name::from(s);
        self.0.insert(n.clone());
        n
    }
}

impl From<&Reading> for ReadingValue {
    fn from(r: &Reading) -> Self {
        ReadingValue {
            key: ValueKey::from(&r.key),
            value: r.value,
            valid_days: r.valid_days,
            provisional: r.provisional,
            is_demo: r.is_demo,
        }
    }
}

/// The checks of a batch of readings beyond each row's own rules ([`ReadingInput::parse`]),
/// the same whichever way the batch comes — the entry form, a CSV import, an API push: one
/// value per indicator, place and month, and only indicators of plans the writer may write
/// (each plan asked once).
pub struct BatchCheck<'a> {
    places: &'a Places,
    writer: Option<crate::access::ReadingsWriter<'a>>,
    /// Each key seen, with its indicator and place as numbers (`names`), and the row that
    /// gave it. A million-row import holds a million keys: as `ReadingKey`s (two strings
    /// each) they were ~180 MB and their table's growth stalled the file's reader.
    seen: rustc_hash::FxHashMap<(u32, u32, i32, u32), u64>,
    /// The number of each indicator and place named so far.
    names: rustc_hash::FxHashMap<Box<str>, u32>,
    allowed: Vec<&'a str>,
}

impl<'a> BatchCheck<'a> {
    /// `writer`: `None` only for trusted callers (tests of the file rules), whose batches may
    /// be of any plan.
    pub fn new(places: &'a Places, writer: Option<crate::access::ReadingsWriter<'a>>) -> Self {
        BatchCheck {
            places,
            writer,
            seen: rustc_hash::FxHashMap::default(),
            names: rustc_hash::FxHashMap::default(),
            allowed: Vec::new(),
        }
    }

    /// The number of `name` (an indicator or a place) in this batch.
    fn name(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.names.get(name) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.insert(name.into(), n);
        n
    }

    /// The row (as the caller numbers them) that already gave `key`; `None` for the first.
    pub fn repeated(&mut self, key: &ReadingKey, row: u64) -> Option<u64> {
        let compact = (
            self.name(&key.indicator),
            self.name(&key.place),
            key.year,
            key.month,
        );
        match self.seen.entry(compact) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(row);
                None
            }
        }
    }

    /// Whether the writer may write a reading of `key`'s indicator: the refusal names the
    /// indicator's plan. An indicator not in the catalogue is left to the row's own check.
    pub fn may_write(&mut self, key: &ReadingKey) -> Result<(), (String, crate::access::Denied)> {
        let (Some(writer), Some(def)) = (self.writer, self.places.indicator(&key.indicator)) else {
            return Ok(());
        };
        if self.allowed.contains(&def.plan) {
            return Ok(());
        }
        writer
            .may_write(def.plan)
            .map_err(|denied| (def.plan.to_owned(), denied))?;
        self.allowed.push(def.plan);
        Ok(())
    }
}

/// How many readings are stored, and how many of them are generated demo data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingCounts {
    pub total: i64,
    pub demo: i64,
}

/// What a write of readings did: new keys, replaced values, identical values left alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingsWritten {
    pub inserted: u64,
    pub replaced: u64,
    pub unchanged: u64,
}

/// A problem with one cell of an imported file. `row` is the line number a spreadsheet shows
/// (the header is row 1); `column` is the header as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "第 {} 行：{}", self.row, self.reason)
        } else {
            write!(
                f,
                "第 {} 行，列“{}”：{}",
                self.row, self.column, self.reason
            )
        }
    }
}

impl From<&'static IndicatorDef> for IndicatorRef<'static> {
    fn from(d: &'static IndicatorDef) -> Self {
        IndicatorRef {
            code: d.code,
            name_zh: d.name_zh,
            unit: d.unit,
            better: d.better,
            place_kind: d.place_kind,
            plan: d.plan,
            max_plausible: d.max_plausible,
        }
    }
}
