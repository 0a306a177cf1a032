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
}

/// The default of [`AppState::upload_limit`]: 64 MiB, room for about a million readings.
pub const DEFAULT_UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
