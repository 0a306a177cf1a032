//! `/indicators?year=2019` — 指标: the targets the plans set, as tables and a chart.

use crate::components::error_box::ErrorBox;
use crate::components::grid::GridTable;
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
                                <h2>"国家“水十条”断面目标水质"</h2>
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
                                <h2>"支流排渠控制标准"</h2>
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
                                <h2>"土壤与固废指标"</h2>
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
