//! `/reminders` — 提醒与发送: each plan's lead times and 督办 limit (set by its coordinator or an
//! admin, read by everyone), and for admins the units' robot webhooks and the record of every
//! e-mail and robot message (`?status=failed` for the failures), with 重新发送.

use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, Locale};
use crate::remind::{
    get_delivery, get_plan_reminders, AddHook, Delivery, PlanReminders, RetryMessage,
    SetPlanReminders, StopHook,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RemindersPage() -> impl IntoView {
    let l = lang();
    let save = ServerAction::<SetPlanReminders>::new();
    let plans = Resource::new(move || save.version().get(), |_| get_plan_reminders());
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    view! {
        <Title text=td_string!(l, common.nav_reminders) />
        <h1>{td_string!(l, common.nav_reminders)}</h1>
        <section class="card reminder-settings">
            <h2>{td_string!(l, remind.settings)}</h2>
            <p class="muted">{td_string!(l, remind.settings_hint)}</p>
            <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match plans.await {
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                        Ok(plans) => view! {
                            <table class="settings-table">
                                <tbody>
                                    {plans.into_iter().map(|p| view! { <PlanRow p save /> }).collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
            <div aria-live="polite">
                {move || save.value().get().map(|r| match r {
                    Ok(_) => view! { <p class="ok">{td_string!(l, remind.saved)}</p> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                })}
            </div>
        </section>
        <Suspense>
            {move || Suspend::new(async move {
                let admin = me
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.role == sanzhi_domain::Role::Admin);
                admin.then(|| view! { <DeliverySection /> })
            })}
        </Suspense>
    }
}

#[component]
fn PlanRow(p: PlanReminders, save: ServerAction<SetPlanReminders>) -> impl IntoView {
    let l = lang();
    let days = p.settings.lead_days_text();
    let limit = p.settings.urge_limit.to_string();
    if !p.may_edit {
        return view! {
            <tr data-plan=p.plan.clone()>
                <th scope="row">{p.plan_name}</th>
                <td>{td_string!(l, remind.lead_days)} " " {days}</td>
                <td>{td_string!(l, remind.urge_limit)} " " {limit}</td>
            </tr>
        }
        .into_any();
    }
    let code = p.plan.clone();
    view! {
        <tr data-plan=p.plan>
            <th scope="row">{p.plan_name}</th>
            <td colspan="2">
                <ActionForm action=save attr:class="inline-form">
                    <input type="hidden" name="plan" value=code />
                    <label>
                        {td_string!(l, remind.lead_days)}
                        <input type="text" name="lead_days" value=days inputmode="numeric" size="10" required=true />
                    </label>
                    <label>
                        {td_string!(l, remind.urge_limit)}
                        <input type="number" name="urge_limit" value=limit min="1" max="20" required=true />
                    </label>
                    <button type="submit">{td_string!(l, remind.save)}</button>
                </ActionForm>
            </td>
        </tr>
    }
    .into_any()
}

fn kind_label(l: Locale, kind: &str) -> &'static str {
    match kind {
        "dingtalk" => td_string!(l, remind.kind_dingtalk),
        "wecom" => td_string!(l, remind.kind_wecom),
        _ => td_string!(l, remind.kind_json),
    }
}

fn status_label(l: Locale, status: &str) -> &'static str {
    match status {
        "sent" => td_string!(l, remind.status_sent),
        "failed" => td_string!(l, remind.status_failed),
        _ => td_string!(l, remind.status_pending),
    }
}

#[component]
fn DeliverySection() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let status = Memo::new(move |_| query.read().get("status").filter(|s| !s.is_empty()));
    let add = ServerAction::<AddHook>::new();
    let stop = ServerAction::<StopHook>::new();
    let retry = ServerAction::<RetryMessage>::new();
    let delivery = Resource::new(
        move || {
            (
                status.get(),
                add.version().get(),
                stop.version().get(),
                retry.version().get(),
            )
        },
        |(status, ..)| get_delivery(status),
    );
    let errors = move || {
        [
            add.value().get().and_then(|r| r.err()),
            stop.value().get().and_then(Result::err),
            retry.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .map(|error| view! { <ErrorBox error /> })
        .collect_view()
    };
    view! {
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match delivery.await {
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                    Ok(d) => view! { <DeliveryView d add stop retry /> }.into_any(),
                }
            })}
        </Suspense>
        <div class="delivery-result" aria-live="polite">{errors}</div>
    }
}

