//! Tracking: the assignments in scope with their statuses on one or several days.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`
//! beside it holds the queries, compiled per backend (see `src/queries.rs`).

use crate::{rows, Store, StoreError};
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::{Report, Tracked};

/// One assignment as the tracking query reads it, with its item's deadlines now and as they
/// were before each later edit.
#[derive(Debug, Clone)]
pub(crate) struct TrackedItem {
    pub row: rows::TrackedRow,
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
            // What was recorded by that day, as the store's own query for the day reads it.
            let on_day = |reports: &[sanzhi_domain::Report]| -> Vec<sanzhi_domain::Report> {
                reports.iter().filter_map(|r| r.as_of(as_of)).collect()
            };
            out.push(
                rows.iter()
                    // The units the item had that day.
                    .filter(|item| item.present_on(as_of))
                    .map(|item| {
                        let (r, reports) = (&item.row, &item.reports);
                        // The deadlines in force that day (an edit never changes the past).
                        let milestones = item.milestones_on(as_of);
                        let reports = if as_of == latest {
                            reports.clone()
                        } else {
                            on_day(reports)
                        };
                        let start = r
                            .issued_on
                            .or_else(|| NaiveDate::from_ymd_opt(r.start_year, 1, 1))
                            .unwrap_or(as_of);
                        // The plan's last day: after it, what is not done is 未完成（期满）.
                        let end = NaiveDate::from_ymd_opt(r.end_year, 12, 31);
                        let (assessment, awaiting_review, returned) = Tracked::assess(
                            milestones,
                            &reports,
                            as_of,
                            (start, end),
                            due_soon_days,
                        );
                        Tracked {
                            assignment_id: r.assignment_id,
                            plan_code: r.plan_code.clone(),
                            plan_short_name: r.plan_short_name.clone(),
                            // The CHECK admits only the three; a stored value is one of them.
                            plan_status: sanzhi_domain::PlanStatus::parse(&r.plan_status)
                                .unwrap_or_default(),
                            plan_closed_on: r.plan_closed_on,
                            task_number: r.task_number,
                            item_number: r.item_number,
                            item_text: r.item_text.clone(),
                            unit: r.unit.clone(),
                            via: r.via.clone(),
                            milestones: milestones.to_vec(),
                            assessment,
                            report_count: i32::try_from(reports.len()).unwrap_or(i32::MAX),
                            last_report: reports.into_iter().last(),
                            awaiting_review,
                            returned,
                        }
                    })
                    .collect(),
            );
        }
        Ok(out)
    }
}
