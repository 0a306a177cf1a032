//! The JSON API for other systems, under `/api/v1`.
//!
//! - Reads (any valid API token, or a signed-in user's session): plans, a plan's work items,
//!   assignments with their status as of a day, a unit's overdue assignments, the indicator
//!   catalogue and stored readings.
//! - `POST /api/v1/readings`: a batch of readings, validated whole and written in one
//!   transaction (idempotent by indicator + place + month; a changed value replaces the old
//!   one, which is kept in the history). Any bad row: 422 listing every bad row, nothing
//!   written. A token may write readings only of the plans it was issued for.
//! - `/api/v1/tokens`: an admin, signed in with the browser session (never with a token),
//!   issues, lists and revokes tokens. The secret is shown once and stored only as its
//!   SHA-256 hash. A token may be issued to expire (`expires_at` or `expires_in_days`); an
//!   expired token is refused with 401 `token_expired`. When a token was last used is kept
//!   (`last_used_at`), written at most once a minute per token and never at the cost of the
//!   request (see [`record_use`]).
//! - `GET /api/v1/openapi.json` (public): the OpenAPI document, generated from this module.
//!
//! Every answer that is not a success is `{"code": "<stable_code>", "message": "<中文>"}`
//! (plus `errors` listing the fields when there are several), unknown paths included.
//! The session gate (`crate::gate`) lets requests carrying a bearer token through: they are
//! authenticated here.

use app::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, MethodRouter};
use axum::{Json, Router};
use sanzhi_domain::chrono::{DateTime, Duration, NaiveDate, Utc};
use sanzhi_domain::{Deadline, PlaceKind, ReadingInput, ReadingKey, ReadingSource, Status, User};
use sanzhi_store::{ReadingFilter, Store, TrackScope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use tower_sessions::Session;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";
/// The OpenAPI document: public.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// What every token's secret starts with.
pub const TOKEN_PREFIX: &str = "sz_";
/// Random characters after the prefix.
const TOKEN_CHARS: usize = 32;
/// The most readings one push may carry.
pub const MAX_BATCH: usize = 10_000;
/// Whether a path belongs to this API.
pub fn is_api_v1(path: &str) -> bool {
    path == PREFIX || path.starts_with("/api/v1/")
}

/// The token of an `Authorization: Bearer <token>` header (possibly empty), or `None` when
/// the request carries no bearer credentials.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

/// A push is at most 10,000 readings (~200 bytes each as JSON): bodies over 8 MiB are refused
/// before they are parsed, whatever the general upload limit.
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;

pub fn routes(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route(OPENAPI_PATH, only(get(openapi)))
        .route("/api/v1/plans", only(get(list_plans)))
        .route("/api/v1/plans/{code}/items", only(get(plan_items)))
        .route("/api/v1/plans/{code}/assignments", only(get(assignments)))
        .route("/api/v1/units/{unit}/overdue", only(get(unit_overdue)))
        .route("/api/v1/indicators", only(get(indicators)))
        .route(
            "/api/v1/readings",
            only(get(list_readings).post(push_readings))
                .layer(DefaultBodyLimit::max(upload_limit.min(MAX_PUSH_BYTES))),
        )
        // A token request is a name, plans and an expiry: the JSON extractor reads at most
        // this much before the handler checks the caller is an admin.
        .route(
            "/api/v1/tokens",
            only(get(list_tokens).post(create_token)).layer(DefaultBodyLimit::max(16 * 1024)),
        )
        .route("/api/v1/tokens/{id}", only(delete(revoke_token)))
        .route(PREFIX, any(not_found))
        .route("/api/v1/", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
}

/// A route answers other methods with a JSON 405.
fn only(r: MethodRouter<AppState>) -> MethodRouter<AppState> {
    r.fallback(method_not_allowed)
}

// ---- Errors ----

/// Every error of the API.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    /// Stable, snake_case: `unauthorized`, `invalid_token`, `token_revoked`, `token_expired`,
    /// `forbidden`, `not_found`, `plan_not_found`, `unit_not_found`, `token_not_found`,
    /// `invalid_query`, `invalid_year`, `unknown_indicator`, `invalid_as_of`, `invalid_json`,
    /// `invalid_body`, `invalid_readings`, `batch_too_large`, `invalid_token_request`,
    /// `invalid_expiry`, `invalid_path`, `invalid_cookie`, `session_required`, `cross_site`,
    /// `method_not_allowed`,
    /// `payload_too_large`, `unsupported_media_type`, `internal`, ….
    pub code: String,
    /// What went wrong, in Chinese, to show as it is.
    pub message: String,
    /// The fields at fault, when there are several (a batch of readings: every bad row).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<FieldError>,
}

/// One rejected field.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The position (from 0) of the row in the batch; absent when the request is no list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub index: Option<usize>,
    /// The field, as named in the request (`indicator`, `value`, …).
    pub field: String,
    /// Why, in Chinese.
    pub reason: String,
}

/// A JSON error answer.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    error_with(status, code, message, Vec::new())
}

fn error_with(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    errors: Vec<FieldError>,
) -> Response {
    (
        status,
        Json(ApiError {
            code: code.to_owned(),
            message: message.into(),
            errors,
        }),
    )
        .into_response()
}

fn internal(cause: impl std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "api v1");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "服务器内部错误，请稍后重试",
    )
}

/// 401 for a request with neither a token nor a session.
pub fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "请先登录，或在 Authorization 头中提供 API 令牌（Bearer）",
    )
}

