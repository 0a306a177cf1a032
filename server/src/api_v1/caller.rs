//! Who calls: a bearer token or a signed-in user's session, resolved once per request by the
//! [`Caller`] extractor (the gate may already have checked the token); an admin, session only,
//! by [`Admin`]. Which plans a caller sees.

use super::*;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// What every token's secret starts with.
pub const TOKEN_PREFIX: &str = "sz_";

/// Random characters after the prefix.
pub(super) const TOKEN_CHARS: usize = 32;

/// The token of an `Authorization: Bearer <token>` header (possibly empty), or `None` when
/// the request carries no bearer credentials.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

/// A token as the API shows it (never the secret, never its hash).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The plans whose readings it may push (`water`, `air`, `soil`); empty: read only.
    pub plans: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// When it was revoked; `null` while it is not.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working; `null`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used successfully; `null`: never. Recorded at most once a minute,
    /// so it may be up to a minute behind.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Neither revoked nor expired: it works now.
    pub active: bool,
}

impl From<sanzhi_store::ApiTokenRecord> for ApiToken {
    fn from(r: sanzhi_store::ApiTokenRecord) -> Self {
        let expired = r.expires_at.is_some_and(|at| at <= Utc::now());
        ApiToken {
            id: r.id,
            name: r.name,
            plans: r.plans,
            created_by: r.created_by,
            created_at: r.created_at,
            active: r.revoked_at.is_none() && !expired,
            revoked_at: r.revoked_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
        }
    }
}

impl ApiToken {
    /// How the audit trail and the readings name what this token writes.
    pub(super) fn signature(&self) -> String {
        format!("API 令牌 {}#{}", self.name, self.id)
    }
}

/// A bearer token the gate has already checked, handed to the handler in the request's
/// extensions so that it is looked up once per request.
#[derive(Debug, Clone)]
pub struct VerifiedToken(pub ApiToken);

/// Who is calling: a token (bearer) or a signed-in user (session cookie). As an extractor,
/// it is every read's and push's check of its caller: a handler that takes it runs only for
/// a valid token or a signed-in user, and is told which.
pub(crate) enum Caller {
    Token(ApiToken),
    User(User),
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(status, why)| error(status, "session", why))?;
        let verified = parts.extensions.get::<VerifiedToken>().cloned();
        caller(state, &session, &parts.headers, verified).await
    }
}

/// The signed-in admin of a token-management call (session only, never a token), as an
/// extractor: the handler runs only for one, before its body is read.
pub(super) struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(status, why)| error(status, "session", why))?;
        admin(state, &session, &parts.headers).await.map(Admin)
    }
}

/// The SHA-256 of a token's secret, hex: what the store keeps.
pub fn hash_token(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh secret: `sz_` and 32 letters and digits from the OS's random source.
pub(super) fn new_token() -> String {
    use rand_core::RngCore;
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(TOKEN_PREFIX.len() + TOKEN_CHARS);
    out.push_str(TOKEN_PREFIX);
    let mut buf = [0u8; 64];
    while out.len() < TOKEN_PREFIX.len() + TOKEN_CHARS {
        rand_core::OsRng.fill_bytes(&mut buf);
        // 248 = 4 × 62: bytes above are dropped so that every character is equally likely.
        for b in buf.iter().filter(|b| **b < 248) {
            if out.len() == TOKEN_PREFIX.len() + TOKEN_CHARS {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(*b % 62)]));
        }
    }
    out
}

/// The caller of a read or a push: the bearer token when one is sent (an invalid one is
/// refused, never replaced by the session), otherwise the session's user.
pub(crate) async fn caller(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    verified: Option<VerifiedToken>,
) -> Result<Caller, Response> {
    if let Some(VerifiedToken(t)) = verified {
        return Ok(Caller::Token(t));
    }
    if let Some(token) = bearer_token(headers) {
        let invalid = || {
            error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "API 令牌无效：请检查 Authorization 头（Bearer sz_…）",
            )
        };
        if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + TOKEN_CHARS {
            return Err(invalid());
        }
        let hash = hash_token(token);
        let row = state
            .store
            .api_token_by_hash(&hash)
            .await
            .map_err(internal)?;
        let now = Utc::now();
        return match row.map(ApiToken::from) {
            None => Err(invalid()),
            Some(t) if t.revoked_at.is_some() => Err(error(
                StatusCode::UNAUTHORIZED,
                "token_revoked",
                "API 令牌已被吊销",
            )),
            Some(ApiToken {
                expires_at: Some(at),
                ..
            }) if at <= now => Err(error(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                format!(
                    "API 令牌已于 {} 过期，请系统管理员签发新的令牌",
                    china_time(at)
                ),
            )),
            Some(t) => {
                record_use(&state.store, &t, &hash, now).await;
                Ok(Caller::Token(t))
            }
        };
    }
    match app::auth::inner::user_of_session(&state.store, session).await {
        Ok(Some(user)) => Ok(Caller::User(user)),
        Ok(None) => Err(unauthorized()),
        Err(e) => Err(app_error(e)),
    }
}

