//! The tracking read: assignments in scope with their deadlines and the reports a replay of a
//! day sees.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Assignments in scope with their milestones and the reports a replay of `as_of` sees: those
/// recorded by that day (and speaking for a day up to it), with the reviews recorded and
/// decided by then (see [`sanzhi_domain::Report::as_of`]).
pub(crate) async fn tracked(
    pool: &Pool,
    scope: &TrackScope,
    as_of: chrono::NaiveDate,
    earliest: chrono::NaiveDate,
) -> Result<Vec<crate::TrackedItem>, StoreError> {
    let (mut items, everything) = tracked_items(pool, scope, earliest).await?;
    let rows: Vec<&TrackedRow> = items.iter().map(|i| &i.row).collect();
    let mut by_assignment = reports_as_of(pool, &rows, as_of, everything).await?;
    for item in &mut items {
        item.reports = by_assignment
            .remove(&item.row.assignment_id)
            .unwrap_or_default();
    }
    Ok(items)
}

/// Assignments in scope with their milestones (without reports), and each day's status facts
/// of them (see `tracking/facts.rs`): what statuses need, without reading a report.
pub(crate) async fn tracked_facts(
    pool: &Pool,
    scope: &TrackScope,
    days: &[chrono::NaiveDate],
    earliest: chrono::NaiveDate,
) -> Result<
    (
        Vec<crate::TrackedItem>,
        Vec<HashMap<i64, sanzhi_domain::facts::StatusFacts>>,
    ),
    StoreError,
> {
    let (items, everything) = tracked_items(pool, scope, earliest).await?;
    let ids: Vec<i64> = items.iter().map(|i| i.row.assignment_id).collect();
    let mut per_day = Vec::with_capacity(days.len());
    for &day in days {
        per_day.push(facts_on(pool, (!everything).then_some(&ids[..]), day).await?);
    }
    Ok((items, per_day))
}

/// The assignments in scope (and those removed after `earliest`) with their deadlines, their
/// reports left empty; and whether the scope is everything.
pub(crate) async fn tracked_items(
    pool: &Pool,
    scope: &TrackScope,
    earliest: chrono::NaiveDate,
) -> Result<(Vec<crate::TrackedItem>, bool), StoreError> {
    let conds = scope_conditions(scope);
    let mut rows = assignment_rows(pool, scope, &conds).await?;
    add_removed_assignments(pool, scope, &conds, earliest, &mut rows).await?;
    let everything = conds.is_empty();
    let by_item = item_milestones(pool, &rows, everything).await?;
    let versions_by_item = replaced_deadlines(pool, earliest).await?;
    let mut texts: HashMap<i64, std::sync::Arc<str>> = HashMap::new();
    let items = rows
        .into_iter()
        .map(|mut r| {
            let text = texts
                .entry(r.work_item_id)
                .or_insert_with(|| std::mem::take(&mut r.item_text).into())
                .clone();
            r.item_text = String::new();
            let milestones = by_item.get(&r.work_item_id).cloned().unwrap_or_default();
            let replaced = versions_by_item
                .get(&r.work_item_id)
                .cloned()
                .unwrap_or_default();
            crate::TrackedItem {
                row: r,
                text,
                milestones,
                replaced,
                reports: Vec::new(),
            }
        })
        .collect();
    Ok((items, everything))
}

/// Only the conditions the scope has, so that each can use its index (a plan by code, a unit
/// by name, an item by number) instead of `($1 IS NULL OR …)` scanning everything.
fn scope_conditions(scope: &TrackScope) -> Vec<String> {
    let mut conds: Vec<String> = Vec::new();
    if scope.plan.is_some() {
        conds.push(format!("p.code = {}", param(conds.len() + 1)));
    }
    if scope.unit.is_some() {
        conds.push(format!("u.name = {}", param(conds.len() + 1)));
    }
    if scope.item.is_some() {
        conds.push(format!("w.number = {}", param(conds.len() + 1)));
    }
    conds
}

