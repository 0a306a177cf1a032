//! `/review?plan=…` — 待签收: the completion reports waiting for the coordinator, oldest
//! first, each with its item, unit, report and the accept / return controls for those who
//! may review that plan. Anyone signed in can read the queue.

use crate::components::error_box::ErrorBox;
use crate::components::review::{LateFiledNote, ReviewControls};
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, Locale};
use crate::review::{get_review_queue, ReviewBulk, ReviewQueue, ReviewReport};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The plan filter: (value, label): the caller's own plan, every plan they see, all plans.
fn plans(l: Locale, stored: &[sanzhi_domain::PlanSummary]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), td_string!(l, tracking.this_plan).to_owned())];
    out.extend(
        stored
            .iter()
            .map(|p| (p.code.as_str().to_owned(), crate::i18n::plan_name(l, p))),
    );
    out.push((
        "all".to_owned(),
        td_string!(l, tracking.all_plans).to_owned(),
    ));
    out
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
    // Bulk 签收: the reports ticked, kept above the refetched list like `last`.
    let bulk = ServerAction::<ReviewBulk>::new();
    let bulk_done = bulk.version();
    let ticked = RwSignal::new(Vec::<i64>::new());
    let queue = Resource::new(
        move || (plan.get(), done.get(), bulk_done.get()),
        |(plan, _, _)| get_review_queue(plan),
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
                    <Suspense>
                        {move || Suspend::new(async move {
                            let chosen = plan.get().unwrap_or_default();
                            let stored = queue.await.map(|q| q.plans).unwrap_or_default();
                            plans(l, &stored)
                                .into_iter()
                                .map(|(v, label)| {
                                    let selected = v == chosen;
                                    view! { <option value=v selected=selected>{label}</option> }
                                })
                                .collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <button type="submit">{td_string!(l, common.view)}</button>
        </form>
        <BulkBar bulk ticked />
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) => view! { <QueueView q action last ticked /> }.into_any(),
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
    ticked: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let l = lang();
    // What can be ticked now: the reports of plans the caller may review that are still
    // waiting (a refetch drops those decided meanwhile from the selection).
    let tickable: Vec<i64> = q
        .rows
        .iter()
        .filter(|p| q.may_review.contains(&p.plan_code))
        .map(|p| p.report.id)
        .collect();
    ticked.update(|t| t.retain(|id| tickable.contains(id)));
    let all = tickable.clone();
    let select_all = (tickable.len() > 1).then(|| {
        view! {
            <label class="select-all no-print">
                <input
                    type="checkbox"
                    prop:checked=move || ticked.with(|t| !all.is_empty() && t.len() == all.len())
                    on:change={
                        let all = tickable.clone();
                        move |ev| {
                            if event_target_checked(&ev) {
                                ticked.set(all.clone());
                            } else {
                                ticked.set(Vec::new());
                            }
                        }
                    }
                />
                {td_string!(l, tracking.select_all)}
            </label>
        }
    });
    let scope = match q.plan.as_deref() {
        Some(code) => crate::i18n::plan_by_code(l, &q.plans, code),
        None => td_string!(l, tracking.all_plans).to_owned(),
    };
    let heading = fmt(
        td_string!(l, tracking.queue_count),
        &[&scope, &q.rows.len()],
    );
    let may_review = q.may_review;
    view! {
        <h2 class="queue-count">{heading}</h2>
        {select_all}
        {q.rows.is_empty().then(|| view! { <p class="empty">{td_string!(l, tracking.queue_empty)}</p> })}
        <ol class="review-queue">
            {q
                .rows
                .into_iter()
                .map(|p| {
                    let can_review = may_review.contains(&p.plan_code);
                    view! { <QueueEntry p can_review action last ticked /> }
                })
                .collect_view()}
        </ol>
    }
}

/// One report waiting for review: the item, the unit, the report, and (for a coordinator of
/// its plan) the controls and the tick for a bulk 签收.
#[component]
fn QueueEntry(
    p: sanzhi_domain::PendingReview,
    can_review: bool,
    action: ServerAction<ReviewReport>,
    last: RwSignal<Option<i64>>,
    ticked: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let l = lang();
    let href = format!("/plans/{}/items/{}", p.plan_code, p.item_number);
    let r = p.report;
    let late = r.late_filed.then(|| (r.reported_on, r.recorded_on()));
    let late_note = view! { <LateFiledNote report=r.clone() /> };
    let controls = can_review.then(|| view! { <ReviewControls report_id=r.id action last late /> });
    let id = r.id;
    let tick = can_review.then(|| {
        view! {
            <label class="tick no-print">
                <input
                    type="checkbox"
                    name="report_ids"
                    value=id.to_string()
                    prop:checked=move || ticked.with(|t| t.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ticked.update(|t| {
                            t.retain(|x| *x != id);
                            if on {
                                t.push(id);
                            }
                        });
                    }
                />
                {td_string!(l, tracking.tick_for_bulk)}
            </label>
        }
    });
    view! {
        <li class=if r.is_demo { "pending demo" } else { "pending" } data-report=r.id>
            <div class="task-head">
                {tick}
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
}

/// How long a confirmed bulk 签收 waits before it is sent, while it can still be undone.
/// Decisions are append-only once recorded (the database refuses to change or delete them),
/// so the undo window comes before the write.
pub const UNDO_SECONDS: u64 = 10;

/// The bulk 签收 bar: “签收所选（N 份）” → a confirmation naming how many and what a 补报
/// counts as → a countdown of [`UNDO_SECONDS`] with 撤销 → the batch sent, all or none, and
/// its answer shown here (above the list that is refetched).
#[component]
fn BulkBar(bulk: ServerAction<ReviewBulk>, ticked: RwSignal<Vec<i64>>) -> impl IntoView {
    let l = lang();
    // None: idle; Some(false): confirming; Some(true): counting down.
    let stage = RwSignal::new(None::<bool>);
    let left = RwSignal::new(0u64);
    let timer = StoredValue::new(None::<IntervalHandle>);
    let result = bulk.value();
    let stop = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(None);
    };
    let confirm = move |_| {
        stage.set(Some(true));
        left.set(UNDO_SECONDS);
        let handle = set_interval_with_handle(
            move || {
                let n = left.get_untracked().saturating_sub(1);
                left.set(n);
                if n == 0 {
                    stop();
                    stage.set(None);
                    let ids = ticked.get_untracked();
                    ticked.set(Vec::new());
                    bulk.dispatch(ReviewBulk { report_ids: ids });
                }
            },
            std::time::Duration::from_secs(1),
        )
        .ok();
        timer.set_value(handle);
    };
    let undo = move |_| {
        stop();
        stage.set(None);
    };
    let count = move || ticked.with(Vec::len);
    view! {
        <div class="bulk-bar no-print" aria-live="polite">
            {move || match stage.get() {
                None => {
                    view! {
                        <button
                            type="button"
                            class="bulk-accept"
                            disabled=move || count() == 0 || bulk.pending().get()
                            on:click=move |_| stage.set(Some(false))
                        >
                            {move || fmt(td_string!(l, tracking.bulk_accept), &[&count()])}
                        </button>
                    }
                        .into_any()
                }
                Some(false) => {
                    view! {
                        <div class="bulk-confirm" role="alertdialog">
                            <p>{move || fmt(td_string!(l, tracking.bulk_confirm), &[&count()])}</p>
                            <button type="button" class="bulk-confirm-yes" on:click=confirm>
                                {td_string!(l, tracking.bulk_confirm_yes)}
                            </button>
                            <button type="button" on:click=move |_| stage.set(None)>
                                {td_string!(l, common.cancel)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Some(true) => {
                    view! {
                        <div class="bulk-countdown">
                            <p>{move || fmt(td_string!(l, tracking.bulk_countdown), &[&count(), &left.get()])}</p>
                            <button type="button" class="bulk-undo" on:click=undo>
                                {td_string!(l, tracking.bulk_undo)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
            {move || {
                result
                    .get()
                    .map(|r| match r {
                        Ok(made) => {
                            view! { <p class="ok">{fmt(td_string!(l, tracking.bulk_done), &[&made.len()])}</p> }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    })
            }}
        </div>
    }
}
