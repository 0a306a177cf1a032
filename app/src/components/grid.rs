//! A plain table of text cells, for the reference tables of the pages.

use leptos::prelude::*;

/// A `table.grid` with a header row and rows of text; cells are escaped like all text.
#[component]
pub fn GridTable(
    /// Extra class names beside `grid`, e.g. `sections` (tests and styles find the table by it).
    class: &'static str,
    /// Column headings.
    headers: Vec<&'static str>,
    /// One `Vec` of cell texts per row, as many cells as headings.
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    view! {
        <table class=format!("grid {class}")>
            <thead>
                <tr>{headers.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}
