//! User accounts, the first admin's setup token, passwords and deactivation.
//!
//! Written once, compiled per backend: `sqlite.rs` and `postgres.rs` each declare this file as a
//! module of theirs (see `src/queries.rs`).

use super::*;

/// The columns a [`UserTuple`] is read from (users `us`, units `un`).
macro_rules! user_columns {
    () => {
        "us.id, us.username, us.display_name, us.role, us.plan_code, un.name AS unit,
         us.is_demo, us.password_hash, us.active, pl.short_name AS plan_name,
         pl.short_name_en AS plan_name_en"
    };
}

const USER_SELECT: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users us LEFT JOIN units un ON un.id = us.unit_id
      LEFT JOIN plans pl ON pl.code = us.plan_code"
);

type UserTuple = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    String,
    bool,
    Option<String>,
    Option<String>,
);

fn user_of(t: UserTuple) -> Result<crate::Credentials, StoreError> {
    let (id, username, display_name, role, plan, unit, is_demo, hash, active, name, name_en) = t;
    Ok(crate::Credentials {
        user: sanzhi_domain::User {
            id,
            username,
            display_name,
            role: sanzhi_domain::Role::parse(&role)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            plan,
            unit,
            is_demo,
            plan_name: name.map(|zh| sanzhi_domain::PlanLabel { zh, en: name_en }),
        },
        password_hash: hash,
        active,
    })
}

/// Creates a user, or with `replace_demo` resets the password of an existing demo user of
/// that name. Audited in the same transaction.
pub(crate) async fn save_user(
    pool: &Pool,
    u: &crate::NewUser,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let mut tx = begin_write(pool).await?;
    let unit_id: Option<i64> = match &u.unit {
        Some(name) => Some(
            sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("unit：没有单位“{name}”")))?,
        ),
        None => None,
    };
    if let Some(code) = &u.plan {
        // Any stored plan may have coordinators: the list of plans is the plans table.
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM plans WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::Invalid(format!("plan：没有方案“{code}”")));
        }
    }
    let existing: Option<(i64, bool)> =
        sqlx::query_as("SELECT id, is_demo FROM users WHERE username = $1")
            .bind(&u.username)
            .fetch_optional(&mut *tx)
            .await?;
    let after = format!(
        "{{\"username\":{},\"role\":\"{}\",\"plan\":{},\"unit\":{},\"is_demo\":{}}}",
        to_json(&u.username),
        u.role.as_str(),
        to_json(&u.plan),
        to_json(&u.unit),
        u.is_demo
    );
    let id = match existing {
        Some((id, true)) if u.is_demo => {
            sqlx::query(
                "UPDATE users SET password_hash = $1, display_name = $2, role = $3,
                    plan_code = $4, unit_id = $5, active = TRUE WHERE id = $6",
            )
            .bind(&u.password_hash)
            .bind(&u.display_name)
            .bind(u.role.as_str())
            .bind(&u.plan)
            .bind(unit_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor,
                AuditAction::UserResetDemo,
                &u.username,
                None,
                Some(&after),
                now,
            )
            .await?;
            id
        }
        Some(_) => {
            return Err(StoreError::Invalid(format!(
                "username：用户名“{}”已存在",
                u.username
            )));
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, password_hash, role, plan_code, unit_id,
                     is_demo, active, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) RETURNING id",
            )
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.as_str())
            .bind(&u.plan)
            .bind(unit_id)
            .bind(u.is_demo)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor,
                AuditAction::UserAdd,
                &u.username,
                None,
                Some(&after),
                now,
            )
            .await?;
            id
        }
    };
    if u.role == sanzhi_domain::Role::Admin {
        // The first admin exists: the setup addresses printed so far are void.
        sqlx::query("DELETE FROM setup_tokens")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn user_credentials(
    pool: &Pool,
    username: &str,
) -> Result<Option<crate::Credentials>, StoreError> {
    let row: Option<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} WHERE us.username = $1"))
        .bind(username)
        .fetch_optional(pool)
        .await?;
    row.map(user_of).transpose()
}

pub(crate) async fn user_by_id(
    pool: &Pool,
    id: i64,
) -> Result<Option<sanzhi_domain::User>, StoreError> {
    let row: Option<UserTuple> =
        sqlx::query_as(&format!("{USER_SELECT} WHERE us.id = $1 AND us.active"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(user_of).transpose()?.map(|c| c.user))
}

pub(crate) async fn users(pool: &Pool) -> Result<Vec<sanzhi_domain::User>, StoreError> {
    let rows: Vec<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} ORDER BY us.id"))
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|t| user_of(t).map(|c| c.user))
        .collect()
}