/// The assignments in scope, in plan, item and assignment order.
async fn assignment_rows(
    pool: &Pool,
    scope: &TrackScope,
    conds: &[String],
) -> Result<Vec<TrackedRow>, StoreError> {
    let everything = conds.is_empty();
    let sql = format!(
        "SELECT a.id AS assignment_id, w.id AS work_item_id, p.code AS plan_code,
                p.short_name AS plan_short_name, p.status AS plan_status, p.closed_on AS plan_closed_on, p.issued_on,
                p.start_year, p.end_year,
                t.number AS task_number, w.number AS item_number, w.body AS item_text,
                u.name AS unit, a.via, a.added_on
         FROM assignments a
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN tasks t ON t.id = w.task_id
         JOIN plans p ON p.id = w.plan_id
         {} {}
         ORDER BY p.sort_order, w.number, a.id",
        if everything { "" } else { "WHERE" },
        conds.join(" AND ")
    );
    let mut q = sqlx::query_as::<_, TrackedRow>(&sql);
    if let Some(plan) = &scope.plan {
        q = q.bind(plan);
    }
    if let Some(unit) = &scope.unit {
        q = q.bind(unit);
    }
    if let Some(item) = scope.item {
        q = q.bind(item);
    }
    Ok(q.fetch_all(pool).await?)
}

