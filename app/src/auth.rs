//! Sign-in, sign-out and who is signed in. The session lives in the database (see the
//! server's session store), so any app server behind one database knows the user.
//!
//! Enforcement happens on the server in two places that every request passes:
//! - the server's gate middleware refuses every page and API call of an anonymous visitor
//!   (except the sign-in page and `/api/login`) and cross-site writes;
//! - every server function and route that reads or writes calls [`require`] with the
//!   [`Action`] it performs; `sanzhi_domain::authorize` decides. [`MUTATING`] and [`READING`]
//!   list every server function: a test fails when one is in neither list.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::User;

/// Server functions that change something, with the action they are checked against.
pub const MUTATING: &[&str] = &[
    "/api/login",
    "/api/logout",
    "/api/report",
    "/api/review",
    "/api/item_edit",
    "/api/save_reading",
    "/api/account_create",
    "/api/account_reset_password",
    "/api/account_set_active",
    "/api/unit_add",
];

/// Server functions that only read (each still requires a signed-in user).
pub const READING: &[&str] = &[
    "/api/plans",
    "/api/plan",
    "/api/plan_tree",
    "/api/item",
    "/api/timeline",
    "/api/units",
    "/api/unit_tasks",
    "/api/item_tracking",
    "/api/plan_status",
    "/api/indicators",
    "/api/readings",
    "/api/overview",
    "/api/whoami",
    "/api/audit",
    "/api/item_audit",
    "/api/users",
    "/api/review_queue",
    "/api/accounts",
];

/// Paths an anonymous visitor may reach.
pub fn is_public(path: &str) -> bool {
    // whoami answers `None` to anonymous visitors (the sign-in page asks it).
    matches!(
        path,
        "/login" | "/api/login" | "/api/whoami" | "/healthz" | "/livez" | "/favicon.ico"
    ) || path.starts_with("/pkg/")
}

/// A sign-in lasts this long.
pub const SESSION_HOURS: i64 = 8;

/// What an anonymous visitor may read when the public overview is switched on
/// (`server.public_overview`): the overview page and the calls it makes.
pub fn is_public_overview(path: &str) -> bool {
    matches!(path, "/" | "/api/overview" | "/api/plans" | "/api/plan")
}

/// The session key holding the user's id.
pub const SESSION_USER: &str = "user_id";

/// Failed sign-ins allowed per account, and per address, in [`THROTTLE_MINUTES`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_MINUTES: i64 = 15;

/// Signs in; on success the session id is renewed and the user returned.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<User, AppError> {
    inner::login(&crate::api::store()?, &username, &password).await
}

/// Ends the session.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = inner::session().await?;
    session.flush().await.map_err(|e| {
        tracing::error!(error = %e, "logout");
        AppError::Internal
    })
}

/// The signed-in user, if any.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<User>, AppError> {
    inner::current_user().await
}

/// The signed-in user allowed to do `action`, or why not.
#[cfg(feature = "ssr")]
pub async fn require(action: sanzhi_domain::Action<'_>) -> Result<User, AppError> {
    let user = inner::current_user().await?;
    sanzhi_domain::authorize(user.as_ref(), &action)?;
    user.ok_or(AppError::Unauthorized)
}

/// How a user's name goes into reports and readings: “张三（zhangsan）”.
pub fn signature(user: &User) -> String {
    format!("{}（{}）", user.display_name, user.username)
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{Duration, Utc};
    use sanzhi_store::Store;
    use tower_sessions::Session;

    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(|e| {
            tracing::error!(error = %e, "no session layer");
            AppError::Internal
        })
    }

    pub async fn current_user() -> Result<Option<User>, AppError> {
        let session = session().await?;
        user_of_session(&crate::api::store()?, &session).await
    }

    pub async fn user_of_session(
        store: &Store,
        session: &Session,
    ) -> Result<Option<User>, AppError> {
        let id: Option<i64> = session.get(SESSION_USER).await.map_err(|e| {
            tracing::error!(error = %e, "session read");
            AppError::Internal
        })?;
        match id {
            Some(id) => Ok(store.user_by_id(id).await?),
            None => Ok(None),
        }
    }

    /// The client's address, as the server saw the connection.
    async fn client_addr() -> String {
        use axum::extract::ConnectInfo;
        match leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>().await {
            Ok(ConnectInfo(addr)) => addr.ip().to_string(),
            Err(_) => "unknown".to_owned(),
        }
    }

    pub fn hash_password(password: &str) -> Result<String, AppError> {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "hash");
                AppError::Internal
            })
    }

    pub fn verify_password(password: &str, hash: &str) -> bool {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(hash)
            .map(|h| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    }

    pub async fn login(store: &Store, username: &str, password: &str) -> Result<User, AppError> {
        let username = username.trim();
        let now = Utc::now();
        let since = now - Duration::minutes(THROTTLE_MINUTES);
        let user_key = format!("user:{username}");
        let addr_key = format!("addr:{}", client_addr().await);
        if store.login_failures_since(&user_key, since).await? >= MAX_FAILURES_PER_ACCOUNT
            || store.login_failures_since(&addr_key, since).await? >= MAX_FAILURES_PER_ADDRESS
        {
            return Err(AppError::Forbidden(format!(
                "登录失败次数过多，请 {THROTTLE_MINUTES} 分钟后再试"
            )));
        }
        let found = store.user_credentials(username).await?;
        let password = password.to_owned();
        let ok = match &found {
            Some((_, hash, true)) => {
                let hash = hash.clone();
                tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                    .await
                    .unwrap_or(false)
            }
            _ => {
                // Spend the same time as a real check, so timing does not tell names apart.
                let _ = tokio::task::spawn_blocking(move || hash_password(&password)).await;
                false
            }
        };
        let Some((user, _, true)) = found.filter(|_| ok) else {
            store.login_failure(&[user_key, addr_key], now).await?;
            return Err(AppError::Forbidden("用户名或密码不正确".to_owned()));
        };
        store.login_failures_clear(&user_key).await?;
        let session = session().await?;
        session.cycle_id().await.map_err(|e| {
            tracing::error!(error = %e, "session cycle");
            AppError::Internal
        })?;
        session.set_expiry(Some(tower_sessions::Expiry::AtDateTime(
            tower_sessions::cookie::time::OffsetDateTime::now_utc()
                + tower_sessions::cookie::time::Duration::hours(SESSION_HOURS),
        )));
        session.insert(SESSION_USER, user.id).await.map_err(|e| {
            tracing::error!(error = %e, "session insert");
            AppError::Internal
        })?;
        tracing::info!(user = %user.username, "signed in");
        Ok(user)
    }
}
