//! Tracking: the as-of day, status lists, reports. Server functions and their plain
//! `inner` functions; the pages live in `routes/`.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::{Report, ReportForm, StatusCounts, Tracked};
use serde::{Deserialize, Serialize};

/// The as-of day the seeded demo opens on, inside 2018–2020 so that a newcomer sees a mix.
pub const DEMO_AS_OF: &str = "2019-03-31";
/// A milestone within this many days of the as-of day is “due soon”.
pub const DUE_SOON_DAYS: i64 = 15;

/// A unit's list: its assignments, most urgent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitTasks {
    pub unit: String,
    pub as_of: NaiveDate,
    pub demo: bool,
    pub counts: StatusCounts,
    pub rows: Vec<Tracked>,
}

/// One item's assignments with each unit's full report history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemTracking {
    /// The signed-in reporter's unit: the only assignment they may report on.
    pub my_unit: Option<String>,
    /// The signed-in user coordinates this plan and may accept or return done reports.
    pub may_review: bool,
    /// The signed-in user may edit the item's deadlines, units and targets.
    pub may_edit: bool,
    /// A report dated more than this many days before it is made is a 补报 (the server's
    /// `reports.backdate_days`), for the form's note.
    #[serde(default)]
    pub backdate_days: i64,
    pub as_of: NaiveDate,
    pub demo: bool,
    pub rows: Vec<(Tracked, Vec<Report>)>,
}

/// Status counts of a plan, per item number and in total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStatus {
    pub as_of: NaiveDate,
    pub demo: bool,
    pub total: StatusCounts,
    pub by_item: Vec<(i32, StatusCounts)>,
}

/// One dated milestone of one item on the timeline, with its assignments' statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub due: NaiveDate,
    pub plan_code: String,
    pub plan_short_name: String,
    pub item_number: i32,
    pub phrase: String,
    pub counts: StatusCounts,
}

/// The dated milestones of every plan, by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub as_of: NaiveDate,
    pub demo: bool,
    /// ("2018-06", entries), in month order; months without milestones are left out.
    pub months: Vec<(String, Vec<TimelineEntry>)>,
}

#[server(prefix = "/api", endpoint = "timeline")]
pub async fn get_timeline(as_of: Option<String>) -> Result<Timeline, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::timeline(&c.store, as_of.as_deref(), crate::api::today()).await
}

/// Units for the unit chooser: (name, kind label).
#[server(prefix = "/api", endpoint = "units")]
pub async fn list_units() -> Result<Vec<(String, String)>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::list_units(&c.store).await
}

#[server(prefix = "/api", endpoint = "unit_tasks")]
pub async fn get_unit_tasks(unit: String, as_of: Option<String>) -> Result<UnitTasks, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::unit_tasks(&c.store, &unit, as_of.as_deref(), crate::api::today()).await
}

#[server(prefix = "/api", endpoint = "item_tracking")]
pub async fn get_item_tracking(
    code: String,
    number: i32,
    as_of: Option<String>,
) -> Result<ItemTracking, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let me = Some(c.user);
    let mut t = inner::item_tracking(
        &c.store,
        &code,
        number,
        as_of.as_deref(),
        crate::api::today(),
    )
    .await?;
    t.may_review =
        sanzhi_domain::authorize(me.as_ref(), &sanzhi_domain::Action::Review { plan: &code })
            .is_ok();
    t.may_edit = sanzhi_domain::authorize(
        me.as_ref(),
        &sanzhi_domain::Action::EditPlan { plan: &code },
    )
    .is_ok();
    t.my_unit = me
        .filter(|u| u.role == sanzhi_domain::Role::Reporter)
        .and_then(|u| u.unit);
    t.backdate_days = c.backdate_days;
    Ok(t)
}

#[server(prefix = "/api", endpoint = "plan_status")]
pub async fn get_plan_status(code: String, as_of: Option<String>) -> Result<PlanStatus, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::plan_status(&c.store, &code, as_of.as_deref(), crate::api::today()).await
}

