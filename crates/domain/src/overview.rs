//! The leaders' monthly overview, computed from the tracked assignments of two days (the end
//! of the month and the end of the month before): the red list of most overdue items, the
//! ranking of units (红黑榜), and what changed in between.

use crate::chrono::NaiveDate;
use crate::{Status, StatusCounts, Tracked};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
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
pub fn red_list<T: Borrow<Tracked>>(tracked: &[T], n: usize) -> Vec<RedListItem> {
    red_list_counted(tracked, n).0
}

/// [`red_list`] and how many items the whole list has. The rows are grouped by reference and
/// only the `n` items kept are copied out (at national scale ~100,000 rows are late on a
/// day; 总览 shows ten items).
pub fn red_list_counted<T: Borrow<Tracked>>(tracked: &[T], n: usize) -> (Vec<RedListItem>, usize) {
    // Each item's late rows and its longest lateness, in (plan, number) order.
    let mut items: BTreeMap<(&str, i32), (i64, Vec<&Tracked>)> = BTreeMap::new();
    for t in tracked
        .iter()
        .map(Borrow::borrow)
        .filter(|t| matches!(t.assessment.status, Status::Overdue | Status::Lapsed))
    {
        let e = items
            .entry((t.plan_code.as_str(), t.item_number))
            .or_insert_with(|| (0, Vec::new()));
        e.0 = e.0.max(days_late(t));
        e.1.push(t);
    }
    let total = items.len();
    // Longest late first, then more units late; a stable sort keeps (plan, number) order.
    let mut order: Vec<(i64, Vec<&Tracked>)> = items.into_values().collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.len().cmp(&a.1.len())));
    order.truncate(n);
    let out = order
        .into_iter()
        .map(|(late, rows)| {
            let first = rows[0];
            let mut units: Vec<RedUnit> = rows
                .iter()
                .map(|t| RedUnit {
                    unit: t.unit.clone(),
                    days_late: days_late(t),
                    missed_periods: t.assessment.missed_periods,
                })
                .collect();
            units.sort_by(|a, b| {
                b.days_late
                    .cmp(&a.days_late)
                    .then_with(|| b.missed_periods.cmp(&a.missed_periods))
                    .then_with(|| a.unit.cmp(&b.unit))
            });
            RedListItem {
                plan_code: first.plan_code.clone(),
                plan_short_name: first.plan_short_name.clone(),
                item_number: first.item_number,
                item_text: first.item_text.to_string(),
                days_late: late,
                units,
            }
        })
        .collect();
    (out, total)
}

/// A unit with fewer milestones fallen due than this is listed but not ranked: one on-time
/// milestone out of one says nothing about a unit next to 13 out of 13.
pub const MIN_DUE_TO_RANK: u32 = 5;

/// A unit's record on the as-of day, and where it stood at the end of the month before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRank {
    pub unit: String,
    pub assignments: u32,
    pub counts: StatusCounts,
    /// Milestones fallen due by the day (dated milestones due on or before it, finished
    /// periods of recurring duties).
    pub due: u32,
    /// Of those, met on time.
    pub on_time: u32,
    /// `on_time ÷ due`; `None` when fewer than [`MIN_DUE_TO_RANK`] have fallen due.
    pub rate: Option<f64>,
    /// 1-based place among the ranked units (ties share a place); `None`: not ranked.
    pub place: Option<usize>,
    /// The same figures at the end of the month before.
    pub before: Option<PastRank>,
    /// 催办 received by the day, and how many of them were answered by it.
    #[serde(default)]
    pub urged: u32,
    #[serde(default)]
    pub answered: u32,
}

/// A unit's rate and place on the earlier day of the overview.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PastRank {
    pub due: u32,
    pub on_time: u32,
    pub rate: Option<f64>,
    pub place: Option<usize>,
}

impl UnitRank {
    pub fn done(&self) -> u32 {
        self.counts.done + self.counts.done_late
    }

    /// Change of the rate since the month before, in percentage points, when both are
    /// ranked.
    pub fn rate_change(&self) -> Option<f64> {
        Some((self.rate? - self.before?.rate?) * 100.0)
    }

