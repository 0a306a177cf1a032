//! What a plan measures beyond the national catalogue: its own indicators and the yearly
//! targets it sets, brought in with the plan's import (a workbook's 指标目标 sheet).
//!
//! A plan may set targets on a catalogue indicator (a new year's PM2.5 table for the areas, a
//! soil rate's goal for a later year) or define indicators of its own (a rate, a count, a
//! concentration) with targets per place and year. The standings judge a plan's own
//! indicator by its annual mean (weighted by valid days, as PM2.5) or by its latest month (as
//! the rates), against the target in the indicator's direction.

use crate::annual::{annual_mean, AnnualMean, MonthlyValue};
use crate::reading::{indicator, Better, PlaceKind, Places, ReadingValue, CITY, YEARS};
use crate::RowProblem;
use serde::{Deserialize, Serialize};

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

/// The fields of a 指标目标 sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetField {
    Indicator,
    Code,
    NameEn,
    Unit,
    Better,
    Aggregate,
    Max,
    Place,
    Year,
    Value,
    Note,
}

impl TargetField {
    pub const ALL: [TargetField; 11] = [
        TargetField::Indicator,
        TargetField::Code,
        TargetField::NameEn,
        TargetField::Unit,
        TargetField::Better,
        TargetField::Aggregate,
        TargetField::Max,
        TargetField::Place,
        TargetField::Year,
        TargetField::Value,
        TargetField::Note,
    ];

    /// Recognised headers; the first is the one the template uses.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            TargetField::Indicator => &["指标", "指标名称", "indicator"],
            TargetField::Code => &["指标代码", "代码", "code"],
            TargetField::NameEn => &["英文名", "英文名称", "name_en", "english"],
            TargetField::Unit => &["单位", "计量单位", "unit"],
            TargetField::Better => &["方向", "考核方向", "better", "direction"],
            TargetField::Aggregate => &["计算", "计算方式", "考核值", "aggregate"],
            TargetField::Max => &["合理上限", "上限", "max"],
            TargetField::Place => &["地点", "地区", "区域", "考核地点", "place", "area"],
            TargetField::Year => &["年度", "年份", "year"],
            TargetField::Value => &["目标值", "目标", "target", "value"],
            TargetField::Note => &["说明", "依据", "备注", "note"],
        }
    }

    pub fn of_header(h: &str) -> Option<Self> {
        let h = h.trim().to_lowercase();
        TargetField::ALL
            .into_iter()
            .find(|f| f.headers().iter().any(|x| *x == h))
    }
}

/// The names of the workbook sheet that carries a plan's indicators and targets.
pub const TARGET_SHEETS: [&str; 4] = ["指标目标", "目标", "指标", "targets"];

/// Whether a sheet of that name carries targets (and is not the allocation table).
pub fn is_target_sheet(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    TARGET_SHEETS.iter().any(|s| *s == n)
}

/// One row of a 指标目标 sheet as written (cells trimmed, empty when the column is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInput {
    /// The row number a spreadsheet shows.
    pub row: u64,
    pub indicator: String,
    pub code: String,
    pub name_en: String,
    pub unit: String,
    pub better: String,
    pub aggregate: String,
    pub max: String,
    pub place: String,
    pub year: String,
    pub value: String,
    pub note: String,
}

/// What the parse of a sheet needs to know: the places, the indicators other imports
/// defined (any plan, any status), and how to name a column in a message.
pub struct MeasureContext<'a> {
    pub plan: &'a str,
    pub sheet: &'a str,
    pub places: &'a Places,
    pub defined: &'a [PlanIndicator],
    /// The header as written in the file for a field (the template's when absent).
    pub header: &'a dyn Fn(TargetField) -> String,
}

