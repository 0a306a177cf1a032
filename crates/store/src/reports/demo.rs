//! Generated demo reports (labelled `is_demo`): inserted in bulk, found, removed.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Removes every demo report and demo review (never a real one: the triggers refuse).
pub(crate) async fn clear_demo_reports(pool: &Pool) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    // What the demo made around its reports: 催办 (with their answers), digests, closed months.
    for sql in [
        "DELETE FROM urges WHERE is_demo",
        "DELETE FROM digests WHERE is_demo",
        "DELETE FROM reminder_days WHERE ran_by = 'demo'",
        "DELETE FROM bulletins WHERE is_demo",
    ] {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    // The assignments whose facts change (those with a demo report or review).
    let touched: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT assignment_id FROM progress_reports WHERE is_demo
         UNION SELECT r.assignment_id FROM report_reviews v
         JOIN progress_reports r ON r.id = v.report_id WHERE v.is_demo",
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM report_reviews WHERE is_demo")
        .execute(&mut *tx)
        .await?;
    let n = sqlx::query("DELETE FROM progress_reports WHERE is_demo")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    refresh_facts(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(n)
}

pub(crate) async fn has_demo_reports(pool: &Pool) -> Result<bool, StoreError> {
    // Asked on every tracking page: stop at the first demo row.
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM progress_reports WHERE is_demo LIMIT 1) AS any_demo",
    )
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Appends many demo reports in one transaction, numbering versions after what is stored.
pub(crate) async fn insert_demo_reports(
    pool: &Pool,
    reports: &[crate::DemoReport],
) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    // Per assignment: the newest version, and the days of the newest demo report.
    type Days = Option<(chrono::NaiveDate, chrono::NaiveDate)>;
    let mut newest: HashMap<i64, (i32, Days)> = HashMap::new();
    for crate::DemoReport {
        report: r,
        created_at,
        review,
    } in reports
    {
        let (v, previous) = match newest.get(&r.assignment_id) {
            Some(n) => *n,
            None => {
                let max: Option<i32> = sqlx::query_scalar(
                    "SELECT MAX(version) FROM progress_reports WHERE assignment_id = $1",
                )
                .bind(r.assignment_id)
                .fetch_one(&mut *tx)
                .await?;
                let previous = previous_report_days(&mut tx, r.assignment_id, true).await?;
                (max.unwrap_or(0), previous)
            }
        };
        let v = v + 1;
        // Demo reports are dated like real ones, against the day they are made.
        let recorded_on = sanzhi_domain::report::china_day(*created_at);
        let late_filed = sanzhi_domain::report::check_report_day(
            r.reported_on,
            recorded_on,
            previous,
            sanzhi_domain::report::DEFAULT_BACKDATE_DAYS,
        )
        .map_err(|e| {
            StoreError::Invalid(format!(
                "演示报告（分工 {}，{}）：{e}",
                r.assignment_id, r.reported_on
            ))
        })?;
        newest.insert(r.assignment_id, (v, Some((r.reported_on, recorded_on))));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO progress_reports (assignment_id, version, state, milestone_seq, reported_on,
                 achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at,
                 recorded_on, late_filed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12, $13)
             RETURNING id",
        )
        .bind(r.assignment_id)
        .bind(v)
        .bind(r.state.as_str())
        .bind(r.milestone_seq)
        .bind(r.reported_on)
        .bind(r.achieved)
        .bind(&r.narrative)
        .bind(r.evidence.join("\n"))
        .bind(&r.reporter)
        .bind(r.corrects_id)
        .bind(created_at)
        .bind(recorded_on)
        .bind(late_filed)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(v) = review {
            // Recorded at 09:00 China time on the day it speaks for, never before the report.
            let at = v
                .reviewed_on
                .and_hms_opt(1, 0, 0)
                .map_or(*created_at, |t| t.and_utc())
                .max(*created_at);
            sqlx::query(
                "INSERT INTO report_reviews (report_id, decision, reason, reviewer, reviewed_on,
                     is_demo, created_at, recorded_on, accepts_claimed_day)
                 VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8)",
            )
            .bind(id)
            .bind(v.decision.as_str())
            .bind(&v.reason)
            .bind(&v.reviewer)
            .bind(v.reviewed_on)
            .bind(at)
            .bind(sanzhi_domain::report::china_day(at))
            .bind(
                v.accepts_claimed_day
                    && v.decision == sanzhi_domain::ReviewDecision::Accepted
                    && late_filed,
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    let touched: Vec<i64> = newest.keys().copied().collect();
    refresh_facts(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(reports.len() as u64)
}
