//! `/plans` — every plan the reader sees, by lifecycle: 实施中 (active), 草稿 (draft: imported,
//! not yet visible to units; only admins and its coordinators see it) and 已结束 (closed:
//! read-only, kept for history). Admins put a draft into effect, close a plan whose period is
//! over, or reopen one here; the server checks the admin role on every change.

use crate::api::{list_plans, SetPlanStatus};
use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{lang, plan_name, Locale};
use leptos::prelude::*;
use leptos_meta::Title;
use sanzhi_domain::{PlanStatus, PlanSummary};

/// A status's name.
pub fn status_label(l: Locale, s: PlanStatus) -> &'static str {
    if l == Locale::en {
        s.label_en()
    } else {
        s.label_zh()
    }
}

#[component]
pub fn PlansPage() -> impl IntoView {
    let l = lang();
    let change = ServerAction::<SetPlanStatus>::new();
    let plans = Resource::new(move || change.version().get(), |_| list_plans());
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    view! {
        <Title text=td_string!(l, common.plans_title) />
        <h1>{td_string!(l, common.plans_title)}</h1>
        <p class="muted">{td_string!(l, common.plans_intro)}</p>
        {move || {
            change
                .value()
                .get()
                .and_then(Result::err)
                .map(|error| view! { <ErrorBox error /> })
        }}
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let admin = me
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.role == sanzhi_domain::Role::Admin);
                match plans.await {
                    Ok(all) => {
                        PlanStatus::ALL
                            .into_iter()
                            .map(|status| {
                                let rows: Vec<PlanSummary> =
                                    all.iter().filter(|p| p.status == status).cloned().collect();
                                (!rows.is_empty())
                                    .then(|| view! { <PlanGroup status rows admin change /> })
                            })
                            .collect_view()
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlanGroup(
    status: PlanStatus,
    rows: Vec<PlanSummary>,
    admin: bool,
    change: ServerAction<SetPlanStatus>,
) -> impl IntoView {
    let l = lang();
    let count = rows.len();
    view! {
        <section class=format!("card plan-group plans-{}", status.as_str())>
            <h2>{format!("{}（{count}）", status_label(l, status))}</h2>
            <PlanTable rows change=admin.then_some(change) />
        </section>
    }
}

/// Plans one line each (name and title, office, 文号, years, size) — many sorted by office,
/// as a province's plans read best — with the lifecycle buttons when `change` is given
/// (admins).
#[component]
pub fn PlanTable(
    rows: Vec<PlanSummary>,
    change: Option<ServerAction<SetPlanStatus>>,
) -> impl IntoView {
    let l = lang();
    let mut rows = rows;
    // A few plans stay in their own order; many read best grouped by office.
    if rows.len() > crate::api::NAV_PLANS_MAX {
        rows.sort_by(|a, b| a.owner_office.cmp(&b.owner_office));
    }
    view! {
        <table class="grid plans-list">
            <thead>
                <tr>
                    <th>{td_string!(l, overview.col_plan)}</th>
                    <th>{td_string!(l, overview.plan_lead)}</th>
                    <th>{td_string!(l, overview.plan_doc_no)}</th>
                    <th>{td_string!(l, overview.plan_period)}</th>
                    <th>{td_string!(l, common.plan_items)}</th>
                    {change.is_some().then(|| view! { <th>{td_string!(l, common.plan_lifecycle)}</th> })}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|p| {
                        let code = p.code.as_str().to_owned();
                        let href = format!("/plans/{code}");
                        let name = plan_name(l, &p);
                        let data = code.clone();
                        let status = p.status;
                        view! {
                            <tr data-plan=data>
                                <td>
                                    <a href=href>{name}</a>
                                    <div class="muted">{p.title.clone()}</div>
                                </td>
                                <td>{p.owner_office.clone()}</td>
                                <td>{p.doc_no.clone()}</td>
                                <td>{format!("{}–{}", p.period.start_year(), p.period.end_year())}</td>
                                <td>{p.work_item_count}</td>
                                {change.map(|change| view! { <td><LifecycleButtons code status change /></td> })}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The moves an admin may make from `status`.
fn moves(l: Locale, status: PlanStatus) -> Vec<(PlanStatus, &'static str)> {
    match status {
        PlanStatus::Draft => vec![(PlanStatus::Active, td_string!(l, common.plan_activate))],
        PlanStatus::Active => vec![
            (PlanStatus::Closed, td_string!(l, common.plan_close)),
            (PlanStatus::Draft, td_string!(l, common.plan_withdraw)),
        ],
        PlanStatus::Closed => vec![(PlanStatus::Active, td_string!(l, common.plan_reopen))],
    }
}

/// The lifecycle buttons of one plan. Putting a draft into effect or reopening a plan goes at
/// once; closing it or sending it back to draft takes units' work out of their daily views, so
/// it asks first, in the page (confirm / cancel), naming what it does.
#[component]
fn LifecycleButtons(
    code: String,
    status: PlanStatus,
    change: ServerAction<SetPlanStatus>,
) -> impl IntoView {
    let l = lang();
    // The move waiting for confirmation, if any.
    let asking = RwSignal::new(None::<PlanStatus>);
    let send = {
        let code = code.clone();
        move |to: PlanStatus| {
            asking.set(None);
            change.dispatch(SetPlanStatus {
                code: code.clone(),
                status: to.as_str().to_owned(),
            });
        }
    };
    let buttons = moves(l, status)
        .into_iter()
        .map(|(to, label)| {
            let send = send.clone();
            view! {
                <button
                    type="button"
                    class=format!("plan-to-{}", to.as_str())
                    disabled=move || change.pending().get()
                    on:click=move |_| {
                        if matches!(to, PlanStatus::Closed | PlanStatus::Draft) {
                            asking.set(Some(to));
                        } else {
                            send(to);
                        }
                    }
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        {buttons}
        {move || {
            let send = send.clone();
            asking
                .get()
                .map(|to| {
                    let question = match to {
                        PlanStatus::Closed => td_string!(l, common.plan_close_confirm),
                        _ => td_string!(l, common.plan_withdraw_confirm),
                    };
                    view! {
                        <div class="plan-confirm" role="alertdialog">
                            <p>{question}</p>
                            <button type="button" class="confirm" on:click=move |_| send(to)>
                                {td_string!(l, common.confirm)}
                            </button>
                            <button type="button" class="cancel" on:click=move |_| asking.set(None)>
                                {td_string!(l, common.cancel)}
                            </button>
                        </div>
                    }
                })
        }}
    }
}
