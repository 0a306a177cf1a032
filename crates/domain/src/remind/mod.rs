//! Reminders: what each unit is told every morning (its 每日提醒 digest), 催办 (a coordinator
//! pressing a late or at-risk assignment) and when a unit is 督办 (still overdue after a set
//! number of 催办), and the robot messages of 钉钉 / 浙政钉 and 企业微信.
//!
//! Everything here is pure: the server's scheduler hands in the statuses of every assignment
//! as of the digest's day and the day before, and gets back one digest per unit with at least
//! one line. Which lines a day brings:
//! - due in exactly one of the plan's lead times (default 7 and 3 days before, and on the day);
//! - became overdue (overdue on the day, not the day before);
//! - still overdue — on Mondays only, so that a long-late item is not repeated every day;
//! - a done report returned the day before (every unanswered one on Mondays);
//! - a 催办 received the day before.
//!
//! Files: `digest.rs` builds the day's digests; this file has the settings and 催办.

use crate::chrono::{Datelike, NaiveDate, Weekday};
use crate::report::china_day;
use crate::{Status, Tracked};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod digest;
#[cfg(test)]
mod tests;

pub use digest::*;

/// Days before a deadline on which its unit is reminded, unless the plan's coordinator set
/// others.
pub const DEFAULT_LEAD_DAYS: [u32; 3] = [7, 3, 0];

/// An assignment still overdue after this many 催办 is 督办, unless the plan says otherwise.
pub const DEFAULT_URGE_LIMIT: u32 = 2;

/// Lead times are at most this many days, and at most this many of them.
pub const MAX_LEAD_DAY: u32 = 60;

pub const MAX_LEADS: usize = 5;

/// The longest 催办 message and 说明.
pub const MAX_URGE_TEXT: usize = 1000;

/// A plan's reminder settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettings {
    /// Days before a deadline, largest first (0 = on the day).
    pub lead_days: Vec<u32>,
    /// 催办 after which a still-overdue assignment is 督办.
    pub urge_limit: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            lead_days: DEFAULT_LEAD_DAYS.to_vec(),
            urge_limit: DEFAULT_URGE_LIMIT,
        }
    }
}

impl ReminderSettings {
    /// Reads the form's text: lead days separated by commas (，、 or spaces), and the limit.
    pub fn parse(lead_days: &str, urge_limit: &str) -> Result<ReminderSettings, crate::ParseError> {
        let mut days = Vec::new();
        for part in lead_days
            .split([',', '，', '、', ' ', ';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let d: u32 = part.parse().map_err(|_| {
                crate::ParseError::new("lead_days", format!("“{part}”不是天数（0 表示当天）"))
            })?;
            if d > MAX_LEAD_DAY {
                return Err(crate::ParseError::new(
                    "lead_days",
                    format!("{d} 天太长：提前天数最多 {MAX_LEAD_DAY} 天"),
                ));
            }
            if !days.contains(&d) {
                days.push(d);
            }
        }
        if days.is_empty() {
            return Err(crate::ParseError::new(
                "lead_days",
                "至少填写一个提前天数，如“7,3,0”",
            ));
        }
        if days.len() > MAX_LEADS {
            return Err(crate::ParseError::new(
                "lead_days",
                format!("最多 {MAX_LEADS} 个提前天数"),
            ));
        }
        days.sort_unstable_by(|a, b| b.cmp(a));
        let urge_limit: u32 = urge_limit.trim().parse().map_err(|_| {
            crate::ParseError::new("urge_limit", format!("“{}”不是次数", urge_limit.trim()))
        })?;
        if !(1..=20).contains(&urge_limit) {
            return Err(crate::ParseError::new(
                "urge_limit",
                "督办前的催办次数应在 1 到 20 之间",
            ));
        }
        Ok(ReminderSettings {
            lead_days: days,
            urge_limit,
        })
    }

    /// `7,3,0`: how the settings are stored and shown in the form.
    pub fn lead_days_text(&self) -> String {
        self.lead_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A 催办 as the digest and the lists need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Urge {
    pub id: i64,
    pub assignment_id: i64,
    pub plan_code: String,
    pub item_number: i32,
    pub unit: String,
    pub message: String,
    pub reply_by: Option<NaiveDate>,
    /// The coordinator's display name.
    pub by: String,
    pub at: crate::chrono::DateTime<crate::chrono::Utc>,
    pub is_demo: bool,
    pub answer: Option<UrgeAnswer>,
}

impl Urge {
    /// The day (China time) it was made.
    pub fn on(&self) -> NaiveDate {
        china_day(self.at)
    }

    /// Answered by `as_of`.
    pub fn answered_by(&self, as_of: NaiveDate) -> bool {
        self.answer
            .as_ref()
            .is_some_and(|a| china_day(a.at) <= as_of)
    }

    /// The reply was expected by a day that has passed without one.
    pub fn reply_late(&self, as_of: NaiveDate) -> bool {
        self.reply_by.is_some_and(|d| d < as_of) && !self.answered_by(as_of)
    }
}

/// A unit's answer to a 催办: a written 说明, or a progress report (or both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrgeAnswer {
    pub note: String,
    pub report_id: Option<i64>,
    pub by: String,
    pub at: crate::chrono::DateTime<crate::chrono::Utc>,
}

