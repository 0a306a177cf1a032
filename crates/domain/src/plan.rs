//! Plans (行动方案) and what a reader sees of them.

use crate::{ParseError, PlanId};
use serde::{Deserialize, Serialize};

/// A plan's short, stable code used in URLs and seed files: `water`, `air`, `soil`, …
///
/// Lowercase ASCII letters, digits and `-`, 1–40 characters, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlanCode(String);

impl PlanCode {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let ok_len = (1..=40).contains(&s.len());
        let ok_first = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok_len && ok_first && ok_chars {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "code",
                format!("方案代码“{s}”无效：须为 1–40 个小写字母、数字或“-”，以字母开头"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PlanCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The years a plan runs, inclusive: 2018–2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    start_year: i32,
    end_year: i32,
}

impl Period {
    pub fn new(start_year: i32, end_year: i32) -> Result<Self, ParseError> {
        if !(1949..=2100).contains(&start_year) || !(1949..=2100).contains(&end_year) {
            return Err(ParseError::new(
                "period",
                format!("年份 {start_year}–{end_year} 超出 1949–2100"),
            ));
        }
        if end_year < start_year {
            return Err(ParseError::new(
                "period",
                format!("结束年份 {end_year} 早于开始年份 {start_year}"),
            ));
        }
        Ok(Self {
            start_year,
            end_year,
        })
    }

    pub fn start_year(self) -> i32 {
        self.start_year
    }

    pub fn end_year(self) -> i32 {
        self.end_year
    }

    pub fn contains_year(self, year: i32) -> bool {
        (self.start_year..=self.end_year).contains(&year)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}—{}年", self.start_year, self.end_year)
    }
}

/// Where a plan is in its life, set by an admin.
///
/// - `Draft`: imported, not yet visible to units, leaders or tokens; its owner's coordinators
///   and admins prepare it (units, deadlines, accounts) before it goes out.
/// - `Active`: run day to day: 总览, 我的任务, reminders, 通报, reports and reviews.
/// - `Closed`: the period is over; read-only, out of the daily views, kept for history, the
///   timeline, replay and exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    #[default]
    Active,
    Closed,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 3] = [PlanStatus::Draft, PlanStatus::Active, PlanStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Active => "active",
            PlanStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                ParseError::new(
                    "status",
                    format!("方案状态“{s}”无效，应为 draft（草稿）、active（实施中）或 closed（已结束）"),
                )
            })
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PlanStatus::Draft => "草稿",
            PlanStatus::Active => "实施中",
            PlanStatus::Closed => "已结束",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Active => "Active",
            PlanStatus::Closed => "Closed",
        }
    }

    /// Whether reports, reviews, edits and 催办 may still be written.
    pub fn is_writable(self) -> bool {
        !matches!(self, PlanStatus::Closed)
    }

    /// Whether a plan in this status is in the daily views (总览, 我的任务, reminders, overdue
    /// lists) of `day`: an active plan is; a draft is not; a closed plan only on the days before
    /// it was closed (`closed_on`), so a replay or a month's 通报 closed later shows it as it
    /// was.
    pub fn daily_on(self, closed_on: Option<chrono::NaiveDate>, day: chrono::NaiveDate) -> bool {
        match self {
            PlanStatus::Active => true,
            PlanStatus::Draft => false,
            PlanStatus::Closed => closed_on.is_some_and(|closed| day < closed),
        }
    }
}

/// One plan as listed on the overview: enough to recognise it and see its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub id: PlanId,
    pub code: PlanCode,
    /// 文号, e.g. 衢政办发〔2018〕43号.
    pub doc_no: String,
    /// Full title, e.g. 衢州市治水长效战行动方案.
    pub title: String,
    /// Short name, e.g. 治水长效战.
    pub short_name: String,
    /// The short name in English, when the plan has one (“Water campaign”).
    #[serde(default)]
    pub short_name_en: Option<String>,
    #[serde(default)]
    pub status: PlanStatus,
    /// The China day it was closed (only for a closed plan).
    #[serde(default)]
    pub closed_on: Option<chrono::NaiveDate>,
    /// The office that owns and maintains the plan, e.g. 市治水办.
    pub owner_office: String,
    pub period: Period,
    pub action_count: i64,
    pub task_count: i64,
    pub work_item_count: i64,
}

