//! `/?month=2018-12` — 总览: the leaders' monthly overview. Everything is as of the last day
//! of the month and compared with the last day of the month before. Prints on A4.

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

/// “75%（6/8）”, or “不排名（到期 1 个）” for a unit with too little due.
fn rate_cell(l: Locale, rate: Option<f64>, on_time: u32, due: u32) -> String {
    match rate {
        Some(r) => fmt(
            td_string!(l, overview.rate_cell),
            &[&format!("{:.0}", r * 100.0), &on_time, &due],
        ),
        None => fmt(td_string!(l, overview.unranked_cell), &[&due]),
    }
}

/// The month before: “80%（第 2 名）”, or its unranked figures.
fn before_cell(l: Locale, b: &PastRank) -> String {
    match (b.rate, b.place) {
        (Some(r), Some(p)) => fmt(
            td_string!(l, overview.before_cell),
            &[&format!("{:.0}", r * 100.0), &p],
        ),
        _ => rate_cell(l, b.rate, b.on_time, b.due),
    }
}

/// “↑1 名 · +20 个百分点”; “—” when the unit is not ranked both times.
fn change_cell(l: Locale, u: &UnitRank) -> String {
    let (Some(places), Some(points)) = (u.place_change(), u.rate_change()) else {
        return "—".to_owned();
    };
    let place = match places {
        0 => td_string!(l, overview.place_same).to_owned(),
        n if n > 0 => fmt(td_string!(l, overview.place_up), &[&n]),
        n => fmt(td_string!(l, overview.place_down), &[&n.unsigned_abs()]),
    };
    let points = fmt(td_string!(l, overview.points), &[&format!("{points:+.0}")]);
    format!("{place} · {points}")
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
    let l = lang();
    let (y, m) = parse_month(&o.month).unwrap_or((2018, 1));
    let as_of = o.as_of.to_string();
    let (pm_met, pm_n) = o.indicators.pm25_met();
    let (sec_met, sec_n) = o.indicators.sections_met();
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
        <BulletinBanner o=o.clone() />
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
        <section class="card red-list" id="red-list">
            <h2>{td_string!(l, overview.red_list_heading)}</h2>
            {(o.red_total > o.red_list.len()).then(|| view! {
                <p class="more">
                    {fmt(td_string!(l, overview.red_list_listed), &[&o.red_total, &o.red_list.len()])}
                    " "
                    <a class="no-print" href=full_href(&o, "red-list")>
                        {fmt(td_string!(l, overview.show_all), &[&o.red_total])}
                    </a>
                </p>
            })}
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
                                            <td data-label=td_string!(l, overview.col_plan)>{r.plan_short_name.clone()}</td>
                                            <td data-label=td_string!(l, overview.col_work_item)>
                                                <a href=format!("/plans/{}/items/{}?as_of={}", r.plan_code, r.item_number, as_of)>
                                                    {format!("({}) {text}{more}", r.item_number)}
                                                </a>
                                            </td>
                                            <td class="late" data-label=td_string!(l, overview.col_longest_overdue)>
                                                {if r.days_late > 0 {
                                                    fmt(td_string!(l, overview.days), &[&r.days_late])
                                                } else {
                                                    td_string!(l, overview.recurring_missed).to_owned()
                                                }}
                                            </td>
                                            <td data-label=td_string!(l, overview.col_overdue_units)>
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
        <section class="card supervised" id="supervised">
            <h2>{td_string!(l, overview.supervised_heading)}</h2>
            {if o.supervised.is_empty() {
                view! { <p class="empty">{td_string!(l, overview.supervised_empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid supervised-table">
                        <thead>
                            <tr>
                                <th>{td_string!(l, overview.col_plan)}</th>
                                <th>{td_string!(l, overview.col_work_item)}</th>
                                <th>{td_string!(l, overview.col_unit)}</th>
                                <th>{td_string!(l, overview.col_urged)}</th>
                                <th>{td_string!(l, overview.col_longest_overdue)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {o.supervised
                                .iter()
                                .map(|s| view! {
                                    <tr>
                                        <td data-label=td_string!(l, overview.col_plan)>{s.plan_short_name.clone()}</td>
                                        <td data-label=td_string!(l, overview.col_work_item)>
                                            <a href=format!("/plans/{}/items/{}?as_of={}#urges", s.plan_code, s.item_number, as_of)>
                                                {format!("({}) {}", s.item_number, s.item_text)}
                                            </a>
                                        </td>
                                        <td data-label=td_string!(l, overview.col_unit)>{s.unit.clone()}</td>
                                        <td data-label=td_string!(l, overview.col_urged)>
                                            {fmt(td_string!(l, overview.urged_times), &[&s.urges, &date(l, s.last_urged)])}
                                        </td>
                                        <td class="late" data-label=td_string!(l, overview.col_longest_overdue)>
                                            {s.days_late.map(|d| fmt(td_string!(l, overview.days), &[&d]))}
                                        </td>
                                    </tr>
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
                Some(svg) => view! {
                    <div class="chart ranking-chart">
                        <div class="wide" inner_html=svg></div>
                        {o.ranking_svg_narrow.clone().map(|n| view! { <div class="narrow" inner_html=n></div> })}
                    </div>
                }
                    .into_any(),
                None => view! { <p class="empty">{td_string!(l, overview.ranking_empty)}</p> }.into_any(),
            }}
            <h3>{td_string!(l, overview.counties_heading)}</h3>
            {(o.counties_skipped > 0).then(|| view! {
                <p class="more counties-listed">
                    {fmt(td_string!(l, overview.counties_listed), &[&o.counties_total, &o.counties.len()])}
                    " "
                    <a class="no-print" href=full_href(&o, "counties")>
                        {fmt(td_string!(l, overview.show_all), &[&o.counties_total])}
                    </a>
                </p>
            })}
            <table class="grid counties" id="counties">
                <thead>
                    <tr>
                        <th>{td_string!(l, overview.col_rank)}</th>
                        <th>{td_string!(l, overview.col_unit)}</th>
                        <th>{td_string!(l, overview.col_completion)}</th>
                        <th>{td_string!(l, overview.col_before)}</th>
                        <th>{td_string!(l, overview.col_change)}</th>
                        <th>{td_string!(l, overview.col_assignments)}</th>
                        <th>{crate::i18n::status(l, Status::Done)}</th>
                        <th>{crate::i18n::status(l, Status::Overdue)}</th>
                        <th>{td_string!(l, overview.col_urged)}</th>
                    </tr>
                </thead>
                <tbody>
                    {o.counties
                        .iter()
                        .map(|u| {
                            view! {
                                <tr data-unit=u.unit.clone()>
                                    <td class="place" data-label=td_string!(l, overview.col_rank)>{u.place.map_or("—".to_owned(), |p| p.to_string())}</td>
                                    <td data-label=td_string!(l, overview.col_unit)>
                                        <a href=format!("/my?unit={}&as_of={}", u.unit, as_of)>{u.unit.clone()}</a>
                                    </td>
                                    <td class="rate" data-label=td_string!(l, overview.col_completion)>{rate_cell(l, u.rate, u.on_time, u.due)}</td>
                                    <td class="before" data-label=td_string!(l, overview.col_before)>
                                        {u.before.map_or("—".to_owned(), |b| before_cell(l, &b))}
                                    </td>
                                    <td class="change" data-label=td_string!(l, overview.col_change)>{change_cell(l, u)}</td>
                                    <td data-label=td_string!(l, overview.col_assignments)>{u.assignments.to_string()}</td>
                                    <td data-label=crate::i18n::status(l, Status::Done)>{u.done().to_string()}</td>
                                    <td data-label=crate::i18n::status(l, Status::Overdue)>{u.counts.overdue.to_string()}</td>
                                    <td class="urged" data-label=td_string!(l, overview.col_urged)>
                                        {fmt(td_string!(l, overview.urged_answered), &[&u.urged, &u.answered])}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class="muted rank-note">
                {fmt(td_string!(l, overview.rank_note), &[&sanzhi_domain::overview::MIN_DUE_TO_RANK])}
            </p>
        </section>
        <section class="card indicators-summary">
            <h2>{td_string!(l, overview.indicators_heading)}</h2>
            <ul class="indicator-facts">
                <li>
                    {if o.indicators.through_month < 12 {
                        fmt(
                            td_string!(l, overview.pm25_fact_ytd),
                            &[&pm_n, &pm_met, &o.indicators.pm25_unreachable, &o.pm25_before.0, &o.pm25_before.1],
                        )
                    } else {
                        fmt(
                            td_string!(l, overview.pm25_fact),
                            &[&pm_n, &pm_met, &o.pm25_before.0, &o.pm25_before.1],
                        )
                    }}
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
        <section class="card changes" id="changes">
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
                        <p class="more">
                            {fmt(td_string!(l, overview.more_changes), &[&(o.change_count - o.changes.len())])}
                            " "
                            <a class="no-print" href=full_href(&o, "changes")>
                                {fmt(td_string!(l, overview.show_all), &[&o.change_count])}
                            </a>
                        </p>
                    })}
                }
                    .into_any()
            }}
        </section>
    }
}

/// A closed month: who closed it, its 文号, the .docx, and what came after it (通报后更正).
/// An open month that is over: the form that closes it (coordinators and admins; the server
/// checks again).
#[component]
fn BulletinBanner(o: Overview) -> impl IntoView {
    let l = lang();
    let month = o.month.clone();
    match o.bulletin.clone() {
        Some(b) => view! {
            <section class="card bulletin closed" role="note">
                <p>
                    <strong>{td_string!(l, overview.bulletin_closed)}</strong>
                    " "
                    {fmt(td_string!(l, overview.bulletin_closed_by), &[&b.doc_no, &b.closed_by, &b.closed_at])}
                    {b.is_demo.then(|| view! { " " <span class="demo-tag">{td_string!(l, overview.bulletin_demo)}</span> })}
                </p>
                <p class="no-print">
                    <a class="button-link" href=format!("/api/bulletins/{month}.docx") rel="external" download="">
                        {td_string!(l, overview.bulletin_docx)}
                    </a>
                </p>
                {(!o.corrections.is_empty()).then(|| view! {
                    <div class="corrections">
                        <h3>{fmt(td_string!(l, overview.corrections_heading), &[&o.corrections.len()])}</h3>
                        <p class="muted">{td_string!(l, overview.corrections_hint)}</p>
                        <ul>
                            {o.corrections
                                .iter()
                                .map(|c| {
                                    let when = sanzhi_domain::report::china_minute(c.at);
                                    view! {
                                        <li class=format!("correction correction-{}", c.kind)>
                                            {match c.href.clone() {
                                                Some(h) => view! { <a href=h>{c.what.clone()}</a> }.into_any(),
                                                None => view! { <span>{c.what.clone()}</span> }.into_any(),
                                            }}
                                            " · " {c.by.clone()} " · " <time>{when}</time>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                })}
            </section>
        }
            .into_any(),
        None => view! { <CloseMonthForm month /> }.into_any(),
    }
}

#[component]
fn CloseMonthForm(month: String) -> impl IntoView {
    let l = lang();
    // Who may close is asked in the browser once the page is live: the page is kept for every
    // reader alike, and a resource read here would hold the server's rendering of the page
    // (a local resource inside the page's Suspense is never resolved on the server).
    let may_close = RwSignal::new(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let may = crate::auth::whoami().await.ok().flatten().is_some_and(|u| {
                sanzhi_domain::authorize(Some(&u), &sanzhi_domain::Action::CloseMonth).is_ok()
            });
            may_close.set(may);
        });
    });
    let close = ServerAction::<crate::overview::CloseMonth>::new();
    view! {
        {move || {
            let may = may_close.get();
            let month = month.clone();
            may.then(|| view! {
                <details class="card close-month no-print">
                    <summary>{td_string!(l, overview.close_month)}</summary>
                    <p class="muted">{td_string!(l, overview.close_month_hint)}</p>
                    <ActionForm action=close>
                        <input type="hidden" name="month" value=month />
                        <label>
                            {td_string!(l, overview.doc_no)}
                            <input type="text" name="doc_no" required=true maxlength="60" placeholder="衢三治办〔2019〕1号" />
                        </label>
                        <button type="submit">{td_string!(l, overview.close_month)}</button>
                    </ActionForm>
                </details>
            })
        }}
        <div class="close-result" aria-live="polite">
            {move || close.value().get().map(|r| match r {
                Ok(_) => view! { <p class="ok">{td_string!(l, overview.month_closed)}</p> }.into_any(),
                Err(error) => view! { <ErrorBox error /> }.into_any(),
            })}
        </div>
    }
}
