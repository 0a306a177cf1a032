//! What the server injects into every request through Leptos context.

use leptos::prelude::LeptosOptions;
use sanzhi_store::Store;

/// Shared by all requests; provided with `provide_context` for routes and server functions.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    /// The largest upload (request body) an import accepts, in bytes.
    pub upload_limit: usize,
    /// Send the session cookie with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Let anonymous visitors read 总览 (the monthly overview) and nothing else.
    pub public_overview: bool,
    /// Computed pages kept between requests (see [`crate::cache`]).
    pub caches: std::sync::Arc<crate::cache::Caches>,
    /// Who the server believes about addresses and origins, and how reports are dated.
    pub security: std::sync::Arc<Security>,
}

/// Security settings (`server.trusted_proxies`, `server.public_origins`,
/// `reports.backdate_days`).
#[derive(Clone, Debug)]
pub struct Security {
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: the TCP peer is the
    /// client, and the header is ignored).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The addresses this site is served at (`https://sanzhi.example`, scheme, host and port):
    /// a write whose `Origin` is not one of them is refused. Empty: the request's own `Host`
    /// with the scheme the server is served on (`https` when `secure_cookies` is on).
    pub public_origins: Vec<String>,
    /// A report dated more than this many days before the day it is made is a 补报 (late
    /// filing): it counts from the day it was made unless its reviewer accepts the day it
    /// claims.
    pub backdate_days: i64,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            trusted_proxies: Vec::new(),
            public_origins: Vec::new(),
            backdate_days: sanzhi_domain::report::DEFAULT_BACKDATE_DAYS,
        }
    }
}

/// The default of [`AppState::upload_limit`]: 64 MiB, room for about a million readings.
pub const DEFAULT_UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
