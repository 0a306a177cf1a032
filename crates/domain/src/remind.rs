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

use crate::chrono::{Datelike, NaiveDate, Weekday};
use crate::report::china_day;
use crate::{Status, Tracked};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// The work item a line is about, enough to name it and link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRef {
    pub plan_code: String,
    pub plan_name: String,
    pub item_number: i32,
    /// The item's text, cut to its first 40 characters.
    pub item_text: String,
    pub assignment_id: i64,
}

impl ItemRef {
    pub fn of(t: &Tracked) -> ItemRef {
        ItemRef {
            plan_code: t.plan_code.clone(),
            plan_name: t.plan_short_name.clone(),
            item_number: t.item_number,
            item_text: short(&t.item_text, 40),
            assignment_id: t.assignment_id,
        }
    }

    /// The item's page.
    pub fn href(&self) -> String {
        format!("/plans/{}/items/{}", self.plan_code, self.item_number)
    }

    /// `治水 (5) 开展…`
    pub fn label_zh(&self) -> String {
        format!(
            "{} ({}) {}",
            self.plan_name, self.item_number, self.item_text
        )
    }
}

/// Cuts `s` to `n` characters, with `…` when cut.
pub fn short(s: &str, n: usize) -> String {
    let first_line = s.lines().next().unwrap_or_default().trim();
    if first_line.chars().count() <= n {
        first_line.to_owned()
    } else {
        let mut out: String = first_line.chars().take(n).collect();
        out.push('…');
        out
    }
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DigestLine {
    /// Due in `days` days (0: today).
    DueIn {
        item: ItemRef,
        due: NaiveDate,
        days: i64,
    },
    /// Overdue from this day on.
    BecameOverdue {
        item: ItemRef,
        due: Option<NaiveDate>,
    },
    /// Still overdue (Mondays).
    StillOverdue {
        item: ItemRef,
        due: Option<NaiveDate>,
        days_late: Option<i64>,
    },
    /// A done report returned by the coordinator, to be answered.
    Returned {
        item: ItemRef,
        report_id: i64,
        reason: String,
        reviewer: String,
    },
    /// A 催办 received.
    Urged {
        item: ItemRef,
        urge_id: i64,
        message: String,
        reply_by: Option<NaiveDate>,
        by: String,
    },
}

impl DigestLine {
    pub fn item(&self) -> &ItemRef {
        match self {
            DigestLine::DueIn { item, .. }
            | DigestLine::BecameOverdue { item, .. }
            | DigestLine::StillOverdue { item, .. }
            | DigestLine::Returned { item, .. }
            | DigestLine::Urged { item, .. } => item,
        }
    }

    /// The line in Chinese, without the item (which the caller links).
    pub fn what_zh(&self) -> String {
        match self {
            DigestLine::DueIn { due, days: 0, .. } => format!("今天（{due}）到期"),
            DigestLine::DueIn { due, days, .. } => format!("{days} 天后（{due}）到期"),
            DigestLine::BecameOverdue { due: Some(d), .. } => format!("已逾期（时限 {d}）"),
            DigestLine::BecameOverdue { due: None, .. } => "已逾期（定期报送缺报）".to_owned(),
            DigestLine::StillOverdue {
                due: Some(d),
                days_late: Some(n),
                ..
            } => format!("仍逾期 {n} 天（时限 {d}）"),
            DigestLine::StillOverdue { .. } => "仍逾期（定期报送缺报）".to_owned(),
            DigestLine::Returned {
                reason, reviewer, ..
            } => format!("完成报告被 {reviewer} 退回：{reason}"),
            DigestLine::Urged {
                message,
                reply_by,
                by,
                ..
            } => match reply_by {
                Some(d) => format!("{by} 催办：{message}（请于 {d} 前答复）"),
                None => format!("{by} 催办：{message}"),
            },
        }
    }

    /// The line in English, without the item (user text — messages, reasons — as written).
    pub fn what_en(&self) -> String {
        let days = |n: i64| {
            if n == 1 {
                "1 day".to_owned()
            } else {
                format!("{n} days")
            }
        };
        match self {
            DigestLine::DueIn { due, days: 0, .. } => format!("due today ({due})"),
            DigestLine::DueIn { due, days: n, .. } => format!("due in {} ({due})", days(*n)),
            DigestLine::BecameOverdue { due: Some(d), .. } => format!("overdue (deadline {d})"),
            DigestLine::BecameOverdue { due: None, .. } => {
                "overdue (a periodic report is missing)".to_owned()
            }
            DigestLine::StillOverdue {
                due: Some(d),
                days_late: Some(n),
                ..
            } => format!("still overdue, {} late (deadline {d})", days(*n)),
            DigestLine::StillOverdue { .. } => {
                "still overdue (a periodic report is missing)".to_owned()
            }
            DigestLine::Returned {
                reason, reviewer, ..
            } => format!("done report returned by {reviewer}: {reason}"),
            DigestLine::Urged {
                message,
                reply_by,
                by,
                ..
            } => match reply_by {
                Some(d) => format!("urged by {by}: {message} (reply by {d})"),
                None => format!("urged by {by}: {message}"),
            },
        }
    }

    /// The line in the language asked for.
    pub fn what(&self, en: bool) -> String {
        if en {
            self.what_en()
        } else {
            self.what_zh()
        }
    }

    /// The section the line belongs to, in the digest's order.
    pub fn section(&self) -> Section {
        match self {
            DigestLine::Urged { .. } => Section::Urged,
            DigestLine::BecameOverdue { .. } => Section::BecameOverdue,
            DigestLine::Returned { .. } => Section::Returned,
            DigestLine::DueIn { .. } => Section::DueSoon,
            DigestLine::StillOverdue { .. } => Section::StillOverdue,
        }
    }
}

/// The sections of a digest, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Section {
    Urged,
    BecameOverdue,
    Returned,
    DueSoon,
    StillOverdue,
}

