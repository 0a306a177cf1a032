//! `/plans/:code` — one plan: its goals, then every action → task → work item with lead and
//! responsible units and deadlines (source wording and the date read from it).

use crate::api::get_plan_tree;
use crate::components::error_box::ErrorBox;
use crate::components::milestones::MilestoneList;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use sanzhi_domain::{chinese_number, ItemSummary, PlanTree, TaskNode};

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let tree = Resource::new(code, get_plan_tree);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match tree.await {
                    Ok(tree) => view! { <PlanView tree /> }.into_any(),
                    Err(error) => {
                        crate::routes::not_found::set_status_not_found();
                        view! {
                            <Title text="未找到" />
                            <h1>"无法显示该方案"</h1>
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
fn PlanView(tree: PlanTree) -> impl IntoView {
    let s = tree.plan.summary;
    let code = s.code.to_string();
    view! {
        <Title text=s.short_name.clone() />
        <h1>{s.title}</h1>
        <p class="lead">{format!("{} · {} · 牵头：{}", s.doc_no, s.period, s.owner_office)}</p>
        <section class="card">
            <h2>"工作目标"</h2>
            <ol class="goal-list">
                {tree.plan.goals.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}
            </ol>
            <p class="provenance">"出处：" {tree.plan.provenance}</p>
        </section>
        <p class="counts">
            {format!(
                "{} 个行动 · {} 项任务 · {} 条工作要求",
                s.action_count,
                s.task_count,
                s.work_item_count,
            )}
        </p>
        <div class="plan-tree">
            {tree
                .actions
                .into_iter()
                .map(|a| {
                    let code = code.clone();
                    view! {
                        <section class="action" data-action=a.seq>
                            <h2>{format!("({}){}", chinese_number(a.seq), a.title)}</h2>
                            {a
                                .tasks
                                .into_iter()
                                .map(|t| view! { <TaskView task=t code=code.clone() /> })
                                .collect_view()}
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn TaskView(task: TaskNode, code: String) -> impl IntoView {
    view! {
        <section class="task" data-task=task.number>
            <h3>{format!("{}. {}", task.number, task.title)}</h3>
            <ul class="items">
                {task
                    .items
                    .into_iter()
                    .map(|i| view! { <ItemRow item=i code=code.clone() /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ItemRow(item: ItemSummary, code: String) -> impl IntoView {
    let href = format!("/plans/{code}/items/{}", item.number);
    let units = if item.units.is_empty() {
        "—".to_owned()
    } else {
        format!("{} 个单位", item.units.len())
    };
    view! {
        <li class="item" data-item=item.number>
            <p class="item-text">
                <a href=href>{format!("({})", item.number)}</a>
                " "
                {item.text}
            </p>
            <dl class="item-facts">
                {(!item.leads.is_empty())
                    .then(|| {
                        view! {
                            <dt>"牵头单位"</dt>
                            <dd>{item.leads.join("、")}</dd>
                        }
                    })}
                <dt>"责任单位"</dt>
                <dd>
                    {if item.responsible_text.is_empty() { "—".to_owned() } else { item.responsible_text }}
                    <span class="muted">{format!("（分解为 {units}）")}</span>
                </dd>
                <dt>"时限"</dt>
                <dd>
                    <MilestoneList milestones=item.milestones />
                </dd>
            </dl>
            {(item.note_count > 0)
                .then(|| {
                    view! {
                        <p class="has-notes">{format!("⚠ 有 {} 条原文校注", item.note_count)}</p>
                    }
                })}
        </li>
    }
}
