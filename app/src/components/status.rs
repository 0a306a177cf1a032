//! Status badges, count strips, and the as-of bar every page carries.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use sanzhi_domain::{Status, StatusCounts};

/// A coloured badge: red 逾期, yellow 即将到期, green 已完成, …
#[component]
pub fn StatusBadge(
    /// The status to show.
    status: Status,
) -> impl IntoView {
    let l = lang();
    view! {
        <span class=format!("badge status-{}", status.as_str()) data-status=status.as_str()>
            {crate::i18n::status(l, status)}
        </span>
    }
}

/// “逾期 3 · 即将到期 1 · …”, zero counts left out.
#[component]
pub fn StatusStrip(
    /// The counts to show.
    counts: StatusCounts,
) -> impl IntoView {
    let l = lang();
    view! {
        <p class="status-strip">
            {Status::ALL
                .into_iter()
                .filter(|s| counts.get(*s) > 0)
                .map(|s| {
                    view! {
                        <span class=format!("count status-{}", s.as_str())>
                            {format!("{} {}", crate::i18n::status(l, s), counts.get(s))}
                        </span>
                    }
                })
                .collect_view()}
            <span class="count total">
                {fmt(td_string!(l, common.assignments_total), &[&counts.total()])}
            </span>
        </p>
    }
}

/// The `as_of` query parameter, if the URL has one.
pub fn as_of_param() -> Memo<Option<String>> {
    let q = use_query_map();
    Memo::new(move |_| q.read().get("as_of").filter(|s| !s.is_empty()))
}

/// `href` with the current `as_of` kept, so that navigation stays on the same day.
pub fn keep_as_of(href: &str, as_of: Option<&str>) -> String {
    match as_of {
        Some(d) => format!("{href}?as_of={d}"),
        None => href.to_owned(),
    }
}

/// The day the page is computed for, with a form to change it and the demo label.
#[component]
pub fn AsOfBar(
    /// The day the server computed the page for.
    as_of: String,
    /// Whether generated demo reports are loaded.
    demo: bool,
) -> impl IntoView {
    let l = lang();
    let location = use_location();
    let query = use_query_map();
    let path = move || location.pathname.get();
    let others = move || {
        query
            .read()
            .clone()
            .into_iter()
            .filter(|(k, _)| k != "as_of")
            .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
            .collect_view()
    };
    view! {
        <div class="asof-bar">
            <form method="get" action=path>
                {others}
                <label>
                    {td_string!(l, common.as_of_label)}
                    <input type="date" name="as_of" value=as_of min="2018-01-01" max="2030-12-31" />
                </label>
                <button type="submit">{td_string!(l, common.view)}</button>
            </form>
            {demo
                .then(|| {
                    view! {
                        <p class="demo-banner" role="note">
                            {td_string!(l, common.demo_banner)}
                        </p>
                    }
                })}
        </div>
    }
}
