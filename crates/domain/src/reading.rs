//! The indicators that readings are taken of, and the readings themselves.
//!
//! The catalogue is fixed by the plans: PM2.5 by area (治气), the six GB 3838 parameters that
//! decide a 水十条 section's class and the COD / NH3-N of the city's drains (治水), and the
//! three rates of the soil plan (治土). Places come from the seed's reference tables; a reading
//! is one month's value of one indicator at one place.

use crate::water::Parameter;
use crate::ParseError;
use serde::{Deserialize, Serialize};

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
    pub key: ReadingKey,
    pub value: f64,
    pub valid_days: Option<u32>,
    pub provisional: bool,
    pub is_demo: bool,
}

impl From<&Reading> for ReadingValue {
    fn from(r: &Reading) -> Self {
        ReadingValue {
            key: r.key.clone(),
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
    seen: rustc_hash::FxHashMap<ReadingKey, u64>,
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
            allowed: Vec::new(),
        }
    }

    /// The row (as the caller numbers them) that already gave `key`; `None` for the first.
    pub fn repeated(&mut self, key: &ReadingKey, row: u64) -> Option<u64> {
        match self.seen.get(key) {
            Some(&first) => Some(first),
            None => {
                self.seen.insert(key.clone(), row);
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

/// The raw fields of one reading, as typed in a form or read from a file row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadingInput {
    pub indicator: String,
    pub place: String,
    pub year: String,
    pub month: String,
    pub value: String,
    pub valid_days: String,
    pub provisional: String,
    pub note: String,
}

/// The places each kind of indicator may be read at (from the reference tables), and the
/// indicators the plans in effect define beside the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Places {
    pub areas: Vec<String>,
    pub sections: Vec<String>,
    pub drains: Vec<String>,
    /// The plans' own indicators (not the catalogue's) that readings may be taken of.
    #[serde(default)]
    pub indicators: Vec<crate::measure::PlanIndicator>,
}

/// An indicator readings may be taken of: the catalogue's or a plan's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorRef<'a> {
    pub code: &'a str,
    pub name_zh: &'a str,
    pub unit: &'a str,
    pub better: Better,
    pub place_kind: PlaceKind,
    /// The plan that defines it (whose coordinators enter its readings).
    pub plan: &'a str,
    pub max_plausible: f64,
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

impl<'a> IndicatorRef<'a> {
    fn of_plan(d: &'a crate::measure::PlanIndicator) -> Self {
        IndicatorRef {
            code: &d.code,
            name_zh: &d.name_zh,
            unit: &d.unit,
            better: d.better,
            place_kind: d.place_kind,
            plan: &d.plan,
            max_plausible: d.max_plausible,
        }
    }
}

impl Places {
    /// The indicator with this code or Chinese name: the catalogue's first, then the plans'.
    pub fn indicator(&self, code_or_name: &str) -> Option<IndicatorRef<'_>> {
        if let Some(d) = indicator(code_or_name) {
            return Some(d.into());
        }
        let s = code_or_name.trim();
        self.indicators
            .iter()
            .find(|d| d.code.eq_ignore_ascii_case(s) || d.name_zh == s)
            .map(IndicatorRef::of_plan)
    }

    /// Every indicator readings may be taken of: the catalogue, then the plans' own.
    pub fn all_indicators(&self) -> Vec<IndicatorRef<'_>> {
        let catalogue = CATALOGUE.iter().map(|d| -> IndicatorRef<'_> { d.into() });
        catalogue
            .chain(self.indicators.iter().map(IndicatorRef::of_plan))
            .collect()
    }

    pub fn of(&self, kind: PlaceKind) -> Vec<String> {
        match kind {
            PlaceKind::Area => self.areas.clone(),
            PlaceKind::Section => self.sections.clone(),
            PlaceKind::Drain => self.drains.clone(),
            PlaceKind::City => vec![CITY.to_owned()],
        }
    }

    /// A lookup over these places: build it once when checking many readings (a file of a
    /// million rows against thousands of sections).
    pub fn index(&self) -> PlaceIndex<'_> {
        fn set(v: &[String]) -> rustc_hash::FxHashSet<&str> {
            v.iter().map(String::as_str).collect()
        }
        PlaceIndex {
            areas: set(&self.areas),
            sections: set(&self.sections),
            drains: set(&self.drains),
        }
    }

    /// The places of `kind` for an error message: all of them, or the first 30 and a count.
    fn listed(&self, kind: PlaceKind) -> String {
        const SHOWN: usize = 30;
        let all = self.of(kind);
        if all.len() <= SHOWN {
            all.join("、")
        } else {
            format!(
                "{} 等 {} 个（全部见 /api/indicators.csv）",
                all[..SHOWN].join("、"),
                all.len()
            )
        }
    }
}