/// A time as people in Quzhou read it: China Standard Time (UTC+8), to the minute.
pub(super) fn china_time(t: DateTime<Utc>) -> String {
    (t + Duration::hours(8))
        .format("%Y-%m-%d %H:%M（北京时间）")
        .to_string()
}

/// A token's last use is written at most this often (per token).
pub const LAST_USED_EVERY: Duration = Duration::seconds(60);

/// How long a request waits for its token's last use to be written before it goes on
/// without (the write goes on in the background).
pub(super) const LAST_USED_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Whether this process may try to write the last use of the token with this hash now: at
/// most one try per token per [`LAST_USED_EVERY`], successful or not — so that a database
/// that stays busy gets one waiting write per token, not one per request (each would hold a
/// connection of the pool while it waits).
pub(super) fn may_try_recording(token_hash: &str) -> bool {
    use std::collections::hash_map::Entry;
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;
    static TRIED: OnceLock<Mutex<HashMap<String, Instant>>> = OnceLock::new();
    let every = std::time::Duration::from_secs(LAST_USED_EVERY.num_seconds().unsigned_abs());
    let now = Instant::now();
    let mut tried = TRIED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if tried.len() > 10_000 {
        tried.retain(|_, at| now.duration_since(*at) < every);
    }
    match tried.entry(token_hash.to_owned()) {
        Entry::Occupied(e) if now.duration_since(*e.get()) < every => false,
        Entry::Occupied(mut e) => {
            e.insert(now);
            true
        }
        Entry::Vacant(e) => {
            e.insert(now);
            true
        }
    }
}

/// Records that `t` was used at `now` — unless the token already says it was used within
/// [`LAST_USED_EVERY`], which costs nothing (the row was just read), or this process tried
/// within that time ([`may_try_recording`]). The write is a single conditional UPDATE
/// (another request or app server that wrote it meanwhile makes it a no-op). It never fails
/// or holds up the request: it runs as its own task, the request waits for it at most
/// [`LAST_USED_WAIT`], and a failure (a busy database, …) is logged as a warning.
pub(super) async fn record_use(store: &Store, t: &ApiToken, token_hash: &str, now: DateTime<Utc>) {
    if t.last_used_at.is_some_and(|at| now - at < LAST_USED_EVERY) || !may_try_recording(token_hash)
    {
        return;
    }
    let store = store.clone();
    let id = t.id;
    let write = tokio::spawn(async move {
        if let Err(e) = store.api_token_touch(id, now, LAST_USED_EVERY).await {
            tracing::warn!(token = id, error = %e, busy = e.is_busy(), "api token: last use not recorded");
        }
    });
    if tokio::time::timeout(LAST_USED_WAIT, write).await.is_err() {
        tracing::warn!(
            token = id,
            "api token: recording the last use is slow; not waiting for it"
        );
    }
}

/// The signed-in admin of a token-management call: session only, never a token.
pub(super) async fn admin(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
) -> Result<User, Response> {
    if bearer_token(headers).is_some() {
        return Err(error(
            StatusCode::FORBIDDEN,
            "session_required",
            "API 令牌只能由登录的系统管理员管理，不能用 API 令牌调用",
        ));
    }
    let user = app::auth::inner::user_of_session(&state.store, session)
        .await
        .map_err(app_error)?;
    match sanzhi_domain::authorize(user.as_ref(), &sanzhi_domain::Action::ManageUsers) {
        Ok(()) => user.ok_or_else(unauthorized),
        Err(sanzhi_domain::Denied::NotSignedIn) => Err(unauthorized()),
        Err(denied @ sanzhi_domain::Denied::Forbidden(_)) => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            denied.to_string(),
        )),
    }
}

/// Whether the caller sees this plan: a token every plan in effect or closed, never a draft;
/// a user as the browser shows it ([`sanzhi_domain::may_see_plan`]).
pub(super) fn sees(who: &Caller, p: &sanzhi_domain::PlanSummary) -> bool {
    match who {
        Caller::Token(_) => p.status != sanzhi_domain::PlanStatus::Draft,
        Caller::User(u) => sanzhi_domain::may_see_plan(Some(u), p.code.as_str(), p.status),
    }
}

/// The plan `code` if the caller sees it; “not found” otherwise (a draft's code says nothing).
pub(super) async fn seen_plan(state: &AppState, who: &Caller, code: &str) -> Result<(), Response> {
    let parsed = sanzhi_domain::PlanCode::parse(code).map_err(|_| plan_not_found(code))?;
    match state.store.plan_detail(&parsed).await.map_err(internal)? {
        Some(p) if sees(who, &p.summary) => Ok(()),
        _ => Err(plan_not_found(code)),
    }
}

pub(super) fn plan_not_found(code: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "plan_not_found",
        format!("没有方案“{code}”"),
    )
}