impl Section {
    pub fn title_zh(self) -> &'static str {
        match self {
            Section::Urged => "收到催办",
            Section::BecameOverdue => "新逾期",
            Section::Returned => "退回待答复",
            Section::DueSoon => "即将到期",
            Section::StillOverdue => "仍逾期（每周一汇总）",
        }
    }

    pub fn title_en(self) -> &'static str {
        match self {
            Section::Urged => "Urged (催办)",
            Section::BecameOverdue => "Newly overdue",
            Section::Returned => "Returned, to answer",
            Section::DueSoon => "Due soon",
            Section::StillOverdue => "Still overdue (every Monday)",
        }
    }

    pub fn title(self, en: bool) -> &'static str {
        if en {
            self.title_en()
        } else {
            self.title_zh()
        }
    }
}

/// A unit's digest of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    pub unit: String,
    pub day: NaiveDate,
    pub lines: Vec<DigestLine>,
}

impl Digest {
    /// `开化县政府 12月6日提醒：2 项即将到期，1 项新逾期`
    pub fn title_zh(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut counts: BTreeMap<Section, usize> = BTreeMap::new();
        for l in &self.lines {
            *counts.entry(l.section()).or_default() += 1;
        }
        for (s, n) in counts {
            parts.push(format!(
                "{}{n}项",
                s.title_zh().trim_end_matches("（每周一汇总）")
            ));
        }
        format!(
            "{} {}月{}日提醒：{}",
            self.unit,
            self.day.month(),
            self.day.day(),
            parts.join("，")
        )
    }

    /// `开化县政府, reminders of 6 Dec: due soon 2, newly overdue 1`
    pub fn title_en(&self) -> String {
        let mut counts: BTreeMap<Section, usize> = BTreeMap::new();
        for l in &self.lines {
            *counts.entry(l.section()).or_default() += 1;
        }
        let parts: Vec<String> = counts
            .into_iter()
            .map(|(s, n)| {
                let name = s.title_en().trim_end_matches(" (every Monday)");
                format!("{} {n}", name.to_lowercase())
            })
            .collect();
        format!(
            "{}, reminders of {}: {}",
            self.unit,
            self.day.format("%-d %b"),
            parts.join(", ")
        )
    }

