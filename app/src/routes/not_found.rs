//! Any path no route matches.

use crate::i18n::i18n::td_string;
use leptos::prelude::*;
use leptos_meta::Title;

/// During server rendering, makes the response a 404; does nothing in the browser.
pub fn set_status_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status_not_found();
    let l = crate::i18n::lang();
    view! {
        <Title text=td_string!(l, admin.not_found) />
        <h1>{td_string!(l, admin.not_found)}</h1>
        <p>
            <a href="/">{td_string!(l, admin.back_to_overview)}</a>
        </p>
    }
}
