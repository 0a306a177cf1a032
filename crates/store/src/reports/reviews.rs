//! Coordinators' reviews of done reports, one or a batch, and the queue of those pending.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// Records a coordinator's decision on a done report, with its audit entry, in one
/// transaction. `Ok(Err(existing))` when the report was already reviewed: nothing is written.
/// The choice to count a 补报 on the day it claims is kept only on the acceptance of a 补报
/// (it means nothing elsewhere); the audit entry's `after` always states it.
pub(crate) async fn add_review(
    pool: &Pool,
    r: &sanzhi_domain::NewReview,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Result<sanzhi_domain::Review, sanzhi_domain::Review>, StoreError> {
    let mut tx = begin_write(pool).await?;
    match review_in(&mut tx, r, now).await? {
        Reviewed::Made(review) => {
            tx.commit().await?;
            Ok(Ok(review))
        }
        Reviewed::Before(first) => Ok(Err(first)),
        Reviewed::Raced => {
            drop(tx);
            // Another reviewer decided meanwhile.
            let row: ReviewRow = sqlx::query_as(&format!(
                "SELECT {REVIEW_COLUMNS} FROM report_reviews WHERE report_id = $1"
            ))
            .bind(r.report_id)
            .fetch_one(pool)
            .await?;
            Ok(Err(row.into_review()?))
        }
    }
}

/// What [`review_in`] did.
enum Reviewed {
    Made(sanzhi_domain::Review),
    /// Someone had already decided: that decision.
    Before(sanzhi_domain::Review),
    /// Someone decided between the check and the insert (PostgreSQL): the transaction is
    /// spoilt and must be dropped.
    Raced,
}

/// Records one decision with its audit entry inside the caller's write transaction.
async fn review_in(
    tx: &mut Tx<'_>,
    r: &sanzhi_domain::NewReview,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reviewed, StoreError> {
    let report: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE id = $1"
    ))
    .bind(r.report_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(report) = report else {
        return Err(StoreError::NotFound(format!("报告 {}", r.report_id)));
    };
    ensure_writable(tx, report.assignment_id).await?;
    if report.state != "done" {
        return Err(StoreError::Invalid(
            "report_id：只有“已完成”的报告需要签收或退回".to_owned(),
        ));
    }
    let existing: Option<ReviewRow> = sqlx::query_as(&format!(
        "SELECT {REVIEW_COLUMNS} FROM report_reviews WHERE report_id = $1"
    ))
    .bind(r.report_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(e) = existing {
        return Ok(Reviewed::Before(e.into_review()?));
    }
    let accepts_claimed_day = r.accepts_claimed_day
        && r.decision == sanzhi_domain::ReviewDecision::Accepted
        && report.late_filed;
    let inserted: Result<ReviewRow, sqlx::Error> = sqlx::query_as(&format!(
        "INSERT INTO report_reviews (report_id, decision, reason, reviewer, reviewed_on, is_demo,
             created_at, recorded_on, accepts_claimed_day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING {REVIEW_COLUMNS}"
    ))
    .bind(r.report_id)
    .bind(r.decision.as_str())
    .bind(&r.reason)
    .bind(&r.reviewer)
    .bind(r.reviewed_on)
    .bind(r.is_demo)
    .bind(now)
    .bind(sanzhi_domain::report::china_day(now))
    .bind(accepts_claimed_day)
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(row) => {
            let review = row.into_review()?;
            let before = report.clone().into_report()?;
            // The decision, and for a done report the day it now counts as done from (and,
            // for a 补报, whether the claimed day was chosen).
            let mut after = serde_json::to_value(&review).unwrap_or_default();
            if let Some(o) = after.as_object_mut() {
                o.insert(
                    "accepts_claimed_day".into(),
                    serde_json::Value::Bool(review.accepts_claimed_day),
                );
                o.insert(
                    "late_filed".into(),
                    serde_json::Value::Bool(before.late_filed),
                );
                if review.decision == sanzhi_domain::ReviewDecision::Accepted {
                    let mut counted = before.clone();
                    counted.review = Some(review.clone());
                    o.insert(
                        "counts_as_done_on".into(),
                        serde_json::Value::String(counted.done_on().to_string()),
                    );
                }
            }
            audit(
                tx,
                &r.reviewer,
                match r.decision {
                    sanzhi_domain::ReviewDecision::Accepted => AuditAction::ReportAccept,
                    sanzhi_domain::ReviewDecision::Returned => AuditAction::ReportReturn,
                },
                &report.assignment_id.to_string(),
                Some(&to_json(&before)),
                Some(&to_json(&after)),
                now,
            )
            .await?;
            refresh_facts(tx, &[report.assignment_id]).await?;
            Ok(Reviewed::Made(review))
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Reviewed::Raced),
        Err(e) => Err(e.into()),
    }
}

/// Accepts several done reports at once, all or none: a report already decided, or not a
/// done report, refuses the whole batch naming it. Returns the decisions made.
pub(crate) async fn add_reviews(
    pool: &Pool,
    reviews: &[sanzhi_domain::NewReview],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<sanzhi_domain::Review>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut made = Vec::with_capacity(reviews.len());
    for r in reviews {
        match review_in(&mut tx, r, now).await? {
            Reviewed::Made(review) => made.push(review),
            Reviewed::Before(first) => {
                return Err(StoreError::Invalid(format!(
                    "report_ids：报告 #{} 已由{}于 {} {}，本次全部未作更改",
                    r.report_id,
                    first.reviewer,
                    first.reviewed_on,
                    first.decision.label_zh().trim_start_matches('已')
                )))
            }
            Reviewed::Raced => {
                return Err(StoreError::Invalid(format!(
                    "report_ids：报告 #{} 刚由他人处理，本次全部未作更改",
                    r.report_id
                )))
            }
        }
    }
    tx.commit().await?;
    Ok(made)
}

/// Done reports no one has reviewed, of one plan or all, oldest first.
pub(crate) async fn pending_reviews(
    pool: &Pool,
    plan: Option<&str>,
) -> Result<Vec<sanzhi_domain::PendingReview>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        report: ReportRow,
        plan_code: String,
        plan_short_name: String,
        item_number: i32,
        item_text: String,
        unit: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, r.assignment_id, r.version, r.state, r.milestone_seq, r.reported_on,
                r.achieved, r.narrative, r.evidence, r.reporter, r.corrects_id, r.is_demo,
                r.created_at, r.late_filed,
                p.code AS plan_code, p.short_name AS plan_short_name, w.number AS item_number,
                w.body AS item_text, u.name AS unit
         FROM progress_reports r
         JOIN assignments a ON a.id = r.assignment_id
         JOIN units u ON u.id = a.unit_id
         JOIN work_items w ON w.id = a.work_item_id
         JOIN plans p ON p.id = w.plan_id
         WHERE r.state = 'done'
           AND NOT EXISTS (SELECT 1 FROM report_reviews v WHERE v.report_id = r.id)
           AND ($1 IS NULL OR p.code = $1)
         ORDER BY r.created_at, r.id",
    )
    .bind(plan)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(sanzhi_domain::PendingReview {
                report: r.report.into_report()?,
                plan_code: r.plan_code,
                plan_short_name: r.plan_short_name,
                item_number: r.item_number,
                item_text: r.item_text,
                unit: r.unit,
            })
        })
        .collect()
}