    /// The title in the language asked for.
    pub fn title(&self, en: bool) -> String {
        if en {
            self.title_en()
        } else {
            self.title_zh()
        }
    }

    /// The lines grouped by section, in the digest's order.
    pub fn sections(&self) -> Vec<(Section, Vec<&DigestLine>)> {
        let mut by: BTreeMap<Section, Vec<&DigestLine>> = BTreeMap::new();
        for l in &self.lines {
            by.entry(l.section()).or_default().push(l);
        }
        by.into_iter().collect()
    }

    /// The digest as markdown (钉钉 / 浙政钉 / 企业微信 robots and e-mail text), each line
    /// linking to its item at `base` (the server's public address). Text from users
    /// (messages, reasons) has markdown's link and emphasis characters escaped.
    pub fn markdown(&self, base: &str) -> String {
        let mut out = format!("### {}\n", md_escape(&self.title_zh()));
        for (section, lines) in self.sections() {
            out.push_str(&format!("\n**{}**\n\n", section.title_zh()));
            for l in lines {
                let item = l.item();
                out.push_str(&format!(
                    "- [{}]({}{}) {}\n",
                    md_escape(&item.label_zh()),
                    base.trim_end_matches('/'),
                    item.href(),
                    md_escape(&l.what_zh())
                ));
            }
        }
        out
    }

    /// The digest as plain text (the e-mail body).
    pub fn text(&self, base: &str) -> String {
        let mut out = format!("{}\n", self.title_zh());
        for (section, lines) in self.sections() {
            out.push_str(&format!("\n【{}】\n", section.title_zh()));
            for l in lines {
                let item = l.item();
                out.push_str(&format!(
                    "· {}：{}\n  {}{}\n",
                    item.label_zh(),
                    l.what_zh(),
                    base.trim_end_matches('/'),
                    item.href()
                ));
            }
        }
        out.push_str("\n（衢州三治督办平台自动发送；请登录平台查看和报送。）\n");
        out
    }
}

/// Escapes the characters markdown reads as markup, so that user text is shown as written.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '(' | ')' | '*' | '_' | '`' | '#' | '<' | '>' | '!' | '|'
        ) {
            out.push('\\');
        }
        // A newline in a message would start a new markdown block: keep a line a line.
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// A webhook address as it may be shown or logged: scheme, host and the first characters of
/// the rest (robot addresses carry their access token in the query).
pub fn mask_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let shown: String = tail.chars().take(8).collect();
    let more = if tail.chars().count() > 8 { "…" } else { "" };
    format!("{scheme}://{host}{shown}{more}")
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

/// What a day's digests are made from.
pub struct DayFacts<'a> {
    /// The digest's day.
    pub day: NaiveDate,
    /// Every assignment as of `day`.
    pub today: &'a [Tracked],
    /// Every assignment as of the day before.
    pub yesterday: &'a [Tracked],
    /// Every 催办 (those made the day before are told).
    pub urges: &'a [Urge],
    /// The plan's settings, by plan code (absent: the defaults).
    pub settings: &'a BTreeMap<String, ReminderSettings>,
}

