//! Reminder settings per plan, 催办 and their answers, and which reminder days have run.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;
use sanzhi_domain::remind::{ReminderSettings, Urge, UrgeAnswer};

pub(crate) async fn reminder_settings(
    pool: &Pool,
) -> Result<std::collections::BTreeMap<String, ReminderSettings>, StoreError> {
    let rows: Vec<(String, String, i32)> =
        sqlx::query_as("SELECT plan_code, lead_days, urge_limit FROM plan_reminders")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(code, days, limit)| {
            ReminderSettings::parse(&days, &limit.to_string())
                .map(|s| (code, s))
                .map_err(|e| StoreError::Invalid(e.to_string()))
        })
        .collect()
}

pub(crate) async fn set_reminder_settings(
    pool: &Pool,
    plan: &str,
    settings: &ReminderSettings,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let limit =
        i32::try_from(settings.urge_limit).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut tx = begin_write(pool).await?;
    let before: Option<(String, i32)> =
        sqlx::query_as("SELECT lead_days, urge_limit FROM plan_reminders WHERE plan_code = $1")
            .bind(plan)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO plan_reminders (plan_code, lead_days, urge_limit, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (plan_code) DO UPDATE SET lead_days = excluded.lead_days,
             urge_limit = excluded.urge_limit, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at",
    )
    .bind(plan)
    .bind(settings.lead_days_text())
    .bind(limit)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let before =
        before.map(|(d, l)| serde_json::json!({"lead_days": d, "urge_limit": l}).to_string());
    let after = serde_json::json!({"lead_days": settings.lead_days_text(), "urge_limit": limit})
        .to_string();
    audit(
        &mut tx,
        actor,
        AuditAction::PlanReminders,
        plan,
        before.as_deref(),
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// id, assignment, plan code, item number, unit, message, reply by, by (name), at, demo,
/// answer note, answer report, answered by, answered at.
type UrgeTuple = (
    i64,
    i64,
    String,
    i32,
    String,
    String,
    Option<chrono::NaiveDate>,
    String,
    chrono::DateTime<chrono::Utc>,
    bool,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
);

const URGE_SELECT: &str = "
    SELECT g.id, g.assignment_id, p.code, w.number, u.name, g.message, g.reply_by,
           g.urged_by_name, g.urged_at, g.is_demo,
           a.note, a.report_id, a.answered_by, a.answered_at
    FROM urges g
    JOIN assignments s ON s.id = g.assignment_id
    JOIN work_items w ON w.id = s.work_item_id
    JOIN plans p ON p.id = w.plan_id
    JOIN units u ON u.id = s.unit_id
    LEFT JOIN urge_answers a ON a.urge_id = g.id";

fn urge_of(t: UrgeTuple) -> Urge {
    let (
        id,
        assignment_id,
        plan_code,
        item_number,
        unit,
        message,
        reply_by,
        by,
        at,
        is_demo,
        note,
        report_id,
        answered_by,
        answered_at,
    ) = t;
    let answer = match (answered_by, answered_at) {
        (Some(by), Some(at)) => Some(UrgeAnswer {
            note: note.unwrap_or_default(),
            report_id,
            by,
            at,
        }),
        _ => None,
    };
    Urge {
        id,
        assignment_id,
        plan_code,
        item_number,
        unit,
        message,
        reply_by,
        by,
        at,
        is_demo,
        answer,
    }
}

/// The 催办 in `scope`, oldest first.
pub(crate) async fn urges(pool: &Pool, scope: &crate::UrgeScope) -> Result<Vec<Urge>, StoreError> {
    let rows: Vec<UrgeTuple> = sqlx::query_as(&format!(
        "{URGE_SELECT}
         WHERE ($1 IS NULL OR u.name = $1)
           AND ($2 IS NULL OR p.code = $2)
           AND ($3 IS NULL OR w.number = $3)
           AND ($4 IS NULL OR g.assignment_id = $4)
         ORDER BY g.urged_at, g.id"
    ))
    .bind(scope.unit.as_deref())
    .bind(scope.plan.as_deref())
    .bind(scope.item)
    .bind(scope.assignment)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(urge_of).collect())
}

async fn urge_in(tx: &mut Tx<'_>, id: i64) -> Result<Option<Urge>, StoreError> {
    let row: Option<UrgeTuple> = sqlx::query_as(&format!("{URGE_SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(urge_of))
}

pub(crate) async fn urge(pool: &Pool, id: i64) -> Result<Option<Urge>, StoreError> {
    let row: Option<UrgeTuple> = sqlx::query_as(&format!("{URGE_SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(urge_of))
}

/// Records a 催办 (checked by [`sanzhi_domain::remind::check_urge`] before), audited.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_urge(
    pool: &Pool,
    assignment_id: i64,
    message: &str,
    reply_by: Option<chrono::NaiveDate>,
    by: &str,
    by_name: &str,
    now: chrono::DateTime<chrono::Utc>,
    is_demo: bool,
) -> Result<Urge, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    ensure_writable(&mut tx, assignment_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO urges (assignment_id, message, reply_by, urged_by, urged_by_name, urged_at,
             is_demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(assignment_id)
    .bind(message)
    .bind(reply_by)
    .bind(by)
    .bind(by_name)
    .bind(now)
    .bind(is_demo)
    .fetch_one(&mut *tx)
    .await?;
    let after =
        serde_json::json!({"urge": id, "message": message, "reply_by": reply_by}).to_string();
    audit(
        &mut tx,
        by,
        AuditAction::UrgeAdd,
        &assignment_id.to_string(),
        None,
        Some(&after),
        now,
    )
    .await?;
    let urge = urge_in(&mut tx, id)
        .await?
        .ok_or_else(|| StoreError::Invalid("催办未写入".into()))?;
    tx.commit().await?;
    Ok(urge)
}

/// Answers a 催办 with a 说明 and/or a report of the same assignment, once; audited.
/// `Ok(None)`: no such 催办. An answered one is refused ([`StoreError::Conflict`]).
pub(crate) async fn answer_urge(
    pool: &Pool,
    urge_id: i64,
    note: &str,
    report_id: Option<i64>,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Urge>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    let Some(urge) = urge_in(&mut tx, urge_id).await? else {
        return Ok(None);
    };
    if urge.answer.is_some() {
        return Err(StoreError::Invalid(format!(
            "催办 {urge_id} 已于 {} 由 {} 答复",
            sanzhi_domain::report::china_day(urge.answer.as_ref().map_or(now, |a| a.at)),
            urge.answer.as_ref().map_or("", |a| a.by.as_str())
        )));
    }
    if let Some(r) = report_id {
        let of: Option<i64> =
            sqlx::query_scalar("SELECT assignment_id FROM progress_reports WHERE id = $1")
                .bind(r)
                .fetch_optional(&mut *tx)
                .await?;
        if of != Some(urge.assignment_id) {
            return Err(StoreError::Invalid(format!(
                "report_id：报告 {r} 不是这项分工的报告"
            )));
        }
    }
    sqlx::query(
        "INSERT INTO urge_answers (urge_id, note, report_id, answered_by, answered_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(urge_id)
    .bind(note)
    .bind(report_id)
    .bind(by)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"urge": urge_id, "note": note, "report": report_id}).to_string();
    audit(
        &mut tx,
        by,
        AuditAction::UrgeAnswer,
        &urge.assignment_id.to_string(),
        None,
        Some(&after),
        now,
    )
    .await?;
    let urge = urge_in(&mut tx, urge_id).await?;
    tx.commit().await?;
    Ok(urge)
}

/// Whether the digests of `day` were made.
pub(crate) async fn reminder_day_done(
    pool: &Pool,
    day: chrono::NaiveDate,
) -> Result<bool, StoreError> {
    let n: i64 =
        sqlx::query_scalar("SELECT CAST(count(*) AS BIGINT) FROM reminder_days WHERE day = $1")
            .bind(day)
            .fetch_one(pool)
            .await?;
    Ok(n > 0)
}

/// The last day whose digests were made.
pub(crate) async fn last_reminder_day(
    pool: &Pool,
) -> Result<Option<chrono::NaiveDate>, StoreError> {
    Ok(sqlx::query_scalar("SELECT max(day) FROM reminder_days")
        .fetch_one(pool)
        .await?)
}
