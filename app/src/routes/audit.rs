//! `/admin/audit?actor=&action=&entity=` — 审计记录 (admins).

use crate::audit::{get_audit, AUDIT_LIMIT};
use crate::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::AuditEntry;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        (q.get("actor"), q.get("action"), q.get("entity"))
    });
    let data = Resource::new(move || args.get(), |(a, b, c)| get_audit(a, b, c));
    view! {
        <Title text="审计记录" />
        <h1>"审计记录"</h1>
        <p class="lead">"每一次写入（进展报告、读数、账号）都记录操作人、时间、内容和前后值；记录只增不改。"</p>
        <form class="filters" method="get" action="/admin/audit">
            <label>"操作人" <input type="text" name="actor" value=move || args.get().0.unwrap_or_default() /></label>
            <label>
                "操作"
                <select name="action">
                    <option value="">"全部"</option>
                    <option value="report.">"进展报告"</option>
                    <option value="reading.">"读数"</option>
                    <option value="user.">"账号"</option>
                </select>
            </label>
            <button type="submit">"筛选"</button>
            <a class="button-link" href="/api/audit.csv" download="">"导出 CSV"</a>
        </form>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) => view! { <AuditTable rows /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A table of audit entries (also used on the item page).
#[component]
pub fn AuditTable(rows: Vec<AuditEntry>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"没有记录。"</p> }.into_any();
    }
    let n = rows.len();
    view! {
        {(n as i64 >= AUDIT_LIMIT).then(|| view! { <p class="notice">{format!("只列出最近 {AUDIT_LIMIT} 条；完整记录请导出 CSV。")}</p> })}
        <table class="grid audit">
            <thead>
                <tr>
                    <th>"时间"</th>
                    <th>"操作人"</th>
                    <th>"操作"</th>
                    <th>"对象"</th>
                    <th>"之前"</th>
                    <th>"之后"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|e| {
                        view! {
                            <tr>
                                <td>{e.at.clone()}</td>
                                <td>{e.actor.clone()}</td>
                                <td>{e.action.clone()}</td>
                                <td>{format!("{} {}", e.entity, e.entity_key)}</td>
                                <td class="json">{e.before.clone().unwrap_or_default()}</td>
                                <td class="json">{e.after.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// `/admin/users` — 账号 (admins): who can sign in, with which role and scope. Accounts are
/// created with `sanzhi user add`.
#[component]
pub fn UsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| crate::audit::list_users());
    view! {
        <Title text="账号" />
        <h1>"账号"</h1>
        <p class="lead">"账号由系统管理员在服务器上用 sanzhi user add 创建；密码只以 argon2id 摘要保存。"</p>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(rows) => view! {
                        <table class="grid users">
                            <thead>
                                <tr><th>"用户名"</th><th>"姓名"</th><th>"角色与范围"</th><th>"演示"</th></tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|u| view! {
                                        <tr>
                                            <td>{u.username.clone()}</td>
                                            <td>{u.display_name.clone()}</td>
                                            <td>{u.describe_zh()}</td>
                                            <td>{if u.is_demo { "演示账号" } else { "" }}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
