//! `/admin/audit?actor=&action=&entity=` — 审计记录 (admins).

use crate::audit::{get_audit, AUDIT_LIMIT};
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang, Locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::AuditEntry;

#[component]
pub fn AuditPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("actor"),
            q.get("action"),
            q.get("entity"),
            q.get("object"),
        )
    });
    let data = Resource::new(move || args.get(), |(a, b, c, d)| get_audit(a, b, c, d));
    view! {
        <Title text=td_string!(l, admin.audit_title) />
        <h1>{td_string!(l, admin.audit_title)}</h1>
        <p class="lead">{td_string!(l, admin.audit_lead)}</p>
        <form class="filters" method="get" action="/admin/audit">
            <label>{td_string!(l, admin.actor)} <input type="text" name="actor" value=move || args.get().0.unwrap_or_default() /></label>
            <label>
                {td_string!(l, admin.object_filter)}
                <input
                    type="text"
                    name="object"
                    placeholder=td_string!(l, admin.object_placeholder)
                    value=move || args.get().3.unwrap_or_default()
                />
            </label>
            <label>
                {td_string!(l, admin.action)}
                <select name="action">
                    <option value="">{td_string!(l, admin.all)}</option>
                    {[
                        ("report.", td_string!(l, admin.action_report)),
                        ("reading.", td_string!(l, admin.action_reading)),
                        ("user.", td_string!(l, admin.action_user)),
                        ("item.", td_string!(l, admin.action_item)),
                    ]
                        .into_iter()
                        .map(|(v, label)| {
                            view! {
                                <option value=v selected=move || args.get().1.as_deref() == Some(v)>{label}</option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">{td_string!(l, admin.filter)}</button>
            <a class="button-link" href="/api/audit.csv" download="">{td_string!(l, admin.export_csv)}</a>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) => view! { <AuditTable rows /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A table of audit entries (also used on the item page): China time, who, the action in
/// words, what it was done to by name, and what changed field by field.
#[component]
pub fn AuditTable(rows: Vec<AuditEntry>) -> impl IntoView {
    use sanzhi_domain::audit_view::{action_label_zh, changes, china_time, field_label_zh};
    let l = lang();
    if rows.is_empty() {
        return view! { <p class="empty">{td_string!(l, admin.audit_empty)}</p> }.into_any();
    }
    let n = rows.len();
    let zh = l == Locale::zh;
    view! {
        {(n as i64 >= AUDIT_LIMIT).then(|| view! { <p class="notice">{fmt(td_string!(l, admin.audit_limited), &[&AUDIT_LIMIT])}</p> })}
        <table class="grid audit">
            <thead>
                <tr>
                    <th>{td_string!(l, admin.time_china)}</th>
                    <th>{td_string!(l, admin.actor)}</th>
                    <th>{td_string!(l, admin.action)}</th>
                    <th>{td_string!(l, admin.entity)}</th>
                    <th>{td_string!(l, admin.changes)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|e| {
                        let action = match action_label_zh(&e.action) {
                            Some(a) if zh => a.to_owned(),
                            _ => e.action.clone(),
                        };
                        let object = e
                            .object
                            .clone()
                            .unwrap_or_else(|| format!("{} {}", e.entity, e.entity_key));
                        let diff = changes(e.before.as_deref(), e.after.as_deref());
                        view! {
                            <tr data-action=e.action.clone()>
                                <td class="time" data-label=td_string!(l, admin.time_china)>{china_time(&e.at)}</td>
                                <td data-label=td_string!(l, admin.actor)>{e.actor.clone()}</td>
                                <td title=e.action.clone() data-label=td_string!(l, admin.action)>{action}</td>
                                <td class="object" data-label=td_string!(l, admin.entity)>{object}</td>
                                <td data-label=td_string!(l, admin.changes)>
                                    <ul class="changes">
                                        {diff
                                            .into_iter()
                                            .map(|c| {
                                                let field = match field_label_zh(&c.field) {
                                                    Some(f) if zh => f.to_owned(),
                                                    _ => c.field.clone(),
                                                };
                                                view! {
                                                    <li>
                                                        {(!field.is_empty()).then(|| view! { <span class="field">{field}</span> })}
                                                        {c.before.map(|b| view! { <del>{b}</del> })}
                                                        {c.after.map(|a| view! { <ins>{a}</ins> })}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </td>
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
    let l = lang();
    let users = Resource::new(|| (), |_| crate::audit::list_users());
    view! {
        <Title text=td_string!(l, admin.users_title) />
        <h1>{td_string!(l, admin.users_title)}</h1>
        <p class="lead">{td_string!(l, admin.users_lead)}</p>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(rows) => view! {
                        <table class="grid users">
                            <thead>
                                <tr>
                                    <th>{td_string!(l, admin.username)}</th>
                                    <th>{td_string!(l, admin.display_name)}</th>
                                    <th>{td_string!(l, admin.role_scope)}</th>
                                    <th>{td_string!(l, admin.demo)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|u| view! {
                                        <tr>
                                            <td>{u.username.clone()}</td>
                                            <td>{u.display_name.clone()}</td>
                                            <td>{crate::i18n::describe_user(l, &u)}</td>
                                            <td>{if u.is_demo { td_string!(l, common.demo_account) } else { "" }}</td>
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
