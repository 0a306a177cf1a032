//! `/my` — 我的任务: a unit's own assignments. Needs sign-in, which is not built yet; the
//! page says so plainly instead of showing made-up data.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyTasksPage() -> impl IntoView {
    view! {
        <Title text="我的任务" />
        <h1>"我的任务"</h1>
        <p class="notice">
            "本页将按单位列出逾期、即将到期和其余的工作要求。登录与单位分工尚未开放，暂无可显示的内容。"
        </p>
    }
}