    /// Places climbed since the month before (negative: fell), when ranked both times.
    pub fn place_change(&self) -> Option<i64> {
        let now = i64::try_from(self.place?).ok()?;
        let then = i64::try_from(self.before?.place?).ok()?;
        Some(then - now)
    }
}

/// Every unit with assignments, best first: the on-time rate of what has fallen due
/// (milestones met by their due date ÷ milestones due by the day), then more milestones met on
/// time, then fewer overdue, then the name. Units with fewer than [`MIN_DUE_TO_RANK`]
/// milestones due come last, unranked. `before` (the same assignments at the end of the month
/// before) gives each unit its earlier rate and place.
pub fn rank_units<T: Borrow<Tracked>>(tracked: &[T], before: &[T]) -> Vec<UnitRank> {
    rank_units_where(tracked, before, |_| true)
}

/// [`rank_units`] among the units `keep` accepts (the counties among themselves).
pub fn rank_units_where<T: Borrow<Tracked>>(
    tracked: &[T],
    before: &[T],
    keep: impl Fn(&str) -> bool,
) -> Vec<UnitRank> {
    Rankings::of(tracked, before).among(keep)
}

/// Every unit ranked on the as-of day and at the end of the month before, computed once: the
/// ranking of all units ([`rank_units`]) and of any group among themselves
/// ([`rank_units_where`]) come from it without another pass over the rows — a group's
/// order is the whole ranking's order, its places counted again among its members.
#[derive(Debug, Clone, Default)]
pub struct Rankings {
    now: Vec<UnitRank>,
    before: Vec<UnitRank>,
}

impl Rankings {
    pub fn of<T: Borrow<Tracked>>(tracked: &[T], before: &[T]) -> Self {
        Self {
            now: rank_on(tracked, &|_: &str| true),
            before: rank_on(before, &|_: &str| true),
        }
    }

    /// [`Rankings::of`] the rows two summaries were made of (the as-of day's, the day
    /// before's).
    pub fn of_summaries(now: &DaySummary, before: &DaySummary) -> Self {
        Self {
            now: now.ranked.clone(),
            before: before.ranked.clone(),
        }
    }

    /// Every unit ([`rank_units`]).
    pub fn all(&self) -> Vec<UnitRank> {
        self.among(|_| true)
    }

    /// The units `keep` accepts, ranked among themselves ([`rank_units_where`]).
    pub fn among(&self, keep: impl Fn(&str) -> bool) -> Vec<UnitRank> {
        let pick = |ranks: &[UnitRank]| {
            let mut out: Vec<UnitRank> = ranks.iter().filter(|r| keep(&r.unit)).cloned().collect();
            place(&mut out);
            out
        };
        let then: rustc_hash::FxHashMap<String, PastRank> = pick(&self.before)
            .into_iter()
            .map(|r| {
                (
                    r.unit,
                    PastRank {
                        due: r.due,
                        on_time: r.on_time,
                        rate: r.rate,
                        place: r.place,
                    },
                )
            })
            .collect();
        let mut now = pick(&self.now);
        for r in &mut now {
            r.before = then.get(&r.unit).copied();
        }
        now
    }
}

