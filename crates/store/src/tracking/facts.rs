//! Status facts kept in the write (migration 26, `sanzhi_domain::facts`): rebuilt for the
//! assignments a write touches, in its transaction, from their reports and reviews; read for a
//! day as one row per assignment.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;
use sanzhi_domain::facts::{self, FactSpan, StatusFacts};

/// What the facts need of a report (not its text).
#[derive(sqlx::FromRow)]
struct FactReportRow {
    id: i64,
    assignment_id: i64,
    version: i32,
    state: String,
    milestone_seq: Option<i32>,
    reported_on: chrono::NaiveDate,
    created_at: chrono::DateTime<chrono::Utc>,
    late_filed: bool,
}

/// What the facts need of a review.
#[derive(sqlx::FromRow)]
struct FactReviewRow {
    report_id: i64,
    decision: String,
    reviewed_on: chrono::NaiveDate,
    created_at: chrono::DateTime<chrono::Utc>,
    accepts_claimed_day: bool,
}

const FACT_REPORT_COLUMNS: &str =
    "r.id, r.assignment_id, r.version, r.state, r.milestone_seq, r.reported_on, r.created_at, r.late_filed";
const FACT_REVIEW_COLUMNS: &str =
    "v.report_id, v.decision, v.reviewed_on, v.created_at, v.accepts_claimed_day";

/// The reports (with their reviews) of `assignments`, or of every assignment, by assignment.
async fn fact_reports(
    tx: &mut Tx<'_>,
    assignments: Option<&[i64]>,
) -> Result<HashMap<i64, Vec<sanzhi_domain::Report>>, StoreError> {
    let filter = assignments.map_or_else(String::new, |ids| {
        format!("WHERE {}", in_list("r.assignment_id", ids, 1))
    });
    let sql = format!("SELECT {FACT_REPORT_COLUMNS} FROM progress_reports r {filter}");
    let mut q = sqlx::query_as::<_, FactReportRow>(&sql);
    for id in assignments.unwrap_or_default() {
        q = q.bind(id);
    }
    let reports = q.fetch_all(&mut **tx).await?;
    let sql = format!(
        "SELECT {FACT_REVIEW_COLUMNS} FROM report_reviews v
         JOIN progress_reports r ON r.id = v.report_id {filter}"
    );
    let mut q = sqlx::query_as::<_, FactReviewRow>(&sql);
    for id in assignments.unwrap_or_default() {
        q = q.bind(id);
    }
    let mut reviews: HashMap<i64, sanzhi_domain::Review> = HashMap::new();
    for v in q.fetch_all(&mut **tx).await? {
        let decision = sanzhi_domain::ReviewDecision::parse(&v.decision)
            .ok_or_else(|| StoreError::Corrupt(format!("review decision {}", v.decision)))?;
        reviews.insert(
            v.report_id,
            sanzhi_domain::Review {
                id: 0,
                report_id: v.report_id,
                decision,
                reason: String::new(),
                reviewer: String::new(),
                reviewed_on: v.reviewed_on,
                is_demo: false,
                created_at: v.created_at,
                accepts_claimed_day: v.accepts_claimed_day,
            },
        );
    }
    let mut by_assignment: HashMap<i64, Vec<sanzhi_domain::Report>> = HashMap::new();
    for r in reports {
        let state = sanzhi_domain::ReportState::parse(&r.state)
            .ok_or_else(|| StoreError::Corrupt(format!("report state {}", r.state)))?;
        by_assignment
            .entry(r.assignment_id)
            .or_default()
            .push(sanzhi_domain::Report {
                id: r.id,
                assignment_id: r.assignment_id,
                version: r.version,
                state,
                milestone_seq: r.milestone_seq,
                reported_on: r.reported_on,
                achieved: None,
                narrative: String::new(),
                evidence: Vec::new(),
                reporter: String::new(),
                corrects_id: None,
                is_demo: false,
                created_at: r.created_at,
                late_filed: r.late_filed,
                review: reviews.remove(&r.id),
            });
    }
    Ok(by_assignment)
}

/// Columns of a stored span, in the order [`insert_spans`] binds them.
const SPAN_COLUMNS: &str = "assignment_id, valid_from, valid_until, report_count, whole_done,
    milestone_done, days, awaiting_review, returned_report_id, last_reported_on, last_late_filed";