/// The indicator a row names: the catalogue's, another plan's, or one of this plan's.
enum Named {
    Catalogue(&'static crate::IndicatorDef),
    Defined(PlanIndicator),
}

fn valid_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

/// Checks a 指标目标 sheet: every problem names its row, column and reason. Returns the
/// measures when there is no problem.
pub fn parse_measures(
    cx: &MeasureContext<'_>,
    rows: &[TargetInput],
) -> Result<PlanMeasures, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut sheet = Sheet {
        cx,
        out: PlanMeasures::default(),
        seen: std::collections::HashMap::new(),
        next_code: 1,
    };
    for r in rows {
        // One problem per row: the first found.
        if let Err((f, reason)) = sheet.row(r) {
            problems.push(RowProblem {
                row: r.row,
                column: format!("{}·{}", cx.sheet, (cx.header)(f)),
                reason,
            });
        }
    }
    if problems.is_empty() {
        Ok(sheet.out)
    } else {
        Err(problems)
    }
}

/// A row's problem: the column and the reason.
type Bad = (TargetField, String);

/// A 指标目标 sheet as its rows are checked: the measures so far, the (indicator, place,
/// year) keys seen with their rows, the next number for an indicator given without a code.
struct Sheet<'c, 'a> {
    cx: &'c MeasureContext<'a>,
    out: PlanMeasures,
    seen: std::collections::HashMap<(String, String, i32), u64>,
    next_code: usize,
}

impl Sheet<'_, '_> {
    /// One row: its indicator (known, or defined by the row), then its target.
    fn row(&mut self, r: &TargetInput) -> Result<(), Bad> {
        let name = r.indicator.trim();
        let code = r.code.trim().to_lowercase();
        if name.is_empty() && code.is_empty() {
            return Err((TargetField::Indicator, "不能为空".to_owned()));
        }
        // Which indicator: by code first, then by name.
        let named = self.lookup(&code).or_else(|| self.lookup(name));
        let known = named.is_some();
        let def = match named {
            Some(Named::Catalogue(d)) => catalogue_indicator(d)?,
            Some(Named::Defined(d)) => d,
            None => {
                // A new indicator of this plan, defined by this row.
                let d = self.new_indicator(r, name, code)?;
                self.out.indicators.push(d.clone());
                d
            }
        };
        if known {
            same_unit_and_direction(&def, r)?;
        }
        // A defined indicator of this plan that an earlier import made: redefined by this one.
        if def.plan == self.cx.plan && !self.out.indicators.iter().any(|d| d.code == def.code) {
            self.out.indicators.push(def.clone());
        }
        self.target(&def, r)
    }

    /// The indicator a code or a name means: the catalogue's, one this sheet defined, or one
    /// an earlier import defined.
    fn lookup(&self, key: &str) -> Option<Named> {
        if key.is_empty() {
            return None;
        }
        if let Some(d) = indicator(key) {
            return Some(Named::Catalogue(d));
        }
        self.out
            .indicators
            .iter()
            .chain(self.cx.defined.iter())
            .find(|d| d.code.eq_ignore_ascii_case(key) || d.name_zh == key)
            .cloned()
            .map(Named::Defined)
    }

