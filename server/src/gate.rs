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

/// Whether a write comes from this site: the origin in `Origin` (or, without one, of the
/// `Referer`) — scheme, host and port — must be one of `security.public_origins`, or when none
/// are configured, the request's own `Host` with the scheme the site is served on (`https`
/// when `secure_cookies` is on). Requests with neither header (curl, other servers) are not
/// cross-site browser requests.
pub fn same_origin(headers: &HeaderMap, security: &app::state::Security, https: bool) -> bool {
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    let Some(from) = from else {
        return true;
    };
    let Some(origin) = app::url::origin_of(from) else {
        // `null`, or anything that is not an http(s) origin.
        return false;
    };
    if !security.public_origins.is_empty() {
        return security.public_origins.contains(&origin);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let scheme = if https { "https" } else { "http" };
    app::url::origin_of(&format!("{scheme}://{host}")).is_some_and(|own| own == origin)
}

/// A refusal for the log: method, path and why (never a body or a cookie).
fn refused(path: &str, why: &'static str) {
    tracing::warn!(security = why, %path, "refused");
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
    if writes && !same_origin(req.headers(), &state.security, state.secure_cookies) {
        refused(&path, "cross_site_write");
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
    // The session and its account in one read (and, for a page this server keeps, the data
    // versions in the same snapshot), for a page or a write alike: a report is one statement
    // shorter than through the session layer's load and then the account's. Anything unusual
    // (no such session, an old session without its user column, an error) takes the ordinary
    // path below, which gives the usual answers.
    let mut req = req;
    if let Some(id) = app::i18n::cookie_named(req.headers(), crate::sessions::COOKIE) {
        match state
            .store
            .page_viewer(&id, sanzhi_domain::chrono::Utc::now())
            .await
        {
            Ok(Some(viewer)) => {
                req.extensions_mut()
                    .insert(crate::page_cache::GatedUser(viewer.user));
                if req.method() == Method::GET && crate::page_cache::cacheable(&path) {
                    req.extensions_mut()
                        .insert(crate::page_cache::SeenVersion(viewer.versions));
                }
                return next.run(req).await;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "page viewer read"),
        }
    }
    match app::auth::inner::user_of_session(&state.store, &session).await {
        Ok(Some(user)) => {
            req.extensions_mut()
                .insert(crate::page_cache::GatedUser(user));
            next.run(req).await
        }
        Ok(None) if path.starts_with("/api/") => {
            refused(&path, "not_signed_in");
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
    if writes && !same_origin(req.headers(), &state.security, state.secure_cookies) {
        refused(path, "cross_site_write");
        return api_v1::error(StatusCode::FORBIDDEN, "cross_site", "跨站请求被拒绝");
    }
    match app::auth::inner::user_of_session(&state.store, session).await {
        Ok(Some(_)) => next.run(req).await,
        Ok(None) => {
            refused(path, "not_signed_in");
            api_v1::unauthorized()
        }
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
        let open = app::state::Security::default();
        let same =
            |pairs: &[(header::HeaderName, &str)]| same_origin(&headers(pairs), &open, false);
        let host = (header::HOST, "127.0.0.1:3000");
        assert!(same(std::slice::from_ref(&host)));
        assert!(same(&[
            host.clone(),
            (header::ORIGIN, "http://127.0.0.1:3000")
        ]));
        assert!(!same(&[
            host.clone(),
            (header::ORIGIN, "https://evil.example")
        ]));
        assert!(!same(&[host.clone(), (header::ORIGIN, "null")]));
        assert!(same(&[
            host.clone(),
            (header::REFERER, "http://127.0.0.1:3000/plans/water")
        ]));
        assert!(!same(&[
            host.clone(),
            (header::REFERER, "http://127.0.0.1:3000.evil.example/x")
        ]));
        // The scheme and the port count, not the host alone.
        assert!(!same(&[
            host.clone(),
            (header::ORIGIN, "https://127.0.0.1:3000")
        ]));
        assert!(!same(&[
            host.clone(),
            (header::ORIGIN, "http://127.0.0.1:3001")
        ]));
        assert!(!same(&[host.clone(), (header::ORIGIN, "http://127.0.0.1")]));
        // Served over HTTPS: an http origin on the same host is another site.
        let https =
            |pairs: &[(header::HeaderName, &str)]| same_origin(&headers(pairs), &open, true);
        let h = (header::HOST, "sanzhi.example");
        assert!(https(&[
            h.clone(),
            (header::ORIGIN, "https://sanzhi.example")
        ]));
        assert!(https(&[
            h.clone(),
            (header::ORIGIN, "https://sanzhi.example:443")
        ]));
        assert!(!https(&[
            h.clone(),
            (header::ORIGIN, "http://sanzhi.example")
        ]));
        // Configured addresses decide, whatever Host says (a proxy may rewrite it).
        let listed = app::state::Security {
            public_origins: vec![
                "https://sanzhi.example".into(),
                "https://sz.gov.example".into(),
            ],
            ..Default::default()
        };
        let cfg =
            |pairs: &[(header::HeaderName, &str)]| same_origin(&headers(pairs), &listed, false);
        let internal = (header::HOST, "10.0.0.5:3000");
        assert!(cfg(&[
            internal.clone(),
            (header::ORIGIN, "https://sz.gov.example")
        ]));
        assert!(!cfg(&[
            internal.clone(),
            (header::ORIGIN, "http://10.0.0.5:3000")
        ]));
        assert!(!cfg(&[
            internal,
            (header::ORIGIN, "https://sanzhi.example.evil.example")
        ]));
    }
}
