//! Status of an assignment, computed — never typed in — from the item's milestones and the
//! unit's progress reports made up to an as-of date.
//!
//! Rules:
//! - A dated milestone (“6月底前”) is met by a report that says it is done — for that
//!   milestone, or for the whole assignment — dated on or before the as-of day. Met after its
//!   due date, it was met late.
//! - 逾期 (overdue): a dated milestone has passed (due before the as-of day) and is not met, or
//!   a recurring duty has a finished period with no report in it (a missed month).
//! - 即将到期 (due soon): not overdue, and an unmet milestone falls due within the window
//!   (default 15 days) from the as-of day.
//! - 已完成 / 逾期后完成: every dated milestone met (or the whole assignment reported done), on
//!   time / with at least one late.
//! - 推进中: any report; 未启动: none.
//! - A duty with no date (continuous, event-relative, from a date on) is never overdue: it is
//!   in progress once reported on, done once reported done.
//! - 未完成（期满）: after the plan's period has ended, whatever is not done is no longer
//!   going on or late — it was not finished ([`Status::after_period`]).

use crate::{Deadline, Recurrence};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The computed status of an assignment on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 逾期 — red.
    Overdue,
    /// 未完成（期满）: the plan's period is over and the work was not finished.
    Lapsed,
    /// 即将到期 — yellow.
    DueSoon,
    /// 推进中.
    InProgress,
    /// 未启动.
    NotStarted,
    /// 逾期后完成.
    DoneLate,
    /// 已完成 — green.
    Done,
}

impl Status {
    /// In the order lists show them: the most urgent first.
    pub const ALL: [Status; 7] = [
        Status::Overdue,
        Status::Lapsed,
        Status::DueSoon,
        Status::InProgress,
        Status::NotStarted,
        Status::DoneLate,
        Status::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Lapsed => "lapsed",
            Status::DueSoon => "due_soon",
            Status::InProgress => "in_progress",
            Status::NotStarted => "not_started",
            Status::DoneLate => "done_late",
            Status::Done => "done",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Overdue => "逾期",
            Status::Lapsed => "未完成（期满）",
            Status::DueSoon => "即将到期",
            Status::InProgress => "推进中",
            Status::NotStarted => "未启动",
            Status::DoneLate => "逾期后完成",
            Status::Done => "已完成",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn is_done(self) -> bool {
        matches!(self, Status::Done | Status::DoneLate)
    }

    /// The status once the plan's period (ending on `end`) is taken into account: on a day
    /// after it, work not done reads 未完成（期满）, not 推进中 / 未启动 / 逾期.
    pub fn after_period(self, as_of: NaiveDate, end: Option<NaiveDate>) -> Status {
        match end {
            Some(end) if as_of > end && !self.is_done() => Status::Lapsed,
            _ => self,
        }
    }
}

/// What a report says of the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Work is going on.
    InProgress,
    /// Done: the milestone named, or the whole assignment.
    Done,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::InProgress => "in_progress",
            ReportState::Done => "done",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportState::InProgress => "推进中",
            ReportState::Done => "已完成",
        }
    }

    pub fn parse(s: &str) -> Option<ReportState> {
        match s {
            "in_progress" => Some(ReportState::InProgress),
            "done" => Some(ReportState::Done),
            _ => None,
        }
    }
}

/// The facts of a report that status depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFact {
    /// The day the report speaks for.
    pub on: NaiveDate,
    pub state: ReportState,
    /// The milestone (1-based, in the item's order) a done report completes; `None` for the
    /// whole assignment.
    pub milestone: Option<i32>,
}

/// Status and the figures a list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub status: Status,
    /// The next unmet dated milestone (or the earliest missed one when overdue).
    pub next_due: Option<NaiveDate>,
    /// Days from the as-of day to `next_due`: negative when late.
    pub days_left: Option<i64>,
    /// Finished periods of recurring duties with no report in them.
    pub missed_periods: u32,
    /// Milestones that have fallen due by the as-of day (a dated one due on or before it,
    /// each finished period of a recurring duty): what a fair ranking divides by.
    #[serde(default)]
    pub fell_due: u32,
    /// Of those, met on time (done by the due date; a report within the period).
    #[serde(default)]
    pub met_on_time: u32,
}

