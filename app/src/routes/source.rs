//! `/source?doc=qzbf-2018-43.txt&from=118&to=118` — the gazette text a plan was taken from, line
//! by line, with the lines a record came from marked: a coordinator who doubts a figure reads
//! the source's own words in one click.

use crate::api::{source_text, SOURCE_CONTEXT_LINES};
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SourcePage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        let num = |k: &str| q.get(k).and_then(|v| v.trim().parse::<i32>().ok());
        let from = num("from").unwrap_or(1);
        let to = num("to").unwrap_or(from);
        (q.get("doc").unwrap_or_default(), from, to)
    });
    let window = Resource::new(
        move || args.get(),
        |(doc, from, to)| source_text(doc, from, to),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match window.await {
                    Ok(w) => view! { <SourceLines w /> }.into_any(),
                    Err(error) => {
                        if matches!(error, crate::error::AppError::NotFound(_)) {
                            crate::routes::not_found::set_status_not_found();
                        }
                        view! {
                            <Title text=td_string!(l, admin.not_found) />
                            <ErrorBox error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SourceLines(w: sanzhi_domain::SourceWindow) -> impl IntoView {
    let l = lang();
    let last = w.first_line + i32::try_from(w.lines.len()).unwrap_or(0) - 1;
    let href = |from: i32| {
        let from = from.clamp(1, w.total_lines.max(1));
        format!(
            "/source?doc={}&from={from}&to={from}#L{from}",
            crate::url::query_value(&w.document)
        )
    };
    let earlier = (w.first_line > 1).then(|| href(w.first_line - SOURCE_CONTEXT_LINES - 1));
    let later = (last < w.total_lines).then(|| href(last + SOURCE_CONTEXT_LINES + 1));
    let (from, to) = (w.from_line, w.to_line);
    view! {
        <Title text=fmt(td_string!(l, tracking.source_title), &[&w.document]) />
        <h1>{fmt(td_string!(l, tracking.source_title), &[&w.document])}</h1>
        <p class="muted">{td_string!(l, tracking.source_lead)}</p>
        <p class="muted">
            {fmt(td_string!(l, tracking.source_lines), &[&w.first_line, &last, &w.total_lines])}
        </p>
        <nav class="source-nav">
            {earlier.map(|h| view! { <a href=h>{td_string!(l, tracking.source_earlier)}</a> })}
            " "
            {later.map(|h| view! { <a href=h>{td_string!(l, tracking.source_later)}</a> })}
        </nav>
        <ol class="source-text" start=w.first_line>
            {w
                .lines
                .into_iter()
                .zip(w.first_line..)
                .map(|(text, n)| {
                    let marked = (from..=to).contains(&n);
                    view! {
                        <li id=format!("L{n}") class:marked=marked value=n>
                            {text}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
