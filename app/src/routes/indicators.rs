//! `/indicators?year=2019&month=6&area=衢州市区` — 指标: the indicators against their targets
//! from the readings (charts rendered on the server), then the targets themselves.

use crate::components::error_box::ErrorBox;
use crate::components::grid::GridTable;
use crate::components::indicator_views::{
    direction, month, water_class, year as year_label, DemoReadingsNote, MatrixSection, MetBadge,
    Pm25Section,
};
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use crate::indicators::{get_indicators, IndicatorsPage as Data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("year").and_then(|y| y.parse::<i32>().ok()),
            q.get("month").and_then(|m| m.parse::<u32>().ok()),
            q.get("area"),
            q.get("full").is_some_and(|f| f == "true" || f == "1"),
        )
    });
    let data = Resource::new(
        move || args.get(),
        |(y, m, a, full)| get_indicators(y, m, a, full.then_some(true)),
    );
    view! {
        <Title text=td_string!(l, indicators.title) />
        <h1>{td_string!(l, indicators.heading)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Page p /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Page(p: Data) -> impl IntoView {
    // Shared by the sections (each would otherwise get a copy of the whole page's data).
    let p = std::sync::Arc::new(p);
    let l = lang();
    let s = p.snapshot.clone();
    let year = s.year;
    let area = p.area.clone();
    let years = target_years(&p.targets);
    view! {
        <form class="filters no-print" method="get" action="/indicators">
            <label>
                {td_string!(l, indicators.year_label)}
                <select name="year">
                    {years
                        .iter()
                        .copied()
                        .map(|y| view! { <option value=y.to_string() selected=y == year>{year_label(l, y)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, indicators.through)}
                <select name="month">
                    {(1..=12u32)
                        .map(|m| {
                            view! { <option value=m.to_string() selected=m == s.through_month>{month(l, m)}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, indicators.trend_area)}
                <select name="area">
                    {p.areas
                        .iter()
                        .map(|a| view! { <option value=a.clone() selected=*a == area>{a.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="check">
                <input type="checkbox" name="full" value="true" checked=p.full />
                {td_string!(l, indicators.list_all)}
            </label>
            <button type="submit">{td_string!(l, common.view)}</button>
            <a class="button-link" href="/readings">{td_string!(l, indicators.enter_readings)}</a>
        </form>
        <DemoReadingsNote demo=s.demo count=s.readings />
        <Pm25Section snapshot=s.clone() />
        <section class="card">
            <h2>{fmt(td_string!(l, indicators.trend_heading), &[&p.area])}</h2>
            {match p.trend_svg.clone() {
                Some(svg) => view! { <div class="chart trend-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">{td_string!(l, indicators.no_data_yet)}</p> }.into_any(),
            }}
        </section>
        <MatrixSection snapshot=s.clone() />
        <DrainsSection p=p.clone() />
        <SoilSection p=p.clone() />
        {s.own.iter().cloned().map(|o| view! { <OwnIndicatorSection o /> }).collect_view()}
        <Pm25TargetsTable p=p.clone() />
        {(!p.targets.plan_targets.is_empty()).then(|| {
            let english = matches!(l, crate::i18n::Locale::en);
            let name = |code: &str| -> String {
                sanzhi_domain::indicator(code)
                    .map(|d| d.name_zh.to_owned())
                    .or_else(|| {
                        p.targets
                            .indicators
                            .iter()
                            .find(|d| d.code == code)
                            .map(|d| d.name(english).to_owned())
                    })
                    .unwrap_or_else(|| code.to_owned())
            };
            let rows: Vec<Vec<String>> = p
                .targets
                .plan_targets
                .iter()
                .map(|t| {
                    vec![
                        name(&t.indicator),
                        t.place.clone(),
                        t.year.to_string(),
                        t.raw.clone(),
                        if t.plan_name.is_empty() { t.plan.clone() } else { t.plan_name.clone() },
                        t.provenance.clone(),
                    ]
                })
                .collect();
            view! {
                <section class="card plan-targets">
                    <h2>{td_string!(l, indicators.plan_targets_heading)}</h2>
                    <GridTable
                        class="plan-targets"
                        headers=vec![
                            td_string!(l, indicators.col_indicator),
                            td_string!(l, indicators.col_place),
                            td_string!(l, indicators.col_year),
                            td_string!(l, indicators.col_target),
                            td_string!(l, indicators.col_plan),
                            td_string!(l, indicators.col_provenance),
                        ]
                        rows=rows
                    />
                </section>
            }
        })}
        <SectionTargetsTable p=p.clone() />
        <DrainTargetsTable p=p.clone() />
        <SoilTargetsTable p=p.clone() />
    }
}

/// The drains: each month's readings against their limits.
#[component]
fn DrainsSection(p: std::sync::Arc<Data>) -> impl IntoView {
    let l = lang();
    let s = p.snapshot.clone();
    view! {
        <section class="card">
            <h2>{td_string!(l, indicators.drains_heading)}</h2>
            {if s.drains.is_empty() {
                view! { <p class="empty">{td_string!(l, indicators.no_drain_readings)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid drains-now">
                        <thead>
                            <tr>
                                <th>{td_string!(l, indicators.col_drain)}</th>
                                <th>{td_string!(l, indicators.col_indicator)}</th>
                                <th>{td_string!(l, indicators.col_month)}</th>
                                <th>{td_string!(l, indicators.col_reading_mg_l)}</th>
                                <th>{td_string!(l, indicators.col_limit)}</th>
                                <th>{td_string!(l, indicators.col_met)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {s.drains
                                .iter()
                                .map(|d| {
                                    view! {
                                        <tr>
                                            <td>{d.drain.clone()}</td>
                                            <td>{d.parameter.as_str()}</td>
                                            <td>{month(l, d.month)}</td>
                                            <td>{d.value.to_string()}</td>
                                            <td>{d.limit.map_or("—".to_owned(), |v| v.to_string())}</td>
                                            <td><MetBadge met=d.met /></td>
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

/// The soil and waste rates: the latest reading against the year's goal.
#[component]
fn SoilSection(p: std::sync::Arc<Data>) -> impl IntoView {
    let l = lang();
    let s = p.snapshot.clone();
    let year = p.snapshot.year;
    view! {
        <section class="card">
            <h2>{td_string!(l, indicators.soil_heading)}</h2>
            <table class="grid rates-now">
                <thead>
                    <tr>
                        <th>{td_string!(l, indicators.col_indicator)}</th>
                        <th>{td_string!(l, indicators.col_latest_reading)}</th>
                        <th>{fmt(td_string!(l, indicators.col_year_target), &[&year])}</th>
                        <th>{td_string!(l, indicators.col_met)}</th>
                    </tr>
                </thead>
                <tbody>
                    {s.rates
                        .iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>{r.metric.clone()}</td>
                                    <td>
                                        {match (r.value, r.month) {
                                            (Some(v), Some(m)) => fmt(td_string!(l, indicators.reading_with_month), &[&v, &month(l, m)]),
                                            _ => "—".to_owned(),
                                        }}
                                    </td>
                                    <td>
                                        {r.goal
                                            .as_ref()
                                            .map_or(td_string!(l, indicators.no_target_this_year).to_owned(), |g| {
                                                fmt(td_string!(l, indicators.rate_goal), &[&direction(l, g.comparator), &g.percent])
                                            })}
                                    </td>
                                    <td><MetBadge met=r.met /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The PM2.5 targets by area and year (附件2).
#[component]
fn Pm25TargetsTable(p: std::sync::Arc<Data>) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card">
            <h2>{td_string!(l, indicators.pm25_targets_heading)}</h2>
            {
                let (pm25_years, rows) = pm25_rows(&p.targets);
                view! {
                    <table class="grid pm25">
                        <thead>
                            <tr>
                                <th>{td_string!(l, indicators.col_area)}</th>
                                {pm25_years.iter().map(|y| view! { <th>{year_label(l, *y)}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|(area, cells)| view! {
                                    <tr>
                                        <td>{area}</td>
                                        {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
            }
            <p class="provenance">{td_string!(l, indicators.pm25_source)}</p>
            {(!p.targets.plan_targets.is_empty()).then(|| view! {
                <p class="provenance">{td_string!(l, indicators.pm25_plan_source)}</p>
            })}
        </section>
    }
}

/// The 水十条 sections and their target classes.
#[component]
fn SectionTargetsTable(p: std::sync::Arc<Data>) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card">
            <h2>{td_string!(l, indicators.sections_targets_heading)}</h2>
            <GridTable
                class="sections"
                headers=vec![
                    td_string!(l, indicators.col_section),
                    td_string!(l, indicators.col_target),
                    td_string!(l, indicators.col_note),
                ]
                rows=p
                    .targets
                    .sections
                    .iter()
                    .map(|x| {
                        vec![
                            if x.reservoir {
                                fmt(td_string!(l, indicators.section_reservoir), &[&x.name])
                            } else {
                                x.name.clone()
                            },
                            water_class(l, x.target_class).to_owned(),
                            x.note.clone(),
                        ]
                    })
                    .collect()
            />
        </section>
    }
}

/// The drains' limits.
#[component]
fn DrainTargetsTable(p: std::sync::Arc<Data>) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card">
            <h2>{td_string!(l, indicators.drain_targets_heading)}</h2>
            <GridTable
                class="drains"
                headers=vec![
                    td_string!(l, indicators.col_drain),
                    td_string!(l, indicators.col_indicator),
                    td_string!(l, indicators.col_limit_mg_l),
                    td_string!(l, indicators.col_effective_from),
                ]
                rows=p
                    .targets
                    .drains
                    .iter()
                    .map(|d| {
                        vec![
                            d.drain.clone(),
                            d.parameter.as_str().to_owned(),
                            d.limit_mg_l.to_string(),
                            crate::i18n::date(l, d.effective_from),
                        ]
                    })
                    .collect()
            />
        </section>
    }
}

/// The rates' goals by year.
#[component]
fn SoilTargetsTable(p: std::sync::Arc<Data>) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card">
            <h2>{td_string!(l, indicators.soil_targets_heading)}</h2>
            <GridTable
                class="rates"
                headers=vec![
                    td_string!(l, indicators.col_indicator),
                    td_string!(l, indicators.year_label),
                    td_string!(l, indicators.col_target),
                    td_string!(l, indicators.col_original),
                ]
                rows=p
                    .targets
                    .rates
                    .iter()
                    .map(|r| {
                        vec![
                            r.metric.clone(),
                            r.year.to_string(),
                            fmt(td_string!(l, indicators.rate_goal), &[&direction(l, r.comparator), &r.percent]),
                            r.raw.clone(),
                        ]
                    })
                    .collect()
            />
        </section>
    }
}

/// The years with PM2.5 targets (the plans' 2018–2020 and any a later plan set), and one row
/// per area with its cell of each year as written (“28以下”).
fn pm25_rows(t: &sanzhi_domain::IndicatorTargets) -> (Vec<i32>, Vec<(String, Vec<String>)>) {
    let mut years: Vec<i32> = t.pm25.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for r in &t.pm25 {
        let cell = format!("{}{}", r.value, r.qualifier);
        let Some(idx) = years.iter().position(|y| *y == r.year) else {
            continue;
        };
        match rows.iter_mut().find(|(a, _)| *a == r.area) {
            Some((_, cells)) => cells[idx] = cell,
            None => {
                let mut cells = vec!["—".to_owned(); years.len()];
                cells[idx] = cell;
                rows.push((r.area.clone(), cells));
            }
        }
    }
    (years, rows)
}

/// The years the page offers: the plans' 2018–2020 and every year a target is set for.
fn target_years(t: &sanzhi_domain::IndicatorTargets) -> Vec<i32> {
    let mut years: Vec<i32> = (2018..=2020)
        .chain(t.pm25.iter().map(|r| r.year))
        .chain(t.rates.iter().map(|r| r.year))
        .chain(t.plan_targets.iter().map(|r| r.year))
        .filter(|y| sanzhi_domain::reading::YEARS.contains(y))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// A plan's own indicator: where each place stands this year, and the chart.
#[component]
fn OwnIndicatorSection(o: crate::indicators::OwnIndicator) -> impl IntoView {
    let l = lang();
    let english = matches!(l, crate::i18n::Locale::en);
    let d = o.def.clone();
    let name = d.name(english).to_owned();
    let plan = if d.plan_name.is_empty() {
        d.plan.clone()
    } else {
        d.plan_name.clone()
    };
    let better = match d.better {
        sanzhi_domain::Better::Lower => td_string!(l, indicators.better_lower),
        sanzhi_domain::Better::Higher => td_string!(l, indicators.better_higher),
    };
    let aggregate = match d.aggregate {
        sanzhi_domain::Aggregate::Mean => td_string!(l, indicators.aggregate_mean),
        sanzhi_domain::Aggregate::Latest => td_string!(l, indicators.aggregate_latest),
    };
    let summary = fmt(
        td_string!(l, indicators.own_summary),
        &[
            &plan,
            &d.unit,
            &better,
            &aggregate,
            &o.totals.judged,
            &o.totals.met,
        ],
    );
    view! {
        <section class="card own-indicator" data-code=d.code.clone()>
            <h2>{fmt(td_string!(l, indicators.own_heading), &[&name])}</h2>
            <p>{summary}</p>
            {o.svg.clone().map(|svg| view! { <div class="chart own-chart" inner_html=svg></div> })}
            <table class="grid own-standings">
                <thead>
                    <tr>
                        <th>{td_string!(l, indicators.col_place)}</th>
                        <th>{td_string!(l, indicators.col_value)}" (" {d.unit.clone()} ")"</th>
                        <th>{td_string!(l, indicators.col_target)}</th>
                        <th>{td_string!(l, indicators.col_met)}</th>
                    </tr>
                </thead>
                <tbody>
                    {o.standings
                        .iter()
                        .map(|s| {
                            let value = match (s.value, s.month) {
                                (Some(v), Some(m)) => format!("{v}（{}）", month(l, m)),
                                (Some(v), None) => format!("{:.1}", sanzhi_domain::standing::round1(v)),
                                _ => "—".to_owned(),
                            };
                            view! {
                                <tr>
                                    <td>{s.place.clone()}</td>
                                    <td>{value}</td>
                                    <td>{s.target.map_or("—".to_owned(), |t| t.to_string())}</td>
                                    <td><MetBadge met=s.met /></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
