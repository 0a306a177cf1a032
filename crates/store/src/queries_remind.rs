//! Queries of reminders (issue 22): plan settings, 催办 and answers, the day's digests and
//! their outbox, unit webhooks and e-mail addresses. Written once and compiled per backend like
//! queries.rs (a module of each backend's, beside it).

use super::*;

use sanzhi_domain::remind::{Digest, DigestLine, ReminderSettings, Urge, UrgeAnswer};

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
        "plan.reminders",
        "plan",
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
        "urge.add",
        "assignment",
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
        "urge.answer",
        "assignment",
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

/// Writes the digests of `day` and their outbox (an e-mail per address of the unit's active
/// accounts, a message per active hook of the unit) in one transaction, together with the
/// day's row: `None` (nothing written) when the day was made already, by this server or
/// another.
pub(crate) async fn write_digests(
    pool: &Pool,
    day: chrono::NaiveDate,
    digests: &[Digest],
    ran_by: &str,
    is_demo: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::DayWritten>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let n = i32::try_from(digests.len()).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let claimed = sqlx::query(
        "INSERT INTO reminder_days (day, ran_at, ran_by, digests) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day) DO NOTHING",
    )
    .bind(day)
    .bind(now)
    .bind(ran_by)
    .bind(n)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(None);
    }
    let units: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM units")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let emails: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT unit_id, email FROM users
         WHERE active AND unit_id IS NOT NULL AND email IS NOT NULL AND email <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    let hooks: Vec<(i64, i64)> = sqlx::query_as("SELECT unit_id, id FROM unit_hooks WHERE active")
        .fetch_all(&mut *tx)
        .await?;
    let epoch = now.timestamp();
    let mut written = crate::DayWritten::default();
    for d in digests {
        let Some(unit_id) = units.get(&d.unit) else {
            continue;
        };
        let lines =
            serde_json::to_string(&d.lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO digests (unit_id, day, title, lines, created_at, is_demo)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit_id)
        .bind(day)
        .bind(d.title_zh())
        .bind(lines)
        .bind(now)
        .bind(is_demo)
        .fetch_one(&mut *tx)
        .await?;
        written.digests += 1;
        if is_demo {
            // Demo digests are shown in the inbox, never sent.
            continue;
        }
        for (_, email) in emails.iter().filter(|(u, _)| u == unit_id) {
            sqlx::query(
                "INSERT INTO outbox (digest_id, channel, target, status, next_attempt_at, created_at)
                 VALUES ($1, 'email', $2, 'pending', $3, $4)",
            )
            .bind(id)
            .bind(email)
            .bind(epoch)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written.messages += 1;
        }
        for (_, hook) in hooks.iter().filter(|(u, _)| u == unit_id) {
            sqlx::query(
                "INSERT INTO outbox (digest_id, channel, target, hook_id, status, next_attempt_at,
                     created_at)
                 VALUES ($1, 'webhook', $2, $3, 'pending', $4, $5)",
            )
            .bind(id)
            .bind(format!("hook:{hook}"))
            .bind(hook)
            .bind(epoch)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written.messages += 1;
        }
    }
    tx.commit().await?;
    Ok(Some(written))
}

/// id, unit, day, title, lines (JSON), demo, read.
type InboxTuple = (i64, String, chrono::NaiveDate, String, String, bool, bool);