/// [`Places`] as sets, for checking many readings.
#[derive(Debug, Clone, Default)]
pub struct PlaceIndex<'a> {
    areas: rustc_hash::FxHashSet<&'a str>,
    sections: rustc_hash::FxHashSet<&'a str>,
    drains: rustc_hash::FxHashSet<&'a str>,
}

impl PlaceIndex<'_> {
    fn contains(&self, kind: PlaceKind, place: &str) -> bool {
        match kind {
            PlaceKind::Area => self.areas.contains(place),
            PlaceKind::Section => self.sections.contains(place),
            PlaceKind::Drain => self.drains.contains(place),
            PlaceKind::City => place == CITY,
        }
    }
}

/// Readings (and the targets a plan sets) are accepted for these years: the seeded plans run
/// 2018–2020, the years before give the baseline, and plans imported later (the next
/// three-year plans) run on past today (2026 was refused while this ended at 2025).
pub const YEARS: std::ops::RangeInclusive<i32> = 2015..=2035;

fn days_in_month(year: i32, month: u32) -> u32 {
    use chrono::{Datelike, NaiveDate};
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).map_or(31, |d| d.day())
}

fn parse_number(field: &'static str, label: &str, s: &str) -> Result<f64, ParseError> {
    let t = s.trim().replace(['，', ','], "");
    let v: f64 = t
        .parse()
        .map_err(|_| ParseError::new(field, format!("{label}“{}”不是数字", s.trim())))?;
    if !v.is_finite() {
        return Err(ParseError::new(
            field,
            format!("{label}“{}”不是有限数值", s.trim()),
        ));
    }
    Ok(v)
}

fn parse_whole(field: &'static str, label: &str, s: &str) -> Result<i64, ParseError> {
    let t = s.trim();
    t.parse()
        .map_err(|_| ParseError::new(field, format!("{label}“{t}”不是整数")))
}

/// “是/否”, “true/false”, “1/0”, “暂定”, or empty (= no).
pub fn parse_flag(s: &str) -> Result<bool, ParseError> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "false" | "0" | "no" | "n" | "正式" => Ok(false),
        "是" | "true" | "1" | "yes" | "y" | "暂定" => Ok(true),
        other => Err(ParseError::new(
            "provisional",
            format!("“{other}”无效，应为 是 / 否"),
        )),
    }
}

impl ReadingInput {
    /// Checks every field against the catalogue and the places. The first problem is
    /// returned with the field it concerns.
    pub fn parse(&self, places: &Places) -> Result<NewReading, ParseError> {
        self.parse_indexed(places, &places.index())
    }