fn app_error(e: app::error::AppError) -> Response {
    use app::error::AppError;
    match e {
        AppError::BadRequest(m) => error(StatusCode::BAD_REQUEST, "bad_request", m),
        AppError::NotFound(m) => error(StatusCode::NOT_FOUND, "not_found", format!("未找到：{m}")),
        AppError::Unauthorized => unauthorized(),
        AppError::Forbidden(m) => error(StatusCode::FORBIDDEN, "forbidden", m),
        other => internal(other),
    }
}

fn json_rejection(r: &JsonRejection) -> Response {
    let (status, code) = match r.status() {
        StatusCode::BAD_REQUEST => (StatusCode::BAD_REQUEST, "invalid_json"),
        StatusCode::PAYLOAD_TOO_LARGE => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        StatusCode::UNPROCESSABLE_ENTITY => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        _ => (StatusCode::BAD_REQUEST, "invalid_json"),
    };
    error(status, code, format!("请求体无效：{}", r.body_text()))
}

fn query_rejection(r: &QueryRejection) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        format!("查询参数无效：{}", r.body_text()),
    )
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "此接口不支持该请求方法",
    )
}

// ---- Who calls ----

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
    fn signature(&self) -> String {
        format!("API 令牌 {}#{}", self.name, self.id)
    }
}

/// A bearer token the gate has already checked, handed to the handler in the request's
/// extensions so that it is looked up once per request.
#[derive(Debug, Clone)]
pub struct VerifiedToken(pub ApiToken);

/// Who is calling: a token (bearer) or a signed-in user (session cookie).
pub(crate) enum Caller {
    Token(ApiToken),
    User(User),
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
fn new_token() -> String {
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
    verified: Option<axum::Extension<VerifiedToken>>,
) -> Result<Caller, Response> {
    if let Some(axum::Extension(VerifiedToken(t))) = verified {
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
fn china_time(t: DateTime<Utc>) -> String {
    (t + Duration::hours(8))
        .format("%Y-%m-%d %H:%M（北京时间）")
        .to_string()
}

/// A token's last use is written at most this often (per token).
pub const LAST_USED_EVERY: Duration = Duration::seconds(60);

/// How long a request waits for its token's last use to be written before it goes on
/// without (the write goes on in the background).
const LAST_USED_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Whether this process may try to write the last use of the token with this hash now: at
/// most one try per token per [`LAST_USED_EVERY`], successful or not — so that a database
/// that stays busy gets one waiting write per token, not one per request (each would hold a
/// connection of the pool while it waits).
fn may_try_recording(token_hash: &str) -> bool {
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
async fn record_use(store: &Store, t: &ApiToken, token_hash: &str, now: DateTime<Utc>) {
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
async fn admin(state: &AppState, session: &Session, headers: &HeaderMap) -> Result<User, Response> {
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

// ---- Reads ----

/// A plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiPlan {
    /// The plan's code (`water`, `air`, `soil`, or an imported plan's).
    pub code: String,
    /// `active` or `closed` (a draft is listed only to admins and its coordinators).
    pub status: String,
    /// The short name in English, when the plan has one.
    pub short_name_en: Option<String>,
    /// 文号.
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    pub owner_office: String,
    pub start_year: i32,
    pub end_year: i32,
    pub action_count: i64,
    pub task_count: i64,
    pub work_item_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanList {
    pub plans: Vec<ApiPlan>,
}

/// A deadline phrase of a work item with the date it was read as.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiMilestone {
    /// As the plan writes it, e.g. “2018年6月底前”.
    pub phrase: String,
    /// `by`, `from`, `recurring`, `continuous`, `event_relative` (after an event, possibly
    /// within a time), `contingent` (waits on a higher level) or `unconfirmed` (an imported
    /// phrase not read, 待确认; never overdue until a coordinator dates it).
    pub kind: String,
    /// The day by which it must be done, when the phrase gives one.
    pub due: Option<NaiveDate>,
}

/// A work item of a plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiItem {
    /// The item's number in the plan (1, 2, …).
    pub number: i32,
    pub action_seq: i32,
    pub action_title: String,
    pub task_number: i32,
    pub task_title: String,
    pub text: String,
    /// 牵头单位.
    pub leads: Vec<String>,
    /// 责任单位 as the plan writes them.
    pub responsible_text: String,
    /// The units with an assignment on it.
    pub units: Vec<String>,
    pub milestones: Vec<ApiMilestone>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemList {
    pub plan: String,
    pub items: Vec<ApiItem>,
}

/// An assignment's status on the as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiStatus {
    Overdue,
    /// The plan's period is over and the work was not finished (未完成（期满）).
    Lapsed,
    DueSoon,
    InProgress,
    NotStarted,
    DoneLate,
    Done,
}

impl From<Status> for ApiStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Overdue => ApiStatus::Overdue,
            Status::Lapsed => ApiStatus::Lapsed,
            Status::DueSoon => ApiStatus::DueSoon,
            Status::InProgress => ApiStatus::InProgress,
            Status::NotStarted => ApiStatus::NotStarted,
            Status::DoneLate => ApiStatus::DoneLate,
            Status::Done => ApiStatus::Done,
        }
    }
}

/// One unit's assignment on a work item, with its status as of the day asked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiAssignment {
    pub assignment_id: i64,
    pub plan: String,
    pub task_number: i32,
    pub item_number: i32,
    pub item_text: String,
    pub unit: String,
    /// The plan's phrase that assigned it (“各县(市、区)政府”).
    pub via: String,
    pub status: ApiStatus,
    /// The status in Chinese (逾期, 即将到期, …).
    pub status_label: String,
    /// The next unmet dated milestone (the earliest missed one when overdue).
    pub next_due: Option<NaiveDate>,
    /// Days from the as-of day to `next_due`; negative when late.
    pub days_left: Option<i64>,
    /// Finished periods of recurring duties without a report.
    pub missed_periods: u32,
    pub report_count: i32,
    /// The day the newest report speaks for.
    pub last_reported_on: Option<NaiveDate>,
    /// The newest report is a 补报: dated more than the allowed days before the day it was
    /// made (it counts as done from the day it was made unless its reviewer accepted the day
    /// it claims).
    pub last_report_late_filed: bool,
    /// A done report waits for the coordinator's review.
    pub awaiting_review: bool,
}

