//! Deadline phrases of Chinese plan documents, read into milestones and duties.
//!
//! A work item says when in words: “6月底前”, “2019年6月底前”, “7月30日前”, “上半年”, “7月起”,
//! “每月”, “及时”, “城东污水处理厂三期未建成投运前”. [`parse_deadline`] reads one phrase into a
//! [`Deadline`]: a dated milestone (the last day it may be done), a duty that starts on a
//! date and continues, a recurring duty, a continuous duty, or a duty tied to an event. It
//! never guesses: a phrase that names no date is never given one, and a phrase it cannot read
//! is an error, not a default. The year comes from the phrase when it has one, otherwise from
//! the plan year the caller gives.
//!
//! The grammar, in order of reading: an optional year (`2019年`, `二〇一九年`, `明年`,
//! `今年`), then a part of the year (`N月`, `N月份`, `N月N日`/`号`, `上半年`, `下半年`,
//! `第N季度`/`N季度`, `年底`/`年末`/`年内`/`全年`, `上旬`/`中旬`/`下旬`, `初`/`中`/`底`/`末`),
//! then what bounds it (`前`/`以前`/`之前` = by, `起`/`开始`/`以后` = from). Numbers may be
//! Arabic, full-width or Chinese (`十二月`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a recurring duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Recurrence {
    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
            Recurrence::Quarterly => "quarterly",
            Recurrence::HalfYearly => "half_yearly",
            Recurrence::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Recurrence::Weekly,
            Recurrence::Monthly,
            Recurrence::Quarterly,
            Recurrence::HalfYearly,
            Recurrence::Yearly,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Recurrence::Weekly => "每周",
            Recurrence::Monthly => "每月",
            Recurrence::Quarterly => "每季度",
            Recurrence::HalfYearly => "每半年",
            Recurrence::Yearly => "每年",
        }
    }
}

/// How precisely a dated milestone was written: “年底前” is a year, “6月底前” a month,
/// “7月30日前” a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Year,
    HalfYear,
    Quarter,
    Month,
    TenDays,
    Day,
}

impl Precision {
    pub const ALL: [Precision; 6] = [
        Precision::Year,
        Precision::HalfYear,
        Precision::Quarter,
        Precision::Month,
        Precision::TenDays,
        Precision::Day,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::HalfYear => "half_year",
            Precision::Quarter => "quarter",
            Precision::Month => "month",
            Precision::TenDays => "ten_days",
            Precision::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What a deadline phrase means.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deadline {
    /// Must be done by the end of `due` (inclusive).
    By {
        due: NaiveDate,
        precision: Precision,
    },
    /// Starts on `from` and holds from then on (“7月起”).
    From {
        from: NaiveDate,
        precision: Precision,
    },
    /// Falls due again and again (“每月”); `from` when the phrase says since when.
    Recurring {
        every: Recurrence,
        from: Option<NaiveDate>,
    },
    /// An ongoing duty with no date (“及时”, “长效”, “持续”, “常态化”).
    Continuous,
    /// Due relative to an event the phrase names (“投运前”, “开学前”), possibly within a time
    /// after it (“文件印发后5个工作日内”, “会议召开后及时报送”); the date is not known.
    EventRelative {
        event: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within: Option<Within>,
    },
    /// Waits on a higher level's decision or document (“按省里统一部署”, “待国家标准出台后”,
    /// “视上级要求”): never overdue by date; `on` says what it waits for.
    Contingent { on: String },
    /// A phrase the grammar could not read, kept as written (an imported table's cell):
    /// 待确认, undated and never overdue until a coordinator dates or classifies it.
    Unconfirmed { reason: String },
}

/// How long after its event a duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Within {
    Days(u32),
    /// Working days: kept as written; no calendar of working days is known here, so the date
    /// is never computed.
    WorkingDays(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
    /// “及时”, “立即”, “第一时间”.
    Promptly,
}

impl Within {
    /// The stored columns: (n, unit).
    pub fn to_columns(self) -> (Option<i32>, &'static str) {
        let n = |v: u32| i32::try_from(v).ok();
        match self {
            Within::Days(v) => (n(v), "day"),
            Within::WorkingDays(v) => (n(v), "working_day"),
            Within::Weeks(v) => (n(v), "week"),
            Within::Months(v) => (n(v), "month"),
            Within::Years(v) => (n(v), "year"),
            Within::Promptly => (None, "promptly"),
        }
    }

    pub fn from_columns(n: Option<i32>, unit: &str) -> Option<Within> {
        let v = || n.and_then(|n| u32::try_from(n).ok());
        Some(match unit {
            "day" => Within::Days(v()?),
            "working_day" => Within::WorkingDays(v()?),
            "week" => Within::Weeks(v()?),
            "month" => Within::Months(v()?),
            "year" => Within::Years(v()?),
            "promptly" => Within::Promptly,
            _ => return None,
        })
    }

    /// “5个工作日内”, “及时”.
    pub fn describe_zh(self) -> String {
        match self {
            Within::Days(n) => format!("{n}日内"),
            Within::WorkingDays(n) => format!("{n}个工作日内"),
            Within::Weeks(n) => format!("{n}周内"),
            Within::Months(n) => format!("{n}个月内"),
            Within::Years(n) => format!("{n}年内"),
            Within::Promptly => "及时".to_owned(),
        }
    }

    /// “within 5 working days”, “promptly”.
    pub fn describe_en(self) -> String {
        let plural = |n: u32, one: &str, many: &str| {
            if n == 1 {
                format!("within 1 {one}")
            } else {
                format!("within {n} {many}")
            }
        };
        match self {
            Within::Days(n) => plural(n, "day", "days"),
            Within::WorkingDays(n) => plural(n, "working day", "working days"),
            Within::Weeks(n) => plural(n, "week", "weeks"),
            Within::Months(n) => plural(n, "month", "months"),
            Within::Years(n) => plural(n, "year", "years"),
            Within::Promptly => "promptly".to_owned(),
        }
    }
}

/// A deadline as stored: the milestone table's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineColumns<'a> {
    pub kind: &'a str,
    pub date: Option<NaiveDate>,
    pub precision: Option<&'a str>,
    pub recurrence: Option<&'a str>,
    /// The event, what a contingent duty waits on, or why a phrase is unconfirmed.
    pub event: Option<&'a str>,
    pub within_n: Option<i32>,
    pub within_unit: Option<&'a str>,
}

impl Deadline {
    /// The date by which this must be done, if the phrase gives one.
    pub fn due_date(&self) -> Option<NaiveDate> {
        match self {
            Deadline::By { due, .. } => Some(*due),
            _ => None,
        }
    }

