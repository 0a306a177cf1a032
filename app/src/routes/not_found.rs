//! Any path no route matches.

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
    view! {
        <Title text="页面不存在" />
        <h1>"页面不存在"</h1>
        <p>
            <a href="/">"返回总览"</a>
        </p>
    }
}
