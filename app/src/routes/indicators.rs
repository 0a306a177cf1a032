//! `/indicators?year=2019&month=6&area=衢州市区` — 指标: the indicators against their targets
//! from the readings (charts rendered on the server), then the targets themselves.

use crate::components::error_box::ErrorBox;
use crate::components::grid::GridTable;
use crate::components::indicator_views::{DemoReadingsNote, MatrixSection, MetBadge, Pm25Section};
use crate::indicators::{get_indicators, IndicatorsPage as Data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn IndicatorsPage() -> impl IntoView {
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
        <Title text="指标" />
        <h1>"指标与目标"</h1>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
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
    let s = p.snapshot.clone();
    let year = s.year;
    let area = p.area.clone();
    view! {
        <form class="filters no-print" method="get" action="/indicators">
            <label>
                "年份"
                <select name="year">
                    {(2018..=2020)
                        .map(|y| view! { <option value=y.to_string() selected=y == year>{format!("{y}年")}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "统计至"
                <select name="month">
                    {(1..=12u32)
                        .map(|m| {
                            view! { <option value=m.to_string() selected=m == s.through_month>{format!("{m}月")}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "趋势图地区"
                <select name="area">
                    {p.areas
                        .iter()
                        .map(|a| view! { <option value=a.clone() selected=*a == area>{a.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">"查看"</button>
            <a class="button-link" href="/readings">"录入或导入读数"</a>
        </form>
        <DemoReadingsNote demo=s.demo count=s.readings />
        <Pm25Section snapshot=s.clone() />
        <section class="card">
            <h2>{format!("PM2.5 月均浓度趋势：{}", p.area)}</h2>
            {match p.trend_svg.clone() {
                Some(svg) => view! { <div class="chart trend-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">"暂无数据。"</p> }.into_any(),
            }}
        </section>
        <MatrixSection snapshot=s.clone() />
        <section class="card">
            <h2>"支流排渠（最近一月对照当时限值）"</h2>
            {if s.drains.is_empty() {
                view! { <p class="empty">"本年尚无排渠读数。"</p> }.into_any()
            } else {
                view! {
                    <table class="grid drains-now">
                        <thead>
                            <tr>
                                <th>"排渠"</th>
                                <th>"指标"</th>
                                <th>"月份"</th>
                                <th>"读数（mg/L）"</th>
                                <th>"限值"</th>
                                <th>"达标"</th>
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
                                            <td>{format!("{}月", d.month)}</td>
                                            <td>{d.value.to_string()}</td>
                                            <td>{d.limit.map_or("—".to_owned(), |l| l.to_string())}</td>
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
            <h2>"土壤与固废指标"</h2>
            <table class="grid rates-now">
                <thead>
                    <tr>
                        <th>"指标"</th>
                        <th>"最近读数"</th>
                        <th>{format!("{year}年目标")}</th>
                        <th>"达标"</th>
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
                                            (Some(v), Some(m)) => format!("{v}%（{m}月）"),
                                            _ => "—".to_owned(),
                                        }}
                                    </td>
                                    <td>
                                        {r.goal
                                            .as_ref()
                                            .map_or("本年无目标".to_owned(), |g| format!("{}{}%", g.comparator.label_zh(), g.percent))}
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
            <h2>"目标：PM2.5 年均浓度（微克/立方米）"</h2>
            <GridTable
                class="pm25"
                headers=vec!["地区", "2018年", "2019年", "2020年"]
                rows=pm25_rows(&p.targets)
                    .into_iter()
                    .map(|(area, cells)| std::iter::once(area).chain(cells).collect())
                    .collect()
            />
            <p class="provenance">"出处：治气攻坚战 附件2；衢州市区据正文一、(二)。"</p>
        </section>
        <section class="card">
            <h2>"目标：国家“水十条”断面水质"</h2>
            <GridTable
                class="sections"
                headers=vec!["断面", "目标", "说明"]
                rows=p
                    .targets
                    .sections
                    .iter()
                    .map(|x| {
                        vec![
                            format!("{}{}", x.name, if x.reservoir { "（水库）" } else { "" }),
                            x.target_class.label_zh().to_owned(),
                            x.note.clone(),
                        ]
                    })
                    .collect()
            />
        </section>
        <section class="card">
            <h2>"目标：支流排渠控制标准"</h2>
            <GridTable
                class="drains"
                headers=vec!["排渠", "指标", "限值（mg/L）", "起始"]
                rows=p
                    .targets
                    .drains
                    .iter()
                    .map(|d| {
                        vec![
                            d.drain.clone(),
                            d.parameter.as_str().to_owned(),
                            d.limit_mg_l.to_string(),
                            d.effective_from.to_string(),
                        ]
                    })
                    .collect()
            />
        </section>
        <section class="card">
            <h2>"目标：土壤与固废"</h2>
            <GridTable
                class="rates"
                headers=vec!["指标", "年份", "目标", "原文"]
                rows=p
                    .targets
                    .rates
                    .iter()
                    .map(|r| {
                        vec![
                            r.metric.clone(),
                            r.year.to_string(),
                            format!("{}{}%", r.comparator.label_zh(), r.percent),
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
