//! `/` — 总览: the plans and their size.

use crate::api::list_plans;
use crate::components::error_box::ErrorBox;
use crate::components::plan_card::PlanCard;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let plans = Resource::new(|| (), |_| list_plans());
    view! {
        <Title text="总览" />
        <h1>"总览"</h1>
        <p class="lead">
            "衢州市治水长效战、治气攻坚战、治土持久战三个行动方案（2018—2020年）。"
        </p>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match plans.await {
                    Ok(plans) if plans.is_empty() => {
                        view! { <p class="empty">"尚未导入任何行动方案。"</p> }.into_any()
                    }
                    Ok(plans) => {
                        view! {
                            <ul class="plan-list">
                                {plans
                                    .into_iter()
                                    .map(|plan| view! { <PlanCard plan /> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
