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
    "/api/review_bulk",
    "/api/password_change",
    "/api/item_edit",
    "/api/save_reading",
    "/api/account_create",
    "/api/account_reset_password",
    "/api/account_set_active",
    "/api/unit_add",
    "/api/setup_admin",
    "/api/inbox_read",
    "/api/urge",
    "/api/urge_answer",
    "/api/set_plan_reminders",
    "/api/hook_add",
    "/api/hook_stop",
    "/api/outbox_retry",
    "/api/set_email",
    "/api/close_month",
    "/api/unit_group_save",
    "/api/unit_group_delete",
    "/api/plan_lifecycle",
];

/// Server functions that only read (each still requires a signed-in user).
pub const READING: &[&str] = &[
    "/api/plans",
    "/api/nav_plans",
    "/api/plan",
    "/api/plan_tree",
    "/api/item",
    "/api/timeline",
    "/api/units",
    "/api/unit_tasks",
    "/api/item_tracking",
    "/api/item_page",
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
    "/api/api_tokens",
    "/api/setup_pending",
    "/api/setup_check",
    "/api/first_steps",
    "/api/source_text",
    "/api/unread",
    "/api/inbox",
    "/api/urges",
    "/api/plan_reminders",
    "/api/delivery",
    "/api/email",
    "/api/emails",
    "/api/unit_groups",
];

/// Paths an anonymous visitor may reach.
pub fn is_public(path: &str) -> bool {
    // whoami answers `None` to anonymous visitors (the sign-in page asks it).
    matches!(
        path,
        "/login"
            | "/api/login"
            | "/api/whoami"
            | "/healthz"
            | "/livez"
            | "/robots.txt"
            // The first admin's setup: the page and its calls check the one-time token
            // themselves (404 without a valid one).
            | "/setup"
            | "/api/setup_pending"
            | "/api/setup_check"
            | "/api/setup_admin"
    ) || path.starts_with("/pkg/")
}

/// A sign-in lasts this long.
pub const SESSION_HOURS: i64 = 8;

/// What an anonymous visitor may read when the public overview is switched on
/// (`server.public_overview`): the overview page and the calls it makes.
pub fn is_public_overview(path: &str) -> bool {
    matches!(path, "/" | "/api/overview" | "/api/plans" | "/api/plan")
}

/// The signed-in user the gate resolved for this request (set by the gate in the request's
/// extensions; [`inner::current_user_in`] renders with exactly this user).
#[derive(Debug, Clone)]
pub struct GatedUser(pub User);

/// The session key holding the user's id.
pub const SESSION_USER: &str = "user_id";

/// Failed sign-ins allowed per (account, address), and per address, in [`THROTTLE_MINUTES`].
/// An account is never locked for everyone: past [`BACKOFF_AFTER`] failures from anywhere in
/// the window, it takes one attempt every [`BACKOFF_SECONDS`] (a slower back-off), so a
/// stranger's wrong passwords cannot keep its owner out for a quarter of an hour.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_MINUTES: i64 = 15;
pub const BACKOFF_AFTER: i64 = 10;
pub const BACKOFF_SECONDS: i64 = 30;
/// An address the account signed in from within this many days is exempt from the account's
/// back-off (its own per-address limits still apply).
pub const KNOWN_ADDRESS_DAYS: i64 = 90;

