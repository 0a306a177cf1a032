//! `/timeline` — the dated milestones of 2018–2020 by month, each with how its assignments
//! stand on the as-of day.

use crate::components::error_box::ErrorBox;
use crate::components::status::{as_of_param, keep_as_of, AsOfBar, StatusBadge};
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang};
use crate::tracking::get_timeline;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TimelinePage() -> impl IntoView {
    let l = lang();
    let as_of = as_of_param();
    let data = Resource::new(move || as_of.get(), get_timeline);
    view! {
        <Title text=td_string!(l, common.nav_timeline) />
        <h1>{td_string!(l, tracking.timeline_heading)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(t) => {
                        let keep = as_of.get();
                        let as_of_day = t.as_of;
                        view! {
                            <AsOfBar as_of=t.as_of.to_string() demo=t.demo />
                            <div class="timeline">
                                {t
                                    .months
                                    .into_iter()
                                    .map(|(month, entries)| {
                                        let past = entries.first().is_some_and(|e| e.due < as_of_day);
                                        let keep = keep.clone();
                                        let key = month.clone();
                                        view! {
                                            <section class=if past { "month past" } else { "month" } data-month=key>
                                                <h2>{month}</h2>
                                                <ul>
                                                    {entries
                                                        .into_iter()
                                                        .map(|e| {
                                                            let href = keep_as_of(
                                                                &format!("/plans/{}/items/{}", e.plan_code, e.item_number),
                                                                keep.as_deref(),
                                                            );
                                                            view! {
                                                                <li>
                                                                    {e.counts.worst().map(|s| view! { <StatusBadge status=s /> })}
                                                                    <span class="when">{date(l, e.due)}</span>
                                                                    <a href=href>{format!("{} ({})", e.plan_short_name, e.item_number)}</a>
                                                                    <span class="phrase">{format!("“{}”", e.phrase)}</span>
                                                                    <span class="muted">
                                                                        {fmt(
                                                                            td_string!(l, tracking.timeline_counts),
                                                                            &[
                                                                                &e.counts.total(),
                                                                                &(e.counts.done + e.counts.done_late),
                                                                                &e.counts.overdue,
                                                                            ],
                                                                        )}
                                                                    </span>
                                                                </li>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </ul>
                                            </section>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
