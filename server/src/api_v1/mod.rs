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
//!   request (see [`caller::record_use`]).
//! - `GET /api/v1/openapi.json` (public): the OpenAPI document, generated from this module.
//!
//! Every answer that is not a success is `{"code": "<stable_code>", "message": "<中文>"}`
//! (plus `errors` listing the fields when there are several), unknown paths included.
//! The session gate (`crate::gate`) lets requests carrying a bearer token through: they are
//! authenticated here, by the [`Caller`] extractor every read and push takes (and `Admin`
//! for the token calls) — a handler cannot forget its caller's check.
//!
//! Files: `caller.rs` (who calls: tokens, sessions, which plans a caller sees), `errors.rs`,
//! `reads.rs`, `push.rs`, `tokens.rs`; this file has the routes and the OpenAPI document.

use app::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, MethodRouter};
use axum::{Json, Router};
use sanzhi_domain::chrono::{DateTime, Duration, NaiveDate, Utc};
use sanzhi_domain::{Deadline, PlaceKind, ReadingInput, ReadingSource, Status, User};
use sanzhi_store::{ReadingFilter, Store, TrackScope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use tower_sessions::Session;
use utoipa::{IntoParams, OpenApi, ToSchema};

mod caller;
mod errors;
mod push;
mod reads;
#[cfg(test)]
mod tests;
mod tokens;

use caller::*;
pub use caller::{
    bearer_token, hash_token, ApiToken, VerifiedToken, LAST_USED_EVERY, TOKEN_PREFIX,
};
pub(crate) use caller::{caller, Caller};
use errors::*;
pub use errors::{error, unauthorized, ApiError, FieldError};
use push::*;
use reads::*;
use tokens::*;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

/// The OpenAPI document: public.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The most readings one push may carry.
pub const MAX_BATCH: usize = 10_000;

/// Whether a path belongs to this API.
pub fn is_api_v1(path: &str) -> bool {
    path == PREFIX || path.starts_with("/api/v1/")
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
        // this much (after the `Admin` extractor has checked the caller).
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