/// The address a sign-in is counted under: an IPv4 address as it is, an IPv6 address by its
/// /64 (one subscriber's whole network: otherwise each guess could come from a new address).
pub fn throttle_address(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

/// The client's address: the TCP peer, unless the peer is one of the `trusted` reverse
/// proxies — then the nearest address in `X-Forwarded-For` that is not itself a trusted
/// proxy (read from the right: entries further left were written by the client and prove
/// nothing).
pub fn client_ip(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    // An IPv4 peer of a server listening on `[::]` arrives as `::ffff:a.b.c.d`.
    let peer = peer.to_canonical();
    let trusted: Vec<std::net::IpAddr> = trusted.iter().map(|ip| ip.to_canonical()).collect();
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        match hop
            .trim()
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.to_canonical())
        {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(&ip) {
                    break;
                }
            }
            // A malformed entry ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

/// Signs in; on success the session id is renewed and the user returned.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<User, AppError> {
    inner::login(&inner::store()?, &username, &password).await
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

/// A caller the server has checked, with the store they may use. The store reaches server
/// code only through [`require`] (and the public-overview and sign-in paths below): a server
/// function cannot read or write anything without first naming the action it performs, so an
/// unchecked read is not a thing that can be written by accident.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct Checked {
    pub user: User,
    pub store: sanzhi_store::Store,
    /// `reports.backdate_days`: how far back a report may be dated before it is a 补报.
    pub backdate_days: i64,
    /// The server's kept values (its status mirror among them), when it has them.
    pub caches: Option<std::sync::Arc<crate::cache::Caches>>,
}

#[cfg(feature = "ssr")]
impl Checked {
    /// Whether this caller may do `action`, asked to decide what a page offers (a 催办 button
    /// shown or not): a `false` is no refusal and is not logged as one.
    pub fn allowed(&self, action: &sanzhi_domain::Action<'_>) -> bool {
        sanzhi_domain::authorize(Some(&self.user), action).is_ok()
    }

    /// Whether this caller may also do `action` (for calls that learn the plan or unit of
    /// what they touch from the store, after a first [`require`]).
    pub fn may(&self, action: &sanzhi_domain::Action<'_>) -> Result<(), AppError> {
        sanzhi_domain::authorize(Some(&self.user), action).map_err(|denied| {
            tracing::warn!(user = %self.user.username, ?action, "refused: {denied}");
            AppError::from(denied)
        })
    }
}

/// The signed-in user allowed to do `action`, with the store, or why not (401 / 403).
#[cfg(feature = "ssr")]
pub async fn require(action: sanzhi_domain::Action<'_>) -> Result<Checked, AppError> {
    let store = inner::store()?;
    let user = inner::current_user_in(&store).await?;
    if let Err(denied) = sanzhi_domain::authorize(user.as_ref(), &action) {
        tracing::warn!(
            user = user.as_ref().map_or("-", |u| u.username.as_str()),
            ?action,
            "refused: {denied}"
        );
        return Err(denied.into());
    }
    let user = user.ok_or(AppError::Unauthorized)?;
    let state = use_context::<crate::state::AppState>();
    let backdate_days = state
        .as_ref()
        .map_or(sanzhi_domain::report::DEFAULT_BACKDATE_DAYS, |s| {
            s.security.backdate_days
        });
    Ok(Checked {
        user,
        store,
        backdate_days,
        caches: state.map(|s| s.caches),
    })
}

/// What 总览 reads (and the plan summaries it shows): any signed-in user, and anonymous
/// visitors too when `server.public_overview` is on. Returns the user (if any) and the
/// server's state (its store and caches).
#[cfg(feature = "ssr")]
pub async fn require_overview() -> Result<(Option<User>, crate::state::AppState), AppError> {
    let state = use_context::<crate::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })?;
    let user = inner::current_user_in(&state.store).await?;
    match user {
        Some(_) => Ok((user, state)),
        None if state.public_overview => Ok((None, state)),
        None => {
            tracing::warn!("refused: anonymous read of the overview");
            Err(AppError::Unauthorized)
        }
    }
}

/// Whether the first admin is still to be made (no admin account exists). Anyone may ask: the
/// sign-in page says where the one-time setup address is while it is.
#[cfg(feature = "ssr")]
pub async fn setup_pending() -> Result<bool, AppError> {
    Ok(inner::store()?.setup_pending().await?)
}