#[component]
fn DeliveryView(
    d: Delivery,
    add: ServerAction<AddHook>,
    stop: ServerAction<StopHook>,
    retry: ServerAction<RetryMessage>,
) -> impl IntoView {
    let l = lang();
    // Built first: the hooks below take parts of `d`.
    let outbox = view! { <OutboxSection d=d.clone() retry /> };
    view! {
        <section class="card hooks">
            <h2>{td_string!(l, remind.hooks)}</h2>
            <p class="muted">{td_string!(l, remind.hooks_hint)}</p>
            <table class="hook-table">
                <tbody>
                    {d.hooks
                        .into_iter()
                        .map(|h| {
                            let id = h.id;
                            view! {
                                <tr data-hook=id class=if h.active { "" } else { "stopped" }>
                                    <td data-label=td_string!(l, remind.hook_unit)>{h.unit}</td>
                                    <td data-label=td_string!(l, remind.hook_kind)>{kind_label(l, &h.kind)}</td>
                                    <td data-label=td_string!(l, remind.hook_url)><code>{h.url_masked}</code></td>
                                    <td>{h.signed.then(|| td_string!(l, remind.hook_signed))}</td>
                                    <td>
                                        {if h.active {
                                            view! {
                                                <ActionForm action=stop>
                                                    <input type="hidden" name="id" value=id />
                                                    <button type="submit" class="secondary">{td_string!(l, remind.hook_stop)}</button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        } else {
                                            view! { <span class="muted">{td_string!(l, remind.hook_stopped)}</span> }.into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <ActionForm action=add attr:class="hook-form">
                <label>
                    {td_string!(l, remind.hook_unit)}
                    <select name="unit" required=true>
                        {d.units.into_iter().map(|u| view! { <option value=u.clone()>{u.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    {td_string!(l, remind.hook_kind)}
                    <select name="kind">
                        <option value="dingtalk">{td_string!(l, remind.kind_dingtalk)}</option>
                        <option value="wecom">{td_string!(l, remind.kind_wecom)}</option>
                        <option value="json">{td_string!(l, remind.kind_json)}</option>
                    </select>
                </label>
                <label>
                    {td_string!(l, remind.hook_url)}
                    <input type="url" name="url" required=true placeholder="https://oapi.dingtalk.com/robot/send?access_token=…" />
                </label>
                <label>
                    {td_string!(l, remind.hook_secret)}
                    <input type="password" name="secret" autocomplete="off" />
                </label>
                <button type="submit">{td_string!(l, remind.hook_add)}</button>
            </ActionForm>
        </section>
        {outbox}
    }
}

/// The outbox: what was sent to whom and how it went, with a retry for a failed message.
#[component]
fn OutboxSection(d: Delivery, retry: ServerAction<RetryMessage>) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card outbox">
            <h2>{td_string!(l, remind.outbox)}</h2>
            <p class="muted">
                {td_string!(l, remind.outbox_hint)} " "
                {match d.last_day {
                    Some(day) => fmt(td_string!(l, remind.last_day), &[&date(l, day)]),
                    None => td_string!(l, remind.never_made).to_owned(),
                }}
            </p>
            <nav class="filters">
                <a href="/reminders">{td_string!(l, remind.all)}</a>
                " · "
                <a href="/reminders?status=failed">{td_string!(l, remind.status_failed)}</a>
                " · "
                <a href="/reminders?status=pending">{td_string!(l, remind.status_pending)}</a>
            </nav>
            {if d.outbox.is_empty() {
                view! { <p class="empty">{td_string!(l, remind.outbox_empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid outbox-table">
                        <thead>
                            <tr>
                                <th>{td_string!(l, remind.col_day)}</th>
                                <th>{td_string!(l, remind.col_unit)}</th>
                                <th>{td_string!(l, remind.col_channel)}</th>
                                <th>{td_string!(l, remind.col_target)}</th>
                                <th>{td_string!(l, remind.col_status)}</th>
                                <th>{td_string!(l, remind.col_attempts)}</th>
                                <th>{td_string!(l, remind.col_error)}</th>
                                <th>{td_string!(l, remind.col_sent)}</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>
                            {d.outbox
                                .into_iter()
                                .map(|o| {
                                    let id = o.id;
                                    let failed = o.status == "failed";
                                    view! {
                                        <tr data-outbox=id class=format!("outbox-{}", o.status)>
                                            <td data-label=td_string!(l, remind.col_day)>{date(l, o.day)}</td>
                                            <td data-label=td_string!(l, remind.col_unit)>{o.unit}</td>
                                            <td data-label=td_string!(l, remind.col_channel)>{o.channel}</td>
                                            <td data-label=td_string!(l, remind.col_target)>{o.target}</td>
                                            <td data-label=td_string!(l, remind.col_status)>{status_label(l, &o.status)}</td>
                                            <td data-label=td_string!(l, remind.col_attempts)>{o.attempts}</td>
                                            <td data-label=td_string!(l, remind.col_error)>{o.last_error}</td>
                                            <td data-label=td_string!(l, remind.col_sent)>{o.sent_at.or(o.next_attempt)}</td>
                                            <td>
                                                {failed.then(|| view! {
                                                    <ActionForm action=retry>
                                                        <input type="hidden" name="id" value=id />
                                                        <button type="submit" class="secondary">{td_string!(l, remind.retry)}</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}
