//! The tracking reads behind the server functions, for callers that have already checked
//! their caller (the server's own routes, the API, tests).

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
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest(format!("as_of：“{s}”不是日期，应为 YYYY-MM-DD")))?,
        None if demo => sanzhi_domain::report::demo_as_of(),
        None => today,
    };
    Ok((day, demo))
}

pub async fn list_units(store: &Store) -> Result<Vec<(String, String)>, AppError> {
    Ok(store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.name, u.kind.label_zh().to_owned()))
        .collect())
}

/// `mirror`: the server's status mirror, which keeps the statuses and the newest reports
/// between calls (a report since costs its assignment's reports, not every report of the
/// unit again); without it, the unit's reports are read and the statuses recomputed.
pub async fn unit_tasks(
    store: &Store,
    mirror: Option<&sanzhi_store::StatusMirror>,
    unit: &str,
    as_of: Option<&str>,
    today: NaiveDate,
) -> Result<UnitTasks, AppError> {
    let (as_of, demo) = resolve_as_of(store, as_of, today).await?;
    let unit = unit.trim();
    if !store.units().await?.iter().any(|u| u.name == unit) {
        return Err(AppError::NotFound(format!("单位“{unit}”")));
    }
    let scope = TrackScope {
        unit: Some(unit.to_owned()),
        ..TrackScope::default()
    };
    let mut rows = match mirror {
        Some(mirror) => mirror.tracked(store, &scope, as_of, DUE_SOON_DAYS).await?,
        None => store.tracked(&scope, as_of, DUE_SOON_DAYS).await?,
    };
    // Only active plans' work: a draft is not issued yet, a closed plan is over.
    rows.retain(|r| r.in_daily_views(as_of));
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

/// One item's tracking as `c` sees it on `plan` (already checked visible): the report
/// form, review and edit controls only where the caller may use them and the plan is not
/// closed.
pub async fn item_tracking_for(
    c: &crate::auth::Checked,
    plan: &sanzhi_domain::PlanSummary,
    number: i32,
    as_of: Option<&str>,
) -> Result<ItemTracking, AppError> {
    let code = plan.code.as_str();
    // A closed plan is read-only: no report form, no review or edit controls.
    let me = Some(&c.user).filter(|_| plan.status.is_writable());
    let mirror = c.caches.as_ref().map(|caches| &caches.statuses);
    let mut t = item_tracking(&c.store, mirror, code, number, as_of, crate::api::today()).await?;
    t.may_review =
        sanzhi_domain::authorize(me, &sanzhi_domain::Action::Review { plan: code }).is_ok();
    t.may_edit =
        sanzhi_domain::authorize(me, &sanzhi_domain::Action::EditPlan { plan: code }).is_ok();
    t.my_unit = me
        .filter(|u| u.role == sanzhi_domain::Role::Reporter)
        .and_then(|u| u.unit.clone());
    t.backdate_days = c.backdate_days;
    Ok(t)
}

/// `mirror` as for [`unit_tasks`]: the rows' statuses and newest reports from the server's
/// mirror, and only the item's reports (its history) read here.
pub async fn item_tracking(
    store: &Store,
    mirror: Option<&sanzhi_store::StatusMirror>,
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
    let tracked = match mirror {
        Some(mirror) => mirror.tracked(store, &scope, as_of, DUE_SOON_DAYS).await?,
        None => store.tracked(&scope, as_of, DUE_SOON_DAYS).await?,
    };
    let ids: Vec<i64> = tracked.iter().map(|t| t.assignment_id).collect();
    let mut reports = store.reports_of_assignments(&ids).await?;
    let mut rows = Vec::with_capacity(tracked.len());
    for t in tracked {
        // A replay sees only the reports and decisions recorded by its day.
        let history: Vec<Report> = reports
            .remove(&t.assignment_id)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.as_of(as_of))
            .collect();
        rows.push((t, history));
    }
    let ids: Vec<i64> = rows.iter().map(|(t, _)| t.assignment_id).collect();
    let shown: std::collections::HashSet<i64> = rows
        .iter()
        .flat_map(|(_, h)| h.iter().map(|r| r.id))
        .collect();
    let files = store
        .evidence_of_assignments(&ids)
        .await?
        .into_iter()
        .filter(|f| f.report_id.is_some_and(|r| shown.contains(&r)))
        .collect();
    Ok(ItemTracking {
        my_unit: None,
        may_review: false,
        may_edit: false,
        backdate_days: sanzhi_domain::report::DEFAULT_BACKDATE_DAYS,
        as_of,
        demo,
        rows,
        files,
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
    let mut by_item: Vec<ItemStatus> = Vec::new();
    for r in rows {
        let status = r.assessment.status;
        total.add(status);
        let item = match by_item.last_mut() {
            Some(i) if i.number == r.item_number => i,
            _ => {
                by_item.push(ItemStatus {
                    number: r.item_number,
                    ..ItemStatus::default()
                });
                by_item.last_mut().expect("just pushed")
            }
        };
        item.counts.add(status);
        item.units.push((r.unit, status));
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
    let mut entries: BTreeMap<(NaiveDate, String, i32, String), TimelineEntry> = BTreeMap::new();
    for r in rows {
        // A draft is not issued yet: its deadlines are not on anyone's timeline (a closed
        // plan's stay, as history).
        if r.plan_status == sanzhi_domain::PlanStatus::Draft {
            continue;
        }
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
    milestones: usize,
    now: DateTime<Utc>,
    backdate_days: i64,
) -> Result<Report, AppError> {
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