    /// [`ReadingInput::parse`] with the places' index built once by the caller.
    pub fn parse_indexed(
        &self,
        places: &Places,
        index: &PlaceIndex<'_>,
    ) -> Result<NewReading, ParseError> {
        let def = places.indicator(&self.indicator).ok_or_else(|| {
            ParseError::new(
                "indicator",
                if self.indicator.trim().is_empty() {
                    "不能为空".to_owned()
                } else {
                    format!("没有指标“{}”", self.indicator.trim())
                },
            )
        })?;
        let place = self.place.trim();
        if place.is_empty() {
            return Err(ParseError::new("place", "不能为空"));
        }
        if !index.contains(def.place_kind, place) {
            let known = places.listed(def.place_kind);
            return Err(ParseError::new(
                "place",
                format!(
                    "“{place}”不是“{}”的{}，应为：{known}",
                    def.name_zh,
                    def.place_kind.label_zh()
                ),
            ));
        }
        let year = parse_whole("year", "年份", &self.year)?;
        let year = i32::try_from(year)
            .ok()
            .filter(|y| YEARS.contains(y))
            .ok_or_else(|| {
                ParseError::new(
                    "year",
                    format!("年份 {year} 超出范围 {}–{}", YEARS.start(), YEARS.end()),
                )
            })?;
        let month = parse_whole("month", "月份", &self.month)?;
        let month = u32::try_from(month)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| ParseError::new("month", format!("月份 {month} 应在 1–12 之间")))?;
        let value = parse_number("value", "数值", &self.value)?;
        if value < 0.0 {
            return Err(ParseError::new("value", format!("数值 {value} 不能为负")));
        }
        if value > def.max_plausible {
            return Err(ParseError::new(
                "value",
                format!(
                    "数值 {value} {} 不可信：{}的月值不应超过 {} {}",
                    def.unit, def.name_zh, def.max_plausible, def.unit
                ),
            ));
        }
        let valid_days = if self.valid_days.trim().is_empty() {
            None
        } else {
            let d = parse_whole("valid_days", "有效天数", &self.valid_days)?;
            let max = days_in_month(year, month);
            let d = u32::try_from(d).ok().filter(|d| *d <= max).ok_or_else(|| {
                ParseError::new(
                    "valid_days",
                    format!("有效天数 {d} 应在 0–{max} 之间（{year}年{month}月有 {max} 天）"),
                )
            })?;
            Some(d)
        };
        let provisional = parse_flag(&self.provisional)?;
        let note = self.note.trim();
        if note.chars().count() > 500 {
            return Err(ParseError::new("note", "备注不能超过 500 字"));
        }
        Ok(NewReading {
            key: ReadingKey {
                indicator: def.code.to_owned(),
                place: place.to_owned(),
                year,
                month,
            },
            value,
            valid_days,
            provisional,
            note: note.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        Places {
            areas: vec!["柯城".into(), "衢州市区".into()],
            sections: vec!["铜山源水库".into()],
            drains: vec!["西排渠".into()],
            indicators: Vec::new(),
        }
    }

    #[test]
    fn places_are_checked_by_index_and_a_long_list_is_cut_in_the_message() {
        let many = Places {
            sections: (1..=40).map(|i| format!("断面{i:02}")).collect(),
            ..places()
        };
        let index = many.index();
        let ok = input("water.nh3n", "断面40", "0.5").parse_indexed(&many, &index);
        assert!(ok.is_ok(), "{ok:?}");
        let e = input("water.nh3n", "断面41", "0.5")
            .parse_indexed(&many, &index)
            .expect_err("unknown section");
        assert_eq!(e.field, "place");
        assert!(e.reason.contains("断面30"), "{}", e.reason);
        assert!(!e.reason.contains("断面31"), "{}", e.reason);
        assert!(e.reason.contains("等 40 个"), "{}", e.reason);
        // A short list is given whole.
        let e = input("water.nh3n", "东迹渡", "0.5")
            .parse(&places())
            .expect_err("unknown");
        assert!(e.reason.ends_with("应为：铜山源水库"), "{}", e.reason);
    }

    fn input(indicator: &str, place: &str, value: &str) -> ReadingInput {
        ReadingInput {
            indicator: indicator.into(),
            place: place.into(),
            year: "2018".into(),
            month: "2".into(),
            value: value.into(),
            ..ReadingInput::default()
        }
    }

    #[test]
    fn the_catalogue_has_unique_codes_and_names() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            for b in &CATALOGUE[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.name_zh, b.name_zh);
            }
            assert_eq!(indicator(a.code).map(|d| d.code), Some(a.code));
            assert_eq!(indicator(a.name_zh).map(|d| d.code), Some(a.code));
        }
        for p in Parameter::ALL {
            assert_eq!(water_indicator(p).parameter, Some(p));
        }
    }

    #[test]
    fn a_good_reading_by_code_or_by_name() {
        let mut i = input("pm25", "柯城", " 41.5 ");
        i.valid_days = "28".into();
        i.provisional = "是".into();
        let r = i.parse(&places()).expect("valid");
        assert_eq!(r.key.indicator, "pm25");
        assert_eq!((r.key.year, r.key.month), (2018, 2));
        assert_eq!(r.value, 41.5);
        assert_eq!(r.valid_days, Some(28));
        assert!(r.provisional);
        let r = input("氨氮", "铜山源水库", "0.5")
            .parse(&places())
            .expect("by name");
        assert_eq!(r.key.indicator, "water.nh3n");
        assert!(input("受污染耕地安全利用率", CITY, "91.2")
            .parse(&places())
            .is_ok());
    }

    #[test]
    fn each_bad_field_is_named() {
        let p = places();
        let field = |i: ReadingInput| i.parse(&p).expect_err("must fail").field;
        assert_eq!(field(input("pm10", "柯城", "1")), "indicator");
        assert_eq!(field(input("pm25", "东迹渡", "1")), "place");
        assert_eq!(field(input("pm25", "柯城", "abc")), "value");
        assert_eq!(field(input("pm25", "柯城", "-1")), "value");
        assert_eq!(field(input("pm25", "柯城", "5000")), "value");
        assert_eq!(field(input("rate.site", CITY, "100.5")), "value");
        let mut i = input("pm25", "柯城", "30");
        i.month = "13".into();
        assert_eq!(field(i), "month");
        let mut i = input("pm25", "柯城", "30");
        i.year = "1999".into();
        assert_eq!(field(i), "year");
        // February 2018 has 28 days.
        let mut i = input("pm25", "柯城", "30");
        i.valid_days = "29".into();
        let e = i.parse(&p).expect_err("29 days in Feb 2018");
        assert_eq!(e.field, "valid_days");
        assert!(e.reason.contains("28 天"), "{}", e.reason);
        let mut i = input("pm25", "柯城", "30");
        i.provisional = "maybe".into();
        assert_eq!(field(i), "provisional");
        let e = input("pm25", "柯城", "abc").parse(&p).expect_err("text");
        assert_eq!(e.reason, "数值“abc”不是数字");
    }
}