fn rank_on<T: Borrow<Tracked>>(tracked: &[T], keep: &impl Fn(&str) -> bool) -> Vec<UnitRank> {
    // Keyed on the rows' own names: a unit's name is copied once, not once per assignment
    // (the order comes from the sort below).
    let mut by_unit: rustc_hash::FxHashMap<&str, UnitRank> = rustc_hash::FxHashMap::default();
    for t in tracked.iter().map(Borrow::borrow).filter(|t| keep(&t.unit)) {
        let r = by_unit.entry(t.unit.as_str()).or_insert_with(|| UnitRank {
            unit: t.unit.clone(),
            assignments: 0,
            counts: StatusCounts::default(),
            due: 0,
            on_time: 0,
            rate: None,
            place: None,
            before: None,
            urged: 0,
            answered: 0,
        });
        r.assignments += 1;
        r.counts.add(t.assessment.status);
        r.due += t.assessment.fell_due;
        r.on_time += t.assessment.met_on_time;
    }
    let mut out: Vec<UnitRank> = by_unit
        .into_values()
        .map(|mut r| {
            r.rate = (r.due >= MIN_DUE_TO_RANK).then(|| f64::from(r.on_time) / f64::from(r.due));
            r
        })
        .collect();
    out.sort_by(|a, b| match (a.rate, b.rate) {
        (Some(x), Some(y)) => y
            .total_cmp(&x)
            .then_with(|| b.on_time.cmp(&a.on_time))
            .then_with(|| a.counts.overdue.cmp(&b.counts.overdue))
            .then_with(|| a.unit.cmp(&b.unit)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.unit.cmp(&b.unit),
    });
    place(&mut out);
    out
}

/// Competition places of ranked units in their order: equal rate and equal work share a
/// place (1, 2, 2, 4); units without a rate have none.
fn place(ranked: &mut [UnitRank]) {
    let key = |r: &UnitRank| (r.rate, r.on_time);
    for i in 0..ranked.len() {
        ranked[i].place = if ranked[i].rate.is_none() {
            None
        } else if i > 0 && key(&ranked[i]) == key(&ranked[i - 1]) {
            ranked[i - 1].place
        } else {
            Some(i + 1)
        };
    }
}

/// Adds to each unit of `ranks` the 催办 it received by `as_of` and those it answered by then.
pub fn count_urges(ranks: &mut [UnitRank], urges: &[crate::remind::Urge], as_of: NaiveDate) {
    // One pass over the 催办, then one lookup per unit (a province has thousands of each).
    let mut per_unit: rustc_hash::FxHashMap<&str, (u32, u32)> = rustc_hash::FxHashMap::default();
    for u in urges.iter().filter(|u| u.on() <= as_of) {
        let (n, a) = per_unit.entry(u.unit.as_str()).or_default();
        *n += 1;
        *a += u32::from(u.answered_by(as_of));
    }
    for r in ranks.iter_mut() {
        let (urged, answered) = per_unit.get(r.unit.as_str()).copied().unwrap_or_default();
        r.urged = urged;
        r.answered = answered;
    }
}

/// Something recorded after a month was closed that speaks for that month (a report, a
/// review, a reading): listed beside the closed 通报 as 通报后更正.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateEntry {
    /// `report`, `review` or `reading`.
    pub kind: String,
    pub what: String,
    pub by: String,
    pub at: crate::chrono::DateTime<crate::chrono::Utc>,
    pub href: Option<String>,
}

/// An assignment 督办: still late after the plan's number of 催办.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervised {
    pub plan_code: String,
    pub plan_short_name: String,
    pub item_number: i32,
    pub item_text: String,
    pub unit: String,
    pub urges: u32,
    /// The last 催办's day.
    pub last_urged: NaiveDate,
    pub days_late: Option<i64>,
}