const SPAN_WIDTH: usize = 11;
/// Spans per statement (11 parameters each).
const SPAN_CHUNK: usize = 400;

async fn insert_spans(tx: &mut Tx<'_>, spans: &[(i64, FactSpan)]) -> Result<(), StoreError> {
    for chunk in spans.chunks(SPAN_CHUNK) {
        let sql = format!(
            "INSERT INTO status_facts ({SPAN_COLUMNS}) VALUES {}",
            value_rows(chunk.len(), SPAN_WIDTH)
        );
        let mut q = sqlx::query(&sql);
        for (assignment, s) in chunk {
            let f = &s.facts;
            q = q
                .bind(assignment)
                .bind(s.valid_from)
                .bind(s.valid_until)
                .bind(f.report_count)
                .bind(f.whole_done)
                .bind(facts::encode_milestones(&f.milestone_done))
                .bind(facts::encode_days(&f.days))
                .bind(f.awaiting_review)
                .bind(f.returned_report)
                .bind(f.last_reported_on)
                .bind(f.last_late_filed);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Rebuilds the facts of `assignments` from their reports and reviews, in the caller's
/// transaction: every write that adds or removes a report or a review calls this before it
/// commits.
pub(crate) async fn refresh_facts(tx: &mut Tx<'_>, assignments: &[i64]) -> Result<(), StoreError> {
    let mut ids = assignments.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(ID_CHUNK) {
        let mut reports = fact_reports(tx, Some(chunk)).await?;
        let sql = format!(
            "DELETE FROM status_facts WHERE {}",
            in_list("assignment_id", chunk, 1)
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut **tx).await?;
        let mut spans = Vec::new();
        for id in chunk {
            let history = facts::history(&reports.remove(id).unwrap_or_default());
            spans.extend(history.into_iter().map(|s| (*id, s)));
        }
        insert_spans(tx, &spans).await?;
    }
    record_changes(tx, &ids).await
}

/// Records that `ids`' facts changed, under the tracking version this transaction moves to
/// (see migration 28 and [`crate::StatusMirror`]); now and then prunes the old records.
async fn record_changes(tx: &mut Tx<'_>, ids: &[i64]) -> Result<(), StoreError> {
    let version = tracking_version_in(tx).await?;
    // `ids` are sorted and distinct.
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "INSERT INTO fact_changes (version, assignment_id) VALUES {}",
            value_rows(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(version).bind(id);
        }
        q.execute(&mut **tx).await?;
    }
    prune_changes(tx, version, "fact_changes", "status_facts_state").await?;
    Ok(())
}

/// What changed since tracking version `since`: the assignments whose facts changed, or
/// `None` when the records of some of those changes were pruned (or the facts rebuilt) —
/// then everything must be read again.
pub(crate) async fn fact_changes_since(
    pool: &Pool,
    since: i64,
) -> Result<Option<Vec<i64>>, StoreError> {
    let pruned_below: i64 =
        sqlx::query_scalar("SELECT pruned_below FROM status_facts_state WHERE id = 1")
            .fetch_one(pool)
            .await?;
    if since < pruned_below {
        return Ok(None);
    }
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT assignment_id FROM fact_changes WHERE version > $1")
            .bind(since)
            .fetch_all(pool)
            .await?;
    Ok(Some(ids))
}

/// Builds every assignment's facts from the stored reports, once after migration 26 (and
/// whenever `status_facts_state.built` is false, or when `force`d); nothing when they are
/// built. Whether it built them.
pub(crate) async fn ensure_facts(pool: &Pool, force: bool) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    // Two servers starting at once on one PostgreSQL build them once.
    lock_key(&mut tx, "status_facts").await?;
    let built: bool = sqlx::query_scalar("SELECT built FROM status_facts_state WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    if built && !force {
        return Ok(false);
    }
    sqlx::query("DELETE FROM status_facts")
        .execute(&mut *tx)
        .await?;
    let reports = fact_reports(&mut tx, None).await?;
    let mut ids: Vec<i64> = reports.keys().copied().collect();
    ids.sort_unstable();
    let mut spans = Vec::new();
    for id in ids {
        let history = facts::history(&reports[&id]);
        spans.extend(history.into_iter().map(|s| (id, s)));
        if spans.len() >= 20 * SPAN_CHUNK {
            insert_spans(&mut tx, &spans).await?;
            spans.clear();
        }
    }
    insert_spans(&mut tx, &spans).await?;
    // Every app server's facts in memory are read again (the version moves, and they are
    // behind the pruning line).
    sqlx::query("UPDATE versions SET n = n + 1 WHERE area = 'tracking'")
        .execute(&mut *tx)
        .await?;
    let version = tracking_version_in(&mut tx).await?;
    sqlx::query("DELETE FROM fact_changes")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE status_facts_state SET built = TRUE, pruned_below = $1 WHERE id = 1")
        .bind(version)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct FactRow {
    assignment_id: i64,
    report_count: i32,
    whole_done: Option<chrono::NaiveDate>,
    milestone_done: String,
    days: String,
    awaiting_review: bool,
    returned_report_id: Option<i64>,
    last_reported_on: Option<chrono::NaiveDate>,
    last_late_filed: bool,
}

impl FactRow {
    fn into_facts(self) -> Result<(i64, StatusFacts), StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("status_facts {} {what}", self.assignment_id));
        Ok((
            self.assignment_id,
            StatusFacts {
                report_count: self.report_count,
                whole_done: self.whole_done,
                milestone_done: facts::decode_milestones(&self.milestone_done)
                    .ok_or_else(|| corrupt("milestone_done"))?,
                days: facts::decode_days(&self.days).ok_or_else(|| corrupt("days"))?,
                awaiting_review: self.awaiting_review,
                returned_report: self.returned_report_id,
                last_reported_on: self.last_reported_on,
                last_late_filed: self.last_late_filed,
            },
        ))
    }
}

