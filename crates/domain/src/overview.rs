//! The leaders' monthly overview, computed from the tracked assignments of two days (the end
//! of the month and the end of the month before): the red list of most overdue items, the
//! ranking of units (红黑榜), and what changed in between.

use crate::{Status, StatusCounts, Tracked};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One item on the red list: its most overdue assignments' units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedListItem {
    pub plan_code: String,
    pub plan_short_name: String,
    pub item_number: i32,
    pub item_text: String,
    /// The longest any of its units is late.
    pub days_late: i64,
    /// The overdue units, longest late first.
    pub units: Vec<RedUnit>,
}

/// One overdue unit of a red-list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedUnit {
    pub unit: String,
    /// Days past the missed milestone (0 for a recurring duty, see `missed_periods`).
    pub days_late: i64,
    /// Finished periods of a recurring duty without a report.
    pub missed_periods: u32,
}

impl RedUnit {
    /// “开化县政府（逾期 40 天）”, “常山县政府（漏报 2 期）”.
    pub fn label_zh(&self) -> String {
        if self.days_late > 0 {
            format!("{}（逾期 {} 天）", self.unit, self.days_late)
        } else {
            format!("{}（漏报 {} 期）", self.unit, self.missed_periods)
        }
    }
}

fn days_late(t: &Tracked) -> i64 {
    t.assessment.days_left.map_or(0, |d| (-d).max(0))
}

/// The `n` items with the longest-overdue assignments, longest first; ties by plan and number.
pub fn red_list(tracked: &[Tracked], n: usize) -> Vec<RedListItem> {
    let mut items: BTreeMap<(String, i32), RedListItem> = BTreeMap::new();
    for t in tracked
        .iter()
        .filter(|t| t.assessment.status == Status::Overdue)
    {
        let e = items
            .entry((t.plan_code.clone(), t.item_number))
            .or_insert_with(|| RedListItem {
                plan_code: t.plan_code.clone(),
                plan_short_name: t.plan_short_name.clone(),
                item_number: t.item_number,
                item_text: t.item_text.clone(),
                days_late: 0,
                units: Vec::new(),
            });
        let late = days_late(t);
        e.days_late = e.days_late.max(late);
        e.units.push(RedUnit {
            unit: t.unit.clone(),
            days_late: late,
            missed_periods: t.assessment.missed_periods,
        });
    }
    let mut out: Vec<RedListItem> = items.into_values().collect();
    for i in &mut out {
        i.units.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then_with(|| b.missed_periods.cmp(&a.missed_periods))
                .then_with(|| a.unit.cmp(&b.unit))
        });
    }
    out.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then_with(|| b.units.len().cmp(&a.units.len()))
    });
    out.truncate(n);
    out
}

/// A unit's record on the as-of day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRank {
    pub unit: String,
    pub assignments: u32,
    pub counts: StatusCounts,
    /// Done (on time or late) among those that are done or overdue; `None` when nothing has
    /// fallen due yet.
    pub completion: Option<f64>,
}

impl UnitRank {
    pub fn done(&self) -> u32 {
        self.counts.done + self.counts.done_late
    }

    /// Assignments that have fallen due: done, or overdue.
    pub fn due(&self) -> u32 {
        self.done() + self.counts.overdue
    }
}

/// Every unit with assignments, best first: highest completion, then fewest overdue, then
/// name. Units with nothing due yet come last.
pub fn rank_units(tracked: &[Tracked]) -> Vec<UnitRank> {
    let mut by_unit: BTreeMap<String, UnitRank> = BTreeMap::new();
    for t in tracked {
        let r = by_unit.entry(t.unit.clone()).or_insert_with(|| UnitRank {
            unit: t.unit.clone(),
            assignments: 0,
            counts: StatusCounts::default(),
            completion: None,
        });
        r.assignments += 1;
        r.counts.add(t.assessment.status);
    }
    let mut out: Vec<UnitRank> = by_unit
        .into_values()
        .map(|mut r| {
            r.completion = (r.due() > 0).then(|| f64::from(r.done()) / f64::from(r.due()));
            r
        })
        .collect();
    out.sort_by(|a, b| match (a.completion, b.completion) {
        (Some(x), Some(y)) => y
            .total_cmp(&x)
            .then_with(|| a.counts.overdue.cmp(&b.counts.overdue))
            .then_with(|| a.unit.cmp(&b.unit)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.unit.cmp(&b.unit),
    });
    out
}

/// An assignment whose status differs between the two days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub plan_code: String,
    pub plan_short_name: String,
    pub item_number: i32,
    pub unit: String,
    pub before: Status,
    pub after: Status,
}

