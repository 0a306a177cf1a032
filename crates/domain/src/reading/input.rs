//! A reading as typed or read from a file, checked: the indicator and place known, the month
//! in range, the value a plausible number.

use super::*;

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