    /// A new indicator of this plan, as the row defines it: name, unit, direction, and
    /// optionally its rule, ceiling, code and English name; its place says its kind.
    fn new_indicator(
        &mut self,
        r: &TargetInput,
        name: &str,
        code: String,
    ) -> Result<PlanIndicator, Bad> {
        let cx = self.cx;
        if name.is_empty() {
            return Err((
                TargetField::Indicator,
                format!("没有代码为“{code}”的指标；新指标须填写指标名称"),
            ));
        }
        let unit = r.unit.trim();
        if unit.is_empty() {
            return Err((
                TargetField::Unit,
                format!("“{name}”不是已有指标：新指标须填写单位（如 %、mg/L、个）"),
            ));
        }
        let Some(better) = Better::parse(&r.better) else {
            return Err((
                TargetField::Better,
                if r.better.trim().is_empty() {
                    format!("“{name}”不是已有指标：新指标须填写方向（越低越好 / 越高越好）")
                } else {
                    format!("“{}”无效，应为 越低越好 / 越高越好", r.better.trim())
                },
            ));
        };
        let aggregate = if r.aggregate.trim().is_empty() {
            if unit == "%" {
                Aggregate::Latest
            } else {
                Aggregate::Mean
            }
        } else if let Some(a) = Aggregate::parse(&r.aggregate) {
            a
        } else {
            return Err((
                TargetField::Aggregate,
                format!("“{}”无效，应为 年均值 / 最新值", r.aggregate.trim()),
            ));
        };
        let max_plausible = if r.max.trim().is_empty() {
            if unit == "%" {
                100.0
            } else {
                1e9
            }
        } else {
            match r.max.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => v,
                _ => return Err((TargetField::Max, format!("“{}”不是正数", r.max.trim()))),
            }
        };
        let code = if code.is_empty() {
            loop {
                let c = format!("{}.{}", cx.plan, self.next_code);
                self.next_code += 1;
                if self.lookup(&c).is_none() {
                    break c;
                }
            }
        } else if !valid_code(&code) {
            return Err((
                TargetField::Code,
                format!(
                    "“{code}”无效：指标代码以小写字母开头，只含小写字母、数字和 . _ -，不超过 40 个字符"
                ),
            ));
        } else {
            code
        };
        let place = r.place.trim();
        let place_kind = if place == CITY {
            PlaceKind::City
        } else if cx.places.areas.iter().any(|a| a == place) {
            PlaceKind::Area
        } else if cx.places.sections.iter().any(|a| a == place) {
            PlaceKind::Section
        } else if cx.places.drains.iter().any(|a| a == place) {
            PlaceKind::Drain
        } else {
            return Err((
                TargetField::Place,
                format!(
                    "“{place}”不是已知的地点：新指标的地点应为“{CITY}”或区域（{}）、断面、排渠之一",
                    cx.places.areas.join("、")
                ),
            ));
        };
        let name_en = r.name_en.trim();
        Ok(PlanIndicator {
            code,
            name_zh: name.to_owned(),
            name_en: (!name_en.is_empty()).then(|| name_en.to_owned()),
            unit: unit.to_owned(),
            better,
            place_kind,
            plan: cx.plan.to_owned(),
            plan_name: String::new(),
            aggregate,
            max_plausible,
        })
    }

    /// The row's target on `def`: a known place of the indicator's kind, a year in range, a
    /// plausible value, once per (indicator, place, year).
    fn target(&mut self, def: &PlanIndicator, r: &TargetInput) -> Result<(), Bad> {
        let cx = self.cx;
        let place = r.place.trim();
        if place.is_empty() {
            return Err((TargetField::Place, "不能为空".to_owned()));
        }
        let known = match def.place_kind {
            PlaceKind::City => place == CITY,
            kind => cx.places.of(kind).iter().any(|p| p == place),
        };
        if !known {
            return Err((
                TargetField::Place,
                format!(
                    "“{}”按{}考核，没有{}“{place}”（应为：{}）",
                    def.name_zh,
                    def.place_kind.label_zh(),
                    def.place_kind.label_zh(),
                    cx.places.of(def.place_kind).join("、")
                ),
            ));
        }
        let year = target_year(r)?;
        let raw = r.value.trim();
        let value = target_value(def, raw)?;
        let key = (def.code.clone(), place.to_owned(), year);
        if let Some(first) = self.seen.get(&key) {
            return Err((
                TargetField::Value,
                format!(
                    "与第 {first} 行重复：“{}”在{place}的 {year} 年目标只能有一个",
                    def.name_zh
                ),
            ));
        }
        self.seen.insert(key, r.row);
        let note = r.note.trim();
        self.out.targets.push(PlanTarget {
            plan: cx.plan.to_owned(),
            plan_name: String::new(),
            indicator: def.code.clone(),
            place: place.to_owned(),
            year,
            value,
            raw: raw.to_owned(),
            provenance: if note.is_empty() {
                format!("{}第 {} 行", cx.sheet, r.row)
            } else {
                format!("{}第 {} 行：{note}", cx.sheet, r.row)
            },
        });
        Ok(())
    }
}