/// A milestone within this many days of the as-of day is “due soon” (every page, the
/// reminders, the API and the demo use this one figure).
pub const DUE_SOON_DAYS: i64 = 15;

/// Computes an assignment's status on `as_of` from the item's milestones and the reports
/// (any order; those after `as_of` are ignored). `start` is when duties begin (the plan's
/// issue date): recurring periods are counted from it.
pub fn assess(
    milestones: &[Deadline],
    reports: &[ReportFact],
    as_of: NaiveDate,
    start: NaiveDate,
    due_soon_days: i64,
) -> Assessment {
    let reports: Vec<&ReportFact> = reports.iter().filter(|r| r.on <= as_of).collect();
    let whole_done = reports
        .iter()
        .filter(|r| r.state == ReportState::Done && r.milestone.is_none())
        .map(|r| r.on)
        .min();

    let mut any_dated = false;
    let mut all_met = true;
    let mut any_late = false;
    let mut overdue_due: Option<NaiveDate> = None;
    let mut next_unmet: Option<NaiveDate> = None;
    let mut missed_periods = 0u32;
    let mut fell_due = 0u32;
    let mut met_on_time = 0u32;

    for (i, m) in milestones.iter().enumerate() {
        let seq = i32::try_from(i + 1).unwrap_or(i32::MAX);
        match m {
            Deadline::By { due, .. } => {
                any_dated = true;
                let met_on = reports
                    .iter()
                    .filter(|r| r.state == ReportState::Done && r.milestone == Some(seq))
                    .map(|r| r.on)
                    .chain(whole_done)
                    .min();
                if *due <= as_of {
                    fell_due += 1;
                    met_on_time += u32::from(met_on.is_some_and(|on| on <= *due));
                }
                match met_on {
                    Some(on) => any_late |= on > *due,
                    None => {
                        all_met = false;
                        if *due < as_of {
                            overdue_due = Some(overdue_due.map_or(*due, |d| d.min(*due)));
                        } else {
                            next_unmet = Some(next_unmet.map_or(*due, |d| d.min(*due)));
                        }
                    }
                }
            }
            Deadline::Recurring { every, from } => {
                if whole_done.is_some() {
                    continue;
                }
                let begin = from.unwrap_or(start).max(start);
                let (periods, missed_here) = periods(*every, begin, as_of, &reports);
                missed_periods += missed_here;
                fell_due += periods;
                met_on_time += periods - missed_here;
            }
            // Undated duties (an event, a higher level, a phrase 待确认) are never overdue.
            Deadline::From { .. }
            | Deadline::Continuous
            | Deadline::EventRelative { .. }
            | Deadline::Contingent { .. }
            | Deadline::Unconfirmed { .. } => {}
        }
    }

    let next_due = overdue_due.or(next_unmet);
    let days_left = next_due.map(|d| (d - as_of).num_days());
    let status = if overdue_due.is_some() || missed_periods > 0 {
        Status::Overdue
    } else if next_unmet.is_some_and(|d| (d - as_of).num_days() <= due_soon_days) {
        Status::DueSoon
    } else if (any_dated && all_met) || whole_done.is_some() {
        if any_late {
            Status::DoneLate
        } else {
            Status::Done
        }
    } else if !reports.is_empty() {
        Status::InProgress
    } else {
        Status::NotStarted
    };
    Assessment {
        status,
        next_due,
        days_left,
        missed_periods,
        fell_due,
        met_on_time,
    }
}