/// The assignments 督办 on `as_of` (each plan's limit from `limits`, else the default), the
/// longest late first.
pub fn supervised<T: Borrow<Tracked>>(
    tracked: &[T],
    urges: &[crate::remind::Urge],
    as_of: NaiveDate,
    limits: &BTreeMap<String, crate::remind::ReminderSettings>,
) -> Vec<Supervised> {
    let mut by_assignment: BTreeMap<i64, Vec<&crate::remind::Urge>> = BTreeMap::new();
    for u in urges.iter().filter(|u| u.on() <= as_of) {
        by_assignment.entry(u.assignment_id).or_default().push(u);
    }
    let mut out: Vec<Supervised> = tracked
        .iter()
        .map(Borrow::borrow)
        .filter_map(|t| {
            let list = by_assignment.get(&t.assignment_id)?;
            let limit = limits
                .get(&t.plan_code)
                .map_or(crate::remind::DEFAULT_URGE_LIMIT, |s| s.urge_limit);
            if !crate::remind::is_supervised(t, list, as_of, limit) {
                return None;
            }
            Some(Supervised {
                plan_code: t.plan_code.clone(),
                plan_short_name: t.plan_short_name.clone(),
                item_number: t.item_number,
                item_text: crate::remind::short(&t.item_text, 60),
                unit: t.unit.clone(),
                urges: u32::try_from(list.len()).unwrap_or(u32::MAX),
                last_urged: list.iter().map(|u| u.on()).max().unwrap_or(as_of),
                days_late: t.assessment.days_left.map(|d| -d).filter(|d| *d > 0),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_late.cmp(&a.days_late).then_with(|| {
            (a.plan_code.as_str(), a.item_number, a.unit.as_str()).cmp(&(
                b.plan_code.as_str(),
                b.item_number,
                b.unit.as_str(),
            ))
        })
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
/// finished first, then newly overdue, then the rest (then by plan, number, unit).
pub fn changes<T: Borrow<Tracked>>(before: &[T], after: &[T]) -> Vec<StatusChange> {
    let was: rustc_hash::FxHashMap<i64, Status> = before
        .iter()
        .map(Borrow::borrow)
        .map(|t| (t.assignment_id, t.assessment.status))
        .collect();
    changes_since(&was, after)
}

/// [`changes`] from each assignment's status on the day before (`was`, as a [`DaySummary`]
/// holds it).
pub fn changes_since<T: Borrow<Tracked>>(
    was: &rustc_hash::FxHashMap<i64, Status>,
    after: &[T],
) -> Vec<StatusChange> {
    changes_counted(was, after, usize::MAX).0
}

/// The first `n` of [`changes_since`] and how many there are in all. Ordered by reference and
/// only the `n` kept are copied out (between two month-ends at national scale ~100,000
/// statuses change; 总览 shows thirty).
pub fn changes_counted<T: Borrow<Tracked>>(
    was: &rustc_hash::FxHashMap<i64, Status>,
    after: &[T],
    n: usize,
) -> (Vec<StatusChange>, usize) {
    let mut changed: Vec<(Status, &Tracked)> = after
        .iter()
        .map(Borrow::borrow)
        .filter_map(|t| {
            let b = *was.get(&t.assignment_id)?;
            (b != t.assessment.status).then_some((b, t))
        })
        .collect();
    let total = changed.len();
    fn key<'a>((_, t): &(Status, &'a Tracked)) -> (u8, &'a str, i32, &'a str, i64) {
        let rank = match t.assessment.status {
            Status::Done | Status::DoneLate => 0,
            Status::Overdue => 1,
            _ => 2,
        };
        (
            rank,
            t.plan_code.as_str(),
            t.item_number,
            t.unit.as_str(),
            t.assignment_id,
        )
    }
    if n < changed.len() {
        changed.select_nth_unstable_by(n, |a, b| key(a).cmp(&key(b)));
        changed.truncate(n);
    }
    changed.sort_by(|a, b| key(a).cmp(&key(b)));
    let out = changed
        .into_iter()
        .map(|(before, t)| StatusChange {
            plan_code: t.plan_code.clone(),
            plan_short_name: t.plan_short_name.clone(),
            item_number: t.item_number,
            unit: t.unit.clone(),
            before,
            after: t.assessment.status,
        })
        .collect();
    (out, total)
}

/// What 总览 takes from one day's rows in one pass — each plan's counts, every unit ranked,
/// each assignment's status — for the rows in the daily views of that day. Made once per
/// content of a day's rows (the status mirror stamps them): a report of today leaves the
/// summary of the month before's last day as it was.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DaySummary {
    pub plans: rustc_hash::FxHashMap<String, StatusCounts>,
    /// Every unit ranked ([`rank_units`] of the rows alone).
    pub ranked: Vec<UnitRank>,
    pub statuses: rustc_hash::FxHashMap<i64, Status>,
}

impl DaySummary {
    /// The summary of `rows` (one day's) on `day`: the rows [`Tracked::in_daily_views`] of it.
    pub fn of<T: Borrow<Tracked>>(rows: &[T], day: NaiveDate) -> Self {
        let rows: Vec<&Tracked> = rows
            .iter()
            .map(Borrow::borrow)
            .filter(|r| r.in_daily_views(day))
            .collect();
        let mut plans: rustc_hash::FxHashMap<String, StatusCounts> =
            rustc_hash::FxHashMap::default();
        for r in &rows {
            match plans.get_mut(r.plan_code.as_str()) {
                Some(c) => c.add(r.assessment.status),
                None => {
                    let mut c = StatusCounts::default();
                    c.add(r.assessment.status);
                    plans.insert(r.plan_code.clone(), c);
                }
            }
        }
        Self {
            plans,
            ranked: rank_on(&rows, &|_: &str| true),
            statuses: rows
                .iter()
                .map(|r| (r.assignment_id, r.assessment.status))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Assessment;

    fn t(id: i64, item: i32, unit: &str, status: Status, days_left: Option<i64>) -> Tracked {
        Tracked {
            plan_status: crate::PlanStatus::Active,
            plan_closed_on: None,
            assignment_id: id,
            plan_code: "water".into(),
            plan_short_name: "治水".into(),
            task_number: 1,
            item_number: item,
            item_text: format!("第{item}项").into(),
            unit: unit.into(),
            via: String::new(),
            milestones: vec![],
            assessment: Assessment {
                status,
                next_due: None,
                days_left,
                missed_periods: 0,
                fell_due: 0,
                met_on_time: 0,
            },
            last_report: None,
            last_reported_on: None,
            last_late_filed: false,
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

    /// `t` with `due` milestones fallen due, `on_time` of them met on time.
    fn m(mut r: Tracked, due: u32, on_time: u32) -> Tracked {
        r.assessment.fell_due = due;
        r.assessment.met_on_time = on_time;
        r
    }

    /// A group ranked among itself from the whole ranking equals the group's rows ranked
    /// on their own (places, the month before's places among the group too), on random rows
    /// with many ties.
    #[test]
    fn a_group_ranked_from_the_whole_ranking_equals_its_rows_ranked_alone() {
        let mut rng = crate::rng::SplitMix64(5);
        let units: Vec<String> = (0..12).map(|i| format!("单位{i}")).collect();
        let statuses = [
            Status::Done,
            Status::Overdue,
            Status::InProgress,
            Status::DoneLate,
        ];
        let rows = |n: usize, rng: &mut crate::rng::SplitMix64| -> Vec<Tracked> {
            (0..n)
                .map(|i| {
                    let unit = rng.pick(&units).clone();
                    let due = rng.below(4) as u32;
                    let on_time = rng.below(u64::from(due) + 1) as u32;
                    m(
                        t(i as i64, i as i32, &unit, *rng.pick(&statuses), None),
                        due,
                        on_time,
                    )
                })
                .collect()
        };
        let mut grouped = 0;
        for round in 0..40 {
            let now = rows(60, &mut rng);
            let before = rows(50, &mut rng);
            let group: Vec<&String> = units.iter().filter(|_| rng.below(2) == 0).collect();
            let keep = |u: &str| group.iter().any(|g| g.as_str() == u);
            // The group's rows ranked alone, as rank_units_where once did.
            let alone = |keep: &dyn Fn(&str) -> bool| {
                let mut now_ranks = rank_on(&now, &keep);
                let then: BTreeMap<String, PastRank> = rank_on(&before, &keep)
                    .into_iter()
                    .map(|r| {
                        let past = PastRank {
                            due: r.due,
                            on_time: r.on_time,
                            rate: r.rate,
                            place: r.place,
                        };
                        (r.unit, past)
                    })
                    .collect();
                for r in &mut now_ranks {
                    r.before = then.get(&r.unit).copied();
                }
                now_ranks
            };
            let rankings = Rankings::of(&now, &before);
            let alone_group = alone(&keep);
            assert_eq!(rankings.among(keep), alone_group, "round {round}");
            assert_eq!(rankings.all(), alone(&|_| true), "round {round}");
            grouped += alone_group.iter().filter(|r| r.place.is_some()).count();
        }
        assert!(grouped > 50, "{grouped}");
    }

    #[test]
    fn units_rank_by_on_time_completion_of_what_has_fallen_due() {
        let rows = [
            // A: 13 of 13 on time.
            m(t(1, 1, "A", Status::Done, None), 13, 13),
            // B: 1 of 1: too little due to rank, however perfect.
            m(t(2, 1, "B", Status::Done, None), 1, 1),
            // C: 22 done of 82 assignments, but most not yet due: 6 of 8 due met on time,
            // 1 done late and 1 overdue — 75 %, not the 96 % done ÷ (done + overdue) gave.
            m(t(3, 1, "C", Status::Done, None), 6, 6),
            m(t(4, 2, "C", Status::DoneLate, None), 1, 0),
            m(t(5, 3, "C", Status::Overdue, Some(-5)), 1, 0),
            m(t(6, 4, "C", Status::InProgress, None), 0, 0),
            // D: 6 of 8 as well, and one overdue: the same place as C, listed after it by name.
            m(t(7, 1, "D", Status::Overdue, Some(-3)), 8, 6),
            // E: 0 of 5.
            m(t(8, 1, "E", Status::Overdue, Some(-9)), 5, 0),
            // F: nothing due.
            t(9, 1, "F", Status::NotStarted, None),
        ];
        let before = [
            m(t(1, 1, "A", Status::InProgress, None), 5, 4),
            m(t(3, 1, "C", Status::Done, None), 6, 6),
        ];
        let r = rank_units(&rows, &before);
        let order: Vec<_> = r.iter().map(|u| u.unit.as_str()).collect();
        assert_eq!(order, ["A", "C", "D", "E", "B", "F"]);
        let places: Vec<_> = r.iter().map(|u| u.place).collect();
        assert_eq!(places, [Some(1), Some(2), Some(2), Some(4), None, None]);
        assert_eq!(r[0].rate, Some(1.0));
        assert_eq!((r[1].on_time, r[1].due, r[1].rate), (6, 8, Some(0.75)));
        assert_eq!(r[1].assignments, 4);
        assert_eq!(r[3].rate, Some(0.0));
        assert_eq!((r[4].on_time, r[4].due, r[4].rate), (1, 1, None));
        // The month before: A was 4 of 5 (80 %, second), C 6 of 6 (first).
        assert_eq!(r[0].before.and_then(|b| b.place), Some(2));
        assert_eq!(r[0].place_change(), Some(1));
        assert!((r[0].rate_change().expect("both ranked") - 20.0).abs() < 1e-9);
        assert_eq!(r[1].place_change(), Some(-1));
        assert_eq!(r[2].before, None, "D had nothing then");
        assert_eq!(r[2].rate_change(), None);
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

    /// A day's summary gives what the passes over its rows give: the rankings, each plan's
    /// counts and the changes — a closed plan's rows left out after it closed.
    #[test]
    fn a_day_summary_gives_what_the_passes_over_its_rows_give() {
        let day = NaiveDate::from_ymd_opt(2019, 3, 31).expect("day");
        let before_day = NaiveDate::from_ymd_opt(2019, 2, 28).expect("day");
        let mut closed = t(9, 9, "B", Status::Overdue, Some(-9));
        closed.plan_code = "old".into();
        closed.plan_status = crate::PlanStatus::Closed;
        closed.plan_closed_on = NaiveDate::from_ymd_opt(2019, 3, 1);
        let mut before = vec![
            t(1, 1, "A", Status::InProgress, None),
            t(2, 2, "A", Status::DueSoon, Some(5)),
            t(3, 3, "B", Status::Overdue, Some(-3)),
            closed.clone(),
        ];
        let mut after = vec![
            t(1, 1, "A", Status::Done, None),
            t(2, 2, "A", Status::Overdue, Some(-25)),
            t(3, 3, "B", Status::Overdue, Some(-31)),
            closed,
        ];
        for (i, r) in before.iter_mut().chain(after.iter_mut()).enumerate() {
            r.assessment.fell_due = 5 + (i as u32 % 3);
            r.assessment.met_on_time = 3 + (i as u32 % 2);
        }
        let now_rows: Vec<&Tracked> = after.iter().filter(|r| r.in_daily_views(day)).collect();
        let before_rows: Vec<&Tracked> = before
            .iter()
            .filter(|r| r.in_daily_views(before_day))
            .collect();
        assert_eq!(
            now_rows.len(),
            3,
            "the closed plan's row is left out after it closed"
        );
        assert_eq!(before_rows.len(), 4);
        let (now_s, before_s) = (
            DaySummary::of(&after, day),
            DaySummary::of(&before, before_day),
        );
        assert_eq!(
            Rankings::of_summaries(&now_s, &before_s).all(),
            Rankings::of(&now_rows, &before_rows).all()
        );
        assert_eq!(
            changes_since(&before_s.statuses, &now_rows),
            changes(&before_rows, &now_rows)
        );
        assert_eq!(now_s.plans.len(), 1);
        assert_eq!(now_s.plans["water"].overdue, 2);
        assert_eq!(now_s.plans["water"].done, 1);
        assert_eq!(before_s.plans["old"].overdue, 1);
    }

    /// The red list as it was computed before only the items shown were copied out (the
    /// oracle of the test below).
    fn reference_red_list(tracked: &[Tracked]) -> Vec<RedListItem> {
        let mut items: BTreeMap<(String, i32), RedListItem> = BTreeMap::new();
        for t in tracked
            .iter()
            .filter(|t| matches!(t.assessment.status, Status::Overdue | Status::Lapsed))
        {
            let e = items
                .entry((t.plan_code.clone(), t.item_number))
                .or_insert_with(|| RedListItem {
                    plan_code: t.plan_code.clone(),
                    plan_short_name: t.plan_short_name.clone(),
                    item_number: t.item_number,
                    item_text: t.item_text.to_string(),
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
        out
    }

    /// The changes as they were computed before (every one copied out, then sorted).
    fn reference_changes(
        was: &rustc_hash::FxHashMap<i64, Status>,
        after: &[Tracked],
    ) -> Vec<StatusChange> {
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

    /// The first `n` changes and red-list items, copied out alone, are the first `n` of the
    /// whole lists as computed before, and the counts are the whole lists' lengths — on
    /// random rows (assignments in id order, as the mirror holds them).
    #[test]
    fn the_first_changes_and_red_items_are_those_of_the_whole_lists() {
        let mut rng = crate::rng::SplitMix64(7);
        let statuses = [
            Status::Overdue,
            Status::Lapsed,
            Status::Done,
            Status::DoneLate,
            Status::InProgress,
            Status::DueSoon,
        ];
        for round in 0..20 {
            let rows: Vec<Tracked> = (0..200)
                .map(|id| {
                    let mut r = t(
                        id,
                        rng.below(15) as i32,
                        ["A", "B", "C"][rng.below(3) as usize],
                        *rng.pick(&statuses),
                        Some(rng.below(60) as i64 - 40),
                    );
                    r.plan_code = ["water", "air"][rng.below(2) as usize].into();
                    r
                })
                .collect();
            let was: rustc_hash::FxHashMap<i64, Status> =
                (0..200).map(|id| (id, *rng.pick(&statuses))).collect();
            let all = reference_changes(&was, &rows);
            let whole_red = reference_red_list(&rows);
            for n in [0, 1, 5, 30, 1000] {
                let (first, total) = changes_counted(&was, &rows, n);
                assert_eq!(total, all.len(), "round {round}");
                assert_eq!(first, all[..n.min(all.len())], "round {round} n {n}");
                let (red, red_total) = red_list_counted(&rows, n);
                assert_eq!(red_total, whole_red.len(), "round {round}");
                assert_eq!(
                    red,
                    whole_red[..n.min(whole_red.len())],
                    "round {round} n {n}"
                );
            }
        }
    }
}