/// What changed between `before` and `after` (the same assignments on two days): newly
/// finished first, then newly overdue, then the rest.
pub fn changes(before: &[Tracked], after: &[Tracked]) -> Vec<StatusChange> {
    let was: BTreeMap<i64, Status> = before
        .iter()
        .map(|t| (t.assignment_id, t.assessment.status))
        .collect();
    let mut out: Vec<StatusChange> = after
        .iter()
        .filter_map(|t| {
            let b = *was.get(&t.assignment_id)?;
            (b != t.assessment.status).then(|| StatusChange {
                plan_code: t.plan_code.clone(),
                plan_short_name: t.plan_short_name.clone(),
                item_number: t.item_number,
                unit: t.unit.clone(),
                before: b,
                after: t.assessment.status,
            })
        })
        .collect();
    let rank = |c: &StatusChange| match c.after {
        Status::Done | Status::DoneLate => 0,
        Status::Overdue => 1,
        _ => 2,
    };
    out.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.plan_code.cmp(&b.plan_code))
            .then_with(|| a.item_number.cmp(&b.item_number))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Assessment;

    fn t(id: i64, item: i32, unit: &str, status: Status, days_left: Option<i64>) -> Tracked {
        Tracked {
            assignment_id: id,
            plan_code: "water".into(),
            plan_short_name: "治水".into(),
            task_number: 1,
            item_number: item,
            item_text: format!("第{item}项"),
            unit: unit.into(),
            via: String::new(),
            milestones: vec![],
            assessment: Assessment {
                status,
                next_due: None,
                days_left,
                missed_periods: 0,
            },
            last_report: None,
            report_count: 0,
            awaiting_review: false,
            returned: None,
        }
    }

    #[test]
    fn the_red_list_puts_the_longest_late_item_first_with_its_units() {
        let rows = [
            t(1, 3, "柯城区政府", Status::Overdue, Some(-10)),
            t(2, 3, "开化县政府", Status::Overdue, Some(-40)),
            t(3, 5, "市环保局", Status::Overdue, Some(-20)),
            t(4, 7, "市环保局", Status::Done, None),
            t(5, 9, "市水利局", Status::DueSoon, Some(3)),
        ];
        let list = red_list(&rows, 10);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].item_number, 3);
        assert_eq!(list[0].days_late, 40);
        let units: Vec<_> = list[0].units.iter().map(RedUnit::label_zh).collect();
        assert_eq!(
            units,
            ["开化县政府（逾期 40 天）", "柯城区政府（逾期 10 天）"]
        );
        assert_eq!(list[1].item_number, 5);
        assert_eq!(red_list(&rows, 1).len(), 1);
    }

    #[test]
    fn units_rank_by_completion_of_what_has_fallen_due() {
        let rows = [
            // A: 2 done, 0 overdue → 100 %.
            t(1, 1, "A", Status::Done, None),
            t(2, 2, "A", Status::DoneLate, None),
            // B: 1 done, 1 overdue → 50 %.
            t(3, 1, "B", Status::Done, None),
            t(4, 2, "B", Status::Overdue, Some(-5)),
            // C: 1 done, 1 overdue, one in progress → 50 %, same as B: tie on overdue, by name.
            t(5, 1, "C", Status::Done, None),
            t(6, 2, "C", Status::Overdue, Some(-1)),
            t(7, 3, "C", Status::InProgress, None),
            // D: nothing due yet.
            t(8, 1, "D", Status::NotStarted, None),
            // E: 0 of 2.
            t(9, 1, "E", Status::Overdue, Some(-9)),
            t(10, 2, "E", Status::Overdue, Some(-9)),
        ];
        let r = rank_units(&rows);
        let order: Vec<_> = r.iter().map(|u| u.unit.as_str()).collect();
        assert_eq!(order, ["A", "B", "C", "E", "D"]);
        assert_eq!(r[0].completion, Some(1.0));
        assert_eq!(r[1].completion, Some(0.5));
        assert_eq!(r[2].assignments, 3);
        assert_eq!(r[3].completion, Some(0.0));
        assert_eq!(r[4].completion, None);
    }

    #[test]
    fn changes_list_newly_done_then_newly_overdue() {
        let before = [
            t(1, 1, "A", Status::InProgress, None),
            t(2, 2, "A", Status::DueSoon, Some(5)),
            t(3, 3, "B", Status::Overdue, Some(-3)),
            t(4, 4, "B", Status::NotStarted, None),
        ];
        let after = [
            t(1, 1, "A", Status::InProgress, None),
            t(2, 2, "A", Status::Overdue, Some(-25)),
            t(3, 3, "B", Status::DoneLate, None),
            t(4, 4, "B", Status::InProgress, None),
        ];
        let c = changes(&before, &after);
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.item_number, c.before, c.after))
            .collect();
        assert_eq!(
            got,
            [
                (3, Status::Overdue, Status::DoneLate),
                (2, Status::DueSoon, Status::Overdue),
                (4, Status::NotStarted, Status::InProgress),
            ]
        );
    }
}