impl From<sanzhi_domain::Tracked> for ApiAssignment {
    fn from(t: sanzhi_domain::Tracked) -> Self {
        ApiAssignment {
            assignment_id: t.assignment_id,
            plan: t.plan_code,
            task_number: t.task_number,
            item_number: t.item_number,
            item_text: t.item_text,
            unit: t.unit,
            via: t.via,
            status: t.assessment.status.into(),
            status_label: t.assessment.status.label_zh().to_owned(),
            next_due: t.assessment.next_due,
            days_left: t.assessment.days_left,
            missed_periods: t.assessment.missed_periods,
            report_count: t.report_count,
            last_reported_on: t.last_report.as_ref().map(|r| r.reported_on),
            last_report_late_filed: t.last_report.as_ref().is_some_and(|r| r.late_filed),
            awaiting_review: t.awaiting_review,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentList {
    pub plan: String,
    /// The day the statuses are computed for.
    pub as_of: NaiveDate,
    /// Demo reports are stored (statuses rest partly on generated data).
    pub demo: bool,
    pub count: usize,
    pub assignments: Vec<ApiAssignment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverdueList {
    pub unit: String,
    pub as_of: NaiveDate,
    pub demo: bool,
    pub count: usize,
    /// The unit's overdue assignments, the longest late first.
    pub assignments: Vec<ApiAssignment>,
}

/// An indicator readings are taken of.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiIndicator {
    /// Stable code, e.g. `pm25`, `water.nh3n`.
    pub code: String,
    pub name: String,
    pub unit: String,
    /// `lower` or `higher`.
    pub better: String,
    /// `area`, `section`, `drain` or `city`.
    pub place_kind: String,
    /// The plan whose token may push it: `water`, `air`, `soil`.
    pub plan: String,
    /// A monthly value above this is refused as not believable.
    pub max_plausible: f64,
    /// Where it may be read.
    pub places: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorList {
    pub indicators: Vec<ApiIndicator>,
}

/// A stored reading.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiReading {
    pub indicator: String,
    pub place: String,
    pub year: i32,
    pub month: u32,
    pub value: f64,
    pub valid_days: Option<u32>,
    pub provisional: bool,
    /// `entered`, `imported`, `api` or `demo`.
    pub source: String,
    pub is_demo: bool,
    pub note: String,
    pub recorded_by: String,
    /// RFC 3339.
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReadingList {
    pub count: usize,
    pub readings: Vec<ApiReading>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// The day to compute statuses for, `YYYY-MM-DD`; default today (the demo day when demo
    /// reports are stored).
    #[param(format = Date, example = "2019-12-31")]
    pub as_of: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingParams {
    /// One year (2015–2025); default every year.
    #[param(minimum = 2015, maximum = 2025)]
    pub year: Option<i32>,
    /// An indicator code, or a code prefix ending in `.` (`water.`).
    pub indicator: Option<String>,
    pub place: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "本文档（OpenAPI 3.1）", content_type = "application/json"))
)]
async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    responses(
        (status = 200, description = "全部方案", body = PlanList),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn list_plans(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
) -> Result<Json<PlanList>, Response> {
    let who = caller(&state, &session, &headers, verified).await?;
    let plans = state.store.list_plans().await.map_err(internal)?;
    Ok(Json(PlanList {
        plans: plans
            .into_iter()
            .filter(|p| sees(&who, p))
            .map(|p| ApiPlan {
                code: p.code.as_str().to_owned(),
                status: p.status.as_str().to_owned(),
                short_name_en: p.short_name_en,
                doc_no: p.doc_no,
                title: p.title,
                short_name: p.short_name,
                owner_office: p.owner_office,
                start_year: p.period.start_year(),
                end_year: p.period.end_year(),
                action_count: p.action_count,
                task_count: p.task_count,
                work_item_count: p.work_item_count,
            })
            .collect(),
    }))
}

/// Whether the caller sees this plan: a token every plan in effect or closed, never a draft;
/// a user as the browser shows it ([`sanzhi_domain::may_see_plan`]).
fn sees(who: &Caller, p: &sanzhi_domain::PlanSummary) -> bool {
    match who {
        Caller::Token(_) => p.status != sanzhi_domain::PlanStatus::Draft,
        Caller::User(u) => sanzhi_domain::may_see_plan(Some(u), p.code.as_str(), p.status),
    }
}

/// The plan `code` if the caller sees it; “not found” otherwise (a draft's code says nothing).
async fn seen_plan(state: &AppState, who: &Caller, code: &str) -> Result<(), Response> {
    let parsed = sanzhi_domain::PlanCode::parse(code).map_err(|_| plan_not_found(code))?;
    match state.store.plan_detail(&parsed).await.map_err(internal)? {
        Some(p) if sees(who, &p.summary) => Ok(()),
        _ => Err(plan_not_found(code)),
    }
}

fn plan_not_found(code: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "plan_not_found",
        format!("没有方案“{code}”"),
    )
}

fn deadline_kind(d: &Deadline) -> &'static str {
    d.kind_str()
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{code}/items",
    tag = "plans",
    params(("code" = String, Path, description = "方案代码（GET /api/v1/plans 列出全部方案）")),
    responses(
        (status = 200, description = "方案的全部工作事项", body = ItemList),
        (status = 400, description = "路径含控制字符等，在路由之前即被拒绝（invalid_path）", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 404, description = "没有该方案", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn plan_items(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
    Path(code): Path<String>,
) -> Result<Json<ItemList>, Response> {
    let who = caller(&state, &session, &headers, verified).await?;
    seen_plan(&state, &who, &code).await?;
    let parsed = sanzhi_domain::PlanCode::parse(&code).map_err(|_| plan_not_found(&code))?;
    let tree = state
        .store
        .plan_tree(&parsed)
        .await
        .map_err(internal)?
        .ok_or_else(|| plan_not_found(&code))?;
    let mut items = Vec::new();
    for action in tree.actions {
        for task in action.tasks {
            for item in task.items {
                items.push(ApiItem {
                    number: item.number,
                    action_seq: action.seq,
                    action_title: action.title.clone(),
                    task_number: task.number,
                    task_title: task.title.clone(),
                    text: item.text,
                    leads: item.leads,
                    responsible_text: item.responsible_text,
                    units: item.units,
                    milestones: item
                        .milestones
                        .into_iter()
                        .map(|m| ApiMilestone {
                            kind: deadline_kind(&m.deadline).to_owned(),
                            due: m.deadline.due_date(),
                            phrase: m.phrase,
                        })
                        .collect(),
                });
            }
        }
    }
    Ok(Json(ItemList { plan: code, items }))
}

async fn as_of_day(store: &Store, asked: Option<&str>) -> Result<(NaiveDate, bool), Response> {
    // Today in China Standard Time (UTC+8), as the pages count it.
    let today = sanzhi_domain::report::china_day(Utc::now());
    app::tracking::inner::resolve_as_of(store, asked, today)
        .await
        .map_err(|e| match e {
            app::error::AppError::BadRequest(m) => {
                error(StatusCode::BAD_REQUEST, "invalid_as_of", m)
            }
            other => app_error(other),
        })
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{code}/assignments",
    tag = "tracking",
    params(("code" = String, Path, description = "方案代码（GET /api/v1/plans 列出全部方案）"), AsOfParams),
    responses(
        (status = 200, description = "方案的全部分工及其截至某日的状态", body = AssignmentList),
        (status = 400, description = "as_of 不是日期（invalid_as_of、invalid_query），或路径含控制字符等（invalid_path）", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 404, description = "没有该方案", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn assignments(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
    Path(code): Path<String>,
    params: Result<Query<AsOfParams>, QueryRejection>,
) -> Result<Json<AssignmentList>, Response> {
    let who = caller(&state, &session, &headers, verified).await?;
    let Query(params) = params.map_err(|r| query_rejection(&r))?;
    seen_plan(&state, &who, &code).await?;
    let (as_of, demo) = as_of_day(&state.store, params.as_of.as_deref()).await?;
    let scope = TrackScope {
        plan: Some(code.clone()),
        ..TrackScope::default()
    };
    let rows = state
        .store
        .tracked(&scope, as_of, sanzhi_domain::status::DUE_SOON_DAYS)
        .await
        .map_err(internal)?;
    let assignments: Vec<ApiAssignment> = rows.into_iter().map(ApiAssignment::from).collect();
    Ok(Json(AssignmentList {
        plan: code,
        as_of,
        demo,
        count: assignments.len(),
        assignments,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{unit}/overdue",
    tag = "tracking",
    params(("unit" = String, Path, description = "单位名称，如“开化县政府”", example = "开化县政府"), AsOfParams),
    responses(
        (status = 200, description = "单位截至某日逾期的分工", body = OverdueList),
        (status = 400, description = "as_of 不是日期（invalid_as_of、invalid_query），或路径含控制字符等（invalid_path）", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 404, description = "没有该单位", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn unit_overdue(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
    Path(unit): Path<String>,
    params: Result<Query<AsOfParams>, QueryRejection>,
) -> Result<Json<OverdueList>, Response> {
    caller(&state, &session, &headers, verified).await?;
    let Query(params) = params.map_err(|r| query_rejection(&r))?;
    let unit = unit.trim().to_owned();
    let units = state.store.units().await.map_err(internal)?;
    if !units.iter().any(|(name, _)| *name == unit) {
        return Err(error(
            StatusCode::NOT_FOUND,
            "unit_not_found",
            format!("没有单位“{unit}”"),
        ));
    }
    let (as_of, demo) = as_of_day(&state.store, params.as_of.as_deref()).await?;
    let scope = TrackScope {
        unit: Some(unit.clone()),
        ..TrackScope::default()
    };
    let mut rows: Vec<ApiAssignment> = state
        .store
        .tracked(&scope, as_of, sanzhi_domain::status::DUE_SOON_DAYS)
        .await
        .map_err(internal)?
        .into_iter()
        // The daily list: only plans in effect (a closed plan's late work is history).
        .filter(|t| t.assessment.status == Status::Overdue && t.in_daily_views(as_of))
        .map(ApiAssignment::from)
        .collect();
    rows.sort_by_key(|r| (r.days_left.unwrap_or(0), r.assignment_id));
    Ok(Json(OverdueList {
        unit,
        as_of,
        demo,
        count: rows.len(),
        assignments: rows,
    }))
}

fn place_kind(k: PlaceKind) -> &'static str {
    match k {
        PlaceKind::Area => "area",
        PlaceKind::Section => "section",
        PlaceKind::Drain => "drain",
        PlaceKind::City => "city",
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "readings",
    responses(
        (status = 200, description = "指标目录及各指标的监测地点", body = IndicatorList),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn indicators(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
) -> Result<Json<IndicatorList>, Response> {
    caller(&state, &session, &headers, verified).await?;
    let places = state.store.reading_places().await.map_err(internal)?;
    Ok(Json(IndicatorList {
        indicators: sanzhi_domain::CATALOGUE
            .iter()
            .map(|d| ApiIndicator {
                code: d.code.to_owned(),
                name: d.name_zh.to_owned(),
                unit: d.unit.to_owned(),
                better: d.better.as_str().to_owned(),
                place_kind: place_kind(d.place_kind).to_owned(),
                plan: d.plan.to_owned(),
                max_plausible: d.max_plausible,
                places: places.of(d.place_kind),
            })
            .chain(places.indicators.iter().map(|d| ApiIndicator {
                code: d.code.clone(),
                name: d.name_zh.clone(),
                unit: d.unit.clone(),
                better: d.better.as_str().to_owned(),
                place_kind: place_kind(d.place_kind).to_owned(),
                plan: d.plan.clone(),
                max_plausible: d.max_plausible,
                places: places.of(d.place_kind),
            }))
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/readings",
    tag = "readings",
    params(ReadingParams),
    responses(
        (status = 200, description = "符合条件的读数", body = ReadingList),
        (status = 400, description = "查询参数无效", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn list_readings(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
    params: Result<Query<ReadingParams>, QueryRejection>,
) -> Result<Json<ReadingList>, Response> {
    caller(&state, &session, &headers, verified).await?;
    let Query(params) = params.map_err(|r| query_rejection(&r))?;
    let years = sanzhi_domain::reading::YEARS;
    let (from_year, to_year) = match params.year {
        None => (*years.start(), *years.end()),
        Some(y) if years.contains(&y) => (y, y),
        Some(y) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "invalid_year",
                format!("年份 {y} 超出范围 {}–{}", years.start(), years.end()),
            ))
        }
    };
    let indicator = match params.indicator.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(prefix) if prefix.ends_with('.') => Some(prefix.to_owned()),
        Some(code) => match state
            .store
            .reading_places()
            .await
            .map_err(internal)?
            .indicator(code)
        {
            Some(d) => Some(d.code.to_owned()),
            None => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "unknown_indicator",
                    format!("没有指标“{code}”"),
                ))
            }
        },
    };
    let place = params
        .place
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let rows = state
        .store
        .readings(&ReadingFilter {
            from_year,
            to_year,
            indicator,
            place,
        })
        .await
        .map_err(internal)?;
    let readings: Vec<ApiReading> = rows
        .into_iter()
        .map(|r| ApiReading {
            indicator: r.key.indicator,
            place: r.key.place,
            year: r.key.year,
            month: r.key.month,
            value: r.value,
            valid_days: r.valid_days,
            provisional: r.provisional,
            source: r.source.as_str().to_owned(),
            is_demo: r.is_demo,
            note: r.note,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        })
        .collect();
    Ok(Json(ReadingList {
        count: readings.len(),
        readings,
    }))
}

// ---- Pushing readings ----

/// One reading to store. Keyed by indicator + place + year + month: the same key again
/// replaces the stored value (or changes nothing when it is the same).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushReading {
    /// An indicator code (`pm25`, `water.nh3n`, …) or its Chinese name.
    #[schema(min_length = 1, example = "pm25")]
    pub indicator: String,
    /// A place of the indicator's kind (see `/api/v1/indicators`).
    #[schema(min_length = 1)]
    pub place: String,
    #[schema(minimum = 2015, maximum = 2025)]
    pub year: i32,
    #[schema(minimum = 1, maximum = 12)]
    pub month: u32,
    /// Not negative, and at most the indicator's `max_plausible`.
    #[schema(minimum = 0)]
    pub value: f64,
    /// Valid daily values behind a monthly mean (at most the days of the month).
    #[schema(required = false, minimum = 0, maximum = 31)]
    pub valid_days: Option<u32>,
    /// A provisional value (default false).
    #[schema(required = false)]
    pub provisional: Option<bool>,
    /// At most 500 characters.
    #[schema(required = false, max_length = 500)]
    pub note: Option<String>,
}

/// What a push did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushResult {
    /// Rows in the batch.
    pub received: usize,
    /// New keys.
    pub inserted: u64,
    /// Keys whose stored value changed (the old value is kept in the history).
    pub replaced: u64,
    /// Keys whose stored value was the same: nothing was written.
    pub unchanged: u64,
}

const PUSH_FIELDS: [&str; 8] = [
    "indicator",
    "place",
    "year",
    "month",
    "value",
    "valid_days",
    "provisional",
    "note",
];

/// Reads one row of a batch into the raw fields of a reading; every field with the wrong
/// type, a missing required field or an unknown field is a problem.
fn row_input(index: usize, row: &Value, problems: &mut Vec<FieldError>) -> Option<ReadingInput> {
    let before = problems.len();
    let mut problem = |field: &str, reason: &str| {
        problems.push(FieldError {
            index: Some(index),
            field: field.to_owned(),
            reason: reason.to_owned(),
        });
    };
    let Some(obj) = row.as_object() else {
        problem("", "每条读数应为 JSON 对象");
        return None;
    };
    for key in obj.keys() {
        if !PUSH_FIELDS.contains(&key.as_str()) {
            problem(key, "未知字段");
        }
    }
    let get = |f: &str| obj.get(f).filter(|v| !v.is_null());
    let mut text = |f: &str, required: bool| match get(f) {
        None if required => {
            problem(f, "不能为空");
            String::new()
        }
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            problem(f, "应为字符串");
            String::new()
        }
    };
    let indicator = text("indicator", true);
    let place = text("place", true);
    let note = text("note", false);
    let mut number = |f: &str, required: bool, whole: bool| match get(f) {
        None if required => {
            problem(f, "不能为空");
            String::new()
        }
        None => String::new(),
        Some(Value::Number(n)) if !whole || n.is_i64() || n.is_u64() => n.to_string(),
        Some(_) if whole => {
            problem(f, "应为整数");
            String::new()
        }
        Some(_) => {
            problem(f, "应为数字");
            String::new()
        }
    };
    let year = number("year", true, true);
    let month = number("month", true, true);
    let value = number("value", true, false);
    let valid_days = number("valid_days", false, true);
    let provisional = match get("provisional") {
        None => String::new(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(_) => {
            problem("provisional", "应为 true 或 false");
            String::new()
        }
    };
    (problems.len() == before).then_some(ReadingInput {
        indicator,
        place,
        year,
        month,
        value,
        valid_days,
        provisional,
        note,
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/readings",
    tag = "readings",
    request_body(content = [PushReading], description = "一批读数（同一事务写入）"),
    responses(
        (status = 200, description = "已写入：新增、替换、未变的条数", body = PushResult),
        (status = 400, description = "请求体不是 JSON 数组", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 403, description = "无权写入任何方案的读数（只读令牌等；不读取请求体），或无权写入某些指标所属方案的读数；未写入任何读数", body = ApiError),
        (status = 413, description = "请求体超过上限", body = ApiError),
        (status = 415, description = "请求体不是 application/json", body = ApiError),
        (status = 422, description = "有读数无效（errors 列出每条：index、field、reason），或一次超过 10000 条；未写入任何读数", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn push_readings(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    verified: Option<axum::Extension<VerifiedToken>>,
    body: axum::body::Body,
) -> Result<Json<PushResult>, Response> {
    let who = caller(&state, &session, &headers, verified).await?;
    // Whether the caller may write readings of any plan at all, before a byte of the body is
    // read: a read-only token (or a user who may not write readings) never gets a body
    // buffered or parsed. Which plans the rows need is checked after parsing, below.
    let may_write = match &who {
        Caller::Token(t) => !t.plans.is_empty(),
        Caller::User(u) => sanzhi_domain::may_write_some_readings(Some(u)),
    };
    if !may_write {
        return Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            match &who {
                Caller::Token(_) => "此 API 令牌只能读取，不能推送读数；未写入任何读数",
                Caller::User(_) => "当前账号无权写入读数；未写入任何读数",
            },
        ));
    }
    let body = read_json(&headers, body, state.upload_limit.min(MAX_PUSH_BYTES)).await?;
    let Value::Array(rows) = body else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "请求体应为读数的 JSON 数组",
        ));
    };
    if rows.len() > MAX_BATCH {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_too_large",
            format!("一次最多推送 {MAX_BATCH} 条读数，本次 {} 条", rows.len()),
        ));
    }
    let places = state.store.reading_places().await.map_err(internal)?;
    let place_index = places.index();
    let mut problems = Vec::new();
    let mut readings = Vec::with_capacity(rows.len());
    let mut seen: HashMap<ReadingKey, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate() {
        let Some(input) = row_input(index, row, &mut problems) else {
            continue;
        };
        match input.parse_indexed(&places, &place_index) {
            Ok(reading) => {
                if let Some(first) = seen.insert(reading.key.clone(), index) {
                    problems.push(FieldError {
                        index: Some(index),
                        field: "month".to_owned(),
                        reason: format!("与第 {first} 条（从 0 起）的指标、地点、年月相同"),
                    });
                }
                readings.push((index, reading));
            }
            Err(e) => problems.push(FieldError {
                index: Some(index),
                field: e.field.to_owned(),
                reason: e.reason,
            }),
        }
    }
    if !problems.is_empty() {
        let bad_rows = {
            let mut rows: Vec<_> = problems.iter().filter_map(|p| p.index).collect();
            rows.dedup();
            rows.len()
        };
        return Err(error_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_readings",
            format!("{bad_rows} 条读数无效，未写入任何读数"),
            problems,
        ));
    }
    // Every indicator's plan must be the caller's to write.
    let mut refused = Vec::new();
    for (index, r) in &readings {
        let plan = places.indicator(&r.key.indicator).map_or("", |d| d.plan);
        let allowed = match &who {
            Caller::Token(t) => t.plans.iter().any(|p| p == plan),
            Caller::User(u) => {
                sanzhi_domain::authorize(Some(u), &sanzhi_domain::Action::WriteReadings { plan })
                    .is_ok()
            }
        };
        if !allowed {
            refused.push(FieldError {
                index: Some(*index),
                field: "indicator".to_owned(),
                reason: format!("无权写入方案“{plan}”的指标“{}”", r.key.indicator),
            });
        }
    }
    if !refused.is_empty() {
        return Err(error_with(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "{} 条读数的指标不属于可写入的方案，未写入任何读数",
                refused.len()
            ),
            refused,
        ));
    }
    let by = match &who {
        Caller::Token(t) => t.signature(),
        Caller::User(u) => app::auth::signature(u),
    };
    let readings: Vec<_> = readings.into_iter().map(|(_, r)| r).collect();
    let written = state
        .store
        .write_readings(&readings, ReadingSource::Api, &by, Utc::now())
        .await
        .map_err(|e| match e {
            sanzhi_store::StoreError::Invalid(m) => {
                error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_readings", m)
            }
            other => internal(other),
        })?;
    Ok(Json(PushResult {
        received: rows.len(),
        inserted: written.inserted,
        replaced: written.replaced,
        unchanged: written.unchanged,
    }))
}

/// Reads a JSON body of at most `limit` bytes, as the `Json` extractor would (415 without a
/// JSON content type, 413 over the limit, 400 for JSON that does not parse) — but only when
/// the handler asks, after its checks.
async fn read_json(
    headers: &HeaderMap,
    mut body: axum::body::Body,
    limit: usize,
) -> Result<Value, Response> {
    use axum::body::HttpBody;
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        });
    if !json_type {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体应为 JSON（Content-Type: application/json）",
        ));
    }
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "请求体过大：超过 {} KB 的上限；请分批推送（每批至多 {MAX_BATCH} 条）",
                limit / 1024
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|e| {
            error(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("请求体未能完整读取：{e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("请求体不是有效的 JSON：{e}"),
        )
    })
}

// ---- Tokens ----

/// A token to issue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Who uses it, e.g. “市监测站数据平台” (1–60 characters, not only spaces).
    #[schema(
        min_length = 1,
        max_length = 60,
        pattern = r"\S",
        example = "市监测站数据平台"
    )]
    pub name: String,
    /// The plans whose readings it may push: a subset of `water`, `air`, `soil`; empty or
    /// absent: read only.
    #[serde(default)]
    #[schema(required = false, inline, value_type = Vec<TokenPlan>)]
    pub plans: Vec<String>,
    /// When it stops working, RFC 3339 (`2027-01-01T00:00:00+08:00`); must be in the future
    /// and at most 3650 days away. Give this or `expires_in_days`, not both; neither: it
    /// never expires.
    #[serde(default)]
    #[schema(required = false, format = DateTime)]
    pub expires_at: Option<String>,
    /// It stops working this many days (1–3650) after it is issued.
    #[serde(default)]
    #[schema(required = false, minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

/// A plan a token may push readings for (documentation only: the request takes strings,
/// and names every bad one).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenPlan {
    Water,
    Air,
    Soil,
}

/// The longest a token may be issued for.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// When a token asked for at `now` expires (`None`: never), or why the request is refused
/// (400 `invalid_expiry`), in Chinese.
fn token_expiry(req: &TokenRequest, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let at = req
        .expires_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let expires = match (at, req.expires_in_days) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err("expires_at 与 expires_in_days 只能填写其中一个".to_owned())
        }
        (Some(text), None) => {
            let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
                format!(
                    "到期时间“{text}”无效：应为 RFC 3339 格式的时间，如 2027-01-01T00:00:00+08:00"
                )
            })?;
            let at = parsed.with_timezone(&Utc);
            if at <= now {
                return Err(format!(
                    "到期时间 {} 已经过去，不能签发已过期的令牌；请填写将来的时间",
                    china_time(at)
                ));
            }
            at
        }
        (None, Some(days)) => {
            if days < 1 {
                return Err(format!(
                    "有效天数 expires_in_days 应至少为 1（现为 {days}，到期时间已经过去），不能签发已过期的令牌"
                ));
            }
            if days > MAX_TOKEN_DAYS {
                return Err(format!(
                    "有效天数 expires_in_days 至多为 {MAX_TOKEN_DAYS}（现为 {days}）"
                ));
            }
            now + Duration::days(days)
        }
    };
    if expires > now + Duration::days(MAX_TOKEN_DAYS) {
        return Err(format!(
            "到期时间 {} 太远：令牌的有效期至多为 {MAX_TOKEN_DAYS} 天",
            china_time(expires)
        ));
    }
    Ok(Some(expires))
}