    /// The stored columns.
    pub fn to_columns(&self) -> DeadlineColumns<'_> {
        let mut c = DeadlineColumns {
            kind: self.kind_str(),
            date: None,
            precision: None,
            recurrence: None,
            event: None,
            within_n: None,
            within_unit: None,
        };
        match self {
            Deadline::By { due, precision } => {
                c.date = Some(*due);
                c.precision = Some(precision.as_str());
            }
            Deadline::From { from, precision } => {
                c.date = Some(*from);
                c.precision = Some(precision.as_str());
            }
            Deadline::Recurring { every, from } => {
                c.date = *from;
                c.recurrence = Some(every.as_str());
            }
            Deadline::Continuous => {}
            Deadline::EventRelative { event, within } => {
                c.event = Some(event);
                if let Some(w) = within {
                    let (n, unit) = w.to_columns();
                    c.within_n = n;
                    c.within_unit = Some(unit);
                }
            }
            Deadline::Contingent { on } => c.event = Some(on),
            Deadline::Unconfirmed { reason } => c.event = Some(reason),
        }
        c
    }

    /// Rebuilds a deadline from its stored columns; `None` if they do not fit together.
    pub fn from_columns(c: &DeadlineColumns<'_>) -> Option<Deadline> {
        Some(match c.kind {
            "by" => Deadline::By {
                due: c.date?,
                precision: Precision::parse(c.precision?)?,
            },
            "from" => Deadline::From {
                from: c.date?,
                precision: Precision::parse(c.precision?)?,
            },
            "recurring" => Deadline::Recurring {
                every: Recurrence::parse(c.recurrence?)?,
                from: c.date,
            },
            "continuous" => Deadline::Continuous,
            "event_relative" => Deadline::EventRelative {
                event: c.event?.to_owned(),
                within: match c.within_unit {
                    Some(unit) => Some(Within::from_columns(c.within_n, unit)?),
                    None => None,
                },
            },
            "contingent" => Deadline::Contingent {
                on: c.event?.to_owned(),
            },
            "unconfirmed" => Deadline::Unconfirmed {
                reason: c.event?.to_owned(),
            },
            _ => return None,
        })
    }

    /// A duty that waits on something other than the calendar (an event, a higher level, a
    /// coordinator's confirmation): never overdue by date.
    pub fn is_undated(&self) -> bool {
        matches!(
            self,
            Deadline::EventRelative { .. }
                | Deadline::Contingent { .. }
                | Deadline::Unconfirmed { .. }
        )
    }

    /// A short Chinese reading of the deadline for the interface: “2018-06-30”, “自2018-07-01起”.
    pub fn describe_zh(&self) -> String {
        match self {
            Deadline::By { due, .. } => due.format("%Y-%m-%d").to_string(),
            Deadline::From { from, .. } => format!("自{}起", from.format("%Y-%m-%d")),
            Deadline::Recurring { every, from } => match from {
                Some(f) => format!("{}（自{}）", every.label_zh(), f.format("%Y-%m-%d")),
                None => every.label_zh().to_owned(),
            },
            Deadline::Continuous => "持续".to_owned(),
            Deadline::EventRelative {
                event,
                within: None,
            } => format!("以“{event}”为准"),
            Deadline::EventRelative {
                event,
                within: Some(w),
            } => format!("“{event}”后{}", w.describe_zh()),
            Deadline::Contingent { on } => format!("视“{on}”而定"),
            Deadline::Unconfirmed { .. } => "待确认".to_owned(),
        }
    }

    pub fn kind_str(&self) -> &'static str {
        match self {
            Deadline::By { .. } => "by",
            Deadline::From { .. } => "from",
            Deadline::Recurring { .. } => "recurring",
            Deadline::Continuous => "continuous",
            Deadline::EventRelative { .. } => "event_relative",
            Deadline::Contingent { .. } => "contingent",
            Deadline::Unconfirmed { .. } => "unconfirmed",
        }
    }
}

/// A phrase that is not a deadline this grammar can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的时限“{phrase}”：{reason}")]
pub struct DeadlineError {
    pub phrase: String,
    pub reason: String,
}