/// A plan's short name in both languages (`en: None`: the Chinese one is shown in English).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanLabel {
    pub zh: String,
    pub en: Option<String>,
}

impl PlanLabel {
    pub fn get(&self, english: bool) -> &str {
        match (&self.en, english) {
            (Some(en), true) if !en.trim().is_empty() => en,
            _ => &self.zh,
        }
    }
}

impl PlanSummary {
    /// Both names, to carry where only the name is needed.
    pub fn label(&self) -> PlanLabel {
        PlanLabel {
            zh: self.short_name.clone(),
            en: self.short_name_en.clone(),
        }
    }

    /// The plan's short name in the reader's language: the English one when asked for and
    /// given, else the Chinese.
    pub fn name(&self, english: bool) -> &str {
        match (&self.short_name_en, english) {
            (Some(en), true) if !en.trim().is_empty() => en,
            _ => &self.short_name,
        }
    }
}

/// Plans' short names by code, as the store last listed them: for messages that know only a
/// plan's code (a refusal names the plan of the data refused). A display cache filled by the
/// store, never a source of truth; a code not listed yet is shown as the code.
static NAMES: std::sync::RwLock<std::collections::BTreeMap<String, String>> =
    std::sync::RwLock::new(std::collections::BTreeMap::new());

/// Remembers the plans' short names (the store calls this whenever it lists the plans).
pub fn remember_names(plans: &[PlanSummary]) {
    for p in plans {
        remember_name(p.code.as_str(), &p.short_name);
    }
}

/// Remembers one plan's short name.
pub fn remember_name(code: &str, short_name: &str) {
    if let Ok(mut names) = NAMES.write() {
        names.insert(code.to_owned(), short_name.to_owned());
    }
}

/// The short name of plan `code`, if the store has listed it.
pub fn name_of(code: &str) -> Option<String> {
    NAMES.read().ok().and_then(|n| n.get(code).cloned())
}

/// A plan with the goals of its main text (总体要求 → 工作目标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDetail {
    pub summary: PlanSummary,
    /// The goal paragraphs, in the source wording.
    pub goals: Vec<String>,
    /// Where in the source the plan comes from.
    pub provenance: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_plan_counts_in_the_days_before_it_was_closed() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2021, m, day).expect("day");
        let closed = Some(d(1, 5));
        assert!(PlanStatus::Active.daily_on(None, d(1, 5)));
        assert!(!PlanStatus::Draft.daily_on(None, d(1, 5)));
        assert!(
            PlanStatus::Closed.daily_on(closed, d(1, 4)),
            "the day before"
        );
        assert!(
            !PlanStatus::Closed.daily_on(closed, d(1, 5)),
            "the day it closed"
        );
        assert!(!PlanStatus::Closed.daily_on(None, d(1, 4)), "no day: never");
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::parse(s.as_str()), Ok(s));
        }
        assert_eq!(PlanStatus::parse("open").unwrap_err().field, "status");
    }

    #[test]
    fn plan_codes_are_url_safe_slugs() {
        assert!(PlanCode::parse("water").is_ok());
        assert!(PlanCode::parse("zwgk-2018").is_ok());
        for bad in ["", "Water", "治水", "1water", "a b", &"a".repeat(41)] {
            let err = PlanCode::parse(bad).unwrap_err();
            assert_eq!(err.field, "code", "{bad:?}");
        }
    }

    #[test]
    fn periods_are_ordered_and_plausible() {
        let p = Period::new(2018, 2020).unwrap();
        assert!(p.contains_year(2019));
        assert!(!p.contains_year(2021));
        assert_eq!(p.to_string(), "2018—2020年");
        assert!(Period::new(2020, 2018).is_err());
        assert!(Period::new(18, 20).is_err());
    }
}