/// Appends a progress report. A report made on a version the writer had not seen is refused
/// with [`AppError::Conflict`] carrying the newer report.
#[server(prefix = "/api", endpoint = "report")]
pub async fn submit_report(form: ReportForm) -> Result<Report, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let (plan, unit) = c
        .store
        .assignment_owner(form.assignment_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("分工 {}", form.assignment_id)))?;
    // Only a reporter of the assignment's own unit; the reporter's name is the signed-in user.
    c.may(&sanzhi_domain::Action::Report {
        plan: &plan,
        unit: &unit,
    })?;
    let form = ReportForm {
        reporter: crate::auth::signature(&c.user),
        ..form
    };
    inner::submit_report(&c.store, form, crate::api::now(), c.backdate_days).await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, Utc};
    use sanzhi_domain::NewReport;
    use sanzhi_store::{Store, TrackScope};

    /// The as-of day: the one asked for, else the demo day when demo data is loaded, else
    /// today.
    pub async fn resolve_as_of(
        store: &Store,
        asked: Option<&str>,
        today: NaiveDate,
    ) -> Result<(NaiveDate, bool), AppError> {
        let demo = store.has_demo_reports().await?;
        let day = match asked.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                AppError::BadRequest(format!("as_of：“{s}”不是日期，应为 YYYY-MM-DD"))
            })?,
            None if demo => {
                NaiveDate::parse_from_str(DEMO_AS_OF, "%Y-%m-%d").map_err(|_| AppError::Internal)?
            }
            None => today,
        };
        Ok((day, demo))
    }

    pub async fn list_units(store: &Store) -> Result<Vec<(String, String)>, AppError> {
        Ok(store
            .units()
            .await?
            .into_iter()
            .map(|(name, kind)| (name, kind.label_zh().to_owned()))
            .collect())
    }

    pub async fn unit_tasks(
        store: &Store,
        unit: &str,
        as_of: Option<&str>,
        today: NaiveDate,
    ) -> Result<UnitTasks, AppError> {
        let (as_of, demo) = resolve_as_of(store, as_of, today).await?;
        let unit = unit.trim();
        if !store.units().await?.iter().any(|(n, _)| n == unit) {
            return Err(AppError::NotFound(format!("单位“{unit}”")));
        }
        let scope = TrackScope {
            unit: Some(unit.to_owned()),
            ..TrackScope::default()
        };
        let mut rows = store.tracked(&scope, as_of, DUE_SOON_DAYS).await?;
        // Overdue first (the longest late first), then due soon (the nearest first), then
        // the rest in plan order.
        rows.sort_by_key(|r| {
            (
                r.assessment.status,
                r.assessment.days_left.unwrap_or(i64::MAX),
            )
        });
        let mut counts = StatusCounts::default();
        for r in &rows {
            counts.add(r.assessment.status);
        }
        Ok(UnitTasks {
            unit: unit.to_owned(),
            as_of,
            demo,
            counts,
            rows,
        })
    }

    pub async fn item_tracking(
        store: &Store,
        code: &str,
        number: i32,
        as_of: Option<&str>,
        today: NaiveDate,
    ) -> Result<ItemTracking, AppError> {
        let (as_of, demo) = resolve_as_of(store, as_of, today).await?;
        let scope = TrackScope {
            plan: Some(code.to_owned()),
            item: Some(number),
            ..TrackScope::default()
        };
        let tracked = store.tracked(&scope, as_of, DUE_SOON_DAYS).await?;
        let mut rows = Vec::with_capacity(tracked.len());
        for t in tracked {
            // A replay sees only the reports and decisions recorded by its day.
            let history: Vec<Report> = store
                .reports(t.assignment_id)
                .await?
                .iter()
                .filter_map(|r| r.as_of(as_of))
                .collect();
            rows.push((t, history));
        }
        Ok(ItemTracking {
            my_unit: None,
            may_review: false,
            may_edit: false,
            backdate_days: sanzhi_domain::report::DEFAULT_BACKDATE_DAYS,
            as_of,
            demo,
            rows,
        })
    }

    pub async fn plan_status(
        store: &Store,
        code: &str,
        as_of: Option<&str>,
        today: NaiveDate,
    ) -> Result<PlanStatus, AppError> {
        let (as_of, demo) = resolve_as_of(store, as_of, today).await?;
        let scope = TrackScope {
            plan: Some(code.to_owned()),
            ..TrackScope::default()
        };
        let rows = store.tracked(&scope, as_of, DUE_SOON_DAYS).await?;
        let mut total = StatusCounts::default();
        let mut by_item: Vec<(i32, StatusCounts)> = Vec::new();
        for r in rows {
            total.add(r.assessment.status);
            match by_item.last_mut() {
                Some((n, c)) if *n == r.item_number => c.add(r.assessment.status),
                _ => {
                    let mut c = StatusCounts::default();
                    c.add(r.assessment.status);
                    by_item.push((r.item_number, c));
                }
            }
        }
        Ok(PlanStatus {
            as_of,
            demo,
            total,
            by_item,
        })
    }

    pub async fn timeline(
        store: &Store,
        as_of: Option<&str>,
        today: NaiveDate,
    ) -> Result<Timeline, AppError> {
        use std::collections::BTreeMap;
        let (as_of, demo) = resolve_as_of(store, as_of, today).await?;
        let rows = store
            .tracked(&TrackScope::default(), as_of, DUE_SOON_DAYS)
            .await?;
        // (due, plan, item, phrase) → counts
        let mut entries: BTreeMap<(NaiveDate, String, i32, String), TimelineEntry> =
            BTreeMap::new();
        for r in rows {
            for m in &r.milestones {
                let Some(due) = m.deadline.due_date() else {
                    continue;
                };
                if !matches!(m.deadline, sanzhi_domain::Deadline::By { .. }) {
                    continue;
                }
                let key = (due, r.plan_code.clone(), r.item_number, m.phrase.clone());
                entries
                    .entry(key)
                    .or_insert_with(|| TimelineEntry {
                        due,
                        plan_code: r.plan_code.clone(),
                        plan_short_name: r.plan_short_name.clone(),
                        item_number: r.item_number,
                        phrase: m.phrase.clone(),
                        counts: StatusCounts::default(),
                    })
                    .counts
                    .add(r.assessment.status);
            }
        }
        let mut months: Vec<(String, Vec<TimelineEntry>)> = Vec::new();
        for e in entries.into_values() {
            let month = e.due.format("%Y-%m").to_string();
            match months.last_mut() {
                Some((m, list)) if *m == month => list.push(e),
                _ => months.push((month, vec![e])),
            }
        }
        Ok(Timeline {
            as_of,
            demo,
            months,
        })
    }

    /// Parses and appends a report made at `now`. The store refuses a day after today or
    /// before the assignment's previous report (400, naming `reported_on`), and marks a day
    /// more than `backdate_days` back as a 补报.
    pub async fn submit_report(
        store: &Store,
        form: ReportForm,
        now: DateTime<Utc>,
        backdate_days: i64,
    ) -> Result<Report, AppError> {
        let milestones = store
            .assignment_milestone_count(form.assignment_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("分工 {}", form.assignment_id)))?;
        let report =
            NewReport::parse(&form, milestones).map_err(|e| AppError::BadRequest(e.to_string()))?;
        match store
            .add_report_backdating(&report, now, backdate_days)
            .await
        {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(newest)) => Err(AppError::Conflict {
                message: "提交失败：在您填写期间已有他人提交了更新的进展报告，请查看后再提交。"
                    .to_owned(),
                newest: newest.map(Box::new),
            }),
            Err(sanzhi_store::StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
            Err(e) => Err(e.into()),
        }
    }
}
