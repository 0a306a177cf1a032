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

/// Reports (or reviews) per insert statement: 14 (9) parameters each, under both backends'
/// limits. A statement per row cost a statement trigger's run per row on PostgreSQL (the
/// versions, migration 27): the province load's reports step took 191 s instead of 28.
const DEMO_CHUNK: usize = 1_000;

/// Appends many demo reports in one transaction, numbering versions after what is stored.
pub(crate) async fn insert_demo_reports(
    pool: &Pool,
    reports: &[crate::DemoReport],
) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut touched: Vec<i64> = reports.iter().map(|d| d.report.assignment_id).collect();
    touched.sort_unstable();
    touched.dedup();
    // Per assignment: the newest version, and the days of the newest demo report.
    type Days = Option<(chrono::NaiveDate, chrono::NaiveDate)>;
    let mut newest: HashMap<i64, (i32, Days)> = HashMap::new();
    for chunk in touched.chunks(ID_CHUNK) {
        let sql = format!(
            "SELECT assignment_id, MAX(version) FROM progress_reports WHERE {}
             GROUP BY assignment_id",
            in_list("assignment_id", chunk, 1)
        );
        let mut q = sqlx::query_as::<_, (i64, i32)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for (id, max) in q.fetch_all(&mut *tx).await? {
            newest.insert(id, (max, None));
        }
        let sql = format!(
            "SELECT p.assignment_id, p.reported_on, p.recorded_on FROM progress_reports p
             WHERE {} AND p.is_demo AND p.version = (SELECT MAX(q.version)
                 FROM progress_reports q WHERE q.assignment_id = p.assignment_id AND q.is_demo)",
            in_list("p.assignment_id", chunk, 1)
        );
        let mut q = sqlx::query_as::<_, (i64, chrono::NaiveDate, chrono::NaiveDate)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for (id, reported_on, recorded_on) in q.fetch_all(&mut *tx).await? {
            newest.entry(id).or_default().1 = Some((reported_on, recorded_on));
        }
    }
    // Each report's version, the day it is recorded and whether it is a 补报, in order.
    let mut rows: Vec<(&crate::DemoReport, i32, chrono::NaiveDate, bool)> =
        Vec::with_capacity(reports.len());
    for d in reports {
        let r = &d.report;
        let (v, previous) = newest.get(&r.assignment_id).copied().unwrap_or_default();
        let v = v + 1;
        // Demo reports are dated like real ones, against the day they are made.
        let recorded_on = sanzhi_domain::report::china_day(d.created_at);
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
        rows.push((d, v, recorded_on, late_filed));
    }
    let mut ids: HashMap<(i64, i32), i64> = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(DEMO_CHUNK) {
        let sql = format!(
            "INSERT INTO progress_reports (assignment_id, version, state, milestone_seq, reported_on,
                 achieved, narrative, evidence, reporter, corrects_id, is_demo, created_at,
                 recorded_on, late_filed)
             VALUES {}
             RETURNING id, assignment_id, version",
            value_rows(chunk.len(), 14)
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i32)>(&sql);
        for (d, v, recorded_on, late_filed) in chunk {
            let r = &d.report;
            q = q
                .bind(r.assignment_id)
                .bind(*v)
                .bind(r.state.as_str())
                .bind(r.milestone_seq)
                .bind(r.reported_on)
                .bind(r.achieved)
                .bind(&r.narrative)
                .bind(r.evidence.join("\n"))
                .bind(&r.reporter)
                .bind(r.corrects_id)
                .bind(true)
                .bind(d.created_at)
                .bind(*recorded_on)
                .bind(*late_filed);
        }
        for (id, assignment, version) in q.fetch_all(&mut *tx).await? {
            ids.insert((assignment, version), id);
        }
    }
    let reviewed: Vec<_> = rows
        .iter()
        .filter_map(|(d, v, _, late_filed)| {
            let review = d.review.as_ref()?;
            let id = ids.get(&(d.report.assignment_id, *v)).copied();
            Some((id, review, d.created_at, *late_filed))
        })
        .collect();
    for chunk in reviewed.chunks(DEMO_CHUNK) {
        let sql = format!(
            "INSERT INTO report_reviews (report_id, decision, reason, reviewer, reviewed_on,
                 is_demo, created_at, recorded_on, accepts_claimed_day)
             VALUES {}",
            value_rows(chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for (id, v, created_at, late_filed) in chunk {
            let id = id.ok_or_else(|| StoreError::Corrupt("demo report not returned".into()))?;
            // Recorded at 09:00 China time on the day it speaks for, never before the report.
            let at = v
                .reviewed_on
                .and_hms_opt(1, 0, 0)
                .map_or(*created_at, |t| t.and_utc())
                .max(*created_at);
            q = q
                .bind(id)
                .bind(v.decision.as_str())
                .bind(&v.reason)
                .bind(&v.reviewer)
                .bind(v.reviewed_on)
                .bind(true)
                .bind(at)
                .bind(sanzhi_domain::report::china_day(at))
                .bind(
                    v.accepts_claimed_day
                        && v.decision == sanzhi_domain::ReviewDecision::Accepted
                        && *late_filed,
                );
        }
        q.execute(&mut *tx).await?;
    }
    refresh_facts(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(reports.len() as u64)
}
