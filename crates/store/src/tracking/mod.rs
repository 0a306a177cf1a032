//! Tracking: the assignments in scope with their statuses on one or several days.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{rows, Store, StoreError};
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::facts::StatusFacts;
use sanzhi_domain::{Assessment, Report, Tracked};
use std::collections::HashMap;

mod mirror;
pub use mirror::StatusMirror;

/// One assignment as the tracking query reads it, with its item's deadlines now and as they
/// were before each later edit.
#[derive(Debug, Clone)]
pub(crate) struct TrackedItem {
    /// The row as read, its `item_text` moved to `text`.
    pub row: rows::TrackedRow,
    /// The work item's text, one allocation per work item (see [`Tracked::item_text`]).
    pub text: std::sync::Arc<str>,
    pub milestones: Vec<sanzhi_domain::Milestone>,
    /// Deadlines replaced by a coordinator's edit: (the China day of the edit, the deadlines
    /// before it), oldest edit first.
    pub replaced: Vec<(NaiveDate, Vec<sanzhi_domain::Milestone>)>,
    pub reports: Vec<Report>,
}

impl TrackedItem {
    /// Whether the assignment existed on `day`: added by then (or from the start) and not yet
    /// removed.
    pub fn present_on(&self, day: NaiveDate) -> bool {
        self.row.added_on.is_none_or(|added| added <= day)
            && self.row.removed_on.is_none_or(|removed| removed > day)
    }

    /// The deadlines in force on `day`: those the first edit made after `day` replaced, or
    /// the current ones when no edit came after it.
    pub fn milestones_on(&self, day: NaiveDate) -> &[sanzhi_domain::Milestone] {
        self.replaced
            .iter()
            .find(|(edited_on, _)| *edited_on > day)
            .map_or(&self.milestones, |(_, m)| m)
    }
}

/// Which assignments a tracking query covers; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackScope {
    pub plan: Option<String>,
    pub unit: Option<String>,
    pub item: Option<i32>,
}

impl TrackedItem {
    /// The plan's first day (recurring duties count from it) and last (after it, what is not
    /// done is 未完成（期满）).
    fn period(&self, as_of: NaiveDate) -> (NaiveDate, Option<NaiveDate>) {
        let r = &self.row;
        let start = r
            .issued_on
            .or_else(|| NaiveDate::from_ymd_opt(r.start_year, 1, 1))
            .unwrap_or(as_of);
        (start, NaiveDate::from_ymd_opt(r.end_year, 12, 31))
    }

    /// The tracked row with `assessment`; what the reports say beside it is left for the
    /// caller to fill.
    fn tracked(&self, milestones: &[sanzhi_domain::Milestone], assessment: Assessment) -> Tracked {
        let r = &self.row;
        Tracked {
            assignment_id: r.assignment_id,
            plan_code: r.plan_code.clone(),
            plan_short_name: r.plan_short_name.clone(),
            // The CHECK admits only the three; a stored value is one of them.
            plan_status: sanzhi_domain::PlanStatus::parse(&r.plan_status).unwrap_or_default(),
            plan_closed_on: r.plan_closed_on,
            task_number: r.task_number,
            item_number: r.item_number,
            item_text: self.text.clone(),
            unit: r.unit.clone(),
            via: r.via.clone(),
            milestones: milestones.to_vec(),
            assessment,
            last_report: None,
            last_reported_on: None,
            last_late_filed: false,
            report_count: 0,
            awaiting_review: false,
            returned: None,
        }
    }
}

