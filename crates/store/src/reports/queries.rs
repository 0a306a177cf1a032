//! Progress reports: appending one (versioned, checked against its day), reading them back,
//! and who owns an assignment or a report.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

pub(super) const REPORT_COLUMNS: &str =
    "id, assignment_id, version, state, milestone_seq, reported_on,
    achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at, late_filed";

/// Appends a report if `expected_version` is still the newest; otherwise returns the newest
/// report as the conflict. The UNIQUE (assignment_id, version) constraint settles a race.
/// In the same transaction, the day it claims is checked against the day it is made (China
/// time of `now`) and the previous report's ([`sanzhi_domain::report::check_report_day`]):
/// refused as `StoreError::Invalid` naming `reported_on`, or stored with the day it was
/// recorded and, when dated more than `backdate_days` earlier, marked 补报 (`late_filed`).
pub(crate) async fn add_report(
    pool: &Pool,
    r: &sanzhi_domain::NewReport,
    now: chrono::DateTime<chrono::Utc>,
    backdate_days: i64,
) -> Result<Result<sanzhi_domain::Report, Option<sanzhi_domain::Report>>, StoreError> {
    let mut tx = begin_write(pool).await?;
    // The assignment exists and its plan takes reports: one read, in the write's transaction,
    // which also names it for the audit entry.
    let Some(label) = writable_assignment(&mut tx, r.assignment_id).await? else {
        return Err(StoreError::NotFound(format!(
            "assignment {}",
            r.assignment_id
        )));
    };
    // The same form sent again (a double click, a retry after a lost answer): the report
    // it made the first time, not a second one.
    if let Some(first) = submitted_before(&mut tx, r).await? {
        return Ok(Ok(first));
    }
    // Every report of the assignment, with its review, in one read: the newest (the version
    // the form must have seen), the previous report's days and, with the new one, the facts.
    let known = fact_reports(&mut tx, Some(&[r.assignment_id]))
        .await?
        .remove(&r.assignment_id)
        .unwrap_or_default();
    let current = known.iter().map(|k| k.report.version).max().unwrap_or(0);
    if current != r.expected_version {
        drop(tx);
        return Ok(Err(newest_report(pool, r.assignment_id).await?));
    }
    check_corrects(&known, r)?;
    let recorded_on = sanzhi_domain::report::china_day(now);
    // The newest report among the real ones, or among the demo ones for a demo report
    // (generated data does not bound the city's reports).
    let previous = known
        .iter()
        .filter(|k| k.report.is_demo == r.is_demo)
        .max_by_key(|k| k.report.version)
        .map(|k| (k.report.reported_on, k.recorded_on));
    let late_filed = sanzhi_domain::report::check_report_day(
        r.reported_on,
        recorded_on,
        previous,
        backdate_days,
    )
    .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let inserted: Result<ReportRow, sqlx::Error> = sqlx::query_as(&format!(
        "INSERT INTO progress_reports (assignment_id, version, state, milestone_seq, reported_on,
             achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at,
             recorded_on, late_filed, submission_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING {REPORT_COLUMNS}"
    ))
    .bind(r.assignment_id)
    .bind(current + 1)
    .bind(r.state.as_str())
    .bind(r.milestone_seq)
    .bind(r.reported_on)
    .bind(r.achieved)
    .bind(&r.narrative)
    .bind(r.evidence.join("\n"))
    .bind(&r.reporter)
    .bind(r.corrects_id)
    .bind(r.is_demo)
    .bind(now)
    .bind(recorded_on)
    .bind(late_filed)
    .bind(&r.submission_key)
    .fetch_one(&mut *tx)
    .await;
    match inserted {
        Ok(row) => {
            let report = row.into_report()?;
            audit_labelled(
                &mut tx,
                &r.reporter,
                AuditAction::ReportAdd,
                &r.assignment_id.to_string(),
                None,
                Some(&to_json(&report)),
                now,
                Some(&label),
            )
            .await?;
            bind_files(&mut tx, r, report.id).await?;
            let mut reports: Vec<sanzhi_domain::Report> =
                known.into_iter().map(|k| k.report).collect();
            reports.push(report.clone());
            refresh_facts_of(&mut tx, r.assignment_id, reports).await?;
            tx.commit().await?;
            Ok(Ok(report))
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            // Two sends of one form at once: the one that lost the race answers with the
            // winner's report.
            if r.submission_key.is_some() {
                let mut tx = begin_write(pool).await?;
                if let Some(first) = submitted_before(&mut tx, r).await? {
                    return Ok(Ok(first));
                }
            }
            Ok(Err(newest_report(pool, r.assignment_id).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// The newest report of an assignment (the conflict a report made on an older version
/// answers with).
async fn newest_report(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Option<sanzhi_domain::Report>, StoreError> {
    let newest: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id = $1
         ORDER BY version DESC LIMIT 1"
    ))
    .bind(assignment_id)
    .fetch_optional(pool)
    .await?;
    newest.map(ReportRow::into_report).transpose()
}

/// A correction corrects a report of the same assignment (`known`: its reports).
fn check_corrects(known: &[FactReport], r: &sanzhi_domain::NewReport) -> Result<(), StoreError> {
    match r.corrects_id {
        Some(c) if !known.iter().any(|k| k.report.id == c) => Err(StoreError::Invalid(format!(
            "corrects_id：报告 {c} 不属于该分工"
        ))),
        _ => Ok(()),
    }
}

/// The evidence uploaded with the form belongs to the report from now on: a file that is not
/// this assignment's, or is already another report's, refuses the whole report.
async fn bind_files(
    tx: &mut Tx<'_>,
    r: &sanzhi_domain::NewReport,
    report_id: i64,
) -> Result<(), StoreError> {
    for file in &r.files {
        let bound = sqlx::query(
            "UPDATE report_files SET report_id = $1
             WHERE id = $2 AND assignment_id = $3 AND report_id IS NULL",
        )
        .bind(report_id)
        .bind(file)
        .bind(r.assignment_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if bound != 1 {
            return Err(StoreError::Invalid(format!(
                "files：文件 #{file} 不是为该分工上传的，或已附在其他报告上"
            )));
        }
    }
    Ok(())
}

/// The report an earlier send of the same form (its `submission_key`) made, if any; a key
/// already used on another assignment is refused.
async fn submitted_before(
    tx: &mut Tx<'_>,
    r: &sanzhi_domain::NewReport,
) -> Result<Option<sanzhi_domain::Report>, StoreError> {
    let Some(key) = &r.submission_key else {
        return Ok(None);
    };
    let first: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE submission_key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match first {
        None => Ok(None),
        Some(row) if row.assignment_id == r.assignment_id => Ok(Some(row.into_report()?)),
        Some(_) => Err(StoreError::Invalid(
            "submission_key：该提交编号已用于另一项分工的报告".to_owned(),
        )),
    }
}

/// Every report of an assignment, oldest first.
pub(crate) async fn reports(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Vec<sanzhi_domain::Report>, StoreError> {
    let rows: Vec<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id = $1 ORDER BY version"
    ))
    .bind(assignment_id)
    .fetch_all(pool)
    .await?;
    let reviews: Vec<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM report_reviews
         WHERE report_id IN (SELECT id FROM progress_reports WHERE assignment_id = $1)"
    ))
    .bind(assignment_id)
    .fetch_all(pool)
    .await?;
    let mut reviews = reviews_by_report(reviews)?;
    rows.into_iter()
        .map(|r| {
            let mut report = r.into_report()?;
            report.review = reviews.remove(&report.id);
            Ok(report)
        })
        .collect()
}

/// Every report on each of `assignment_ids`, oldest first, with its review: two queries for
/// the lot (an item page reads all its assignments' reports at once).
pub(crate) async fn reports_of_assignments(
    pool: &Pool,
    assignment_ids: &[i64],
) -> Result<HashMap<i64, Vec<sanzhi_domain::Report>>, StoreError> {
    let mut out: HashMap<i64, Vec<sanzhi_domain::Report>> =
        assignment_ids.iter().map(|id| (*id, Vec::new())).collect();
    if assignment_ids.is_empty() {
        return Ok(out);
    }
    // Integers only: the list is written into the statement.
    let list = assignment_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE assignment_id IN ({list})
         ORDER BY assignment_id, version"
    ))
    .fetch_all(pool)
    .await?;
    let reviews: Vec<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM report_reviews
         WHERE report_id IN (SELECT id FROM progress_reports WHERE assignment_id IN ({list}))"
    ))
    .fetch_all(pool)
    .await?;
    let mut reviews = reviews_by_report(reviews)?;
    for r in rows {
        let mut report = r.into_report()?;
        report.review = reviews.remove(&report.id);
        out.entry(report.assignment_id).or_default().push(report);
    }
    Ok(out)
}