/// Adds the assignments removed after the earliest day asked for: the replays of the days
/// before their removal still see them (see `crate::TrackedItem`).
async fn add_removed_assignments(
    pool: &Pool,
    scope: &TrackScope,
    conds: &[String],
    earliest: chrono::NaiveDate,
    rows: &mut Vec<TrackedRow>,
) -> Result<(), StoreError> {
    let everything = conds.is_empty();
    let removed_sql = format!(
        "SELECT a.assignment_id, w.id AS work_item_id, p.code AS plan_code,
                p.short_name AS plan_short_name, p.status AS plan_status, p.closed_on AS plan_closed_on, p.issued_on,
            p.start_year, p.end_year,
                t.number AS task_number, w.number AS item_number, w.body AS item_text,
                u.name AS unit, a.via, a.added_on, a.removed_on
         FROM removed_assignments a
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN tasks t ON t.id = w.task_id
         JOIN plans p ON p.id = w.plan_id
         WHERE {} {} a.removed_on > {}",
        conds.join(" AND "),
        if everything { "" } else { "AND" },
        param(conds.len() + 1)
    );
    let mut q = sqlx::query_as::<_, TrackedRow>(&removed_sql);
    if let Some(plan) = &scope.plan {
        q = q.bind(plan);
    }
    if let Some(unit) = &scope.unit {
        q = q.bind(unit);
    }
    if let Some(item) = scope.item {
        q = q.bind(item);
    }
    let removed: Vec<TrackedRow> = q.bind(earliest).fetch_all(pool).await?;
    if !removed.is_empty() {
        // In the order of the others: plan (as listed), item number, assignment.
        let mut plan_order: Vec<String> = Vec::new();
        for r in rows.iter() {
            if !plan_order.contains(&r.plan_code) {
                plan_order.push(r.plan_code.clone());
            }
        }
        rows.extend(removed);
        rows.sort_by_key(|r| {
            (
                plan_order
                    .iter()
                    .position(|c| *c == r.plan_code)
                    .unwrap_or(usize::MAX),
                r.item_number,
                r.assignment_id,
            )
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct MsRow {
    work_item_id: i64,
    #[sqlx(flatten)]
    m: MilestoneRow,
}

/// The deadlines of the rows' items, by item.
async fn item_milestones(
    pool: &Pool,
    rows: &[TrackedRow],
    everything: bool,
) -> Result<HashMap<i64, Vec<Milestone>>, StoreError> {
    let ms_columns = format!("m.work_item_id, {MILESTONE_COLUMNS_M}");
    let mut ms: Vec<MsRow> = Vec::new();
    if everything {
        ms = sqlx::query_as(&format!(
            "SELECT {ms_columns} FROM milestones m ORDER BY m.work_item_id, m.seq"
        ))
        .fetch_all(pool)
        .await?;
    } else {
        let mut items: Vec<i64> = rows.iter().map(|r| r.work_item_id).collect();
        items.sort_unstable();
        items.dedup();
        for chunk in items.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT {ms_columns} FROM milestones m WHERE {} ORDER BY m.work_item_id, m.seq",
                in_list("m.work_item_id", chunk, 1)
            );
            let mut q = sqlx::query_as::<_, MsRow>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            ms.extend(q.fetch_all(pool).await?);
        }
    }
    let mut by_item: HashMap<i64, Vec<Milestone>> = HashMap::new();
    ms.sort_by_key(|r| r.work_item_id);
    for r in ms {
        by_item
            .entry(r.work_item_id)
            .or_default()
            .push(r.m.into_milestone()?);
    }
    Ok(by_item)
}

/// The reports a replay of `as_of` sees on the rows' assignments, with their reviews, by
/// assignment, oldest first.
async fn reports_as_of(
    pool: &Pool,
    rows: &[&TrackedRow],
    as_of: chrono::NaiveDate,
    everything: bool,
) -> Result<HashMap<i64, Vec<sanzhi_domain::Report>>, StoreError> {
    let mut reports: Vec<ReportRow> = Vec::new();
    let mut reviews: Vec<ReviewRow> = Vec::new();
    if everything {
        reports = sqlx::query_as(&format!(
            "SELECT {REPORT_COLUMNS} FROM progress_reports
             WHERE recorded_on <= $1 AND reported_on <= $1
             ORDER BY assignment_id, version"
        ))
        .bind(as_of)
        .fetch_all(pool)
        .await?;
        reviews = sqlx::query_as(&format!(
            "SELECT {REVIEW_COLUMNS} FROM report_reviews
             WHERE recorded_on <= $1 AND reviewed_on <= $1
               AND report_id IN (SELECT id FROM progress_reports
                                 WHERE recorded_on <= $1 AND reported_on <= $1)"
        ))
        .bind(as_of)
        .fetch_all(pool)
        .await?;
    } else {
        let ids: Vec<i64> = rows.iter().map(|r| r.assignment_id).collect();
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT {REPORT_COLUMNS} FROM progress_reports
                 WHERE {} AND recorded_on <= {} AND reported_on <= {}",
                in_list("assignment_id", chunk, 1),
                param(chunk.len() + 1),
                param(chunk.len() + 2)
            );
            let mut q = sqlx::query_as::<_, ReportRow>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            reports.extend(q.bind(as_of).bind(as_of).fetch_all(pool).await?);
            let sql = format!(
                "SELECT {} FROM report_reviews v
                 JOIN progress_reports r ON r.id = v.report_id
                 WHERE {} AND r.recorded_on <= {} AND r.reported_on <= {}
                   AND v.recorded_on <= {} AND v.reviewed_on <= {}",
                REVIEW_COLUMNS
                    .split(',')
                    .map(|c| format!("v.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", "),
                in_list("r.assignment_id", chunk, 1),
                param(chunk.len() + 1),
                param(chunk.len() + 2),
                param(chunk.len() + 3),
                param(chunk.len() + 4)
            );
            let mut q = sqlx::query_as::<_, ReviewRow>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for _ in 0..4 {
                q = q.bind(as_of);
            }
            reviews.extend(q.fetch_all(pool).await?);
        }
        reports.sort_by_key(|r| (r.assignment_id, r.version));
    }
    let mut reviews = reviews_by_report(reviews)?;
    let mut by_assignment: HashMap<i64, Vec<sanzhi_domain::Report>> = HashMap::new();
    for r in reports {
        let mut report = r.into_report()?;
        report.review = reviews.remove(&report.id);
        by_assignment
            .entry(report.assignment_id)
            .or_default()
            .push(report);
    }
    Ok(by_assignment)
}

/// Deadlines replaced by edits made after the earliest day asked for, by item: each day uses
/// the deadlines in force on it (see `crate::TrackedItem::milestones_on`).
async fn replaced_deadlines(
    pool: &Pool,
    earliest: chrono::NaiveDate,
) -> Result<HashMap<i64, Vec<(chrono::NaiveDate, Vec<Milestone>)>>, StoreError> {
    let versions: Vec<(i64, chrono::NaiveDate, String)> = sqlx::query_as(
        "SELECT work_item_id, replaced_on, milestones_json FROM milestone_versions
         WHERE replaced_on > $1 ORDER BY work_item_id, replaced_on, id",
    )
    .bind(earliest)
    .fetch_all(pool)
    .await?;
    let mut versions_by_item: HashMap<i64, Vec<(chrono::NaiveDate, Vec<Milestone>)>> =
        HashMap::new();
    for (item, replaced_on, json) in versions {
        let ms: Vec<Milestone> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Invalid(format!("milestone_versions {item}：{e}")))?;
        versions_by_item
            .entry(item)
            .or_default()
            .push((replaced_on, ms));
    }
    Ok(versions_by_item)
}
