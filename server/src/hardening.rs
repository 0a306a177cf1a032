//! What every request passes before the gate, and what every answer carries:
//! - [`refuse_odd_paths`]: a path with a `.` or `..` segment, an empty segment (`//`), a
//!   backslash, a control character or an encoded slash, dot or backslash is refused with 400
//!   before anything routes it. Such paths are never sent by the app's own links; they exist
//!   to confuse a prefix check (`/pkg/../my` once reached a page through the gate's static-file
//!   rule) or a router that normalises differently from the gate.
//! - [`one_session_cookie`]: a request with more than one session cookie is refused with 400,
//!   so the gate, the page cache and the page all see the same session.
//! - [`security_headers`]: `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`, a
//!   `Content-Security-Policy` (pages set their own, with the nonce of their scripts, see
//!   `app::shell`), `Cache-Control: no-store` on everything but the static files, and HSTS when
//!   the site is served over HTTPS (`secure_cookies`).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

/// Why `path` (as sent, still percent-encoded) is refused, or `None` when it is an ordinary
/// path.
pub fn odd_path(path: &str) -> Option<&'static str> {
    let Some(rest) = path.strip_prefix('/') else {
        return Some("路径须以 / 开头");
    };
    if rest.is_empty() {
        return None;
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, raw) in segments.iter().enumerate() {
        // One trailing slash is harmless (`/plans/water/`); an empty segment elsewhere is `//`.
        if raw.is_empty() {
            if i == last {
                continue;
            }
            return Some("路径含空段（//）");
        }
        let lower = raw.to_ascii_lowercase();
        if lower.contains("%2f") || lower.contains("%5c") || raw.contains('\\') {
            return Some("路径含编码的斜杠或反斜杠");
        }
        let Ok(decoded) = percent_decode_str(raw).decode_utf8() else {
            return Some("路径含无效的编码");
        };
        if decoded == "." || decoded == ".." {
            return Some("路径含 . 或 .. 段");
        }
        if decoded.chars().any(char::is_control) {
            return Some("路径含控制字符");
        }
        // Encoded twice (`%252e%252e`): whatever decodes it a second time would see `..`.
        let twice = decoded.to_ascii_lowercase();
        if twice.contains("%2e") || twice.contains("%2f") || twice.contains("%5c") {
            return Some("路径含重复编码的字符");
        }
    }
    None
}

/// A 400 in the format of where it was sent: the JSON API's own (`{"code", "message"}`) under
/// `/api/v1`, the site's elsewhere.
fn bad_request(path: &str, code: &str, message: String) -> Response {
    if crate::api_v1::is_api_v1(path) {
        return crate::api_v1::error(StatusCode::BAD_REQUEST, code, message);
    }
    let e = app::error::AppError::BadRequest(message);
    (StatusCode::BAD_REQUEST, axum::Json(e)).into_response()
}

/// The outermost check (see the module comment).
pub async fn refuse_odd_paths(req: Request<Body>, next: Next) -> Response {
    if let Some(why) = odd_path(req.uri().path()) {
        tracing::warn!(
            security = "odd_path",
            path = %req.uri().path(),
            "refused: {why}"
        );
        return bad_request(
            req.uri().path(),
            "invalid_path",
            format!("path：{why}，请求已拒绝"),
        );
    }
    next.run(req).await
}

/// How many cookies named `name` the request carries, over all its `Cookie` headers, read as
/// the session layer reads them (UTF-8, names percent-decoded: `sanzhi%5Fsession` is
/// `sanzhi_session` to it, so it is counted here too).
pub fn cookie_count(headers: &axum::http::HeaderMap, name: &str) -> usize {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
        .flat_map(|v| v.split(';'))
        .filter(|pair| {
            let raw = pair.split('=').next().unwrap_or_default().trim();
            percent_decode_str(raw)
                .decode_utf8()
                .map_or(true, |decoded| decoded.trim() == name)
        })
        .count()
}

/// More than one session cookie: refused (see the module comment).
pub async fn one_session_cookie(req: Request<Body>, next: Next) -> Response {
    if cookie_count(req.headers(), crate::sessions::COOKIE) > 1 {
        tracing::warn!(
            security = "duplicate_session_cookie",
            path = %req.uri().path(),
            "refused: more than one session cookie"
        );
        return bad_request(
            req.uri().path(),
            "invalid_cookie",
            "cookie：请求带有多个登录会话 Cookie，已拒绝。请清除本站的 Cookie 后重新登录"
                .to_owned(),
        );
    }
    next.run(req).await
}

/// The policy of answers that are not pages (JSON, CSV, errors): nothing may load from them.
const CSP_NOT_A_PAGE: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the headers every answer carries (see the module comment). `hsts`: the site is
/// served over HTTPS.
pub async fn security_headers(
    State(hsts): State<bool>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP_NOT_A_PAGE),
        );
    }
    if static_file {
        // The wasm, JS and CSS of this build: the same for everyone, revalidated.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    } else {
        // Pages, data and exports carry what one signed-in user may see: never stored.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_paths_are_named() {
        for ok in [
            "/",
            "/my",
            "/plans/water/",
            "/plans/water/items/28",
            "/my?unit=x",
            "/pkg/sanzhi.wasm",
            "/%E5%BC%80%E5%8C%96",
            "/a.b",
            "/...",
        ] {
            let path = ok.split('?').next().unwrap_or(ok);
            assert_eq!(odd_path(path), None, "{ok}");
        }
        for bad in [
            "/pkg/../my",
            "/pkg/./x",
            "//my",
            "/pkg//x",
            "/pkg/%2e%2e/my",
            "/pkg/%2E%2e/my",
            "/pkg/.%2e/my",
            "/pkg/%2e/my",
            "/pkg%2f..%2fmy",
            "/pkg/..%2Fmy",
            "/pkg/..%5cmy",
            "/pkg\\..\\my",
            "/pkg/%252e%252e/my",
            "/pkg/%00",
            "/pkg/%0a",
            "/pkg/%ff",
            "my",
        ] {
            assert!(odd_path(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn session_cookies_are_counted_over_every_header() {
        let mut h = axum::http::HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("sanzhi_lang=en; sanzhi_session=a"),
        );
        assert_eq!(cookie_count(&h, "sanzhi_session"), 1);
        h.append(header::COOKIE, HeaderValue::from_static("sanzhi_session=b"));
        assert_eq!(cookie_count(&h, "sanzhi_session"), 2);
        // Spelled with an encoded underscore, as the session layer decodes it.
        let mut e = axum::http::HeaderMap::new();
        e.append(
            header::COOKIE,
            HeaderValue::from_static("sanzhi_session=a; sanzhi%5Fsession=b"),
        );
        assert_eq!(cookie_count(&e, "sanzhi_session"), 2);
        assert_eq!(cookie_count(&h, "sanzhi_lang"), 1);
        assert_eq!(cookie_count(&h, "session"), 0);
    }
}