/// A catalogue indicator as a plan's target may use it: not a section's or a drain's (they
/// are judged by class and limit, not by a yearly value).
fn catalogue_indicator(d: &crate::IndicatorDef) -> Result<PlanIndicator, Bad> {
    if matches!(d.place_kind, PlaceKind::Section | PlaceKind::Drain) {
        return Err((
            TargetField::Indicator,
            format!(
                "“{}”按断面目标水质类别或排渠排放限值考核（见参考表），不能在此设年度目标值",
                d.name_zh
            ),
        ));
    }
    Ok(PlanIndicator {
        code: d.code.to_owned(),
        name_zh: d.name_zh.to_owned(),
        name_en: None,
        unit: d.unit.to_owned(),
        better: d.better,
        place_kind: d.place_kind,
        plan: d.plan.to_owned(),
        plan_name: String::new(),
        aggregate: if d.metric.is_some() {
            Aggregate::Latest
        } else {
            Aggregate::Mean
        },
        max_plausible: d.max_plausible,
    })
}

/// A known indicator: the unit and direction a row gives must be its own.
fn same_unit_and_direction(def: &PlanIndicator, r: &TargetInput) -> Result<(), Bad> {
    if !r.unit.trim().is_empty() && r.unit.trim() != def.unit {
        return Err((
            TargetField::Unit,
            format!(
                "“{}”的单位是 {}，不是“{}”",
                def.name_zh,
                def.unit,
                r.unit.trim()
            ),
        ));
    }
    if Better::parse(&r.better).is_some_and(|b| b != def.better) {
        return Err((
            TargetField::Better,
            format!(
                "“{}”已定为{}，本行写的是“{}”",
                def.name_zh,
                def.better.label_zh(),
                r.better.trim()
            ),
        ));
    }
    Ok(())
}

/// The target's year: a number (“2019” or “2019年”) within [`YEARS`].
fn target_year(r: &TargetInput) -> Result<i32, Bad> {
    match r.year.trim().trim_end_matches('年').parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        Ok(y) => Err((
            TargetField::Year,
            format!("{y} 超出范围（{}–{}）", YEARS.start(), YEARS.end()),
        )),
        Err(_) => Err((
            TargetField::Year,
            if r.year.trim().is_empty() {
                "不能为空".to_owned()
            } else {
                format!("“{}”不是年份", r.year.trim())
            },
        )),
    }
}

/// The target's value: a non-negative number (a `%` and thousands separators allowed) no
/// more than the indicator's plausible ceiling.
fn target_value(def: &PlanIndicator, raw: &str) -> Result<f64, Bad> {
    match raw
        .trim_end_matches('%')
        .trim()
        .replace(['，', ','], "")
        .parse::<f64>()
    {
        Ok(v) if v.is_finite() && v >= 0.0 && v <= def.max_plausible => Ok(v),
        Ok(v) if v.is_finite() && v >= 0.0 => Err((
            TargetField::Value,
            format!(
                "{v} {} 超出“{}”的合理范围（≤ {}）",
                def.unit, def.name_zh, def.max_plausible
            ),
        )),
        _ => Err((
            TargetField::Value,
            if raw.is_empty() {
                "不能为空".to_owned()
            } else {
                format!("“{raw}”不是非负数")
            },
        )),
    }
}

/// Where one place stands on a plan's own indicator in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorStanding {
    pub code: String,
    pub place: String,
    pub year: i32,
    pub through_month: u32,
    /// The annual mean so far, or the latest month's value, by the indicator's rule.
    pub value: Option<f64>,
    /// The month of the latest value (for a “latest” indicator).
    pub month: Option<u32>,
    pub annual: Option<AnnualMean>,
    pub target: Option<f64>,
    pub met: Option<bool>,
    pub any_demo: bool,
}

