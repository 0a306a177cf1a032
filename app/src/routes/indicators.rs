//! `/indicators?year=2019` — 指标: the targets the plans set, as tables and a chart.

use crate::components::error_box::ErrorBox;
use crate::indicators::get_indicators;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let query = use_query_map();
    let year = Memo::new(move |_| query.read().get("year").and_then(|y| y.parse::<i32>().ok()));
    let data = Resource::new(move || year.get(), get_indicators);
    view! {
        <Title text="指标" />
        <h1>"指标与目标"</h1>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => {
                        let shown = p.year;
                        view! {
                            <section class="card">
                                <h2>"PM2.5 年均浓度目标"</h2>
                                <nav class="year-tabs" aria-label="年份">
                                    {[2018, 2019, 2020]
                                        .into_iter()
                                        .map(|y| {
                                            let class = if y == shown { "active" } else { "" };
                                            view! { <a class=class href=format!("/indicators?year={y}")>{format!("{y}年")}</a> }
                                        })
                                        .collect_view()}
                                </nav>
                                <div class="chart" inner_html=p.pm25_svg></div>
                                <table class="grid pm25">
                                    <thead>
                                        <tr>
                                            <th>"地区"</th>
                                            <th>"2018年"</th>
                                            <th>"2019年"</th>
                                            <th>"2020年"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {pm25_rows(&p.targets)
                                            .into_iter()
                                            .map(|(area, cells)| {
                                                view! {
                                                    <tr>
                                                        <td>{area}</td>
                                                        {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                <p class="provenance">"出处：治气攻坚战 附件2；衢州市区据正文一、(二)。"</p>
                            </section>
                            <section class="card">
                                <h2>"国家“水十条”断面目标水质"</h2>
                                <table class="grid sections">
                                    <thead>
                                        <tr>
                                            <th>"断面"</th>
                                            <th>"目标"</th>
                                            <th>"说明"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {p
                                            .targets
                                            .sections
                                            .into_iter()
                                            .map(|s| {
                                                view! {
                                                    <tr>
                                                        <td>{s.name}{s.reservoir.then_some("（水库）")}</td>
                                                        <td>{s.target_class.label_zh()}</td>
                                                        <td>{s.note}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <section class="card">
                                <h2>"支流排渠控制标准"</h2>
                                <table class="grid drains">
                                    <thead>
                                        <tr>
                                            <th>"排渠"</th>
                                            <th>"指标"</th>
                                            <th>"限值（mg/L）"</th>
                                            <th>"起始"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {p
                                            .targets
                                            .drains
                                            .into_iter()
                                            .map(|d| {
                                                view! {
                                                    <tr>
                                                        <td>{d.drain}</td>
                                                        <td>{d.parameter.as_str()}</td>
                                                        <td>{d.limit_mg_l.to_string()}</td>
                                                        <td>{d.effective_from.to_string()}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <section class="card">
                                <h2>"土壤与固废指标"</h2>
                                <table class="grid rates">
                                    <thead>
                                        <tr>
                                            <th>"指标"</th>
                                            <th>"年份"</th>
                                            <th>"目标"</th>
                                            <th>"原文"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {p
                                            .targets
                                            .rates
                                            .into_iter()
                                            .map(|r| {
                                                view! {
                                                    <tr>
                                                        <td>{r.metric}</td>
                                                        <td>{r.year}</td>
                                                        <td>{format!("{}{}%", r.comparator.label_zh(), r.percent)}</td>
                                                        <td>{r.raw}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
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
