//! The HTTP surface: pages, server functions, `/healthz`, static files, request spans.

use crate::health;
use crate::page_cache::PageCache;
use app::error::AppError;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The whole application as an axum router; tests call this with their own state.
pub fn build_router(state: AppState) -> Router {
    build_router_with(state, Arc::default())
}

/// [`build_router`] with the page cache given (tests look into it).
pub fn build_router_with(state: AppState, pages: Arc<PageCache>) -> Router {
    assemble(state, pages, true)
}

/// For tests only: the router without its gate, to prove that every server function and
/// route checks its caller itself (the gate is a second line, never the only one).
#[doc(hidden)]
pub fn build_router_ungated(state: AppState) -> Router {
    assemble(state, Arc::default(), false)
}

/// The app's routes, listed once per process. Listing them runs the app with resource loads
/// suppressed by a process-wide flag (`leptos_server::SuppressResourceLoad`); a resource of a
/// page being served meanwhile by another router of the same process (the tests run dozens)
/// first polled while the flag was up waits forever (leptos #4773): two test pages hung
/// for 60 s that way. After the first listing the flag is never raised again.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn assemble(state: AppState, pages: Arc<PageCache>, with_gate: bool) -> Router {
    let routes = route_list();
    let page_state = state.clone();
    let options = state.leptos_options.clone();
    let upload_limit = state.upload_limit;
    let gate_state = state.clone();
    let sessions = tower_sessions::SessionManagerLayer::new(crate::sessions::DbSessionStore(
        state.store.clone(),
    ))
    .with_name(crate::sessions::COOKIE)
    .with_http_only(true)
    .with_same_site(tower_sessions::cookie::SameSite::Lax)
    .with_secure(state.secure_cookies)
    // The expiry is set at sign-in (8 hours, see app::auth::login): a session is written
    // when it changes, never on every request.
    .with_expiry(tower_sessions::Expiry::OnSessionEnd);
    let hsts = state.secure_cookies;
    // Static files have their own routes, which never render the app: a file that is not
    // there is a bare 404.
    let site_root = std::path::PathBuf::from(&*options.site_root);
    let pkg = site_root.join(&*options.site_pkg_dir);
    let fallback_state = state.clone();
    let fallback_options = options.clone();
    let not_found = leptos_axum::render_app_async_with_context(
        move || provide_context(fallback_state.clone()),
        move || shell(fallback_options.clone()),
    );
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/livez", get(health::livez))
        .merge(crate::exchange::routes(upload_limit))
        .merge(crate::allocation_export::routes(upload_limit))
        .merge(crate::plan_import::routes(upload_limit))
        .merge(crate::evidence::routes())
        .merge(crate::bulletin::routes())
        .merge(crate::api_v1::routes(upload_limit))
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(page_state.clone()),
            move || shell(options.clone()),
        )
        .nest_service("/pkg", tower_http::services::ServeDir::new(pkg))
        .route("/robots.txt", get(robots))
        // Every other path is a page of the app (its own 404 page for unknown ones), behind
        // the gate like every page.
        .fallback(move |req: Request<Body>| not_found(req))
        .layer(axum::middleware::from_fn(server_fn_guard))
        .layer(axum::middleware::from_fn_with_state(
            (state.store.clone(), pages),
            crate::page_cache::page_cache,
        ));
    let router = if with_gate {
        router.layer(axum::middleware::from_fn_with_state(
            gate_state,
            crate::gate::gate,
        ))
    } else {
        router
    };
    router
        .layer(sessions)
        .layer(axum::middleware::from_fn(
            crate::hardening::one_session_cookie,
        ))
        .layer(axum::middleware::from_fn(
            crate::hardening::refuse_odd_paths,
        ))
        // Outside the path check, so that its refusals carry the headers too.
        .layer(axum::middleware::from_fn_with_state(
            hsts,
            crate::hardening::security_headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}

/// `public/robots.txt`, built in.
async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        include_str!("../../public/robots.txt"),
    )
}

/// One span per request: method, path (never the query, which may carry tokens) and the
/// request id that is also sent back in `x-request-id`.
fn request_span(req: &Request<Body>) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %request_id,
    )
}

/// The largest body a server function takes: its arguments are a form or JSON of a few
/// kilobytes (the longest is an item's text or a report's narrative). Files go to their own
/// routes, with their own limit (`upload_limit`).
pub const SERVER_FN_BODY_LIMIT: usize = 1024 * 1024;

/// The server functions' paths (leptos routes each of them itself).
fn is_server_fn(path: &str) -> bool {
    static PATHS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    PATHS
        .get_or_init(|| {
            leptos::server_fn::axum::server_fn_paths()
                .map(|(path, _)| path)
                .collect()
        })
        .contains(path)
}

/// Around every server function, two things leptos does not do: a body over
/// [`SERVER_FN_BODY_LIMIT`] is refused (413, with a message) before anything reads it, and
/// an error is answered with its own status ([`AppError::status_code`]: 400 for a malformed
/// form or JSON, 401, 403, 404, 409, 503) instead of 500 for all.
async fn server_fn_guard(req: Request<Body>, next: axum::middleware::Next) -> Response {
    if !is_server_fn(req.uri().path()) {
        return next.run(req).await;
    }
    guarded(req, |req| next.run(req)).await
}

async fn guarded<F, Fut>(req: Request<Body>, run: F) -> Response
where
    F: FnOnce(Request<Body>) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        let e = AppError::BadRequest(format!(
            "请求过大：超过 {} KB 的上限（文件请用导入功能上传）",
            SERVER_FN_BODY_LIMIT / 1024
        ));
        (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(e)).into_response()
    };
    if declared.is_some_and(|n| n > SERVER_FN_BODY_LIMIT as u64) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT).await else {
        // Over the limit without saying so up front (chunked), or the upload broke off.
        return too_large();
    };
    let resp = run(Request::from_parts(parts, Body::from(bytes))).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    // An error: its body is the serialised AppError (a few hundred bytes).
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (parts, Body::empty()).into_response();
    };
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(e.status_code()) {
            parts.status = status;
        }
    }
    (parts, Body::from(bytes)).into_response()
}

/// `/api/…` paths that are no server function (leptos answers them with an error).
async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    guarded(req, |req| async move {
        handle_server_fns_with_context(move || provide_context(state.clone()), req)
            .await
            .into_response()
    })
    .await
}
