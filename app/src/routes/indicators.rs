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
        )
    });
    let data = Resource::new(move || args.get(), |(y, m, a)| get_indicators(y, m, a));
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
    let l = lang();
    let s = p.snapshot.clone();
    let year = s.year;
    let area = p.area.clone();
    view! {
        <form class="filters no-print" method="get" action="/indicators">
            <label>
                {td_string!(l, indicators.year_label)}
                <select name="year">
                    {(2018..=2020)
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
        <section class="card">
            <h2>{td_string!(l, indicators.pm25_targets_heading)}</h2>
            <GridTable
                class="pm25"
                headers=vec![
                    td_string!(l, indicators.col_area),
                    td_string!(l, indicators.col_2018),
                    td_string!(l, indicators.col_2019),
                    td_string!(l, indicators.col_2020),
                ]
                rows=pm25_rows(&p.targets)
                    .into_iter()
                    .map(|(area, cells)| std::iter::once(area).chain(cells).collect())
                    .collect()
            />
            <p class="provenance">{td_string!(l, indicators.pm25_source)}</p>
        </section>
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

/// One row per area with its 2018 / 2019 / 2020 cells as written (“28以下”).
fn pm25_rows(t: &sanzhi_domain::IndicatorTargets) -> Vec<(String, Vec<String>)> {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for r in &t.pm25 {
        let cell = format!("{}{}", r.value, r.qualifier);
        let idx = usize::try_from(r.year - 2018).ok().filter(|i| *i < 3);
        let Some(idx) = idx else { continue };
        match rows.iter_mut().find(|(a, _)| *a == r.area) {
            Some((_, cells)) => cells[idx] = cell,
            None => {
                let mut cells = vec!["—".to_owned(); 3];
                cells[idx] = cell;
                rows.push((r.area.clone(), cells));
            }
        }
    }
    rows
}