/// A 催办 being made: checks the message and the reply date against the day it is made.
pub fn check_urge(
    message: &str,
    reply_by: Option<&str>,
    today: NaiveDate,
) -> Result<(String, Option<NaiveDate>), crate::ParseError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(crate::ParseError::new("message", "请填写催办内容"));
    }
    if message.chars().count() > MAX_URGE_TEXT {
        return Err(crate::ParseError::new(
            "message",
            format!("催办内容最多 {MAX_URGE_TEXT} 字"),
        ));
    }
    let reply_by = match reply_by.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                crate::ParseError::new("reply_by", format!("“{s}”不是日期，应为 YYYY-MM-DD"))
            })?;
            if d < today {
                return Err(crate::ParseError::new(
                    "reply_by",
                    format!("答复期限 {d} 已过（今天是 {today}）"),
                ));
            }
            if d > today + crate::chrono::Days::new(366) {
                return Err(crate::ParseError::new(
                    "reply_by",
                    format!("答复期限 {d} 太远：最多一年以内"),
                ));
            }
            Some(d)
        }
    };
    Ok((message.to_owned(), reply_by))
}

/// A 说明 answering a 催办.
pub fn check_answer(note: &str) -> Result<String, crate::ParseError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(crate::ParseError::new("note", "请填写说明，或提交进展报告"));
    }
    if note.chars().count() > MAX_URGE_TEXT {
        return Err(crate::ParseError::new(
            "note",
            format!("说明最多 {MAX_URGE_TEXT} 字"),
        ));
    }
    Ok(note.to_owned())
}

/// May this assignment be pressed on `as_of`: late (overdue, or left unfinished when the plan's
/// period ended), or at risk (due soon, a returned report unanswered). Done work, and work
/// not yet due, is not pressed.
pub fn may_urge(t: &Tracked) -> bool {
    is_late(t.assessment.status) || t.assessment.status == Status::DueSoon || t.returned.is_some()
}

/// Overdue, or unfinished after the plan's period.
pub fn is_late(s: Status) -> bool {
    matches!(s, Status::Overdue | Status::Lapsed)
}

/// 督办: still late on `as_of` after at least `limit` 催办 made by then.
pub fn is_supervised(t: &Tracked, urges: &[&Urge], as_of: NaiveDate, limit: u32) -> bool {
    is_late(t.assessment.status)
        && urges
            .iter()
            .filter(|u| u.assignment_id == t.assignment_id && u.on() <= as_of)
            .count()
            >= usize::try_from(limit).unwrap_or(usize::MAX)
}
