//! The gate every request passes before any page, server function or route runs:
//! - anonymous visitors get the sign-in page (pages: 303 to `/login?next=…`) or 401 (API);
//! - a write (any method but GET/HEAD/OPTIONS) whose `Origin` (or, without one, `Referer`)
//!   names another site is refused with 403: server functions cannot be called cross-site.
//!
//! What a signed-in user may do is decided inside each server function and route by
//! `app::auth::require`.
//!
//! The JSON API under `/api/v1` (see `crate::api_v1`) is gated differently, and always
//! answers in its own error format (`{"code", "message"}`):
//! - `/api/v1/openapi.json` is public;
//! - a request with `Authorization: Bearer …` passes once its token is valid (checked here,
//!   before the body is read, and handed to the handler in the request's extensions). Such a
//!   request is not authenticated by a cookie, so the cross-site check does not apply (a
//!   browser cannot add the header to a cross-site request without CORS, which is not
//!   enabled);
//! - any other request is a session request like the rest of the site: writes must come
//!   from this site, and without a signed-in user the answer is 401.

use app::error::AppError;
use app::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use tower_sessions::Session;

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Whether a write comes from this site: `Origin` (or `Referer`) must name the request's
/// `Host`. Requests with neither (curl, other servers) are not cross-site browser requests.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    match from {
        None => true,
        Some("null") => false,
        Some(url) => host_of(url) == Some(host),
    }
}

pub async fn gate(
    State(state): State<AppState>,
    session: Session,
    req: Request<Body>,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if crate::api_v1::is_api_v1(&path) {
        return api_v1_gate(&state, &session, req, next, &path).await;
    }
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes && !same_origin(req.headers()) {
        tracing::warn!(%path, "cross-site write refused");
        return (
            StatusCode::FORBIDDEN,
            Json(AppError::Forbidden("跨站请求被拒绝".to_owned())),
        )
            .into_response();
    }
    if app::auth::is_public(&path)
        || (state.public_overview && app::auth::is_public_overview(&path))
    {
        return next.run(req).await;
    }
    // A page this server keeps: the session, its account and the data version in one read.
    // Anything unusual (no such session, an old session without its user column, an error)
    // takes the ordinary path below, which gives the usual answers.
    let mut req = req;
    if req.method() == Method::GET && crate::page_cache::cacheable(&path) {
        if let Some(id) = app::i18n::cookie_named(req.headers(), crate::sessions::COOKIE) {
            match state
                .store
                .page_viewer(&id, sanzhi_domain::chrono::Utc::now())
                .await
            {
                Ok(Some((user, version))) => {
                    req.extensions_mut()
                        .insert(crate::page_cache::GatedUser(user));
                    req.extensions_mut()
                        .insert(crate::page_cache::SeenVersion(version));
                    return next.run(req).await;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "page viewer read"),
            }
        }
    }
    match app::auth::inner::user_of_session(&state.store, &session).await {
        Ok(Some(user)) => {
            req.extensions_mut()
                .insert(crate::page_cache::GatedUser(user));
            next.run(req).await
        }
        Ok(None) if path.starts_with("/api/") => {
            (StatusCode::UNAUTHORIZED, Json(AppError::Unauthorized)).into_response()
        }
        Ok(None) => {
            let target = req
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            Redirect::to(&format!("/login?next={}", app::url::path(&target))).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(e)).into_response(),
    }
}

/// The gate of `/api/v1` (see the module comment).
async fn api_v1_gate(
    state: &AppState,
    session: &Session,
    req: Request<Body>,
    next: Next,
    path: &str,
) -> Response {
    use crate::api_v1;
    if path == api_v1::OPENAPI_PATH {
        return next.run(req).await;
    }
    if api_v1::bearer_token(req.headers()).is_some() {
        // The token is checked here, before any body is read: an unknown or revoked token
        // never gets a large body buffered and parsed.
        let mut req = req;
        return match api_v1::caller(state, session, req.headers(), None).await {
            Ok(api_v1::Caller::Token(t)) => {
                req.extensions_mut().insert(api_v1::VerifiedToken(t));
                next.run(req).await
            }
            Ok(api_v1::Caller::User(_)) => next.run(req).await,
            Err(refusal) => refusal,
        };
    }
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes && !same_origin(req.headers()) {
        tracing::warn!(%path, "cross-site write refused");
        return api_v1::error(StatusCode::FORBIDDEN, "cross_site", "跨站请求被拒绝");
    }
    match app::auth::inner::user_of_session(&state.store, session).await {
        Ok(Some(_)) => next.run(req).await,
        Ok(None) => api_v1::unauthorized(),
        Err(e) => {
            tracing::error!(error = %e, "session read");
            api_v1::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器内部错误，请稍后重试",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn writes_must_come_from_this_site() {
        let host = (header::HOST, "127.0.0.1:3000");
        assert!(same_origin(&headers(std::slice::from_ref(&host))));
        assert!(same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "http://127.0.0.1:3000")
        ])));
        assert!(!same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "null")
        ])));
        assert!(same_origin(&headers(&[
            host.clone(),
            (header::REFERER, "http://127.0.0.1:3000/plans/water")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            (header::REFERER, "http://127.0.0.1:3000.evil.example/x")
        ])));
    }
}
