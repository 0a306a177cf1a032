//! The HTTP surface: pages, server functions, `/healthz`, static files, request spans.

use crate::health;
use crate::page_cache::PageCache;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::response::IntoResponse;
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
    let routes = generate_route_list(App);
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
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/livez", get(health::livez))
        .merge(crate::exchange::routes(upload_limit))
        .merge(crate::allocation_export::routes(upload_limit))
        .merge(crate::plan_import::routes(upload_limit))
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
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            (state.store.clone(), pages),
            crate::page_cache::page_cache,
        ))
        .layer(axum::middleware::from_fn_with_state(
            gate_state,
            crate::gate::gate,
        ))
        .layer(sessions)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
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

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}
