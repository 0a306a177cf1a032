//! `/?month=2018-12` — 总览: the leaders' monthly overview. Everything is as of the last day
//! of the month and compared with the last day of the month before. Prints on A4.

use crate::api::list_plans;
use crate::components::error_box::ErrorBox;
use crate::components::indicator_views::{
    month_year, DemoReadingsNote, MatrixSection, Pm25Section,
};
use crate::components::plan_card::PlanCard;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang, Locale};
use crate::overview::{get_overview, parse_month, Overview, PlanCounts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::overview::RedUnit;
use sanzhi_domain::{Status, StatusCounts};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let month = Memo::new(move |_| query.read().get("month"));
    // A replayed day carried in by the navigation: the overview of its month, up to that day.
    let as_of = Memo::new(move |_| query.read().get("as_of"));
    let data = Resource::new(
        move || (month.get(), as_of.get()),
        |(month, as_of)| get_overview(month, as_of),
    );
    let plans = Resource::new(|| (), |_| list_plans());
    view! {
        <Title text=td_string!(l, overview.title) />
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Page o /> }.into_any(),
                    Err(error) => view! { <h1>{td_string!(l, overview.title)}</h1> <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card plans-section no-print">
            <h2>{td_string!(l, overview.plans_heading)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match plans.await {
                        Ok(plans) if plans.is_empty() => {
                            view! { <p class="empty">{td_string!(l, overview.no_plans)}</p> }.into_any()
                        }
                        Ok(plans) => view! {
                            <ul class="plan-list">
                                {plans.into_iter().map(|plan| view! { <PlanCard plan /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn shift(month: &str, by: i32) -> String {
    let (y, m) = parse_month(month).unwrap_or((2018, 1));
    let i = y * 12 + i32::try_from(m).unwrap_or(1) - 1 + by;
    format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

fn delta(l: Locale, now: u32, before: u32) -> String {
    match i64::from(now) - i64::from(before) {
        0 => td_string!(l, overview.delta_flat).to_owned(),
        d if d > 0 => fmt(td_string!(l, overview.delta_up), &[&d]),
        d => fmt(td_string!(l, overview.delta_down), &[&d]),
    }
}

/// “开化县政府（逾期 40 天）”, “常山县政府（漏报 2 期）”.
fn red_unit(l: Locale, u: &RedUnit) -> String {
    if u.days_late > 0 {
        fmt(
            td_string!(l, overview.red_unit_late),
            &[&u.unit, &u.days_late],
        )
    } else {
        fmt(
            td_string!(l, overview.red_unit_missed),
            &[&u.unit, &u.missed_periods],
        )
    }
}

fn on_track(c: &StatusCounts) -> u32 {
    c.in_progress + c.not_started
}

fn done(c: &StatusCounts) -> u32 {
    c.done + c.done_late
}

#[component]
fn PlanBox(p: PlanCounts) -> impl IntoView {
    let l = lang();
    let cells = [
        (
            crate::i18n::status(l, Status::Done),
            done(&p.now),
            done(&p.before),
            "done",
        ),
        (
            td_string!(l, overview.on_track),
            on_track(&p.now),
            on_track(&p.before),
            "in_progress",
        ),
        (
            crate::i18n::status(l, Status::DueSoon),
            p.now.due_soon,
            p.before.due_soon,
            "due_soon",
        ),
        (
            crate::i18n::status(l, Status::Overdue),
            p.now.overdue,
            p.before.overdue,
            "overdue",
        ),
    ];
    view! {
        <div class="plan-box" data-plan=p.code.clone()>
            <h3>
                <a href=format!("/plans/{}", p.code)>{p.short_name.clone()}</a>
                <span class="total">{fmt(td_string!(l, common.assignments_total), &[&p.now.total()])}</span>
            </h3>
            <p class="plan-title">{fmt(td_string!(l, overview.plan_title_owner), &[&p.title, &p.owner_office])}</p>
            <dl>
                {cells
                    .into_iter()
                    .map(|(label, now, before, class)| {
                        view! {
                            <div class=format!("count {class}")>
                                <dt>{label}</dt>
                                <dd>
                                    <strong>{now.to_string()}</strong>
                                    <small>{delta(l, now, before)}</small>
                                </dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </div>
    }
}

#[component]
fn Page(o: Overview) -> impl IntoView {
    let l = lang();
    let (y, m) = parse_month(&o.month).unwrap_or((2018, 1));
    let as_of = o.as_of.to_string();
    let (pm_met, pm_n) = o.indicators.pm25_met();
    let (sec_met, sec_n) = o.indicators.sections_met();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <header class="overview-head">
            <h1>{fmt(td_string!(l, overview.heading), &[&month_year(l, y, m)])}</h1>
            <p class="lead">
                {fmt(
                    td_string!(l, overview.lead),
                    &[&crate::i18n::date(l, o.as_of), &crate::i18n::date(l, o.before)],
                )}
            </p>
            <form class="filters no-print" method="get" action="/">
                <a class="button-link" href=format!("/?month={}", shift(&o.month, -1))>{td_string!(l, overview.prev_month)}</a>
                <label>{td_string!(l, overview.month_label)} <input type="month" name="month" value=o.month.clone() min="2018-01" max="2021-12" /></label>
                <button type="submit">{td_string!(l, common.view)}</button>
                <a class="button-link" href=format!("/?month={}", shift(&o.month, 1))>{td_string!(l, overview.next_month)}</a>
                <button type="button" class="print" on:click=print>{td_string!(l, overview.print)}</button>
            </form>
        </header>
        {o.demo.then(|| view! {
            <p class="demo-banner" role="note">{td_string!(l, overview.demo_banner)}</p>
        })}
        <section class="card plans-summary">
            <h2>{td_string!(l, overview.plans_progress)}</h2>
            <div class="plan-boxes">
                {o.plans.iter().cloned().map(|p| view! { <PlanBox p /> }).collect_view()}
            </div>
        </section>
        <section class="card red-list">
            <h2>{td_string!(l, overview.red_list_heading)}</h2>
            {if o.red_list.is_empty() {
                view! { <p class="empty">{td_string!(l, overview.red_list_empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid red-list-table">
                        <thead>
                            <tr>
                                <th>{td_string!(l, overview.col_plan)}</th>
                                <th>{td_string!(l, overview.col_work_item)}</th>
                                <th>{td_string!(l, overview.col_longest_overdue)}</th>
                                <th>{td_string!(l, overview.col_overdue_units)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {o.red_list
                                .iter()
                                .map(|r| {
                                    let text: String = r.item_text.chars().take(60).collect();
                                    let more = if r.item_text.chars().count() > 60 { "…" } else { "" };
                                    view! {
                                        <tr>
                                            <td>{r.plan_short_name.clone()}</td>
                                            <td>
                                                <a href=format!("/plans/{}/items/{}?as_of={}", r.plan_code, r.item_number, as_of)>
                                                    {format!("({}) {text}{more}", r.item_number)}
                                                </a>
                                            </td>
                                            <td class="late">
                                                {if r.days_late > 0 {
                                                    fmt(td_string!(l, overview.days), &[&r.days_late])
                                                } else {
                                                    td_string!(l, overview.recurring_missed).to_owned()
                                                }}
                                            </td>
                                            <td>
                                                {r.units
                                                    .iter()
                                                    .map(|u| red_unit(l, u))
                                                    .collect::<Vec<_>>()
                                                    .join(td_string!(l, overview.list_sep))}
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
        <section class="card ranking">
            <h2>{td_string!(l, overview.ranking_heading)}</h2>
            {match o.ranking_svg.clone() {
                Some(svg) => view! { <div class="chart ranking-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">{td_string!(l, overview.ranking_empty)}</p> }.into_any(),
            }}
            <h3>{td_string!(l, overview.counties_heading)}</h3>
            {(o.counties_skipped > 0).then(|| view! {
                <p class="more counties-listed">
                    {fmt(td_string!(l, overview.counties_listed), &[&o.counties_total, &o.counties.len()])}
                </p>
            })}
            <table class="grid counties">
                <thead>
                    <tr>
                        <th>{td_string!(l, overview.col_rank)}</th>
                        <th>{td_string!(l, overview.col_unit)}</th>
                        <th>{td_string!(l, overview.col_assignments)}</th>
                        <th>{crate::i18n::status(l, Status::Done)}</th>
                        <th>{crate::i18n::status(l, Status::Overdue)}</th>
                        <th>{td_string!(l, overview.col_completion)}</th>
                    </tr>
                </thead>
                <tbody>
                    {o.counties
                        .iter()
                        .enumerate()
                        .map(|(i, u)| {
                            view! {
                                <tr>
                                    <td>{(o.counties_skipped + i + 1).to_string()}</td>
                                    <td>
                                        <a href=format!("/my?unit={}&as_of={}", u.unit, as_of)>{u.unit.clone()}</a>
                                    </td>
                                    <td>{u.assignments.to_string()}</td>
                                    <td>{u.done().to_string()}</td>
                                    <td>{u.counts.overdue.to_string()}</td>
                                    <td>{u.completion.map_or("—".to_owned(), |c| format!("{:.0}%", c * 100.0))}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card indicators-summary">
            <h2>{td_string!(l, overview.indicators_heading)}</h2>
            <ul class="indicator-facts">
                <li>
                    {fmt(
                        td_string!(l, overview.pm25_fact),
                        &[&pm_n, &pm_met, &o.pm25_before.0, &o.pm25_before.1],
                    )}
                </li>
                <li>
                    {fmt(
                        td_string!(l, overview.sections_fact),
                        &[&sec_n, &sec_met, &o.sections_before.0, &o.sections_before.1],
                    )}
                </li>
            </ul>
            <DemoReadingsNote demo=o.indicators.demo count=o.indicators.readings />
        </section>
        <Pm25Section snapshot=o.indicators.clone() />
        <MatrixSection snapshot=o.indicators.clone() />
        <section class="card changes">
            <h2>{fmt(td_string!(l, overview.changes_heading), &[&o.change_count])}</h2>
            {if o.changes.is_empty() {
                view! { <p class="empty">{td_string!(l, overview.no_changes)}</p> }.into_any()
            } else {
                view! {
                    <ul class="change-list">
                        {o.changes
                            .iter()
                            .map(|c| {
                                view! {
                                    <li class=format!("to-{}", c.after.as_str())>
                                        <a href=format!("/plans/{}/items/{}?as_of={}", c.plan_code, c.item_number, as_of)>
                                            {format!("{} ({})", c.plan_short_name, c.item_number)}
                                        </a>
                                        {fmt(
                                            td_string!(l, overview.change_line),
                                            &[&c.unit, &crate::i18n::status(l, c.before), &crate::i18n::status(l, c.after)],
                                        )}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {(o.change_count > o.changes.len()).then(|| view! {
                        <p class="more">{fmt(td_string!(l, overview.more_changes), &[&(o.change_count - o.changes.len())])}</p>
                    })}
                }
                    .into_any()
            }}
        </section>
    }
}