/// Finished periods between `begin` and `as_of`: how many, and how many with no report
/// dated inside them.
fn periods(
    every: Recurrence,
    begin: NaiveDate,
    as_of: NaiveDate,
    reports: &[&ReportFact],
) -> (u32, u32) {
    let months = match every {
        Recurrence::Monthly => 1,
        Recurrence::Quarterly => 3,
        Recurrence::HalfYearly => 6,
        Recurrence::Yearly => 12,
        // Weeks: counted as 7-day windows from `begin`.
        Recurrence::Weekly => {
            let (mut all, mut n) = (0, 0);
            let mut s = begin;
            while let Some(e) = s.checked_add_days(chrono::Days::new(7)) {
                if e > as_of {
                    break;
                }
                all += 1;
                if !reports.iter().any(|r| r.on >= s && r.on < e) {
                    n += 1;
                }
                s = e;
            }
            return (all, n);
        }
    };
    // Periods are calendar-aligned: the month (quarter, …) `begin` falls in is the first.
    let index = |d: NaiveDate| (d.year() * 12 + d.month0() as i32) / months;
    let first = index(begin);
    let current = index(as_of);
    let all = u32::try_from(current.saturating_sub(first).max(0)).unwrap_or(u32::MAX);
    let missed = (first..current)
        .filter(|p| !reports.iter().any(|r| index(r.on) == *p))
        .count()
        .try_into()
        .unwrap_or(u32::MAX);
    (all, missed)
}