/// The day's digests, one per unit with anything to tell, in unit order.
pub fn digests(f: &DayFacts<'_>) -> Vec<Digest> {
    let Some(before) = f.day.pred_opt() else {
        return Vec::new();
    };
    let monday = f.day.weekday() == Weekday::Mon;
    let default = ReminderSettings::default();
    let overdue_before: std::collections::HashSet<i64> = f
        .yesterday
        .iter()
        .filter(|t| t.assessment.status == Status::Overdue)
        .map(|t| t.assignment_id)
        .collect();
    let by_assignment: std::collections::HashMap<i64, &Tracked> =
        f.today.iter().map(|t| (t.assignment_id, t)).collect();
    let mut by_unit: BTreeMap<&str, Vec<DigestLine>> = BTreeMap::new();
    for t in f.today {
        let settings = f.settings.get(&t.plan_code).unwrap_or(&default);
        let a = &t.assessment;
        let lines = by_unit.entry(t.unit.as_str()).or_default();
        match a.status {
            Status::DueSoon | Status::InProgress | Status::NotStarted => {
                if let (Some(due), Some(days)) = (a.next_due, a.days_left) {
                    if days >= 0 && settings.lead_days.iter().any(|d| i64::from(*d) == days) {
                        lines.push(DigestLine::DueIn {
                            item: ItemRef::of(t),
                            due,
                            days,
                        });
                    }
                }
            }
            Status::Overdue if !overdue_before.contains(&t.assignment_id) => {
                lines.push(DigestLine::BecameOverdue {
                    item: ItemRef::of(t),
                    due: a.next_due,
                });
            }
            Status::Overdue if monday => lines.push(DigestLine::StillOverdue {
                item: ItemRef::of(t),
                due: a.next_due,
                days_late: a.days_left.map(|d| -d),
            }),
            _ => {}
        }
        if let Some(r) = &t.returned {
            let review = r.review.as_ref();
            let returned_on = review.map(|v| china_day(v.created_at));
            if monday || returned_on == Some(before) {
                lines.push(DigestLine::Returned {
                    item: ItemRef::of(t),
                    report_id: r.id,
                    reason: review.map(|v| v.reason.clone()).unwrap_or_default(),
                    reviewer: review.map(|v| v.reviewer.clone()).unwrap_or_default(),
                });
            }
        }
    }
    for u in f.urges.iter().filter(|u| u.on() == before) {
        let Some(t) = by_assignment.get(&u.assignment_id) else {
            continue;
        };
        by_unit
            .entry(t.unit.as_str())
            .or_default()
            .push(DigestLine::Urged {
                item: ItemRef::of(t),
                urge_id: u.id,
                message: u.message.clone(),
                reply_by: u.reply_by,
                by: u.by.clone(),
            });
    }
    by_unit
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(unit, mut lines)| {
            lines.sort_by(|a, b| {
                (
                    a.section(),
                    a.item().plan_code.as_str(),
                    a.item().item_number,
                )
                    .cmp(&(
                        b.section(),
                        b.item().plan_code.as_str(),
                        b.item().item_number,
                    ))
            });
            Digest {
                unit: unit.to_owned(),
                day: f.day,
                lines,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chrono::{TimeZone, Utc};
    use crate::{Assessment, Report, ReportState, Review, ReviewDecision};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    fn tracked(id: i64, unit: &str, status: Status, due: Option<&str>, as_of: &str) -> Tracked {
        let next_due = due.map(day);
        Tracked {
            plan_status: crate::PlanStatus::Active,
            plan_closed_on: None,
            assignment_id: id,
            plan_code: "water".into(),
            plan_short_name: "治水".into(),
            task_number: 1,
            item_number: i32::try_from(id).expect("small"),
            item_text: format!("第{id}项工作\n第二行"),
            unit: unit.into(),
            via: String::new(),
            milestones: Vec::new(),
            assessment: Assessment {
                status,
                next_due,
                days_left: next_due.map(|d| (d - day(as_of)).num_days()),
                missed_periods: 0,
                fell_due: 0,
                met_on_time: 0,
            },
            last_report: None,
            report_count: 0,
            awaiting_review: false,
            returned: None,
        }
    }

    fn returned(t: &mut Tracked, at: &str) {
        let when = Utc
            .with_ymd_and_hms(day(at).year(), day(at).month(), day(at).day(), 2, 0, 0)
            .single()
            .expect("time");
        t.returned = Some(Report {
            id: 900,
            assignment_id: t.assignment_id,
            version: 1,
            state: ReportState::Done,
            milestone_seq: None,
            reported_on: day(at),
            achieved: None,
            narrative: String::new(),
            evidence: Vec::new(),
            reporter: "r".into(),
            corrects_id: None,
            is_demo: false,
            created_at: when,
            late_filed: false,
            review: Some(Review {
                id: 1,
                report_id: 900,
                decision: ReviewDecision::Returned,
                reason: "缺少*验收*材料".into(),
                reviewer: "治水办".into(),
                reviewed_on: day(at),
                is_demo: false,
                created_at: when,
                accepts_claimed_day: false,
            }),
        });
    }

    fn settings() -> BTreeMap<String, ReminderSettings> {
        BTreeMap::new()
    }

    #[test]
    fn webhook_addresses_are_masked() {
        assert_eq!(
            mask_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef123456"),
            "https://oapi.dingtalk.com/robot/s…"
        );
        assert_eq!(mask_url("http://127.0.0.1:9/x"), "http://127.0.0.1:9/x");
    }

    #[test]
    fn lead_times_parse_and_are_checked() {
        let s = ReminderSettings::parse("3， 7、0 7", "2").expect("ok");
        assert_eq!(s.lead_days, vec![7, 3, 0]);
        assert_eq!(s.lead_days_text(), "7,3,0");
        assert_eq!(
            ReminderSettings::parse("", "2").expect_err("empty").field,
            "lead_days"
        );
        assert!(ReminderSettings::parse("61", "2")
            .expect_err("long")
            .reason
            .contains("60"));
        assert!(ReminderSettings::parse("七", "2")
            .expect_err("word")
            .reason
            .contains("七"));
        assert_eq!(
            ReminderSettings::parse("1,2,3,4,5,6", "2")
                .expect_err("many")
                .field,
            "lead_days"
        );
        assert_eq!(
            ReminderSettings::parse("7", "0").expect_err("zero").field,
            "urge_limit"
        );
    }

    #[test]
    fn due_lines_fall_on_the_lead_days_only() {
        // Friday 2018-08-10.
        let d = "2018-08-10";
        let today = vec![
            tracked(1, "开化县政府", Status::DueSoon, Some("2018-08-17"), d), // 7 days
            tracked(2, "开化县政府", Status::DueSoon, Some("2018-08-13"), d), // 3 days
            tracked(3, "开化县政府", Status::DueSoon, Some("2018-08-10"), d), // today
            tracked(4, "开化县政府", Status::DueSoon, Some("2018-08-14"), d), // 4 days: no
            tracked(5, "柯城区政府", Status::NotStarted, Some("2018-08-17"), d), // 7 days
            tracked(6, "柯城区政府", Status::Done, Some("2018-08-17"), d),    // done: no
        ];
        let got = digests(&DayFacts {
            day: day(d),
            today: &today,
            yesterday: &today,
            urges: &[],
            settings: &settings(),
        });
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].unit, "开化县政府");
        let days: Vec<i64> = got[0]
            .lines
            .iter()
            .map(|l| match l {
                DigestLine::DueIn { days, .. } => *days,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(days.len(), 3);
        assert!(days.contains(&7) && days.contains(&3) && days.contains(&0));
        assert_eq!(got[1].unit, "柯城区政府");
        assert_eq!(got[1].lines.len(), 1);
        // A plan's own lead times replace the defaults.
        let mut own = settings();
        own.insert(
            "water".into(),
            ReminderSettings::parse("4", "2").expect("ok"),
        );
        let got = digests(&DayFacts {
            day: day(d),
            today: &today,
            yesterday: &today,
            urges: &[],
            settings: &own,
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].lines.len(), 1);
        assert_eq!(got[0].lines[0].item().assignment_id, 4);
    }

    #[test]
    fn overdue_is_told_once_then_on_mondays() {
        // Tuesday 2018-08-14: item 1 overdue since today, item 2 since last week.
        let d = "2018-08-14";
        let today = vec![
            tracked(1, "开化县政府", Status::Overdue, Some("2018-08-13"), d),
            tracked(2, "开化县政府", Status::Overdue, Some("2018-08-01"), d),
        ];
        let yesterday = vec![
            tracked(
                1,
                "开化县政府",
                Status::DueSoon,
                Some("2018-08-13"),
                "2018-08-13",
            ),
            tracked(
                2,
                "开化县政府",
                Status::Overdue,
                Some("2018-08-01"),
                "2018-08-13",
            ),
        ];
        let got = digests(&DayFacts {
            day: day(d),
            today: &today,
            yesterday: &yesterday,
            urges: &[],
            settings: &settings(),
        });
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].lines.len(), 1, "{:?}", got[0].lines);
        assert!(matches!(
            got[0].lines[0],
            DigestLine::BecameOverdue { ref item, .. } if item.assignment_id == 1
        ));
        // Monday 2018-08-20: both are still overdue, told in the weekly section.
        let d = "2018-08-20";
        let today = vec![
            tracked(1, "开化县政府", Status::Overdue, Some("2018-08-13"), d),
            tracked(2, "开化县政府", Status::Overdue, Some("2018-08-01"), d),
        ];
        let got = digests(&DayFacts {
            day: day(d),
            today: &today,
            yesterday: &today,
            urges: &[],
            settings: &settings(),
        });
        assert_eq!(got[0].lines.len(), 2);
        assert!(got[0].lines.iter().all(|l| matches!(
            l,
            DigestLine::StillOverdue { days_late: Some(n), .. } if *n == 7 || *n == 19
        )));
        // Wednesday: nothing new, no digest at all.
        let d = "2018-08-22";
        let today = vec![tracked(
            1,
            "开化县政府",
            Status::Overdue,
            Some("2018-08-13"),
            d,
        )];
        let got = digests(&DayFacts {
            day: day(d),
            today: &today,
            yesterday: &today,
            urges: &[],
            settings: &settings(),
        });
        assert!(got.is_empty(), "never an empty digest: {got:?}");
    }

    #[test]
    fn returns_and_urges_of_the_day_before_are_told() {
        let d = "2018-08-15"; // Wednesday
        let mut t = tracked(1, "开化县政府", Status::InProgress, Some("2018-12-31"), d);
        returned(&mut t, "2018-08-14");
        let mut old = tracked(2, "开化县政府", Status::InProgress, Some("2018-12-31"), d);
        returned(&mut old, "2018-08-01");
        let today = vec![t, old];
        let urge = Urge {
            id: 7,
            assignment_id: 2,
            plan_code: "water".into(),
            item_number: 2,
            unit: "开化县政府".into(),
            message: "请[尽快](http://x)报送".into(),
            reply_by: Some(day("2018-08-20")),
            by: "治水办".into(),
            // 2018-08-14 20:00 China time.
            at: Utc
                .with_ymd_and_hms(2018, 8, 14, 12, 0, 0)
                .single()
                .expect("t"),
            is_demo: false,
            answer: None,
        };
        let got = digests(&DayFacts {
            day: day(d),
            today: &today,
            yesterday: &today,
            urges: std::slice::from_ref(&urge),
            settings: &settings(),
        });
        assert_eq!(got.len(), 1);
        let lines = &got[0].lines;
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(matches!(lines[0], DigestLine::Urged { urge_id: 7, .. }));
        assert!(
            matches!(lines[1], DigestLine::Returned { ref item, .. } if item.assignment_id == 1)
        );
        // The markdown links each line and escapes the user's text.
        let md = got[0].markdown("https://sanzhi.example/");
        assert!(
            md.contains("(https://sanzhi.example/plans/water/items/2)"),
            "{md}"
        );
        assert!(md.contains(r"请\[尽快\]\(http://x\)报送"), "{md}");
        assert!(md.contains(r"缺少\*验收\*材料"), "{md}");
        assert!(md.contains("**收到催办**"));
        let text = got[0].text("https://sanzhi.example");
        assert!(text.contains("https://sanzhi.example/plans/water/items/1"));
        assert!(got[0].title_zh().starts_with("开化县政府 8月15日提醒："));
        // In English: the title and every line, the user's text as written.
        assert_eq!(
            got[0].title(true),
            "开化县政府, reminders of 15 Aug: urged (催办) 1, returned, to answer 1"
        );
        assert_eq!(
            got[0].lines[0].what(true),
            "urged by 治水办: 请[尽快](http://x)报送 (reply by 2018-08-20)"
        );
        assert!(got[0].lines[1]
            .what_en()
            .starts_with("done report returned by "));
        assert_eq!(
            Section::StillOverdue.title(true),
            "Still overdue (every Monday)"
        );
        let line = |days| DigestLine::DueIn {
            item: got[0].lines[0].item().clone(),
            due: day("2018-08-16"),
            days,
        };
        assert_eq!(line(0).what_en(), "due today (2018-08-16)");
        assert_eq!(line(1).what_en(), "due in 1 day (2018-08-16)");
        assert_eq!(line(3).what(false), "3 天后（2018-08-16）到期");
        // The urge made today is told tomorrow, not today.
        let got = digests(&DayFacts {
            day: day("2018-08-14"),
            today: &today[..1],
            yesterday: &today[..1],
            urges: std::slice::from_ref(&urge),
            settings: &settings(),
        });
        assert!(got.iter().all(|g| g
            .lines
            .iter()
            .all(|l| !matches!(l, DigestLine::Urged { .. }))));
    }

    #[test]
    fn urges_are_checked_and_supervision_counts_them() {
        let today = day("2018-08-15");
        assert_eq!(
            check_urge("  ", None, today).expect_err("empty").field,
            "message"
        );
        assert_eq!(
            check_urge("请报送", Some("2018-08-14"), today)
                .expect_err("past")
                .field,
            "reply_by"
        );
        assert_eq!(
            check_urge("请报送", Some("8月20日"), today)
                .expect_err("bad")
                .field,
            "reply_by"
        );
        assert_eq!(
            check_urge("请报送", Some("2018-08-20"), today).expect("ok"),
            ("请报送".to_owned(), Some(day("2018-08-20")))
        );
        assert!(check_answer(&"字".repeat(1001)).is_err());
        let t = tracked(
            1,
            "开化县政府",
            Status::Overdue,
            Some("2018-08-01"),
            "2018-08-15",
        );
        let urge = |id, d: u32| Urge {
            id,
            assignment_id: 1,
            plan_code: "water".into(),
            item_number: 1,
            unit: "开化县政府".into(),
            message: "催".into(),
            reply_by: None,
            by: "治水办".into(),
            at: Utc
                .with_ymd_and_hms(2018, 8, d, 2, 0, 0)
                .single()
                .expect("t"),
            is_demo: false,
            answer: None,
        };
        let (a, b) = (urge(1, 2), urge(2, 10));
        assert!(!is_supervised(&t, &[&a], today, 2));
        assert!(is_supervised(&t, &[&a, &b], today, 2));
        // Counted as of the day: on 08-05 only one had been made.
        assert!(!is_supervised(&t, &[&a, &b], day("2018-08-05"), 2));
        let done = tracked(1, "开化县政府", Status::DoneLate, None, "2018-08-15");
        assert!(!is_supervised(&done, &[&a, &b], today, 2));
        assert!(may_urge(&t));
        assert!(!may_urge(&done));
        let lapsed = tracked(
            1,
            "开化县政府",
            Status::Lapsed,
            Some("2018-08-01"),
            "2021-01-05",
        );
        assert!(may_urge(&lapsed));
        assert!(is_supervised(&lapsed, &[&a, &b], day("2021-01-05"), 2));
        let later = tracked(
            1,
            "开化县政府",
            Status::NotStarted,
            Some("2019-08-01"),
            "2018-08-15",
        );
        assert!(!may_urge(&later));
    }
}
