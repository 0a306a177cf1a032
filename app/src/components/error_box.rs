//! How an error reaches the user: one sentence in Chinese, no internals.

use crate::error::AppError;
use leptos::prelude::*;

/// A visible error message.
#[component]
pub fn ErrorBox(
    /// The error to show; its `Display` is the user-facing text.
    error: AppError,
) -> impl IntoView {
    // A page showing an error (a database that was busy, say) must not be kept and sent again.
    #[cfg(feature = "ssr")]
    crate::cache::page_not_kept();
    view! { <p class="error" role="alert">{error.to_string()}</p> }
}