/// Counts per status: a roll-up of many assignments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub overdue: u32,
    #[serde(default)]
    pub lapsed: u32,
    pub due_soon: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub done_late: u32,
    pub done: u32,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        *self.slot(s) += 1;
    }

    /// Adds another roll-up into this one.
    pub fn merge(&mut self, other: &StatusCounts) {
        for s in Status::ALL {
            *self.slot(s) += other.get(s);
        }
    }

    pub fn get(&self, s: Status) -> u32 {
        match s {
            Status::Overdue => self.overdue,
            Status::Lapsed => self.lapsed,
            Status::DueSoon => self.due_soon,
            Status::InProgress => self.in_progress,
            Status::NotStarted => self.not_started,
            Status::DoneLate => self.done_late,
            Status::Done => self.done,
        }
    }

    fn slot(&mut self, s: Status) -> &mut u32 {
        match s {
            Status::Overdue => &mut self.overdue,
            Status::Lapsed => &mut self.lapsed,
            Status::DueSoon => &mut self.due_soon,
            Status::InProgress => &mut self.in_progress,
            Status::NotStarted => &mut self.not_started,
            Status::DoneLate => &mut self.done_late,
            Status::Done => &mut self.done,
        }
    }

    pub fn total(&self) -> u32 {
        Status::ALL.iter().map(|s| self.get(*s)).sum()
    }

    /// The worst status present, for a roll-up badge.
    pub fn worst(&self) -> Option<Status> {
        Status::ALL.into_iter().find(|s| self.get(*s) > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_deadline;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ms(phrases: &[&str]) -> Vec<Deadline> {
        phrases
            .iter()
            .map(|p| parse_deadline(p, 2018).unwrap())
            .collect()
    }

    fn done(on: NaiveDate, milestone: Option<i32>) -> ReportFact {
        ReportFact {
            on,
            state: ReportState::Done,
            milestone,
        }
    }

    fn progress(on: NaiveDate) -> ReportFact {
        ReportFact {
            on,
            state: ReportState::InProgress,
            milestone: None,
        }
    }

    const START: (i32, u32, u32) = (2018, 6, 1);

    fn at(m: &[Deadline], r: &[ReportFact], as_of: NaiveDate) -> Assessment {
        assess(m, r, as_of, d(START.0, START.1, START.2), 15)
    }

    #[test]
    fn a_single_deadline_goes_not_started_due_soon_overdue() {
        let m = ms(&["6月底前"]);
        assert_eq!(at(&m, &[], d(2018, 6, 1)).status, Status::NotStarted);
        let soon = at(&m, &[], d(2018, 6, 20));
        assert_eq!(soon.status, Status::DueSoon);
        assert_eq!(soon.days_left, Some(10));
        let late = at(&m, &[], d(2018, 7, 10));
        assert_eq!(late.status, Status::Overdue);
        assert_eq!(late.days_left, Some(-10));
        // The due day itself is not late yet.
        assert_eq!(at(&m, &[], d(2018, 6, 30)).status, Status::DueSoon);
    }

    #[test]
    fn done_on_time_late_and_reports_after_the_as_of_day_do_not_count() {
        let m = ms(&["6月底前"]);
        let on_time = [done(d(2018, 6, 28), None)];
        assert_eq!(at(&m, &on_time, d(2018, 9, 1)).status, Status::Done);
        let late = [done(d(2018, 7, 5), None)];
        assert_eq!(at(&m, &late, d(2018, 9, 1)).status, Status::DoneLate);
        // Replaying 2018-07-01: the report of 07-05 did not exist yet.
        assert_eq!(at(&m, &late, d(2018, 7, 1)).status, Status::Overdue);
    }

    #[test]
    fn every_milestone_of_an_item_counts() {
        // Water (3): a 6月底前 part and a 年底前 part.
        let m = ms(&["6月底前", "年底前"]);
        let first_only = [done(d(2018, 6, 25), Some(1))];
        let a = at(&m, &first_only, d(2018, 8, 1));
        assert_eq!(a.status, Status::InProgress);
        assert_eq!(a.next_due, Some(d(2018, 12, 31)));
        assert_eq!(at(&m, &first_only, d(2018, 12, 20)).status, Status::DueSoon);
        assert_eq!(at(&m, &first_only, d(2019, 1, 2)).status, Status::Overdue);
        let both = [
            done(d(2018, 6, 25), Some(1)),
            done(d(2018, 12, 30), Some(2)),
        ];
        assert_eq!(at(&m, &both, d(2019, 1, 2)).status, Status::Done);
        // The second part missed, the first met: overdue until the second is done.
        let missed_first = [done(d(2018, 12, 30), Some(2))];
        assert_eq!(at(&m, &missed_first, d(2019, 1, 2)).status, Status::Overdue);
    }

    #[test]
    fn a_month_without_a_report_is_a_missed_month() {
        let m = ms(&["每月"]);
        // June 2018 is the first month; on 2018-07-10 June is finished.
        let a = at(&m, &[], d(2018, 7, 10));
        assert_eq!((a.status, a.missed_periods), (Status::Overdue, 1));
        let june = [progress(d(2018, 6, 15))];
        assert_eq!(at(&m, &june, d(2018, 7, 10)).status, Status::InProgress);
        // July reported, August not: on 2018-10-02, June missing? no — June and July there.
        let two = [progress(d(2018, 6, 15)), progress(d(2018, 7, 20))];
        let a = at(&m, &two, d(2018, 10, 2));
        assert_eq!(
            (a.status, a.missed_periods),
            (Status::Overdue, 2),
            "Aug and Sep"
        );
    }

    #[test]
    fn undated_duties_are_never_overdue() {
        for phrases in [
            &["及时"][..],
            &["7月起"],
            &["城东污水处理厂三期未建成投运前"],
            &[],
        ] {
            let m = ms(phrases);
            assert_eq!(at(&m, &[], d(2020, 12, 31)).status, Status::NotStarted);
            let r = [progress(d(2018, 8, 1))];
            assert_eq!(at(&m, &r, d(2020, 12, 31)).status, Status::InProgress);
            let r = [done(d(2018, 8, 1), None)];
            assert_eq!(at(&m, &r, d(2020, 12, 31)).status, Status::Done);
        }
    }

    #[test]
    fn counts_roll_up_and_know_the_worst() {
        let mut c = StatusCounts::default();
        c.add(Status::Done);
        c.add(Status::DueSoon);
        c.add(Status::DueSoon);
        assert_eq!(c.total(), 3);
        assert_eq!(c.worst(), Some(Status::DueSoon));
        assert_eq!(StatusCounts::default().worst(), None);
        let mut sum = StatusCounts::default();
        sum.merge(&c);
        sum.merge(&c);
        assert_eq!((sum.total(), sum.due_soon), (6, 4));
    }
}
