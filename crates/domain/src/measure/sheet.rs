//! A plan's 指标目标 sheet checked row by row: which indicator each row means (the catalogue's,
//! one defined before, or one the row defines), its place, year and value.

use super::*;

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
