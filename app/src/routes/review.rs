//! `/review?plan=…` — 待签收: the completion reports waiting for the coordinator, oldest
//! first, each with its item, unit, report and the accept / return controls for those who
//! may review that plan. Anyone signed in can read the queue.

use crate::components::error_box::ErrorBox;
use crate::components::review::ReviewControls;
use crate::review::{get_review_queue, ReviewQueue, ReviewReport};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The plan filter: (value, label).
const PLANS: [(&str, &str); 4] = [
    ("", "本方案"),
    ("water", "治水"),
    ("air", "治气"),
    ("soil", "治土"),
];

#[component]
pub fn ReviewPage() -> impl IntoView {
    let query = use_query_map();
    let plan = Memo::new(move |_| query.read().get("plan").filter(|s| !s.is_empty()));
    let action = ServerAction::<ReviewReport>::new();
    let done = action.version();
    let queue = Resource::new(
        move || (plan.get(), done.get()),
        |(plan, _)| get_review_queue(plan),
    );
    view! {
        <Title text="待签收" />
        <h1>"待签收的完成报告"</h1>
        <p class="muted">
            "责任单位报告“已完成”后，由方案协调员签收（销号）或写明理由退回；签收前该分工不计为已完成。"
        </p>
        <form method="get" class="filters">
            <label>
                "方案 "
                <select name="plan">
                    {move || {
                        let chosen = plan.get().unwrap_or_default();
                        PLANS
                            .into_iter()
                            .chain([("all", "全部方案")])
                            .map(|(v, l)| {
                                view! { <option value=v selected=v == chosen>{l}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <button type="submit">"查看"</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) => view! { <QueueView q action /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(q: ReviewQueue, action: ServerAction<ReviewReport>) -> impl IntoView {
    let last = RwSignal::new(None::<i64>);
    let scope = match q.plan.as_deref() {
        Some("water") => "治水",
        Some("air") => "治气",
        Some("soil") => "治土",
        _ => "全部方案",
    };
    let heading = format!("{scope}：{} 份待签收", q.rows.len());
    let may_review = q.may_review;
    view! {
        <h2 class="queue-count">{heading}</h2>
        {q.rows.is_empty().then(|| view! { <p class="empty">"没有待签收的报告。"</p> })}
        <ol class="review-queue">
            {q
                .rows
                .into_iter()
                .map(|p| {
                    let href = format!("/plans/{}/items/{}", p.plan_code, p.item_number);
                    let r = p.report;
                    let controls = may_review
                        .contains(&p.plan_code)
                        .then(|| view! { <ReviewControls report_id=r.id action last /> });
                    view! {
                        <li class=if r.is_demo { "pending demo" } else { "pending" } data-report=r.id>
                            <div class="task-head">
                                <a href=href>{format!("{} ({})", p.plan_short_name, p.item_number)}</a>
                                <strong>{p.unit}</strong>
                                <span class="when">{format!("报告日期 {}", r.reported_on)}</span>
                                {r
                                    .milestone_seq
                                    .map(|m| view! { <span>{format!("完成第 {m} 个时限")}</span> })}
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
                                {format!(
                                    "报告人：{} · 编号 #{}{}",
                                    r.reporter,
                                    r.id,
                                    if r.is_demo { " · 演示数据" } else { "" },
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