/// Reads one deadline phrase. `plan_year` is the year of the document the phrase is in; it
/// is used when the phrase names no year (“6月底前” in a 2018 table is 2018-06-30).
pub fn parse_deadline(phrase: &str, plan_year: i32) -> Result<Deadline, DeadlineError> {
    let err = |reason: &str| DeadlineError {
        phrase: phrase.to_owned(),
        reason: reason.to_owned(),
    };
    let normalised = normalise(phrase);
    let mut s = normalised.as_str();
    if s.is_empty() {
        return Err(err("空白"));
    }
    // “方案制定:6月底前”: one labelled part of a compound cell (the parts come split at ；、
    // and line breaks); the label stays in the phrase, the date is read from the rest.
    if let Some((label, rest)) = s.split_once([':', '：']) {
        if label.is_empty() || rest.is_empty() || label.chars().any(|c| c.is_ascii_digit()) {
            return Err(err(
                "冒号前应为这一部分的名称，冒号后为时限（如“方案制定：6月底前”）",
            ));
        }
        s = rest;
    }

    // Recurring duties.
    for (word, every) in [
        ("每周", Recurrence::Weekly),
        ("每月", Recurrence::Monthly),
        ("每个月", Recurrence::Monthly),
        ("按月", Recurrence::Monthly),
        ("逐月", Recurrence::Monthly),
        ("每季度", Recurrence::Quarterly),
        ("每季", Recurrence::Quarterly),
        ("按季度", Recurrence::Quarterly),
        ("每半年", Recurrence::HalfYearly),
        ("每年", Recurrence::Yearly),
        ("每年度", Recurrence::Yearly),
        ("逐年", Recurrence::Yearly),
        // “完成年度监测任务”: a bare 年度 (no year before it) is every year's; “2018年度”
        // starts with its year and is read below as by the end of 2018.
        ("年度", Recurrence::Yearly),
        // “实施月报制度”: a report every month.
        ("月报", Recurrence::Monthly),
    ] {
        // “每年6月底前” is still a yearly duty; the day within the period is in the phrase.
        if s.starts_with(word) {
            return Ok(Deadline::Recurring { every, from: None });
        }
    }

    // Waiting on a higher level: “按省里统一部署”, “待国家标准出台后”, “视上级要求”.
    if let Some(on) = contingent(s) {
        return Ok(Deadline::Contingent { on });
    }

    // Bound to a recurring document or meeting: “半年总结时”, “年终考核前”.
    if let Some(every) = recurring_document(s) {
        return Ok(Deadline::Recurring { every, from: None });
    }

    // After an event, within a time: “文件印发后5个工作日内”, “会议召开后及时报送”.
    if let Some(d) = after_event(s) {
        return Ok(d);
    }

    // Continuous duties: no date at all.
    const CONTINUOUS: [&str; 10] = [
        "及时",
        "长效",
        "持续",
        "常态化",
        "长期",
        "经常",
        "随时",
        "定期",
        "立即",
        "全过程",
    ];
    if CONTINUOUS.iter().any(|w| s.starts_with(w)) {
        return Ok(Deadline::Continuous);
    }

    let mut cur = Cursor::new(s);
    let year = cur.year(plan_year);
    let Some(part) = cur.part_of_year() else {
        return match year {
            // “2018年” alone: within that year.
            Some(y) if bound_by(cur.rest()) => by(end_of_year(y), Precision::Year, &err),
            Some(y) if bound_from(cur.rest()) => from(ymd(y, 1, 1), Precision::Year, &err),
            Some(y) if cur.rest().is_empty() => by(end_of_year(y), Precision::Year, &err),
            _ => event_or_err(s, &err),
        };
    };
    let y = year.unwrap_or(plan_year);
    let rest = cur.rest();
    if !TAILS.contains(&rest) {
        return Err(err(&format!("日期后面的“{rest}”无法识别")));
    }
    match part {
        Part::Month { month, day, end } => {
            let start = ymd(y, month, day.unwrap_or(1)).ok_or_else(|| err("日期不存在"))?;
            if bound_from(rest) {
                let p = if day.is_some() {
                    Precision::Day
                } else {
                    Precision::Month
                };
                return from(Some(start), p, &err);
            }
            if let Some(d) = day {
                return by(ymd(y, month, d), Precision::Day, &err);
            }
            // “6月前” is before June; “6月底前”, “6月份”, “6月” are by the end of June.
            if !end
                && (rest.starts_with('前') || rest.starts_with("以前") || rest.starts_with("之前"))
            {
                let due = ymd(y, month, 1).and_then(|d| d.pred_opt());
                return by(due, Precision::Month, &err);
            }
            by(end_of_month(y, month), Precision::Month, &err)
        }
        Part::TenDays { month, which } => {
            let due = match which {
                0 => ymd(y, month, 10),
                1 => ymd(y, month, 20),
                _ => end_of_month(y, month),
            };
            by(due, Precision::TenDays, &err)
        }
        Part::EarlyMonth { month } => by(ymd(y, month, 10), Precision::TenDays, &err),
        Part::Quarter(q) => {
            if bound_from(rest) {
                return from(ymd(y, q * 3 - 2, 1), Precision::Quarter, &err);
            }
            by(end_of_month(y, q * 3), Precision::Quarter, &err)
        }
        Part::Half(h) => {
            if bound_from(rest) {
                return from(
                    ymd(y, if h == 1 { 1 } else { 7 }, 1),
                    Precision::HalfYear,
                    &err,
                );
            }
            by(end_of_month(y, h * 6), Precision::HalfYear, &err)
        }
        Part::YearEnd => by(end_of_year(y), Precision::Year, &err),
    }
}

