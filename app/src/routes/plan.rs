//! `/plans/:code` — one plan: its facts and goals. The action → task → item tree follows
//! when the plans' structure is loaded from seed/.

use crate::api::get_plan;
use crate::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let plan = Resource::new(code, get_plan);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok(detail) => {
                        let s = detail.summary;
                        view! {
                            <Title text=s.short_name.clone() />
                            <h1>{s.title}</h1>
                            <p class="lead">
                                {format!(
                                    "{} · {} · 牵头：{}",
                                    s.doc_no,
                                    s.period,
                                    s.owner_office,
                                )}
                            </p>
                            <section class="card">
                                <h2>"工作目标"</h2>
                                <ol class="goal-list">
                                    {detail
                                        .goals
                                        .into_iter()
                                        .map(|g| view! { <li>{g}</li> })
                                        .collect_view()}
                                </ol>
                                <p class="provenance">"出处：" {detail.provenance}</p>
                            </section>
                            <section class="card">
                                <h2>"行动与任务"</h2>
                                <p>
                                    {format!(
                                        "{} 个行动 · {} 项任务 · {} 条工作要求",
                                        s.action_count,
                                        s.task_count,
                                        s.work_item_count,
                                    )}
                                </p>
                            </section>
                        }
                            .into_any()
                    }
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