/// The store, for a caller holding a one-time setup token that still opens setup (issued at a
/// server start, and no admin exists yet); otherwise “not found”, whatever the token. The
/// token itself is never logged.
#[cfg(feature = "ssr")]
pub async fn require_setup(token: &str) -> Result<sanzhi_store::Store, AppError> {
    let store = inner::store()?;
    if token.len() > 200 || !store.setup_token_valid(token).await? {
        tracing::warn!(
            security = "setup_refused",
            "setup with a token that opens nothing"
        );
        return Err(AppError::NotFound(
            "设置地址无效或已失效（已有管理员时不再提供）".to_owned(),
        ));
    }
    Ok(store)
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

    /// The store from the request's context. Private to this module: the rest of the app gets
    /// it from [`super::require`] or [`super::require_overview`], after the caller is checked.
    pub(super) fn store() -> Result<Store, AppError> {
        use_context::<crate::state::AppState>()
            .map(|s| s.store)
            .ok_or_else(|| {
                tracing::error!("AppState missing from context");
                AppError::Internal
            })
    }

    /// The signed-in user of this request, or `None`.
    pub async fn current_user() -> Result<Option<User>, AppError> {
        current_user_in(&store()?).await
    }

    /// The signed-in user of this request: the one the gate resolved for it when it did (so a
    /// page is rendered for exactly the user it was checked and kept for), otherwise read from
    /// the session here (the server function checks its caller itself, gate or no gate).
    pub async fn current_user_in(store: &Store) -> Result<Option<User>, AppError> {
        if let Ok(axum::Extension(GatedUser(user))) =
            leptos_axum::extract::<axum::Extension<GatedUser>>().await
        {
            return Ok(Some(user));
        }
        let session = session().await?;
        user_of_session(store, &session).await
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

    /// For axum routes (files, exports, imports — outside leptos): the signed-in user of
    /// `session` allowed to do `action`, or why not. Every such route calls this itself, before
    /// it reads a request body.
    pub async fn require_in_route(
        store: &Store,
        session: &Session,
        action: sanzhi_domain::Action<'_>,
    ) -> Result<User, AppError> {
        let user = user_of_session(store, session).await?;
        if let Err(denied) = sanzhi_domain::authorize(user.as_ref(), &action) {
            tracing::warn!(
                user = user.as_ref().map_or("-", |u| u.username.as_str()),
                ?action,
                "refused: {denied}"
            );
            return Err(denied.into());
        }
        user.ok_or(AppError::Unauthorized)
    }

    /// The client's address: the connection's peer, or behind a trusted reverse proxy the
    /// address it forwarded (`server.trusted_proxies`, see [`super::client_ip`]).
    pub async fn client_addr() -> String {
        use axum::extract::ConnectInfo;
        let trusted = use_context::<crate::state::AppState>()
            .map(|s| s.security.trusted_proxies.clone())
            .unwrap_or_default();
        let forwarded = leptos_axum::extract::<axum::http::HeaderMap>()
            .await
            .ok()
            .and_then(|h| {
                // Every X-Forwarded-For header, in order, as one list.
                let all: Vec<String> = h
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok().map(str::to_owned))
                    .collect();
                (!all.is_empty()).then(|| all.join(","))
            });
        match leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>().await {
            Ok(ConnectInfo(addr)) => {
                super::throttle_address(super::client_ip(addr.ip(), forwarded.as_deref(), &trusted))
            }
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
        use sanzhi_store::{Attempt, AttemptLimit};
        let username = username.trim();
        if username.chars().count() > 100 {
            return Err(AppError::BadRequest("username：用户名过长".to_owned()));
        }
        let now = Utc::now();
        let since = now - Duration::minutes(THROTTLE_MINUTES);
        let addr = client_addr().await;
        let pair_key = format!("pair:{username}|{addr}");
        let addr_key = format!("addr:{addr}");
        let user_key = format!("user:{username}");
        let known_key = format!("known:{username}|{addr}");
        // An address this account signed in from lately is not held back by the account's
        // back-off: strangers polling the account cannot take its owner's turns.
        let known = store
            .login_key_seen_since(&known_key, now - Duration::days(KNOWN_ADDRESS_DAYS))
            .await?;
        // The attempt is reserved (recorded as a failure) before the password is checked, in
        // one atomic step: parallel guesses cannot all slip under the limit.
        let mut limits = vec![
            AttemptLimit {
                key: pair_key.clone(),
                max: MAX_FAILURES_PER_ACCOUNT,
                spacing_after: None,
            },
            AttemptLimit {
                key: addr_key,
                max: MAX_FAILURES_PER_ADDRESS,
                spacing_after: None,
            },
        ];
        if !known {
            limits.push(AttemptLimit {
                key: user_key,
                max: BACKOFF_AFTER,
                spacing_after: Some(BACKOFF_SECONDS),
            });
        }
        let reserved = match store.login_attempt_reserve(&limits, now, since).await? {
            Attempt::Reserved { ids } => ids,
            Attempt::Refused { key } => {
                tracing::warn!(
                    security = "login_throttled",
                    user = %username,
                    %addr,
                    %key,
                    "sign-in throttled"
                );
                return Err(AppError::Forbidden(if key.starts_with("user:") {
                    format!("该账号近期登录失败较多，请 {BACKOFF_SECONDS} 秒后再试")
                } else {
                    format!("登录失败次数过多，请 {THROTTLE_MINUTES} 分钟后再试")
                }));
            }
        };
        let found = store.user_credentials(username).await?;
        let password = password.to_owned();
        let ok = match &found {
            Some(c) if c.active => {
                let hash = c.password_hash.clone();
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
        let why = match &found {
            None => "no_such_account",
            Some(c) if !c.active => "account_stopped",
            Some(_) => "wrong_password",
        };
        let Some(sanzhi_store::Credentials { user, .. }) = found.filter(|c| ok && c.active) else {
            tracing::warn!(
                security = "login_failed",
                user = %username,
                %addr,
                reason = why,
                "sign-in failed"
            );
            store.login_failure_audit(username, &addr, why, now).await?;
            return Err(AppError::Forbidden("用户名或密码不正确".to_owned()));
        };
        store
            .login_attempt_succeeded(&reserved, &pair_key, &known_key, now)
            .await?;
        start_session(&user).await?;
        tracing::info!(user = %user.username, "signed in");
        Ok(user)
    }

    /// Signs `user` in on this request's session: a new session id, an expiry
    /// [`SESSION_HOURS`] from now.
    pub async fn start_session(user: &User) -> Result<(), AppError> {
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
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_address_behind_proxies_and_its_throttle_key() {
        use super::{client_ip, throttle_address};
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let proxy = [ip("10.0.0.1")];
        // No trusted proxy in front: the peer, whatever the header says.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &proxy),
            ip("203.0.113.9")
        );
        // Behind the proxy: the nearest hop that is not the proxy; a client cannot choose it.
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("1.2.3.4, 198.51.100.7"), &proxy),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), None, &proxy), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("junk"), &proxy),
            ip("10.0.0.1")
        );
        // The proxy seen by a server listening on [::] is the same proxy.
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), Some("198.51.100.7"), &proxy),
            ip("198.51.100.7")
        );
        assert_eq!(throttle_address(ip("198.51.100.7")), "198.51.100.7");
        assert_eq!(
            throttle_address(ip("2001:db8:1:2:aaaa::1")),
            throttle_address(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_eq!(throttle_address(ip("2001:db8:1:2::9")), "2001:db8:1:2::/64");
    }

    /// The store is handed out by this module only, after the caller is checked: no other
    /// file of the app takes the server's state (and with it the store) from the context.
    #[test]
    fn only_this_module_takes_the_store_from_context() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("src/auth.rs")
                    && !path.ends_with("src/state.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("read");
                    if text.contains("AppState>") || text.contains("fn store()") {
                        found.push(path.display().to_string());
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "these files take the state from the context instead of crate::auth::require: {found:?}"
        );
    }
}
