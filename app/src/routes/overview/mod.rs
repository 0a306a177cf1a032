//! `/?month=2018-12` — 总览: the leaders' monthly overview. Everything is as of the last day
//! of the month and compared with the last day of the month before. Prints on A4.
//!
//! Files: `sections.rs` (the red list, 督办, ranking, indicators, changes), `bulletin.rs` (the
//! monthly 通报); this file has the page, its head and the plans' progress.

use crate::api::list_plans;
use crate::components::error_box::ErrorBox;
use crate::components::indicator_views::{
    month_year, DemoReadingsNote, MatrixSection, Pm25Section,
};
use crate::components::plan_card::PlanCard;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, Locale};
use crate::overview::{get_overview, parse_month, Overview, PlanCounts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::overview::{PastRank, RedUnit, UnitRank};
use sanzhi_domain::{Status, StatusCounts};

mod bulletin;
mod sections;

use bulletin::*;
use sections::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let month = Memo::new(move |_| query.read().get("month"));
    // A replayed day carried in by the navigation: the overview of its month, up to that day.
    let as_of = Memo::new(move |_| query.read().get("as_of"));
    // `full=1`: everything listed (the whole red list, every change, every county).
    let full = Memo::new(move |_| query.read().get("full").map(|v| v == "1"));
    let data = Resource::new(
        move || (month.get(), as_of.get(), full.get()),
        |(month, as_of, full)| get_overview(month, as_of, full),
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
                    // The plans in effect; drafts and closed plans are on /plans.
                    let plans = plans.await.map(|mut all| {
                        all.retain(|p| p.status == sanzhi_domain::PlanStatus::Active);
                        all
                    });
                    match plans {
                        Ok(plans) if plans.is_empty() => {
                            view! { <p class="empty">{td_string!(l, overview.no_plans)}</p> }.into_any()
                        }
                        // A province's many plans: one line each, not a wall of cards.
                        Ok(plans) if plans.len() > crate::api::NAV_PLANS_MAX => {
                            view! { <PlanLines plans /> }.into_any()
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

/// Many plans as one compact table, with the link to all plans by status.
#[component]
fn PlanLines(plans: Vec<sanzhi_domain::PlanSummary>) -> impl IntoView {
    let l = lang();
    view! {
        <crate::routes::plans::PlanTable rows=plans change=None />
        <p><a href="/plans">{td_string!(l, common.plans_title)}</a></p>
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

fn on_track(c: &StatusCounts) -> u32 {
    c.in_progress + c.not_started
}

fn done(c: &StatusCounts) -> u32 {
    c.done + c.done_late
}

/// Today (China time) as `YYYY-MM-DD`: the day a printout is made (the browser's clock).
#[cfg(feature = "hydrate")]
fn print_day() -> String {
    let now = web_sys::js_sys::Date::now();
    #[allow(clippy::cast_possible_truncation)]
    let ms = now as i64;
    sanzhi_domain::chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| sanzhi_domain::report::china_day(t).to_string())
        .unwrap_or_default()
}

/// Today (China time) as `YYYY-MM-DD`: the day a printout is made (the server's clock).
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
fn print_day() -> String {
    crate::api::today().to_string()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn print_day() -> String {
    String::new()
}

/// This overview with everything listed, at `anchor`: the same month, or the same replayed
/// day within it.
fn full_href(o: &Overview, anchor: &str) -> String {
    let replayed = parse_month(&o.month)
        .and_then(|(y, m)| crate::overview::month_end(y, m))
        .is_some_and(|end| end != o.as_of);
    if replayed {
        format!("/?as_of={}&full=1#{anchor}", o.as_of)
    } else {
        format!("/?month={}&full=1#{anchor}", o.month)
    }
}

/// Many plans' counts as one table, a row per plan (a province's 31 plans read as a list,
/// the plans with the most overdue first); each count opens the plan's list of it.
#[component]
fn PlanCountsTable(plans: Vec<PlanCounts>, as_of: String) -> impl IntoView {
    let l = lang();
    let mut plans = plans;
    plans.sort_by_key(|p| std::cmp::Reverse(p.now.overdue));
    let cell = move |code: &str, statuses: &str, n: u32, class: &'static str| {
        let href = format!("/plans/{code}?status={statuses}&as_of={as_of}");
        view! { <td class=class><a href=href>{n}</a></td> }
    };
    view! {
        <table class="grid plan-counts">
            <thead>
                <tr>
                    <th>{td_string!(l, overview.col_plan)}</th>
                    <th>{td_string!(l, overview.col_total)}</th>
                    <th>{crate::i18n::status(l, Status::Done)}</th>
                    <th>{td_string!(l, overview.on_track)}</th>
                    <th>{crate::i18n::status(l, Status::DueSoon)}</th>
                    <th>{crate::i18n::status(l, Status::Overdue)}</th>
                </tr>
            </thead>
            <tbody>
                {plans
                    .into_iter()
                    .map(|p| {
                        let c = &p.now;
                        let code = p.code.clone();
                        view! {
                            <tr data-plan=code.clone()>
                                <td><a href=format!("/plans/{code}")>{p.short_name.clone()}</a></td>
                                <td>{c.total()}</td>
                                {cell(&code, "done,done_late", done(c), "done")}
                                {cell(&code, "in_progress,not_started", on_track(c), "in_progress")}
                                {cell(&code, "due_soon", c.due_soon, "due_soon")}
                                {cell(&code, "overdue", c.overdue, "overdue")}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn PlanBox(p: PlanCounts, as_of: String) -> impl IntoView {
    let l = lang();
    let mut cells = vec![
        (
            crate::i18n::status(l, Status::Done),
            done(&p.now),
            done(&p.before),
            "done",
            "done,done_late",
        ),
        (
            td_string!(l, overview.on_track),
            on_track(&p.now),
            on_track(&p.before),
            "in_progress",
            "in_progress,not_started",
        ),
        (
            crate::i18n::status(l, Status::DueSoon),
            p.now.due_soon,
            p.before.due_soon,
            "due_soon",
            "due_soon",
        ),
        (
            crate::i18n::status(l, Status::Overdue),
            p.now.overdue,
            p.before.overdue,
            "overdue",
            "overdue",
        ),
    ];
    // After the plan's period: what was not finished, counted as such.
    if p.now.lapsed > 0 || p.before.lapsed > 0 {
        cells.push((
            crate::i18n::status(l, Status::Lapsed),
            p.now.lapsed,
            p.before.lapsed,
            "lapsed",
            "lapsed",
        ));
    }
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
                    .map(|(label, now, before, class, statuses)| {
                        // Each count opens the plan's list of what it counts, on the same day.
                        let href = format!("/plans/{}?status={statuses}&as_of={as_of}", p.code);
                        view! {
                            <div class=format!("count {class}")>
                                <dt>{label}</dt>
                                <dd>
                                    <strong><a href=href>{now.to_string()}</a></strong>
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
    // Shared by the sections (each would otherwise get a copy of the whole overview).
    let o = std::sync::Arc::new(o);
    let l = lang();
    let (y, m) = parse_month(&o.month).unwrap_or((2018, 1));
    let as_of = o.as_of.to_string();
    // Printing prints everything the page summarises: from a page that lists the first few,
    // the button opens the full one, which prints itself once it is there.
    let full = o.full;
    let print_href = full_href(&o, "").replace("#", "&print=1");
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            if full {
                let _ = w.print();
            } else {
                let _ = w.location().set_href(&print_href);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &print_href;
    };
    let query = use_query_map();
    Effect::new(move |_| {
        if full && query.with_untracked(|q| q.get("print").as_deref() == Some("1")) {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.print();
            }
        }
    });
    let print_line = fmt(
        td_string!(l, overview.print_line),
        &[
            &month_year(l, y, m),
            &crate::i18n::date(l, o.as_of),
            &crate::i18n::date(l, o.before),
            &print_day(),
        ],
    );
    view! {
        <p class="print-only print-line">{print_line}</p>
        {(!o.full).then(|| view! { <p class="print-only print-partial">{td_string!(l, overview.print_partial)}</p> })}
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
        <BulletinBanner o=(*o).clone() />
        <section class="card plans-summary">
            <h2>{td_string!(l, overview.plans_progress)}</h2>
            {if o.plans.len() > crate::api::NAV_PLANS_MAX {
                view! { <PlanCountsTable plans=o.plans.clone() as_of=as_of.clone() /> }.into_any()
            } else {
                view! {
                    <div class="plan-boxes">
                        {o.plans.iter().cloned().map(|p| view! { <PlanBox p as_of=as_of.clone() /> }).collect_view()}
                    </div>
                }
                    .into_any()
            }}
        </section>
        <RedListSection o=o.clone() />
        <SupervisedSection o=o.clone() />
        <RankingSection o=o.clone() />
        <IndicatorsSummary o=o.clone() />
        <Pm25Section snapshot=o.indicators.clone() />
        <MatrixSection snapshot=o.indicators.clone() />
        <ChangesSection o=o.clone() />
    }
}