impl Store {
    /// The assignments in `scope`, each with its status on `as_of` computed from the item's
    /// milestones and the reports made up to that day.
    #[tracing::instrument(skip(self))]
    pub async fn tracked(
        &self,
        scope: &TrackScope,
        as_of: NaiveDate,
        due_soon_days: i64,
    ) -> Result<Vec<Tracked>, StoreError> {
        Ok(self
            .tracked_on_days(scope, &[as_of], due_soon_days)
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// [`Store::tracked`] on each of `days`, from one read of the reports (those up to the
    /// latest day; each day sees the reports made and the reviews decided by then).
    #[tracing::instrument(skip(self))]
    pub async fn tracked_on_days(
        &self,
        scope: &TrackScope,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<Vec<Tracked>>, StoreError> {
        let (Some(latest), Some(earliest)) =
            (days.iter().max().copied(), days.iter().min().copied())
        else {
            return Ok(vec![]);
        };
        let rows = dispatch!(self, tracked(scope, latest, earliest))?;
        let mut out = Vec::with_capacity(days.len());
        for &as_of in days {
            out.push(
                rows.iter()
                    // The units the item had that day.
                    .filter(|item| item.present_on(as_of))
                    .map(|item| {
                        // What was recorded by that day, as the store's own query for the day
                        // reads it.
                        let reports: Vec<Report> = if as_of == latest {
                            item.reports.clone()
                        } else {
                            item.reports.iter().filter_map(|r| r.as_of(as_of)).collect()
                        };
                        // The deadlines in force that day (an edit never changes the past).
                        let milestones = item.milestones_on(as_of);
                        let (assessment, awaiting_review, returned) = Tracked::assess(
                            milestones,
                            &reports,
                            as_of,
                            item.period(as_of),
                            due_soon_days,
                        );
                        let newest = reports.last();
                        let mut t = item.tracked(milestones, assessment);
                        t.last_reported_on = newest.map(|r| r.reported_on);
                        t.last_late_filed = newest.is_some_and(|r| r.late_filed);
                        t.report_count = i32::try_from(reports.len()).unwrap_or(i32::MAX);
                        t.awaiting_review = awaiting_review;
                        t.returned = returned.map(Box::new);
                        t.last_report = reports.into_iter().last().map(Box::new);
                        t
                    })
                    .collect(),
            );
        }
        Ok(out)
    }

    /// The statuses of [`Store::tracked_on_days`] from the status facts the writes keep (one
    /// row per assignment and day), without reading a report: the same assessments, review
    /// flags and counts, but `last_report` and `returned` are left empty (`last_reported_on`
    /// and `last_late_filed` say what lists need of the newest report). For the roll-ups —
    /// 总览, overdue lists, reminders — whose cost must not grow with the reports.
    #[tracing::instrument(skip(self))]
    pub async fn statuses_on_days(
        &self,
        scope: &TrackScope,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<Vec<Tracked>>, StoreError> {
        Ok(self.statuses_and_facts(scope, days, due_soon_days).await?.0)
    }

    /// [`Store::statuses_on_days`] and each day's facts.
    async fn statuses_and_facts(
        &self,
        scope: &TrackScope,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<(Vec<Vec<Tracked>>, Vec<HashMap<i64, StatusFacts>>), StoreError> {
        let Some(earliest) = days.iter().min().copied() else {
            return Ok((vec![], vec![]));
        };
        let (items, facts) = dispatch!(self, tracked_facts(scope, days, earliest))?;
        let refs: Vec<&HashMap<i64, StatusFacts>> = facts.iter().collect();
        let statuses = assess_days(&items, |_| true, days, &refs, due_soon_days);
        Ok((statuses, facts))
    }

    /// [`Store::statuses_on_days`] with `returned` filled in: the newest report, when the
    /// coordinator returned it, with its review — read for those assignments only. For the
    /// reminder digests, which quote the reason (a read of every report for them made a
    /// province server's memory jump by ~300 MB at its first reminder run).
    pub async fn statuses_on_days_with_returned(
        &self,
        scope: &TrackScope,
        days: &[NaiveDate],
        due_soon_days: i64,
    ) -> Result<Vec<Vec<Tracked>>, StoreError> {
        let (mut out, facts) = self.statuses_and_facts(scope, days, due_soon_days).await?;
        let returned = |day: usize, assignment: i64| {
            facts[day].get(&assignment).and_then(|f| f.returned_report)
        };
        let mut wanted: Vec<i64> = Vec::new();
        for (day, rows) in out.iter().enumerate() {
            wanted.extend(
                rows.iter()
                    .filter(|t| returned(day, t.assignment_id).is_some())
                    .map(|t| t.assignment_id),
            );
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut reports = HashMap::new();
        for chunk in wanted.chunks(500) {
            reports.extend(dispatch!(self, reports_of_assignments(chunk))?);
        }
        for (day, rows) in out.iter_mut().enumerate() {
            for t in rows {
                if let Some(id) = returned(day, t.assignment_id) {
                    t.returned = reports
                        .get(&t.assignment_id)
                        .and_then(|rs: &Vec<Report>| rs.iter().find(|r| r.id == id))
                        .cloned()
                        .map(Box::new);
                }
            }
        }
        Ok(out)
    }

    /// [`Store::statuses_on_days`] on one day.
    pub async fn statuses(
        &self,
        scope: &TrackScope,
        as_of: NaiveDate,
        due_soon_days: i64,
    ) -> Result<Vec<Tracked>, StoreError> {
        Ok(self
            .statuses_on_days(scope, &[as_of], due_soon_days)
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// Builds every assignment's status facts again from the stored reports (the writes keep
    /// them; this is for a check, or after a restore of a database made by hand).
    pub async fn rebuild_status_facts(&self) -> Result<(), StoreError> {
        dispatch!(self, ensure_facts(true)).map(|_| ())
    }

    /// Every stored status-fact span as text, in key order (for checks).
    pub async fn status_fact_rows(&self) -> Result<Vec<String>, StoreError> {
        dispatch!(self, fact_rows())
    }
}

/// The statuses of the `items` that `keep` keeps on each of `days`, from each day's facts
/// (an assignment without facts that day had no report a replay of it sees).
fn assess_days(
    items: &[TrackedItem],
    keep: impl Fn(&TrackedItem) -> bool,
    days: &[NaiveDate],
    facts: &[&HashMap<i64, StatusFacts>],
    due_soon_days: i64,
) -> Vec<Vec<Tracked>> {
    days.iter()
        .zip(facts)
        .map(|(&as_of, facts)| {
            items
                .iter()
                .filter(|item| item.present_on(as_of) && keep(item))
                .map(|item| assess_one(item, facts, as_of, due_soon_days))
                .collect()
        })
        .collect()
}

/// The status of `item` on `as_of` from that day's `facts` (see [`assess_days`]).
fn assess_one(
    item: &TrackedItem,
    facts: &HashMap<i64, StatusFacts>,
    as_of: NaiveDate,
    due_soon_days: i64,
) -> Tracked {
    static EMPTY: std::sync::OnceLock<StatusFacts> = std::sync::OnceLock::new();
    let f = facts
        .get(&item.row.assignment_id)
        .unwrap_or_else(|| EMPTY.get_or_init(StatusFacts::default));
    let milestones = item.milestones_on(as_of);
    let assessment =
        sanzhi_domain::facts::assess_facts(milestones, f, as_of, item.period(as_of), due_soon_days);
    let mut t = item.tracked(milestones, assessment);
    t.last_reported_on = f.last_reported_on;
    t.last_late_filed = f.last_late_filed;
    t.report_count = f.report_count;
    t.awaiting_review = f.awaiting_review;
    t
}
