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

#[cfg(test)]
mod tests {
    use super::*;

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
