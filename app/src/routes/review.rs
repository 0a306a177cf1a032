//! `/review?plan=…` — 待签收: the completion reports waiting for the coordinator, oldest
//! first, each with its item, unit, report and the accept / return controls for those who
//! may review that plan. Anyone signed in can read the queue.

use crate::components::error_box::ErrorBox;
use crate::components::review::{LateFiledNote, ReviewControls};
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, Locale};
use crate::review::{get_review_queue, ReviewQueue, ReviewReport};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The plan filter: (value, label).
fn plans(l: Locale) -> [(&'static str, String); 5] {
    [
        ("", td_string!(l, tracking.this_plan).to_owned()),
        ("water", crate::i18n::plan(l, "water")),
        ("air", crate::i18n::plan(l, "air")),
        ("soil", crate::i18n::plan(l, "soil")),
        ("all", td_string!(l, tracking.all_plans).to_owned()),
    ]
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let plan = Memo::new(move |_| query.read().get("plan").filter(|s| !s.is_empty()));
    let action = ServerAction::<ReviewReport>::new();
    let done = action.version();
    // Which report was acted on last: kept here, above the list that is refetched after every
    // answer, so that a refusal (退回 without a reason, someone else's decision first) stays
    // shown beside the report it is about.
    let last = RwSignal::new(None::<i64>);
    let queue = Resource::new(
        move || (plan.get(), done.get()),
        |(plan, _)| get_review_queue(plan),
    );
    view! {
        <Title text=td_string!(l, common.review_pending) />
        <h1>{td_string!(l, tracking.review_heading)}</h1>
        <p class="muted">
            {td_string!(l, tracking.review_intro)}
        </p>
        <form method="get" class="filters">
            <label>
                {td_string!(l, tracking.filter_plan)}
                <select name="plan">
                    {move || {
                        let chosen = plan.get().unwrap_or_default();
                        plans(l)
                            .into_iter()
                            .map(|(v, label)| {
                                view! { <option value=v selected=v == chosen>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <button type="submit">{td_string!(l, common.view)}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) => view! { <QueueView q action last /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(
    q: ReviewQueue,
    action: ServerAction<ReviewReport>,
    last: RwSignal<Option<i64>>,
) -> impl IntoView {
    let l = lang();
    let scope = match q.plan.as_deref() {
        Some(code @ ("water" | "air" | "soil")) => crate::i18n::plan(l, code),
        _ => td_string!(l, tracking.all_plans).to_owned(),
    };
    let heading = fmt(
        td_string!(l, tracking.queue_count),
        &[&scope, &q.rows.len()],
    );
    let may_review = q.may_review;
    view! {
        <h2 class="queue-count">{heading}</h2>
        {q.rows.is_empty().then(|| view! { <p class="empty">{td_string!(l, tracking.queue_empty)}</p> })}
        <ol class="review-queue">
            {q
                .rows
                .into_iter()
                .map(|p| {
                    let href = format!("/plans/{}/items/{}", p.plan_code, p.item_number);
                    let r = p.report;
                    let late = r.late_filed.then(|| (r.reported_on, r.recorded_on()));
                    let late_note = view! { <LateFiledNote report=r.clone() /> };
                    let controls = may_review
                        .contains(&p.plan_code)
                        .then(|| view! { <ReviewControls report_id=r.id action last late /> });
                    view! {
                        <li class=if r.is_demo { "pending demo" } else { "pending" } data-report=r.id>
                            <div class="task-head">
                                <a href=href>{format!("{} ({})", p.plan_short_name, p.item_number)}</a>
                                <strong>{p.unit}</strong>
                                <span class="when">{fmt(td_string!(l, tracking.reported_on_line), &[&date(l, r.reported_on)])}</span>
                                {late_note}
                                {r
                                    .milestone_seq
                                    .map(|m| view! { <span>{fmt(td_string!(l, tracking.completes_milestone), &[&m])}</span> })}
                            </div>
                            <p class="task-text">{p.item_text}</p>
                            <p class="narrative">{r.narrative}</p>
                            {(!r.evidence.is_empty())
                                .then(|| {
                                    view! {
                                        <ul class="evidence">
                                            {r
                                                .evidence
                                                .into_iter()
                                                .map(|e| {
                                                    view! {
                                                        <li>
                                                            <a href=e.clone() rel="noopener noreferrer" target="_blank">{e.clone()}</a>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                })}
                            <span class="muted">
                                {fmt(
                                    td_string!(l, tracking.reporter_line),
                                    &[
                                        &r.reporter,
                                        &r.id,
                                        &if r.is_demo { td_string!(l, tracking.demo_data_suffix) } else { "" },
                                    ],
                                )}
                            </span>
                            {controls}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