/// Whether any admin account exists (active or not, demo or not).
async fn admin_count(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Keeps a new one-time setup token (its digest) unless an admin exists; whether it was kept.
pub(crate) async fn setup_token_issue(
    pool: &Pool,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    lock_key(&mut tx, crate::SETUP_LOCK).await?;
    if admin_count(&mut tx).await? > 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("INSERT INTO setup_tokens (token_sha256, created_at) VALUES ($1, $2)")
        .bind(crate::setup_digest(token))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether the first admin is still to be made (no admin account exists).
pub(crate) async fn setup_pending(pool: &Pool) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(pool)
        .await?;
    Ok(n == 0)
}

/// Whether `token` opens the setup page: it was issued, and no admin exists yet.
pub(crate) async fn setup_token_valid(pool: &Pool, token: &str) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM setup_tokens WHERE token_sha256 = $1
           AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')",
    )
    .bind(crate::setup_digest(token))
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Creates the first admin with a setup token, in one transaction that checks again that no
/// admin exists and the token was issued, and then deletes every setup token. `None`: the
/// token does not open setup (never issued, or an admin exists, also one made a moment ago).
pub(crate) async fn create_first_admin(
    pool: &Pool,
    token: &str,
    u: &crate::NewUser,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>, StoreError> {
    let mut tx = begin_write(pool).await?;
    lock_key(&mut tx, crate::SETUP_LOCK).await?;
    let issued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM setup_tokens WHERE token_sha256 = $1")
            .bind(crate::setup_digest(token))
            .fetch_one(&mut *tx)
            .await?;
    if issued == 0 || admin_count(&mut tx).await? > 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&u.username)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        tx.rollback().await?;
        return Err(StoreError::Invalid(format!(
            "username：用户名“{}”已存在",
            u.username
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, plan_code, unit_id,
             is_demo, active, created_at)
         VALUES ($1, $2, $3, 'admin', NULL, NULL, FALSE, TRUE, $4) RETURNING id",
    )
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = format!(
        "{{\"username\":{},\"role\":\"admin\",\"plan\":null,\"unit\":null,\"is_demo\":false}}",
        to_json(&u.username)
    );
    let actor = format!("{}（{}）", u.display_name, u.username);
    audit(
        &mut tx,
        &actor,
        AuditAction::UserSetup,
        &u.username,
        None,
        Some(&after),
        now,
    )
    .await?;
    sqlx::query("DELETE FROM setup_tokens")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Every account with whether it may sign in.
pub(crate) async fn accounts(pool: &Pool) -> Result<Vec<sanzhi_domain::Account>, StoreError> {
    let rows: Vec<UserTuple> = sqlx::query_as(&format!("{USER_SELECT} ORDER BY us.id"))
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|t| {
            user_of(t).map(|c| sanzhi_domain::Account {
                user: c.user,
                active: c.active,
            })
        })
        .collect()
}

/// Sets an account's password hash (audited without the hash) and ends its sessions, in one
/// transaction. `false` when there is no such account.
pub(crate) async fn set_password(
    pool: &Pool,
    username: &str,
    password_hash: &str,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let id: Option<i64> =
        sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id")
            .bind(password_hash)
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    end_sessions_of(&mut tx, id).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::UserResetPassword,
        username,
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Allows or stops an account's sign-in (audited with before and after); stopping also ends
/// its sessions. `None` when there is no such account.
pub(crate) async fn set_active(
    pool: &Pool,
    username: &str,
    active: bool,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<()>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let before: Option<(i64, bool)> =
        sqlx::query_as("SELECT id, active FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((id, was)) = before else {
        return Ok(None);
    };
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if !active {
        end_sessions_of(&mut tx, id).await?;
    }
    audit(
        &mut tx,
        actor,
        if active {
            AuditAction::UserActivate
        } else {
            AuditAction::UserDeactivate
        },
        username,
        Some(&format!("{{\"active\":{was}}}")),
        Some(&format!("{{\"active\":{active}}}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(()))
}

/// Ends every session whose data names the user (tower-sessions stores JSON with `user_id`).
async fn end_sessions_of(tx: &mut Tx<'_>, user_id: i64) -> Result<(), StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, data FROM sessions")
        .fetch_all(&mut **tx)
        .await?;
    for (sid, data) in rows {
        let names_user = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| {
                v.pointer("/data/user_id")
                    .and_then(serde_json::Value::as_i64)
            })
            == Some(user_id);
        if names_user {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(&sid)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn page_viewer(
    pool: &Pool,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::PageViewer>, StoreError> {
    // The session's user and the version, in one snapshot.
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        ", (SELECT n FROM data_version WHERE id = 1) AS structure_version,
         (SELECT n FROM versions WHERE area = 'tracking') AS tracking_version,
         (SELECT n FROM versions WHERE area = 'readings') AS readings_version
         FROM sessions s
         JOIN users us ON us.id = s.user_id
         LEFT JOIN units un ON un.id = us.unit_id
         LEFT JOIN plans pl ON pl.code = us.plan_code
         WHERE s.id = $1 AND s.expires_at > $2 AND us.active"
    );
    type Row = (
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        bool,
        String,
        bool,
        Option<String>,
        Option<String>,
        i64,
        i64,
        i64,
    );
    let row: Option<Row> = sqlx::query_as(sql)
        .bind(id)
        .bind(now)
        .fetch_optional(pool)
        .await?;
    let Some((
        id,
        username,
        display_name,
        role,
        plan,
        unit,
        is_demo,
        hash,
        active,
        n,
        n_en,
        structure,
        tracking,
        readings,
    )) = row
    else {
        return Ok(None);
    };
    let crate::Credentials { user, .. } = user_of((
        id,
        username,
        display_name,
        role,
        plan,
        unit,
        is_demo,
        hash,
        active,
        n,
        n_en,
    ))?;
    Ok(Some(crate::PageViewer {
        user,
        versions: crate::Versions {
            structure,
            tracking,
            readings,
        },
    }))
}
