//! Percent-encoding for the few places that build URLs or headers by hand (the
//! `percent-encoding` crate does the work; these are the character sets we use).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 3986 unreserved characters stay; everything else in a query value is encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A path keeps its slashes.
const PATH: &AsciiSet = &QUERY_VALUE.remove(b'/');

/// RFC 5987 `attr-char` (for `filename*=UTF-8''…`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A value to put after `key=` in a query string.
pub fn query_value(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// A path (with its `?query` already encoded into it) to put in a query value, slashes kept.
pub fn path(s: &str) -> String {
    utf8_percent_encode(s, PATH).to_string()
}

/// A file name for `Content-Disposition: attachment; filename*=UTF-8''…`.
pub fn rfc5987(s: &str) -> String {
    utf8_percent_encode(s, ATTR_CHAR).to_string()
}

/// The origin of an absolute `http(s)` URL as browsers send it in `Origin`:
/// `scheme://host[:port]`, lower-case, the default port (80, 443) left out. `None` for
/// anything else (no scheme, userinfo, an empty or odd host).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal without a port: `[::1]`.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (authority.as_str(), None),
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c))
    {
        return None;
    }
    match port {
        Some(p) if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) => None,
        Some(p) if p == default_port => Some(format!("{scheme}://{host}")),
        Some(p) => Some(format!("{scheme}://{host}:{p}")),
        None => Some(format!("{scheme}://{host}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://Sanzhi.Example:443/x").as_deref(),
            Some("https://sanzhi.example")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("http://[::1]").as_deref(), Some("http://[::1]"));
        assert_eq!(
            origin_of("http://[::1]:8080/").as_deref(),
            Some("http://[::1]:8080")
        );
        for bad in [
            "null",
            "ftp://x",
            "http://",
            "http://u@evil.example",
            "http://a b",
            "http://x:",
            "http://x:8o",
            "//x",
        ] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_three_sets() {
        assert_eq!(
            query_value("开化 a&b=c/d~"),
            "%E5%BC%80%E5%8C%96%20a%26b%3Dc%2Fd~"
        );
        assert_eq!(path("/plans/water?x=1"), "/plans/water%3Fx%3D1");
        assert_eq!(
            rfc5987("分工表 v1.xlsx"),
            "%E5%88%86%E5%B7%A5%E8%A1%A8%20v1.xlsx"
        );
        assert_eq!(rfc5987("a b\"c"), "a%20b%22c");
    }
}