fn by(
    due: Option<NaiveDate>,
    precision: Precision,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    due.map(|due| Deadline::By { due, precision })
        .ok_or_else(|| err("日期不存在"))
}

fn from(
    start: Option<NaiveDate>,
    precision: Precision,
    err: &dyn Fn(&str) -> DeadlineError,
) -> Result<Deadline, DeadlineError> {
    start
        .map(|from| Deadline::From { from, precision })
        .ok_or_else(|| err("日期不存在"))
}

/// Words that name a higher level a duty may wait on.
const HIGHER_LEVEL: [&str; 12] = [
    "上级",
    "省",
    "国家",
    "中央",
    "国务院",
    "部委",
    "部里",
    "统一部署",
    "统一安排",
    "统一要求",
    "市委",
    "市政府",
];

/// “按省里统一部署” → “省里统一部署”; “待国家标准出台后” → “国家标准出台”; “视上级要求” →
/// “上级要求”. Only a phrase that names a higher level: “按要求” alone is not read.
fn contingent(s: &str) -> Option<String> {
    let rest = [
        "按照", "按", "根据", "依据", "视", "待", "听从", "服从", "根据",
    ]
    .iter()
    .find_map(|w| s.strip_prefix(w))?;
    if !HIGHER_LEVEL.iter().any(|w| rest.contains(w)) {
        return None;
    }
    let on = ["之后", "以后", "后", "而定", "执行", "确定"]
        .iter()
        .find_map(|w| rest.strip_suffix(w))
        .unwrap_or(rest);
    (!on.is_empty()).then(|| on.to_owned())
}

/// Activities of a recurring document or meeting.
const RECURRING_ACTIVITIES: [&str; 14] = [
    "总结",
    "考核",
    "考评",
    "评估",
    "通报",
    "报告",
    "会议",
    "例会",
    "检查",
    "督查",
    "述职",
    "汇报",
    "调度会",
    "调度",
];

/// Verbs that may close a phrase after its time: “…后10日内办结”, “…时报送”.
const CLOSING_VERBS: [&str; 12] = [
    "", "办结", "报送", "上报", "完成", "提交", "报", "办理", "反馈", "落实", "到位", "整改",
];

/// “半年总结时” (every half year), “年终考核前” (every year), “季度例会前” (every quarter).
fn recurring_document(s: &str) -> Option<Recurrence> {
    let (every, rest) = [
        ("上半年", Recurrence::HalfYearly),
        ("半年", Recurrence::HalfYearly),
        ("年中", Recurrence::HalfYearly),
        ("年终", Recurrence::Yearly),
        ("年底", Recurrence::Yearly),
        ("年末", Recurrence::Yearly),
        ("季度", Recurrence::Quarterly),
        ("季末", Recurrence::Quarterly),
        ("月度", Recurrence::Monthly),
        ("月末", Recurrence::Monthly),
    ]
    .iter()
    .find_map(|(w, every)| s.strip_prefix(w).map(|r| (*every, r)))?;
    let rest = RECURRING_ACTIVITIES
        .iter()
        .find_map(|w| rest.strip_prefix(w))?;
    let rest = ["时", "之前", "以前", "前", "之后", "以后", "后", "期间", ""]
        .iter()
        .find_map(|w| rest.strip_prefix(w))?;
    CLOSING_VERBS.contains(&rest).then_some(every)
}

/// “文件印发后5个工作日内” → after “文件印发”, within 5 working days; “项目批复后一个月内”,
/// “收到交办单后10日内办结”, “会议召开后及时报送”.
fn after_event(s: &str) -> Option<Deadline> {
    for (at, _) in s.match_indices('后') {
        let event = s[..at]
            .trim_end_matches(['之', '以'])
            .trim_start_matches(['待', '在', '自', '从', '于']);
        let rest = &s[at + '后'.len_utf8()..];
        if event.is_empty() {
            continue;
        }
        if let Some(within) = within(rest) {
            return Some(Deadline::EventRelative {
                event: event.to_owned(),
                within: Some(within),
            });
        }
    }
    None
}

/// “5个工作日内”, “10日内办结”, “一个月内”, “两周内”, “及时报送”.
fn within(s: &str) -> Option<Within> {
    let s = s.strip_prefix('的').unwrap_or(s);
    for w in ["及时", "立即", "第一时间", "即时"] {
        if let Some(rest) = s.strip_prefix(w) {
            return CLOSING_VERBS.contains(&rest).then_some(Within::Promptly);
        }
    }
    let digits: usize = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二两三四五六七八九十百〇零".contains(*c))
        .map(char::len_utf8)
        .sum();
    let n = match &s[..digits] {
        "" => return None,
        t => parse_number(t).filter(|n| (1..=1000).contains(n))?,
    };
    let rest = s[digits..].strip_prefix('个').unwrap_or(&s[digits..]);
    let (make, rest): (fn(u32) -> Within, &str) = [
        ("工作日", Within::WorkingDays as fn(u32) -> Within),
        ("自然日", Within::Days),
        ("日", Within::Days),
        ("天", Within::Days),
        ("星期", Within::Weeks),
        ("周", Within::Weeks),
        ("月", Within::Months),
        ("年", Within::Years),
    ]
    .iter()
    .find_map(|(w, make)| rest.strip_prefix(w).map(|r| (*make, r)))?;
    let rest = ["以内", "之内", "内"]
        .iter()
        .find_map(|w| rest.strip_prefix(w))?;
    CLOSING_VERBS.contains(&rest).then(|| make(n))
}

