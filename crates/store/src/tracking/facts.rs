//! Status facts kept in the write (migration 26, `sanzhi_domain::facts`): rebuilt for the
//! assignments a write touches, in its transaction, from their reports and reviews; read for a
//! day as one row per assignment.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;
use sanzhi_domain::facts::{self, FactSpan, StatusFacts};

/// What the facts need of a report (not its text), with its review if it has one (a report
/// has at most one: `report_reviews.report_id` is unique), and the day it was recorded.
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
    is_demo: bool,
    recorded_on: chrono::NaiveDate,
    decision: Option<String>,
    reviewed_on: Option<chrono::NaiveDate>,
    reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    accepts_claimed_day: Option<bool>,
}

const FACT_REPORT_SQL: &str = "SELECT r.id, r.assignment_id, r.version, r.state, r.milestone_seq,
        r.reported_on, r.created_at, r.late_filed, r.is_demo, r.recorded_on, v.decision,
        v.reviewed_on, v.created_at AS reviewed_at, v.accepts_claimed_day
    FROM progress_reports r LEFT JOIN report_reviews v ON v.report_id = r.id";

/// A report as the facts see it, and the day it was recorded (what a new report's day is
/// checked against).
pub(super) struct FactReport {
    pub(super) report: sanzhi_domain::Report,
    pub(super) recorded_on: chrono::NaiveDate,
}

impl FactReportRow {
    fn into_fact_report(self) -> Result<FactReport, StoreError> {
        let state = sanzhi_domain::ReportState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("report state {}", self.state)))?;
        let review = match (self.decision, self.reviewed_on, self.reviewed_at) {
            (Some(decision), Some(reviewed_on), Some(created_at)) => Some(sanzhi_domain::Review {
                id: 0,
                report_id: self.id,
                decision: sanzhi_domain::ReviewDecision::parse(&decision)
                    .ok_or_else(|| StoreError::Corrupt(format!("review decision {decision}")))?,
                reason: String::new(),
                reviewer: String::new(),
                reviewed_on,
                is_demo: false,
                created_at,
                accepts_claimed_day: self.accepts_claimed_day.unwrap_or(false),
            }),
            _ => None,
        };
        Ok(FactReport {
            report: sanzhi_domain::Report {
                id: self.id,
                assignment_id: self.assignment_id,
                version: self.version,
                state,
                milestone_seq: self.milestone_seq,
                reported_on: self.reported_on,
                achieved: None,
                narrative: String::new(),
                evidence: Vec::new(),
                reporter: String::new(),
                corrects_id: None,
                is_demo: self.is_demo,
                created_at: self.created_at,
                late_filed: self.late_filed,
                review,
            },
            recorded_on: self.recorded_on,
        })
    }
}

/// The reports (with their reviews) of `assignments`, or of every assignment, by assignment:
/// one statement.
pub(super) async fn fact_reports(
    tx: &mut Tx<'_>,
    assignments: Option<&[i64]>,
) -> Result<HashMap<i64, Vec<FactReport>>, StoreError> {
    let sql = match assignments {
        Some(ids) => format!(
            "{FACT_REPORT_SQL} WHERE {}",
            in_list("r.assignment_id", ids, 1)
        ),
        None => FACT_REPORT_SQL.to_owned(),
    };
    let mut q = sqlx::query_as::<_, FactReportRow>(&sql);
    for id in assignments.unwrap_or_default() {
        q = q.bind(id);
    }
    let mut by_assignment: HashMap<i64, Vec<FactReport>> = HashMap::new();
    for row in q.fetch_all(&mut **tx).await? {
        let r = row.into_fact_report()?;
        by_assignment
            .entry(r.report.assignment_id)
            .or_default()
            .push(r);
    }
    Ok(by_assignment)
}

/// The reports of a [`fact_reports`] entry, as the facts take them.
fn reports_of(list: Vec<FactReport>) -> Vec<sanzhi_domain::Report> {
    list.into_iter().map(|r| r.report).collect()
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
        let known = chunk
            .iter()
            .map(|id| (*id, reports_of(reports.remove(id).unwrap_or_default())))
            .collect::<Vec<_>>();
        replace_facts(tx, &known).await?;
    }
    record_changes(tx, &ids).await
}

/// [`refresh_facts`] of one assignment whose reports (with their reviews) the caller read in
/// this transaction and has added to: the facts built from them, without reading them again.
pub(super) async fn refresh_facts_of(
    tx: &mut Tx<'_>,
    assignment: i64,
    reports: Vec<sanzhi_domain::Report>,
) -> Result<(), StoreError> {
    replace_facts(tx, &[(assignment, reports)]).await?;
    record_changes(tx, &[assignment]).await
}

/// Replaces the stored facts of the assignments named (at most [`ID_CHUNK`]) by those built
/// from their reports.
async fn replace_facts(
    tx: &mut Tx<'_>,
    known: &[(i64, Vec<sanzhi_domain::Report>)],
) -> Result<(), StoreError> {
    let ids: Vec<i64> = known.iter().map(|(id, _)| *id).collect();
    let sql = format!(
        "DELETE FROM status_facts WHERE {}",
        in_list("assignment_id", &ids, 1)
    );
    let mut q = sqlx::query(&sql);
    for id in &ids {
        q = q.bind(id);
    }
    q.execute(&mut **tx).await?;
    let mut spans = Vec::new();
    for (id, reports) in known {
        spans.extend(facts::history(reports).into_iter().map(|s| (*id, s)));
    }
    insert_spans(tx, &spans).await
}

/// Records that `ids`' facts changed, under the tracking version this transaction moves to
/// (see migration 28 and [`crate::StatusMirror`]); now and then prunes the old records.
async fn record_changes(tx: &mut Tx<'_>, ids: &[i64]) -> Result<(), StoreError> {
    // `ids` are sorted and distinct. The version each row is recorded under is read by the
    // insert itself: the reports or reviews this transaction wrote first moved it (their
    // triggers, migration 27), and it stays locked until the commit.
    let mut version = None;
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "INSERT INTO fact_changes (version, assignment_id)
             SELECT (SELECT n FROM versions WHERE area = 'tracking'), x.column1
             FROM (VALUES {}) x RETURNING version",
            value_rows(chunk.len(), 1)
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        version = q.fetch_all(&mut **tx).await?.first().copied().or(version);
    }
    if let Some(version) = version {
        prune_changes(tx, version, "fact_changes", "status_facts_state").await?;
    }
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
    let mut reports = fact_reports(&mut tx, None).await?;
    let mut ids: Vec<i64> = reports.keys().copied().collect();
    ids.sort_unstable();
    let mut spans = Vec::new();
    for id in ids {
        let history = facts::history(&reports_of(reports.remove(&id).unwrap_or_default()));
        spans.extend(history.into_iter().map(|s| (id, s)));
        if spans.len() >= 20 * SPAN_CHUNK {
            insert_spans(&mut tx, &spans).await?;
            spans.clear();
        }
    }
    insert_spans(&mut tx, &spans).await?;
    // Every app server's facts in memory are read again (the version moves, and they are
    // behind the pruning line).
    let version: i64 =
        sqlx::query_scalar("UPDATE versions SET n = n + 1 WHERE area = 'tracking' RETURNING n")
            .fetch_one(&mut *tx)
            .await?;
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
