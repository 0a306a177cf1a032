//! Status badges, count strips, and the as-of bar every page carries.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use sanzhi_domain::{Status, StatusCounts};

/// A coloured badge: red 逾期, yellow 即将到期, green 已完成, …
#[component]
pub fn StatusBadge(
    /// The status to show.
    status: Status,
) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.as_str()) data-status=status.as_str()>
            {status.label_zh()}
        </span>
    }
}

/// “逾期 3 · 即将到期 1 · …”, zero counts left out.
#[component]
pub fn StatusStrip(
    /// The counts to show.
    counts: StatusCounts,
) -> impl IntoView {
    view! {
        <p class="status-strip">
            {Status::ALL
                .into_iter()
                .filter(|s| counts.get(*s) > 0)
                .map(|s| {
                    view! {
                        <span class=format!("count status-{}", s.as_str())>
                            {format!("{} {}", s.label_zh(), counts.get(s))}
                        </span>
                    }
                })
                .collect_view()}
            <span class="count total">{format!("共 {} 项分工", counts.total())}</span>
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
                    "数据截至 "
                    <input type="date" name="as_of" value=as_of min="2018-01-01" max="2030-12-31" />
                </label>
                <button type="submit">"查看"</button>
            </form>
            {demo
                .then(|| {
                    view! {
                        <p class="demo-banner" role="note">
                            "演示数据：进展报告由程序生成，仅供演示，并非衢州市的真实记录。"
                        </p>
                    }
                })}
        </div>
    }
}