fn inbox_of(t: InboxTuple) -> Result<crate::InboxDigest, StoreError> {
    let (id, unit, day, title, lines, is_demo, read) = t;
    let lines: Vec<DigestLine> =
        serde_json::from_str(&lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(crate::InboxDigest {
        id,
        read,
        is_demo,
        title,
        digest: Digest { unit, day, lines },
    })
}

/// A unit's digests, newest first (at most `limit`), each marked read or not for `user_id`.
pub(crate) async fn inbox(
    pool: &Pool,
    unit: &str,
    user_id: i64,
    limit: i64,
) -> Result<Vec<crate::InboxDigest>, StoreError> {
    let rows: Vec<InboxTuple> = sqlx::query_as(
        "SELECT d.id, u.name, d.day, d.title, d.lines, d.is_demo,
                EXISTS (SELECT 1 FROM digest_reads r WHERE r.digest_id = d.id AND r.user_id = $1)
         FROM digests d JOIN units u ON u.id = d.unit_id
         WHERE u.name = $2
         ORDER BY d.day DESC, d.id DESC
         LIMIT $3",
    )
    .bind(user_id)
    .bind(unit)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(inbox_of).collect()
}

/// How many of a unit's digests `user_id` has not read.
pub(crate) async fn unread(pool: &Pool, unit: &str, user_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(count(*) AS BIGINT) FROM digests d JOIN units u ON u.id = d.unit_id
         WHERE u.name = $1
           AND NOT EXISTS (SELECT 1 FROM digest_reads r WHERE r.digest_id = d.id AND r.user_id = $2)",
    )
    .bind(unit)
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Marks the unit's digests (all, or the one given) read by `user_id`. How many were unread.
pub(crate) async fn mark_read(
    pool: &Pool,
    unit: &str,
    user_id: i64,
    digest: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    let mut tx = begin_write(pool).await?;
    let n = sqlx::query(
        "INSERT INTO digest_reads (digest_id, user_id, read_at)
         SELECT d.id, $1, $2 FROM digests d JOIN units u ON u.id = d.unit_id
         WHERE u.name = $3 AND ($4 IS NULL OR d.id = $4)
         ON CONFLICT (digest_id, user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now)
    .bind(unit)
    .bind(digest)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n)
}

/// id, digest, channel, target, hook, status, attempts, next attempt, last error, sent at,
/// created at, unit, day.
type OutboxTuple = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    i32,
    i64,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
    chrono::DateTime<chrono::Utc>,
    String,
    chrono::NaiveDate,
);

const OUTBOX_SELECT: &str = "
    SELECT o.id, o.digest_id, o.channel, o.target, o.hook_id, o.status, o.attempts,
           o.next_attempt_at, o.last_error, o.sent_at, o.created_at, u.name, d.day
    FROM outbox o
    JOIN digests d ON d.id = o.digest_id
    JOIN units u ON u.id = d.unit_id";

fn outbox_of(t: OutboxTuple) -> crate::OutboxRow {
    let (
        id,
        digest_id,
        channel,
        target,
        hook_id,
        status,
        attempts,
        next_attempt_at,
        last_error,
        sent_at,
        created_at,
        unit,
        day,
    ) = t;
    crate::OutboxRow {
        id,
        digest_id,
        channel,
        target,
        hook_id,
        status,
        attempts,
        next_attempt_at,
        last_error,
        sent_at,
        created_at,
        unit,
        day,
    }
}