/// A phrase with no date that ends in a relative word names an event: “投运前”, “建成后”.
fn event_or_err(s: &str, err: &dyn Fn(&str) -> DeadlineError) -> Result<Deadline, DeadlineError> {
    const RELATIVE_ENDINGS: [&str; 8] = ["之前", "以前", "前", "之后", "以后", "后", "时", "期间"];
    // A number followed by a calendar word is a date this grammar failed to read, not an
    // event: “十五日前”, “3天内”.
    let chars: Vec<char> = s.chars().collect();
    let has_digit = s.chars().any(|c| c.is_ascii_digit())
        || chars
            .windows(2)
            .any(|w| parse_number(&w[0].to_string()).is_some() && "日号月年天周".contains(w[1]))
        || s.contains('十') && chars.iter().any(|c| "日号月年天周".contains(*c));
    // “汛期前”, “开学前”, “验收前”; “待项目批复后”.
    let s = s.strip_prefix('待').unwrap_or(s);
    for end in RELATIVE_ENDINGS {
        if let Some(event) = s.strip_suffix(end) {
            if !event.is_empty() && !has_digit {
                return Ok(Deadline::EventRelative {
                    event: event.to_owned(),
                    within: None,
                });
            }
        }
    }
    Err(err(
        "既不是日期（如“6月底前”“2019年底前”“7月30日前”），也不是周期（“每月”）、持续（“及时”“长效”）或以事件为准（“……前”）的时限",
    ))
}

/// What may follow the date in a phrase.
const TAILS: [&str; 13] = [
    "", "前", "以前", "之前", "内", "止", "为止", "完成", "起", "开始", "以后", "之后", "后",
];

fn bound_by(rest: &str) -> bool {
    ["前", "以前", "之前", "底", "末", "内", "完成", ""]
        .iter()
        .any(|w| !w.is_empty() && rest.starts_with(w))
}

fn bound_from(rest: &str) -> bool {
    ["起", "开始", "以后", "之后", "后"]
        .iter()
        .any(|w| rest.starts_with(w))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn end_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).and_then(|d| d.pred_opt())
}

fn end_of_year(y: i32) -> Option<NaiveDate> {
    ymd(y, 12, 31)
}

/// Full-width digits to ASCII, spaces and brackets dropped.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '（' | '）' | '(' | ')'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

enum Part {
    /// A month, possibly with a day; `end` when the phrase says 底/末 (“6月底”).
    Month {
        month: u32,
        day: Option<u32>,
        end: bool,
    },
    /// 上旬 (0), 中旬 (1), 下旬 (2) of a month.
    TenDays {
        month: u32,
        which: u8,
    },
    /// “6月初”.
    EarlyMonth {
        month: u32,
    },
    Quarter(u32),
    /// 上半年 (1) or 下半年 (2).
    Half(u32),
    YearEnd,
}