/// An issued token: the secret is in `token`, shown this once and never again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenCreated {
    /// `sz_` and 32 letters and digits: send it as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub info: ApiToken,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<ApiToken>,
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    security(("session" = [])),
    request_body = TokenRequest,
    responses(
        (status = 201, description = "已签发；令牌明文仅此一次返回", body = TokenCreated),
        (status = 400, description = "请求体不是有效的 JSON（invalid_json），或到期时间无效、已经过去、太远（invalid_expiry）", body = ApiError),
        (status = 401, description = "未登录", body = ApiError),
        (status = 403, description = "不是系统管理员，或用 API 令牌调用，或跨站请求", body = ApiError),
        (status = 413, description = "请求体超过上限", body = ApiError),
        (status = 415, description = "请求体不是 application/json", body = ApiError),
        (status = 422, description = "名称或方案无效（invalid_token_request），或字段类型不对（invalid_body）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn create_token(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<TokenCreated>), Response> {
    let user = admin(&state, &session, &headers).await?;
    let Json(req) = body.map_err(|r| json_rejection(&r))?;
    let mut problems = Vec::new();
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        problems.push(FieldError {
            index: None,
            field: "name".to_owned(),
            reason: "名称须为 1–60 个字符".to_owned(),
        });
    }
    // Any stored plan (the plans table is the only list of plans).
    let stored: Vec<String> = state
        .store
        .list_plans()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| p.code.as_str().to_owned())
        .collect();
    let mut plans = Vec::new();
    for (i, plan) in req.plans.iter().enumerate() {
        let plan = plan.trim();
        if stored.iter().any(|s| s == plan) {
            if !plans.iter().any(|p| p == plan) {
                plans.push(plan.to_owned());
            }
        } else {
            problems.push(FieldError {
                index: Some(i),
                field: "plans".to_owned(),
                reason: format!("没有方案“{plan}”（方案代码见 GET /api/v1/plans）"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(error_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_token_request",
            "令牌的名称或方案无效",
            problems,
        ));
    }
    let now = Utc::now();
    let expires_at = token_expiry(&req, now)
        .map_err(|message| error(StatusCode::BAD_REQUEST, "invalid_expiry", message))?;
    let token = new_token();
    let row = state
        .store
        .api_token_create(
            name,
            &hash_token(&token),
            &plans,
            expires_at,
            &app::auth::signature(&user),
            now,
        )
        .await
        .map_err(internal)?;
    let info = ApiToken::from(row);
    tracing::info!(token = info.id, name = %info.name, expires_at = ?info.expires_at, "api token issued");
    Ok((StatusCode::CREATED, Json(TokenCreated { token, info })))
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    security(("session" = [])),
    responses(
        (status = 200, description = "全部令牌（不含明文与散列）", body = TokenList),
        (status = 401, description = "未登录", body = ApiError),
        (status = 403, description = "不是系统管理员，或用 API 令牌调用", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn list_tokens(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Result<Json<TokenList>, Response> {
    admin(&state, &session, &headers).await?;
    let rows = state.store.api_tokens().await.map_err(internal)?;
    Ok(Json(TokenList {
        tokens: rows.into_iter().map(ApiToken::from).collect(),
    }))
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    security(("session" = [])),
    params(("id" = i64, Path, description = "令牌编号")),
    responses(
        (status = 200, description = "已吊销（已吊销的令牌原样返回）", body = ApiToken),
        (status = 400, description = "路径含控制字符等，在路由之前即被拒绝（invalid_path）", body = ApiError),
        (status = 401, description = "未登录", body = ApiError),
        (status = 403, description = "不是系统管理员，或用 API 令牌调用，或跨站请求", body = ApiError),
        (status = 404, description = "没有该令牌", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
async fn revoke_token(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ApiToken>, Response> {
    let user = admin(&state, &session, &headers).await?;
    let missing = || {
        error(
            StatusCode::NOT_FOUND,
            "token_not_found",
            format!("没有编号为“{id}”的令牌"),
        )
    };
    let Ok(number) = id.trim().parse::<i64>() else {
        return Err(missing());
    };
    let row = state
        .store
        .api_token_revoke(number, &app::auth::signature(&user), Utc::now())
        .await
        .map_err(internal)?
        .ok_or_else(missing)?;
    tracing::info!(token = number, "api token revoked");
    Ok(Json(ApiToken::from(row)))
}

// ---- The document ----

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("sz_…")
                    .description(Some("系统管理员签发的 API 令牌"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "sanzhi_session",
                "系统管理员登录后的浏览器会话（写操作须同源）",
            ))),
        );
    }
}

/// The OpenAPI document of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "三治 JSON API",
        version = "1",
        description = "方案、分工状态、指标与读数的只读接口，读数推送接口，以及 API 令牌管理。\
            错误一律为 {\"code\", \"message\"}。"
    ),
    paths(
        openapi,
        list_plans,
        plan_items,
        assignments,
        unit_overdue,
        indicators,
        list_readings,
        push_readings,
        create_token,
        list_tokens,
        revoke_token,
    ),
    components(schemas(
        ApiError,
        FieldError,
        ApiPlan,
        PlanList,
        ApiMilestone,
        ApiItem,
        ItemList,
        ApiStatus,
        ApiAssignment,
        AssignmentList,
        OverdueList,
        ApiIndicator,
        IndicatorList,
        ApiReading,
        ReadingList,
        PushReading,
        PushResult,
        TokenRequest,
        TokenCreated,
        TokenList,
        ApiToken,
    )),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "plans", description = "方案与工作事项"),
        (name = "tracking", description = "分工进度状态"),
        (name = "readings", description = "指标与读数"),
        (name = "tokens", description = "API 令牌（系统管理员，浏览器会话）"),
        (name = "meta", description = "本文档"),
    )
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        for t in [&a, &b] {
            assert!(t.starts_with(TOKEN_PREFIX), "{t}");
            assert_eq!(t.len(), TOKEN_PREFIX.len() + TOKEN_CHARS, "{t}");
            assert!(t[TOKEN_PREFIX.len()..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric()));
        }
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn the_last_use_is_tried_once_a_minute_per_token() {
        let a = hash_token(&new_token());
        let b = hash_token(&new_token());
        assert!(may_try_recording(&a));
        assert!(!may_try_recording(&a), "not again within the minute");
        assert!(may_try_recording(&b), "another token");
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer sz_abc".parse().expect("h"));
        assert_eq!(bearer_token(&h), Some("sz_abc"));
        h.insert(header::AUTHORIZATION, "bearer  sz_abc ".parse().expect("h"));
        assert_eq!(bearer_token(&h), Some("sz_abc"));
        h.insert(header::AUTHORIZATION, "Basic dXNlcg==".parse().expect("h"));
        assert_eq!(bearer_token(&h), None);
    }

    #[test]
    fn a_row_with_wrong_types_names_every_field() {
        let mut problems = Vec::new();
        let row = serde_json::json!({
            "indicator": 1, "place": "x", "year": "2019", "month": 1.5, "value": "3",
            "colour": "red"
        });
        assert!(row_input(4, &row, &mut problems).is_none());
        let mut fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["colour", "indicator", "month", "value", "year"]);
        assert!(problems.iter().all(|p| p.index == Some(4)));
    }
}
