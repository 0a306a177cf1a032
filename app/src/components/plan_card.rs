//! One plan on the overview: what it is, who owns it, how big it is, and its goals on demand.

use crate::api::GetPlan;
use crate::components::error_box::ErrorBox;
use leptos::prelude::*;
use sanzhi_domain::PlanSummary;

/// A card for one plan. The button fetches the plan's goals from the server.
#[component]
pub fn PlanCard(
    /// The plan to show.
    plan: PlanSummary,
) -> impl IntoView {
    let load_goals = ServerAction::<GetPlan>::new();
    let pending = load_goals.pending();
    let result = load_goals.value();
    let code = plan.code.to_string();
    let href = format!("/plans/{code}");
    let on_click = move |_| {
        load_goals.dispatch(GetPlan { code: code.clone() });
    };
    view! {
        <li class="plan-card" data-plan=plan.code.to_string()>
            <h2>
                <a href=href>{plan.title}</a>
            </h2>
            <dl class="facts">
                <dt>"简称"</dt>
                <dd>{plan.short_name}</dd>
                <dt>"文号"</dt>
                <dd>{plan.doc_no}</dd>
                <dt>"牵头"</dt>
                <dd>{plan.owner_office}</dd>
                <dt>"期限"</dt>
                <dd>{plan.period.to_string()}</dd>
                <dt>"规模"</dt>
                <dd>
                    {format!(
                        "{} 个行动 · {} 项任务 · {} 条工作要求",
                        plan.action_count,
                        plan.task_count,
                        plan.work_item_count,
                    )}
                </dd>
            </dl>
            <button class="goals-button" on:click=on_click disabled=move || pending.get()>
                {move || if pending.get() { "正在读取…" } else { "查看工作目标" }}
            </button>
            <div class="goals" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(detail) => {
                                view! {
                                    <ol class="goal-list">
                                        {detail
                                            .goals
                                            .into_iter()
                                            .map(|g| view! { <li>{g}</li> })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        })
                }}
            </div>
        </li>
    }
}