struct Cursor<'a> {
    s: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s }
    }

    fn rest(&self) -> &'a str {
        self.s
    }

    fn eat(&mut self, word: &str) -> bool {
        match self.s.strip_prefix(word) {
            Some(r) => {
                self.s = r;
                true
            }
            None => false,
        }
    }

    fn eat_any(&mut self, words: &[&str]) -> bool {
        words.iter().any(|w| self.eat(w))
    }

    /// A number in Arabic or Chinese digits, not consumed unless followed by `unit`.
    fn number_before(&mut self, unit: char) -> Option<u32> {
        let end = self.s.find(unit)?;
        let n = parse_number(&self.s[..end])?;
        self.s = &self.s[end + unit.len_utf8()..];
        Some(n)
    }

    /// `2019年`, `二〇一九年`, `明年`, `今年`, `当年`, `本年`; `2018—2020年` gives its last year.
    fn year(&mut self, plan_year: i32) -> Option<i32> {
        self.eat_any(&["到", "至", "于", "在", "从", "自"]);
        if self.eat_any(&["今年", "当年", "本年", "年内"]) {
            if self.s.is_empty() || self.s.starts_with('内') {
                // “年内” / “今年内”: by the end of the year.
                self.s = "底前";
            }
            return Some(plan_year);
        }
        if self.eat("明年") {
            return Some(plan_year + 1);
        }
        if self.eat("全年") {
            self.s = "底前";
            return Some(plan_year);
        }
        if let Some(y) = self.five_year_plan() {
            return Some(y);
        }
        let end = self.s.find('年')?;
        let head = &self.s[..end];
        let last = head.rsplit(['—', '-', '–', '~', '至', '到']).next()?;
        let year = parse_year(last)?;
        self.s = &self.s[end + '年'.len_utf8()..];
        // “2018年度”: the year as a whole.
        self.eat("度");
        Some(year)
    }

    /// “十三五期间”, ““十三五”末”: a five-year plan period, by its last year.
    fn five_year_plan(&mut self) -> Option<i32> {
        let end = self.s.find('五')?;
        let n = parse_number(self.s[..end].trim_start_matches(['“', '"']))?;
        // From the third plan (1966–1970) on, periods run back to back; the 30th ends in
        // 2100 (a larger number is no plan, and would overflow: found by fuzzing).
        if !(3..=30).contains(&n) {
            return None;
        }
        let last = 1966 + 5 * (i32::try_from(n).ok()? - 3) + 4;
        let tail = self.s[end + '五'.len_utf8()..].trim_start_matches(['”', '"']);
        let tail = ["期间", "时期", "内", "末"]
            .iter()
            .find_map(|w| tail.strip_prefix(w))
            .unwrap_or(tail);
        if !TAILS.contains(&tail) {
            return None;
        }
        self.s = "";
        Some(last)
    }

    fn part_of_year(&mut self) -> Option<Part> {
        if self.eat_any(&["年底", "年末", "年终", "底前", "底"]) {
            return Some(Part::YearEnd);
        }
        if self.eat("上半年") {
            return Some(Part::Half(1));
        }
        if self.eat("下半年") {
            return Some(Part::Half(2));
        }
        self.eat("第");
        let save = self.s;
        if let Some(q) = self.number_before('季') {
            if (1..=4).contains(&q) {
                self.eat("度");
                self.eat_any(&["末", "底"]);
                return Some(Part::Quarter(q));
            }
            self.s = save;
        }
        let month = self.number_before('月').filter(|m| (1..=12).contains(m));
        let Some(month) = month else {
            self.s = save;
            return None;
        };
        self.eat("份");
        if self.eat("上旬") {
            return Some(Part::TenDays { month, which: 0 });
        }
        if self.eat("中旬") {
            return Some(Part::TenDays { month, which: 1 });
        }
        if self.eat("下旬") {
            return Some(Part::TenDays { month, which: 2 });
        }
        if self.eat("初") {
            return Some(Part::EarlyMonth { month });
        }
        if self.eat("中") {
            return Some(Part::Month {
                month,
                day: Some(15),
                end: false,
            });
        }
        let save = self.s;
        let day = self
            .number_before('日')
            .or_else(|| self.number_before('号'))
            .filter(|d| (1..=31).contains(d));
        let mut end = false;
        if day.is_none() {
            self.s = save;
            end = self.eat_any(&["底", "末"]);
        }
        Some(Part::Month { month, day, end })
    }
}

/// `12`, `十二`, `二十`, `三十一`, `两`.
fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// `2019` or `二〇一九`.
fn parse_year(s: &str) -> Option<i32> {
    let digits: Option<String> = s
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            _ => parse_number(&c.to_string()).and_then(|d| char::from_digit(d, 10)),
        })
        .collect();
    let y: i32 = digits?.parse().ok()?;
    (1949..=2100).contains(&y).then_some(y)
}

