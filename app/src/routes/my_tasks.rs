//! `/my?unit=…&as_of=…` — 我的任务: one unit's assignments, overdue first, then due soon,
//! then the rest, each with its deadline in the source wording, days late or left, and the
//! last report. A unit's reporter sees their own unit; others choose a unit from the list.

use crate::components::error_box::ErrorBox;
use crate::components::milestones::MilestoneList;
use crate::components::review::LateFiledNote;
use crate::components::status::{as_of_param, keep_as_of, AsOfBar, StatusBadge, StatusStrip};
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, report_state, Locale};
use crate::tracking::{get_unit_tasks, list_units};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::{Tracked, UnitKind};

#[component]
pub fn MyTasksPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let unit = Memo::new(move |_| query.read().get("unit").filter(|s| !s.is_empty()));
    let as_of = as_of_param();
    let units = Resource::new(|| (), |_| list_units());
    // A user bound to one unit is not offered the others.
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    // Answering a 催办 refetches the page's data (the 催办 come with the tasks).
    let answer = ServerAction::<crate::remind::AnswerUrge>::new();
    let tasks = Resource::new(
        move || (unit.get(), as_of.get(), answer.version().get()),
        |(unit, as_of, _)| async move {
            // A unit's reporter sees their own unit without choosing it.
            let unit = match unit {
                Some(u) => Some(u),
                None => crate::auth::whoami()
                    .await
                    .ok()
                    .flatten()
                    .and_then(|me| me.unit),
            };
            match unit {
                Some(u) => {
                    let tasks = get_unit_tasks(u.clone(), as_of.clone()).await?;
                    let urges = crate::remind::get_urges(None, None, Some(u), as_of).await?;
                    Ok(Some((tasks, urges)))
                }
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=td_string!(l, common.nav_my) />
        <h1>{td_string!(l, common.nav_my)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                if me.await.ok().flatten().is_some_and(|u| u.unit.is_some()) {
                    return ().into_any();
                }
                let units = units.await.unwrap_or_default();
                let chosen = unit.get().unwrap_or_default();
                view! {
                    <form method="get" class="unit-chooser">
                        {as_of.get().map(|d| view! { <input type="hidden" name="as_of" value=d /> })}
                        <label>
                            {td_string!(l, tracking.filter_unit)}
                            <select name="unit">
                                <option value="">{td_string!(l, tracking.choose_unit_option)}</option>
                                {units
                                    .into_iter()
                                    .map(|(name, kind)| {
                                        let selected = name == chosen;
                                        view! {
                                            <option value=name.clone() selected=selected>
                                                {fmt(td_string!(l, tracking.unit_with_kind), &[&name, &unit_kind_text(l, &kind)])}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                        <button type="submit">{td_string!(l, common.view)}</button>
                    </form>
                }
                    .into_any()
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match tasks.await {
                    Ok(None) => view! { <p class="empty">{td_string!(l, tracking.choose_unit)}</p> }.into_any(),
                    Ok(Some((t, urges))) => {
                        let as_of_s = t.as_of.to_string();
                        let keep = as_of.get();
                        let returned: Vec<Tracked> = t
                            .rows
                            .iter()
                            .filter(|r| r.returned.is_some())
                            .cloned()
                            .collect();
                        view! {
                            <AsOfBar as_of=as_of_s demo=t.demo />
                            <h2>{t.unit.clone()}</h2>
                            <crate::components::urges::MyUrges list=urges answer />
                            <ReturnedReports rows=returned as_of=keep.clone() />
                            <StatusStrip counts=t.counts />
                            <ol class="task-list">
                                {t
                                    .rows
                                    .into_iter()
                                    .map(|r| view! { <TaskRow row=r as_of=keep.clone() /> })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The unit's done reports the coordinator returned, newest first, at the top of the page:
/// each needs a new report.
#[component]
fn ReturnedReports(rows: Vec<Tracked>, as_of: Option<String>) -> impl IntoView {
    let l = lang();
    if rows.is_empty() {
        return ().into_any();
    }
    let mut rows = rows;
    rows.sort_by_key(|r| {
        std::cmp::Reverse(
            r.returned
                .as_ref()
                .and_then(|x| x.review.as_ref())
                .map(|v| (v.reviewed_on, v.id)),
        )
    });
    view! {
        <section class="card returned-reports" role="alert">
            <h2>{fmt(td_string!(l, tracking.returned_heading), &[&rows.len()])}</h2>
            <p class="muted">{td_string!(l, tracking.returned_hint)}</p>
            <ol>
                {rows
                    .into_iter()
                    .filter_map(|r| {
                        let x = r.returned?;
                        let v = x.review.clone()?;
                        let href = keep_as_of(
                            &format!("/plans/{}/items/{}", r.plan_code, r.item_number),
                            as_of.as_deref(),
                        );
                        let late_note = view! { <LateFiledNote report=sanzhi_domain::Report::clone(&x) /> };
                        Some(view! {
                            <li class="returned" data-assignment=r.assignment_id>
                                <a href=href>{format!("{} ({})", r.plan_short_name, r.item_number)}</a>
                                {late_note}
                                <span>
                                    {fmt(
                                        td_string!(l, tracking.returned_line),
                                        &[&date(l, x.reported_on), &date(l, v.reviewed_on), &v.reviewer],
                                    )}
                                </span>
                                <p class="reason">{fmt(td_string!(l, tracking.return_reason_line), &[&v.reason])}</p>
                            </li>
                        })
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

/// “逾期 12 天” / “剩 5 天” / nothing, in the page's language.
pub fn days_text(days_left: Option<i64>) -> Option<String> {
    let l = lang();
    days_left.map(|d| match d {
        d if d < 0 => fmt(td_string!(l, common.days_late), &[&-d]),
        0 => td_string!(l, common.due_today).to_owned(),
        d => fmt(td_string!(l, common.days_left), &[&d]),
    })
}

#[component]
fn TaskRow(row: Tracked, as_of: Option<String>) -> impl IntoView {
    let l = lang();
    let href = keep_as_of(
        &format!("/plans/{}/items/{}", row.plan_code, row.item_number),
        as_of.as_deref(),
    );
    let a = row.assessment;
    let missed = (a.missed_periods > 0)
        .then(|| fmt(td_string!(l, tracking.missed_periods), &[&a.missed_periods]));
    view! {
        <li class=format!("task-row status-{}", a.status.as_str()) data-assignment=row.assignment_id>
            <div class="task-head">
                <StatusBadge status=a.status />
                {row
                    .awaiting_review
                    .then(|| view! { <span class="review review-pending">{td_string!(l, common.review_pending)}</span> })}
                {row
                    .returned
                    .is_some()
                    .then(|| view! { <span class="review review-returned">{td_string!(l, common.review_returned)}</span> })}
                <a href=href>{format!("{} ({})", row.plan_short_name, row.item_number)}</a>
                {days_text(a.days_left)
                    .map(|t| {
                        let class = if a.days_left.is_some_and(|d| d < 0) {
                            "days late"
                        } else {
                            "days"
                        };
                        view! { <span class=class>{t}</span> }
                    })}
                {missed.map(|t| view! { <span class="days late">{t}</span> })}
            </div>
            <p class="task-text">{row.item_text}</p>
            <MilestoneList milestones=row.milestones />
            <p class="last-report">
                {row
                    .last_report
                    .as_ref()
                    .map(|r| view! { <LateFiledNote report=sanzhi_domain::Report::clone(r) /> })}
                {match row.last_report {
                    Some(r) => {
                        fmt(
                            td_string!(l, tracking.last_report_full),
                            &[
                                &date(l, r.reported_on),
                                &report_state(l, r.state),
                                &r.reporter,
                                &if r.is_demo { td_string!(l, tracking.demo_suffix) } else { "" },
                            ],
                        )
                    }
                    None => td_string!(l, tracking.no_reports).to_owned(),
                }}
            </p>
        </li>
    }
}

/// A unit kind's name in the page's language (the unit list gives it as its Chinese name).
pub fn unit_kind_text(l: Locale, kind: &str) -> String {
    UnitKind::ALL
        .into_iter()
        .find(|k| k.label_zh() == kind)
        .map_or_else(|| kind.to_owned(), |k| unit_kind(l, k).to_owned())
}

/// A unit kind's name: 县级政府 / County government, …
pub fn unit_kind(l: Locale, k: UnitKind) -> &'static str {
    match k {
        UnitKind::CountyGovernment => td_string!(l, tracking.unit_kind_county_government),
        UnitKind::CityDepartment => td_string!(l, tracking.unit_kind_city_department),
        UnitKind::Office => td_string!(l, tracking.unit_kind_office),
        UnitKind::Enterprise => td_string!(l, tracking.unit_kind_enterprise),
        UnitKind::ManagementZone => td_string!(l, tracking.unit_kind_management_zone),
    }
}
