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
//!
//! Files: `parse/` reads a phrase into a [`Deadline`]; this file has the types.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod parse;
#[cfg(test)]
mod tests;

pub use parse::*;

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