const FACT_COLUMNS: &str = "assignment_id, report_count, whole_done, milestone_done, days,
    awaiting_review, returned_report_id, last_reported_on, last_late_filed";

/// The facts of `day` of `assignments` (or of every assignment that has any), by assignment:
/// an assignment without a row had no report a replay of that day sees.
pub(crate) async fn facts_on(
    pool: &Pool,
    assignments: Option<&[i64]>,
    day: chrono::NaiveDate,
) -> Result<HashMap<i64, StatusFacts>, StoreError> {
    let mut rows: Vec<FactRow> = Vec::new();
    match assignments {
        None => {
            // Two index ranges: the rows still holding, and those that ended after the day.
            let sql = format!(
                "SELECT {FACT_COLUMNS} FROM status_facts
                 WHERE valid_until IS NULL AND valid_from <= $1
                 UNION ALL
                 SELECT {FACT_COLUMNS} FROM status_facts
                 WHERE valid_until > $2 AND valid_from <= $3"
            );
            rows = sqlx::query_as(&sql)
                .bind(day)
                .bind(day)
                .bind(day)
                .fetch_all(pool)
                .await?;
        }
        Some(ids) => {
            for chunk in ids.chunks(ID_CHUNK) {
                let sql = format!(
                    "SELECT {FACT_COLUMNS} FROM status_facts
                     WHERE {} AND valid_from <= {} AND (valid_until IS NULL OR valid_until > {})",
                    in_list("assignment_id", chunk, 1),
                    param(chunk.len() + 1),
                    param(chunk.len() + 2)
                );
                let mut q = sqlx::query_as::<_, FactRow>(&sql);
                for id in chunk {
                    q = q.bind(id);
                }
                rows.extend(q.bind(day).bind(day).fetch_all(pool).await?);
            }
        }
    }
    rows.into_iter().map(FactRow::into_facts).collect()
}

/// Every stored span as text, in key order: for checks that compare the kept facts with facts
/// built again.
pub(crate) async fn fact_rows(pool: &Pool) -> Result<Vec<String>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Span {
        valid_from: chrono::NaiveDate,
        valid_until: Option<chrono::NaiveDate>,
        #[sqlx(flatten)]
        row: FactRow,
    }
    let rows: Vec<Span> = sqlx::query_as(&format!(
        "SELECT valid_from, valid_until, {FACT_COLUMNS} FROM status_facts
         ORDER BY assignment_id, valid_from"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|s| {
            let (valid_from, valid_until) = (s.valid_from, s.valid_until);
            let (id, facts) = s.row.into_facts()?;
            Ok(format!("{id} {valid_from} {valid_until:?} {facts:?}"))
        })
        .collect()
}