/// Messages due to be sent at `now` (Unix seconds) and not leased by a sender, each leased
/// to the caller until `now + lease`: two servers never send the same message at once.
pub(crate) async fn claim_outbox(
    pool: &Pool,
    now: i64,
    lease: i64,
    limit: i64,
) -> Result<Vec<crate::OutboxJob>, StoreError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until < $1)
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut jobs = Vec::new();
    for id in due {
        let taken = sqlx::query(
            "UPDATE outbox SET lease_until = $1
             WHERE id = $2 AND status = 'pending' AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(now + lease)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
        if taken == 0 {
            continue;
        }
        let row: Option<OutboxTuple> = sqlx::query_as(&format!("{OUTBOX_SELECT} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
        let Some(row) = row else { continue };
        let row = outbox_of(row);
        let (title, lines): (String, String) =
            sqlx::query_as("SELECT title, lines FROM digests WHERE id = $1")
                .bind(row.digest_id)
                .fetch_one(pool)
                .await?;
        let lines: Vec<DigestLine> =
            serde_json::from_str(&lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let hook = match row.hook_id {
            Some(h) => hook_record(pool, h).await?,
            None => None,
        };
        jobs.push(crate::OutboxJob {
            digest: Digest {
                unit: row.unit.clone(),
                day: row.day,
                lines,
            },
            title,
            hook,
            row,
        });
    }
    Ok(jobs)
}

/// The message was delivered.
pub(crate) async fn outbox_sent(
    pool: &Pool,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1,
             lease_until = NULL, last_error = NULL
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The message failed: tried again from `next` (Unix seconds), or given up (`next` = None).
pub(crate) async fn outbox_failed(
    pool: &Pool,
    id: i64,
    error: &str,
    next: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = attempts + 1, lease_until = NULL,
             last_error = $2, next_attempt_at = $3
         WHERE id = $4",
    )
    .bind(if next.is_some() { "pending" } else { "failed" })
    .bind(error)
    .bind(next.unwrap_or(0))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// An admin sends a failed message again (from `now`, Unix seconds). `false`: not failed.
pub(crate) async fn outbox_retry(pool: &Pool, id: i64, now: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "UPDATE outbox SET status = 'pending', next_attempt_at = $1, lease_until = NULL
         WHERE id = $2 AND status = 'failed'",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected()
        > 0)
}

/// The newest messages (all, or of one status), at most `limit`.
pub(crate) async fn outbox_list(
    pool: &Pool,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<crate::OutboxRow>, StoreError> {
    let rows: Vec<OutboxTuple> = sqlx::query_as(&format!(
        "{OUTBOX_SELECT} WHERE ($1 IS NULL OR o.status = $1) ORDER BY o.id DESC LIMIT $2"
    ))
    .bind(status)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(outbox_of).collect())
}

/// id, unit, kind, url, secret, active, created by, created at.
type HookTuple = (
    i64,
    String,
    String,
    String,
    Option<String>,
    bool,
    String,
    chrono::DateTime<chrono::Utc>,
);

const HOOK_SELECT: &str = "
    SELECT h.id, u.name, h.kind, h.url, h.secret, h.active, h.created_by, h.created_at
    FROM unit_hooks h JOIN units u ON u.id = h.unit_id";

fn hook_of(t: HookTuple) -> crate::HookRecord {
    let (id, unit, kind, url, secret, active, created_by, created_at) = t;
    crate::HookRecord {
        id,
        unit,
        kind,
        url,
        secret,
        active,
        created_by,
        created_at,
    }
}

async fn hook_record(pool: &Pool, id: i64) -> Result<Option<crate::HookRecord>, StoreError> {
    let row: Option<HookTuple> = sqlx::query_as(&format!("{HOOK_SELECT} WHERE h.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(hook_of))
}

/// Every webhook, active first, by unit.
pub(crate) async fn unit_hooks(pool: &Pool) -> Result<Vec<crate::HookRecord>, StoreError> {
    let rows: Vec<HookTuple> = sqlx::query_as(&format!(
        "{HOOK_SELECT} ORDER BY h.active DESC, u.name, h.id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(hook_of).collect())
}

/// Adds a webhook to a unit (audited without its secret). `Ok(None)`: no such unit.
pub(crate) async fn add_unit_hook(
    pool: &Pool,
    unit: &str,
    kind: &str,
    url: &str,
    secret: Option<&str>,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::HookRecord>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let mut tx = begin_write(pool).await?;
    let unit_id: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
        .bind(unit)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(unit_id) = unit_id else {
        return Ok(None);
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO unit_hooks (unit_id, kind, url, secret, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(unit_id)
    .bind(kind)
    .bind(url)
    .bind(secret)
    .bind(actor)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::json!({
        "hook": id, "unit": unit, "kind": kind,
        "url": sanzhi_domain::remind::mask_url(url), "signed": secret.is_some(),
    })
    .to_string();
    audit(
        &mut tx,
        actor,
        "hook.add",
        "unit",
        unit,
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(crate::HookRecord {
        id,
        unit: unit.to_owned(),
        kind: kind.to_owned(),
        url: url.to_owned(),
        secret: secret.map(str::to_owned),
        active: true,
        created_by: actor.to_owned(),
        created_at: now,
    }))
}

/// Stops a webhook (kept, with its messages, for the record). `false`: no such active hook.
pub(crate) async fn stop_unit_hook(
    pool: &Pool,
    id: i64,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let unit: Option<String> = sqlx::query_scalar(
        "UPDATE unit_hooks SET active = FALSE WHERE id = $1 AND active
         RETURNING (SELECT name FROM units WHERE units.id = unit_hooks.unit_id)",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(unit) = unit else {
        return Ok(false);
    };
    // Messages not yet sent to it are not sent.
    sqlx::query(
        "UPDATE outbox SET status = 'failed', last_error = '接收地址已停用', lease_until = NULL
         WHERE hook_id = $1 AND status = 'pending'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let before = serde_json::json!({"hook": id, "active": true}).to_string();
    let after = serde_json::json!({"hook": id, "active": false}).to_string();
    audit(
        &mut tx,
        actor,
        "hook.stop",
        "unit",
        &unit,
        Some(&before),
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets (or clears, with `None`) an account's e-mail address, audited. `false`: no account.
pub(crate) async fn set_email(
    pool: &Pool,
    username: &str,
    email: Option<&str>,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let before: Option<Option<String>> =
        sqlx::query_scalar("SELECT email FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(before) = before else {
        return Ok(false);
    };
    sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
        .bind(email)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    let b = serde_json::json!({ "email": before }).to_string();
    let a = serde_json::json!({ "email": email }).to_string();
    audit(
        &mut tx,
        actor,
        "user.email",
        "user",
        username,
        Some(&b),
        Some(&a),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Every account's e-mail address, by username (accounts without one are left out).
pub(crate) async fn emails(pool: &Pool) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT username, email FROM users WHERE email IS NOT NULL AND email <> ''")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().collect())
}

/// id, month, doc no, closed by, by name, closed at, data version, overview JSON, demo.
type BulletinTuple = (
    i64,
    String,
    String,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    i64,
    String,
    bool,
);

const BULLETIN_COLUMNS: &str =
    "id, month, doc_no, closed_by, closed_by_name, closed_at, data_version, overview, is_demo";

fn bulletin_of(t: BulletinTuple) -> crate::BulletinRecord {
    let (id, month, doc_no, closed_by, closed_by_name, closed_at, data_version, overview, is_demo) =
        t;
    crate::BulletinRecord {
        id,
        month,
        doc_no,
        closed_by,
        closed_by_name,
        closed_at,
        data_version,
        overview,
        is_demo,
    }
}

/// Closes a month: keeps its 总览, audited. `Ok(Err(existing))` when it was closed before
/// (nothing written).
pub(crate) async fn close_month(
    pool: &Pool,
    b: &crate::NewBulletin<'_>,
) -> Result<Result<crate::BulletinRecord, crate::BulletinRecord>, StoreError> {
    let now = chrono::SubsecRound::trunc_subsecs(b.closed_at, 6);
    let mut tx = begin_write(pool).await?;
    let row: Option<BulletinTuple> = sqlx::query_as(&format!(
        "INSERT INTO bulletins (month, doc_no, closed_by, closed_by_name, closed_at, data_version,
             overview, is_demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (month) DO NOTHING
         RETURNING {BULLETIN_COLUMNS}"
    ))
    .bind(b.month)
    .bind(b.doc_no)
    .bind(b.closed_by)
    .bind(b.closed_by_name)
    .bind(now)
    .bind(b.data_version)
    .bind(b.overview)
    .bind(b.is_demo)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let existing: BulletinTuple = sqlx::query_as(&format!(
            "SELECT {BULLETIN_COLUMNS} FROM bulletins WHERE month = $1"
        ))
        .bind(b.month)
        .fetch_one(&mut *tx)
        .await?;
        return Ok(Err(bulletin_of(existing)));
    };
    let after = serde_json::json!({
        "month": b.month, "doc_no": b.doc_no, "data_version": b.data_version,
    })
    .to_string();
    audit(
        &mut tx,
        b.closed_by,
        "bulletin.close",
        "bulletin",
        b.month,
        None,
        Some(&after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(bulletin_of(row)))
}

pub(crate) async fn bulletin(
    pool: &Pool,
    month: &str,
) -> Result<Option<crate::BulletinRecord>, StoreError> {
    let row: Option<BulletinTuple> = sqlx::query_as(&format!(
        "SELECT {BULLETIN_COLUMNS} FROM bulletins WHERE month = $1"
    ))
    .bind(month)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(bulletin_of))
}

/// The closed months, newest first: (month, 文号, closed at, demo).
pub(crate) async fn bulletin_months(
    pool: &Pool,
) -> Result<Vec<(String, String, chrono::DateTime<chrono::Utc>, bool)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT month, doc_no, closed_at, is_demo FROM bulletins ORDER BY month DESC",
    )
    .fetch_all(pool)
    .await?)
}

/// Plan code, plan name, item number, unit, state or decision, day, by, recorded at.
type LateRow = (
    String,
    String,
    i32,
    String,
    String,
    chrono::NaiveDate,
    String,
    chrono::DateTime<chrono::Utc>,
);

/// What was recorded after `after` for days up to `until` (reports and reviews) and for the
/// months of `year` up to `month` (readings): the 通报后更正 of a closed month, oldest first.
pub(crate) async fn entries_after(
    pool: &Pool,
    until: chrono::NaiveDate,
    year: i32,
    month: u32,
    after: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<sanzhi_domain::overview::LateEntry>, StoreError> {
    use sanzhi_domain::overview::LateEntry;
    let reports: Vec<LateRow> = sqlx::query_as(
        "SELECT p.code, p.short_name, w.number, u.name, r.state, r.reported_on, r.reporter,
                    r.created_at
             FROM progress_reports r
             JOIN assignments a ON a.id = r.assignment_id
             JOIN work_items w ON w.id = a.work_item_id
             JOIN plans p ON p.id = w.plan_id
             JOIN units u ON u.id = a.unit_id
             WHERE r.reported_on <= $1 AND r.created_at > $2",
    )
    .bind(until)
    .bind(after)
    .fetch_all(pool)
    .await?;
    let reviews: Vec<LateRow> = sqlx::query_as(
        "SELECT p.code, p.short_name, w.number, u.name, v.decision, v.reviewed_on, v.reviewer,
                    v.created_at
             FROM report_reviews v
             JOIN progress_reports r ON r.id = v.report_id
             JOIN assignments a ON a.id = r.assignment_id
             JOIN work_items w ON w.id = a.work_item_id
             JOIN plans p ON p.id = w.plan_id
             JOIN units u ON u.id = a.unit_id
             WHERE v.reviewed_on <= $1 AND v.created_at > $2",
    )
    .bind(until)
    .bind(after)
    .fetch_all(pool)
    .await?;
    type ReadingRow = (
        String,
        String,
        i32,
        i32,
        f64,
        String,
        chrono::DateTime<chrono::Utc>,
    );
    let readings: Vec<ReadingRow> = sqlx::query_as(
        "SELECT r.indicator, r.place, r.year, r.month, r.value, r.recorded_by, r.recorded_at
         FROM readings r
         WHERE r.year = $1 AND r.month <= $2 AND r.recorded_at > $3",
    )
    .bind(year)
    .bind(i32::try_from(month).unwrap_or(12))
    .bind(after)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<LateEntry> = Vec::new();
    for (code, plan, n, unit, state, on, by, at) in reports {
        let state = sanzhi_domain::ReportState::parse(&state)
            .map_or(state.clone(), |s| s.label_zh().to_owned());
        out.push(LateEntry {
            kind: "report".into(),
            what: format!("{plan} ({n}) {unit}：{state}报告（报告日 {on}）"),
            by,
            at,
            href: Some(format!("/plans/{code}/items/{n}")),
        });
    }
    for (code, plan, n, unit, decision, on, by, at) in reviews {
        let decision = match decision.as_str() {
            "accepted" => "签收",
            "returned" => "退回",
            other => other,
        };
        out.push(LateEntry {
            kind: "review".into(),
            what: format!("{plan} ({n}) {unit}：完成报告{decision}（{on}）"),
            by,
            at,
            href: Some(format!("/plans/{code}/items/{n}")),
        });
    }
    for (indicator, place, y, m, value, by, at) in readings {
        out.push(LateEntry {
            kind: "reading".into(),
            what: format!("读数 {indicator} · {place} · {y}年{m}月 = {value}"),
            by,
            at,
            href: Some(format!("/readings?indicator={indicator}&year={y}")),
        });
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.what.cmp(&b.what)));
    Ok(out)
}