/// The standings of the plans' own indicators in `year`, up to `through_month`: one per
/// (indicator, place) with a target of that year or a reading, in the indicators' order and
/// then the targets' order.
pub fn plan_indicator_standings(
    indicators: &[PlanIndicator],
    targets: &[PlanTarget],
    readings: &[ReadingValue],
    year: i32,
    through_month: u32,
) -> Vec<IndicatorStanding> {
    let mut out = Vec::new();
    for d in indicators {
        let mut places: Vec<&str> = targets
            .iter()
            .filter(|t| t.indicator == d.code && t.year == year)
            .map(|t| t.place.as_str())
            .collect();
        let mine: Vec<&ReadingValue> = readings
            .iter()
            .filter(|r| {
                r.key.indicator == d.code && r.key.year == year && r.key.month <= through_month
            })
            .collect();
        for r in &mine {
            if !places.contains(&r.key.place.as_str()) {
                places.push(&r.key.place);
            }
        }
        for place in places {
            let months: Vec<&&ReadingValue> =
                mine.iter().filter(|r| r.key.place == place).collect();
            let target = targets
                .iter()
                .find(|t| t.indicator == d.code && t.year == year && t.place == place)
                .map(|t| t.value);
            let (value, month, annual) = match d.aggregate {
                Aggregate::Latest => {
                    let latest = months.iter().max_by_key(|r| r.key.month);
                    (latest.map(|r| r.value), latest.map(|r| r.key.month), None)
                }
                Aggregate::Mean => {
                    let values: Vec<MonthlyValue> = months
                        .iter()
                        .map(|r| MonthlyValue {
                            month: r.key.month,
                            value: r.value,
                            valid_days: r.valid_days,
                        })
                        .collect();
                    let a = annual_mean(&values);
                    (a.mean, None, Some(a))
                }
            };
            out.push(IndicatorStanding {
                code: d.code.clone(),
                place: place.to_owned(),
                year,
                through_month,
                met: match (value, target) {
                    (Some(v), Some(t)) => Some(d.better.meets(v, t)),
                    _ => None,
                },
                value,
                month,
                annual,
                target,
                any_demo: months.iter().any(|r| r.is_demo),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReadingKey;

    fn places() -> Places {
        Places {
            areas: vec!["柯城".into(), "衢江".into()],
            sections: vec!["樟树潭".into()],
            drains: vec!["石室堰渠".into()],
            indicators: Vec::new(),
        }
    }

    fn header(f: TargetField) -> String {
        f.headers()[0].to_owned()
    }

    fn row(n: u64, indicator: &str, place: &str, year: &str, value: &str) -> TargetInput {
        TargetInput {
            row: n,
            indicator: indicator.into(),
            place: place.into(),
            year: year.into(),
            value: value.into(),
            ..Default::default()
        }
    }

    fn parse(rows: &[TargetInput]) -> Result<PlanMeasures, Vec<RowProblem>> {
        let p = places();
        let cx = MeasureContext {
            plan: "peer",
            sheet: "指标目标",
            places: &p,
            defined: &[],
            header: &header,
        };
        parse_measures(&cx, rows)
    }

    #[test]
    fn a_new_years_pm25_table_targets_the_catalogue_indicator() {
        let m = parse(&[
            row(2, "PM2.5 月均浓度", "柯城", "2021", "33"),
            row(3, "pm25", "衢江", "2021年", "34.5"),
            // This year's plan sets this year's targets.
            row(4, "pm25", "柯城", "2026", "29"),
        ])
        .unwrap();
        assert!(m.indicators.is_empty(), "PM2.5 is the catalogue's");
        assert_eq!(m.targets.len(), 3);
        assert_eq!(m.targets[2].year, 2026);
        assert_eq!(m.targets[0].indicator, "pm25");
        assert_eq!(m.targets[1].year, 2021);
        assert_eq!(m.targets[1].value, 34.5);
        assert_eq!(m.targets[1].provenance, "指标目标第 3 行");
    }

    #[test]
    fn a_new_indicator_is_defined_by_its_first_row_and_gets_a_code() {
        let mut first = row(2, "河道保洁达标率", "全市", "2021", "95%");
        first.unit = "%".into();
        first.better = "越高越好".into();
        let m = parse(&[first, row(3, "河道保洁达标率", "全市", "2022", "97")]).unwrap();
        assert_eq!(m.indicators.len(), 1);
        let d = &m.indicators[0];
        assert_eq!(
            (d.code.as_str(), d.place_kind, d.aggregate, d.better),
            ("peer.1", PlaceKind::City, Aggregate::Latest, Better::Higher)
        );
        assert_eq!(m.targets.len(), 2);
        assert!(m.targets.iter().all(|t| t.indicator == "peer.1"));
        assert_eq!(m.targets[0].value, 95.0);
    }

    #[test]
    fn every_bad_row_is_named_with_its_column_and_reason() {
        let mut no_unit = row(2, "新指标", "全市", "2021", "1");
        no_unit.better = "越低越好".into();
        let mut wrong_unit = row(6, "pm25", "柯城", "2021", "30");
        wrong_unit.unit = "mg/m³".into();
        let problems = parse(&[
            no_unit,
            row(3, "pm25", "不存在区", "2021", "30"),
            row(4, "pm25", "柯城", "1990", "30"),
            row(5, "氨氮", "樟树潭", "2021", "1"),
            wrong_unit,
            row(7, "pm25", "柯城", "2021", "abc"),
            row(8, "pm25", "柯城", "2021", "30"),
            row(9, "pm25", "柯城", "2021", "31"),
            row(10, "", "柯城", "2021", "31"),
            row(11, "pm25", "柯城", "2021", "600"),
        ])
        .unwrap_err();
        let said: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            said,
            vec![
                (2, "指标目标·单位"),
                (3, "指标目标·地点"),
                (4, "指标目标·年度"),
                (5, "指标目标·指标"),
                (6, "指标目标·单位"),
                (7, "指标目标·目标值"),
                (9, "指标目标·目标值"),
                (10, "指标目标·指标"),
                (11, "指标目标·目标值"),
            ]
        );
        assert!(
            problems[6].reason.contains("与第 8 行重复"),
            "{:?}",
            problems[6]
        );
        assert!(problems[3].reason.contains("水质类别"), "{:?}", problems[3]);
    }

    fn reading(code: &str, place: &str, month: u32, value: f64) -> ReadingValue {
        ReadingValue {
            key: ReadingKey {
                indicator: code.into(),
                place: place.into(),
                year: 2021,
                month,
            },
            value,
            valid_days: None,
            provisional: false,
            is_demo: false,
        }
    }

    #[test]
    fn standings_judge_by_mean_or_latest_in_the_indicators_direction() {
        let rate = PlanIndicator {
            code: "peer.1".into(),
            name_zh: "达标率".into(),
            name_en: None,
            unit: "%".into(),
            better: Better::Higher,
            place_kind: PlaceKind::City,
            plan: "peer".into(),
            plan_name: String::new(),
            aggregate: Aggregate::Latest,
            max_plausible: 100.0,
        };
        let conc = PlanIndicator {
            code: "peer.2".into(),
            name_zh: "浓度".into(),
            unit: "mg/L".into(),
            better: Better::Lower,
            place_kind: PlaceKind::Area,
            aggregate: Aggregate::Mean,
            max_plausible: 1e9,
            ..rate.clone()
        };
        let target = |code: &str, place: &str, value: f64| PlanTarget {
            plan: "peer".into(),
            plan_name: String::new(),
            indicator: code.into(),
            place: place.into(),
            year: 2021,
            value,
            raw: value.to_string(),
            provenance: String::new(),
        };
        let targets = vec![
            target("peer.1", CITY, 95.0),
            target("peer.2", "柯城", 2.0),
            target("peer.2", "衢江", 2.0),
        ];
        let readings = vec![
            reading("peer.1", CITY, 1, 99.0),
            reading("peer.1", CITY, 3, 94.0),
            reading("peer.1", CITY, 5, 99.0),
            reading("peer.2", "柯城", 1, 1.0),
            reading("peer.2", "柯城", 2, 2.9),
            reading("peer.2", "衢江", 1, 3.0),
        ];
        let s = plan_indicator_standings(&[rate, conc], &targets, &readings, 2021, 3);
        assert_eq!(s.len(), 3);
        // Latest through March is March's 94: under 95.
        assert_eq!(
            (s[0].value, s[0].month, s[0].met),
            (Some(94.0), Some(3), Some(false))
        );
        // Mean of 1.0 and 2.9 is 1.95, reported 2.0: meets a target of at most 2.
        assert_eq!(s[1].met, Some(true));
        assert_eq!(s[2].met, Some(false));
        // A place with a target and no reading is listed, not judged.
        let none = plan_indicator_standings(&[], &targets, &readings, 2021, 12);
        assert!(none.is_empty());
    }
}
