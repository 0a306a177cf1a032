//! One plan on the overview: what it is, who owns it, how big it is, and its goals on demand.

use crate::api::GetPlan;
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use sanzhi_domain::PlanSummary;

/// A card for one plan. The button fetches the plan's goals from the server.
#[component]
pub fn PlanCard(
    /// The plan to show.
    plan: PlanSummary,
) -> impl IntoView {
    let l = lang();
    let load_goals = ServerAction::<GetPlan>::new();
    let pending = load_goals.pending();
    let result = load_goals.value();
    let code = plan.code.to_string();
    let href = format!("/plans/{code}");
    let name = crate::i18n::plan_name(l, &plan);
    let on_click = move |_| {
        load_goals.dispatch(GetPlan { code: code.clone() });
    };
    view! {
        <li class="plan-card" data-plan=plan.code.to_string()>
            <h2>
                <a href=href>{plan.title}</a>
            </h2>
            <dl class="facts">
                <dt>{td_string!(l, overview.plan_short_name)}</dt>
                <dd>{name}</dd>
                <dt>{td_string!(l, overview.plan_doc_no)}</dt>
                <dd>{plan.doc_no}</dd>
                <dt>{td_string!(l, overview.plan_lead)}</dt>
                <dd>{plan.owner_office}</dd>
                <dt>{td_string!(l, overview.plan_period)}</dt>
                <dd>
                    {fmt(
                        td_string!(l, overview.period),
                        &[&plan.period.start_year(), &plan.period.end_year()],
                    )}
                </dd>
                <dt>{td_string!(l, overview.plan_scale)}</dt>
                <dd>
                    {fmt(
                        td_string!(l, overview.plan_size),
                        &[&plan.action_count, &plan.task_count, &plan.work_item_count],
                    )}
                </dd>
            </dl>
            <button class="goals-button" on:click=on_click disabled=move || pending.get()>
                {move || {
                    if pending.get() {
                        td_string!(l, overview.goals_loading)
                    } else {
                        td_string!(l, overview.show_goals)
                    }
                }}
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