/// The year a date falls in, for callers that group milestones by year.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn due(phrase: &str) -> (NaiveDate, Precision) {
        match parse_deadline(phrase, 2018) {
            Ok(Deadline::By { due, precision }) => (due, precision),
            other => panic!("{phrase}: expected a dated milestone, got {other:?}"),
        }
    }

    #[test]
    fn month_end_phrases_take_the_plan_year() {
        assert_eq!(due("6月底前"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("7月底前"), (d(2018, 7, 31), Precision::Month));
        assert_eq!(due("10月底前"), (d(2018, 10, 31), Precision::Month));
        assert_eq!(due("12月底前"), (d(2018, 12, 31), Precision::Month));
        assert_eq!(due("6月底"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("6月份"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("9月"), (d(2018, 9, 30), Precision::Month));
        assert_eq!(due("2月底前"), (d(2018, 2, 28), Precision::Month));
    }

    #[test]
    fn year_end_phrases() {
        assert_eq!(due("年底前"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("年底"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("年内"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("今年内"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("全年"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("2019年底前"), (d(2019, 12, 31), Precision::Year));
        assert_eq!(due("2020年底前"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("2019年底"), (d(2019, 12, 31), Precision::Year));
        assert_eq!(due("2018年"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("到2020年"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("2018—2020年"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("明年底前"), (d(2019, 12, 31), Precision::Year));
    }

    #[test]
    fn explicit_years_months_and_days() {
        assert_eq!(due("2019年6月底前"), (d(2019, 6, 30), Precision::Month));
        assert_eq!(due("2018年12月底前"), (d(2018, 12, 31), Precision::Month));
        assert_eq!(due("7月30日前"), (d(2018, 7, 30), Precision::Day));
        assert_eq!(due("2019年3月15日前"), (d(2019, 3, 15), Precision::Day));
        assert_eq!(due("9月10号前"), (d(2018, 9, 10), Precision::Day));
        assert_eq!(due("十二月底前"), (d(2018, 12, 31), Precision::Month));
        assert_eq!(
            due("二〇一九年六月底前"),
            (d(2019, 6, 30), Precision::Month)
        );
        assert_eq!(
            due("２０１９年６月底前"),
            (d(2019, 6, 30), Precision::Month)
        );
    }

    #[test]
    fn halves_quarters_and_ten_day_periods() {
        assert_eq!(due("上半年"), (d(2018, 6, 30), Precision::HalfYear));
        assert_eq!(due("下半年"), (d(2018, 12, 31), Precision::HalfYear));
        assert_eq!(due("2019年上半年"), (d(2019, 6, 30), Precision::HalfYear));
        assert_eq!(due("第三季度"), (d(2018, 9, 30), Precision::Quarter));
        assert_eq!(due("一季度末"), (d(2018, 3, 31), Precision::Quarter));
        assert_eq!(due("8月上旬"), (d(2018, 8, 10), Precision::TenDays));
        assert_eq!(due("8月中旬前"), (d(2018, 8, 20), Precision::TenDays));
        assert_eq!(due("8月下旬"), (d(2018, 8, 31), Precision::TenDays));
        assert_eq!(due("9月初"), (d(2018, 9, 10), Precision::TenDays));
    }

    #[test]
    fn before_a_month_means_before_it_starts() {
        assert_eq!(due("6月前"), (d(2018, 5, 31), Precision::Month));
        assert_eq!(due("2019年1月前"), (d(2018, 12, 31), Precision::Month));
    }

    #[test]
    fn starting_dates_are_duties_from_then_on() {
        assert_eq!(
            parse_deadline("7月起", 2018),
            Ok(Deadline::From {
                from: d(2018, 7, 1),
                precision: Precision::Month
            })
        );
        assert_eq!(
            parse_deadline("2019年7月起", 2018),
            Ok(Deadline::From {
                from: d(2019, 7, 1),
                precision: Precision::Month
            })
        );
        assert_eq!(
            parse_deadline("从9月1日起", 2018),
            Ok(Deadline::From {
                from: d(2018, 9, 1),
                precision: Precision::Day
            })
        );
        assert_eq!(
            parse_deadline("下半年开始", 2018),
            Ok(Deadline::From {
                from: d(2018, 7, 1),
                precision: Precision::HalfYear
            })
        );
    }

    #[test]
    fn recurring_and_continuous_duties_get_no_date() {
        for (p, every) in [
            ("每月", Recurrence::Monthly),
            ("每季度", Recurrence::Quarterly),
            ("每年", Recurrence::Yearly),
            ("每半年", Recurrence::HalfYearly),
            ("每周", Recurrence::Weekly),
            ("年度", Recurrence::Yearly),
            ("月报", Recurrence::Monthly),
        ] {
            assert_eq!(
                parse_deadline(p, 2018),
                Ok(Deadline::Recurring { every, from: None }),
                "{p}"
            );
        }
        // With its year, 年度 is one year's: due by the end of it.
        assert!(matches!(
            parse_deadline("2018年度", 2018),
            Ok(Deadline::By { .. })
        ));
        for p in ["及时", "长效", "持续", "常态化", "长期"] {
            assert_eq!(parse_deadline(p, 2018), Ok(Deadline::Continuous), "{p}");
        }
    }

    #[test]
    fn event_relative_phrases_keep_the_event_and_no_date() {
        assert_eq!(
            parse_deadline("城东污水处理厂三期未建成投运前", 2018),
            Ok(Deadline::EventRelative {
                event: "城东污水处理厂三期未建成投运".into(),
                within: None
            })
        );
        assert_eq!(
            parse_deadline("重污染天气预警期间", 2018),
            Ok(Deadline::EventRelative {
                event: "重污染天气预警".into(),
                within: None
            })
        );
        assert!(parse_deadline("投运后", 2018)
            .is_ok_and(|d| d.due_date().is_none() && d.kind_str() == "event_relative"));
    }

    #[test]
    fn deadlines_round_trip_through_their_stored_columns() {
        for phrase in [
            "6月底前",
            "7月起",
            "每月",
            "及时",
            "投运前",
            "2019年6月底前",
            "文件印发后5个工作日内",
            "项目批复后一个月内",
            "会议召开后及时报送",
            "按省里统一部署",
            "半年总结时",
        ] {
            let d = parse_deadline(phrase, 2018).unwrap();
            assert_eq!(Deadline::from_columns(&d.to_columns()), Some(d), "{phrase}");
        }
        let june = parse_deadline("6月底前", 2018).unwrap();
        let mut by = june.to_columns();
        by.date = None;
        assert_eq!(Deadline::from_columns(&by), None);
        let unconfirmed = Deadline::Unconfirmed {
            reason: "无法识别".into(),
        };
        assert_eq!(
            Deadline::from_columns(&unconfirmed.to_columns()),
            Some(unconfirmed)
        );
        let printed = parse_deadline("文件印发后5个工作日内", 2018).unwrap();
        let mut bad = printed.to_columns();
        bad.within_n = None;
        assert_eq!(
            Deadline::from_columns(&bad),
            None,
            "a duration needs its number"
        );
    }

    #[test]
    fn years_as_a_whole_and_five_year_plans() {
        assert_eq!(due("2018年度"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("2019年"), (d(2019, 12, 31), Precision::Year));
        assert_eq!(due("十三五期间"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("“十三五”末"), (d(2020, 12, 31), Precision::Year));
        assert_eq!(due("十四五期间"), (d(2025, 12, 31), Precision::Year));
        assert!(
            parse_deadline("十五日前", 2018).is_err(),
            "not a five-year plan"
        );
        // Found by fuzzing: the number of a plan this large overflowed the year.
        assert!(parse_deadline("777777777五期间", 2018).is_err());
        assert_eq!(
            parse_deadline("逐年", 2018),
            Ok(Deadline::Recurring {
                every: Recurrence::Yearly,
                from: None
            })
        );
    }

    #[test]
    fn nonsense_is_an_error_never_a_guess() {
        for p in [
            "",
            "13月底前",
            "2月30日前",
            "尽快完成任务",
            "6月45日前",
            "3000年底前",
        ] {
            let r = parse_deadline(p, 2018);
            assert!(
                r.is_err() || matches!(r, Ok(Deadline::EventRelative { .. })),
                "{p}: {r:?}"
            );
            assert!(
                r.as_ref().map_or(true, |d| d.due_date().is_none()),
                "{p}: {r:?}"
            );
        }
        let e = parse_deadline("尽快完成任务", 2018).unwrap_err();
        assert!(e.to_string().contains("尽快完成任务"));
    }

    fn event(phrase: &str) -> (String, Option<Within>) {
        match parse_deadline(phrase, 2018) {
            Ok(Deadline::EventRelative { event, within }) => (event, within),
            other => panic!("{phrase}: expected an event-relative duty, got {other:?}"),
        }
    }

    /// Grammar class: an event, then a duration (or “及时”) after it, then what is to be done.
    #[test]
    fn a_duration_after_an_event_keeps_the_event_and_the_duration() {
        for (phrase, ev, within) in [
            ("文件印发后5个工作日内", "文件印发", Within::WorkingDays(5)),
            ("收到交办单后10日内办结", "收到交办单", Within::Days(10)),
            ("项目批复后一个月内", "项目批复", Within::Months(1)),
            ("验收合格之后两周内", "验收合格", Within::Weeks(2)),
            ("通知下发后３０天内报送", "通知下发", Within::Days(30)),
            ("会议召开后及时报送", "会议召开", Within::Promptly),
            ("发现问题后立即整改", "发现问题", Within::Promptly),
        ] {
            assert_eq!(event(phrase), (ev.to_owned(), Some(within)), "{phrase}");
            let d = parse_deadline(phrase, 2018).unwrap();
            assert!(
                d.due_date().is_none() && d.is_undated(),
                "{phrase}: never dated"
            );
        }
        // Working days are never turned into a date: no calendar of working days is known.
        assert_eq!(
            parse_deadline("文件印发后5个工作日内", 2018)
                .unwrap()
                .describe_zh(),
            "“文件印发”后5个工作日内"
        );
        // A date after 后 is not a duration: “6月底后” is still read as a date, not an event.
        assert!(parse_deadline("2019年6月后", 2018).is_ok_and(|d| d.kind_str() == "from"));
        // A duration without 内 is not read as one.
        assert!(!matches!(
            parse_deadline("印发后5日", 2018),
            Ok(Deadline::EventRelative {
                within: Some(_),
                ..
            })
        ));
    }

    /// Grammar class: bound to a recurring document or meeting.
    #[test]
    fn a_recurring_document_or_meeting_is_a_recurring_duty() {
        for (phrase, every) in [
            ("半年总结时", Recurrence::HalfYearly),
            ("年终考核前", Recurrence::Yearly),
            ("年底考核前报送", Recurrence::Yearly),
            ("季度例会前", Recurrence::Quarterly),
            ("月度调度会时", Recurrence::Monthly),
            ("每季度首月10日前报送", Recurrence::Quarterly),
        ] {
            assert_eq!(
                parse_deadline(phrase, 2018),
                Ok(Deadline::Recurring { every, from: None }),
                "{phrase}"
            );
        }
        // A period alone is still a date.
        assert_eq!(due("年底前"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(due("上半年"), (d(2018, 6, 30), Precision::HalfYear));
    }

    /// Grammar class: contingent on a higher level.
    #[test]
    fn a_duty_waiting_on_a_higher_level_is_contingent() {
        for (phrase, on) in [
            ("按省里统一部署", "省里统一部署"),
            ("待国家标准出台后", "国家标准出台"),
            ("视上级要求", "上级要求"),
            ("根据省厅要求确定", "省厅要求"),
            ("按照国家统一安排", "国家统一安排"),
        ] {
            assert_eq!(
                parse_deadline(phrase, 2018),
                Ok(Deadline::Contingent { on: on.to_owned() }),
                "{phrase}"
            );
        }
        // Without a higher level it is not read as contingent: “按要求” says nothing.
        assert!(!matches!(
            parse_deadline("按要求", 2018),
            Ok(Deadline::Contingent { .. })
        ));
        // “待…后” without a higher level waits on an event.
        assert_eq!(event("待项目批复后"), ("项目批复".to_owned(), None));
    }

    /// Grammar class: before an activity.
    #[test]
    fn before_an_activity_is_event_relative() {
        for (phrase, ev) in [("汛期前", "汛期"), ("开学前", "开学"), ("验收前", "验收")]
        {
            assert_eq!(event(phrase), (ev.to_owned(), None), "{phrase}");
        }
    }

    /// Grammar class: labelled parts of a compound cell.
    #[test]
    fn a_labelled_part_is_read_after_its_label() {
        assert_eq!(due("方案制定:6月底前"), (d(2018, 6, 30), Precision::Month));
        assert_eq!(due("全面实施：年底前"), (d(2018, 12, 31), Precision::Year));
        assert_eq!(
            parse_deadline("长效管理：持续", 2018),
            Ok(Deadline::Continuous)
        );
        assert!(parse_deadline("：6月底前", 2018).is_err());
        assert!(parse_deadline("2019:6月底前", 2018).is_err());
        assert!(parse_deadline("方案制定：", 2018).is_err());
    }
}