pub(super) const REVIEW_COLUMNS: &str =
    "id, report_id, decision, reason, reviewer, reviewed_on, is_demo,
    created_at, accepts_claimed_day";

pub(super) fn reviews_by_report(
    rows: Vec<ReviewRow>,
) -> Result<HashMap<i64, sanzhi_domain::Review>, StoreError> {
    rows.into_iter()
        .map(|r| r.into_review().map(|v| (v.report_id, v)))
        .collect()
}

/// The plan, unit and assignment of a report.
pub(crate) async fn report_owner(
    pool: &Pool,
    report_id: i64,
) -> Result<Option<crate::ReportOwner>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.code AS plan, u.name AS unit, a.id AS assignment_id FROM progress_reports r
         JOIN assignments a ON a.id = r.assignment_id
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN plans p ON p.id = w.plan_id
         WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(pool)
    .await?)
}

/// What a report on an assignment is checked against, read at once: its plan and unit (who
/// may report) and how many milestones its item has (which one a report may name).
pub(crate) async fn assignment_facts(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Option<crate::AssignmentFacts>, StoreError> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT p.code, u.name,
                (SELECT COUNT(*) FROM milestones m WHERE m.work_item_id = a.work_item_id)
         FROM assignments a
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN plans p ON p.id = w.plan_id
         WHERE a.id = $1",
    )
    .bind(assignment_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(plan, unit, n)| crate::AssignmentFacts {
        plan,
        unit,
        milestones: usize::try_from(n).unwrap_or(0),
    }))
}

pub(crate) async fn assignment_owner(
    pool: &Pool,
    assignment_id: i64,
) -> Result<Option<crate::AssignmentOwner>, StoreError> {
    Ok(assignment_facts(pool, assignment_id)
        .await?
        .map(|f| crate::AssignmentOwner {
            plan: f.plan,
            unit: f.unit,
        }))
}
