//! Views of the indicators shared by 指标 and 总览: met badges, the PM2.5 section, the
//! sections' class matrix, the demo notice.

use crate::indicators::IndicatorSnapshot;
use leptos::prelude::*;

/// 达标 / 未达标 / — (not judged: no readings or no target).
#[component]
pub fn MetBadge(met: Option<bool>) -> impl IntoView {
    match met {
        Some(true) => view! { <span class="met yes">"达标"</span> }.into_any(),
        Some(false) => view! { <span class="met no">"未达标"</span> }.into_any(),
        None => view! { <span class="met none">"—"</span> }.into_any(),
    }
}

/// Says when the figures rest on demo readings (or on none at all).
#[component]
pub fn DemoReadingsNote(demo: bool, count: usize) -> impl IntoView {
    if count == 0 {
        view! { <p class="notice">"本期尚无读数：录入或导入监测数据后，这里显示是否达标。"</p> }
            .into_any()
    } else if demo {
        view! {
            <p class="demo-banner" role="note">
                "【演示】以下指标含演示数据生成器生成的读数，并非真实监测值；导入真实读数后会替换。"
            </p>
        }
        .into_any()
    } else {
        ().into_any()
    }
}

fn fmt1(v: f64) -> String {
    format!("{v:.1}")
}

/// PM2.5 by area: chart against the targets and a table with completeness.
#[component]
pub fn Pm25Section(snapshot: IndicatorSnapshot) -> impl IntoView {
    let s = snapshot;
    let (met, judged) = s.pm25_met();
    let span = if s.through_month >= 12 {
        format!("{}年", s.year)
    } else {
        format!("{}年1—{}月", s.year, s.through_month)
    };
    view! {
        <section class="card pm25-standing">
            <h2>{format!("PM2.5：{span}均值与目标")}</h2>
            <p class="summary">{format!("{judged} 个地区可判定，{met} 个达标。")}</p>
            {match s.pm25_svg.clone() {
                Some(svg) => view! { <div class="chart pm25-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">"暂无 PM2.5 数据。"</p> }.into_any(),
            }}
            <table class="grid pm25-now">
                <thead>
                    <tr>
                        <th>"地区"</th>
                        <th>"均值（µg/m³）"</th>
                        <th>"目标"</th>
                        <th>"达标"</th>
                        <th>"月数"</th>
                        <th>"有效天数"</th>
                        <th>"数据完整性（GB 3095-2012）"</th>
                    </tr>
                </thead>
                <tbody>
                    {s.pm25
                        .iter()
                        .map(|a| {
                            let completeness = if a.annual.months == 0 {
                                "无数据".to_owned()
                            } else if a.annual.complete {
                                "满足年均值有效性要求".to_owned()
                            } else {
                                a.annual.gaps.join("；")
                            };
                            view! {
                                <tr>
                                    <td>{a.area.clone()}</td>
                                    <td>{a.annual.mean.map_or("—".to_owned(), |m| fmt1(sanzhi_domain::standing::round1(m)))}</td>
                                    <td>{a.target.map_or("—".to_owned(), |t| t.to_string())}</td>
                                    <td><MetBadge met=a.met /></td>
                                    <td>{a.annual.months.to_string()}</td>
                                    <td>{a.annual.valid_days.map_or("未注明".to_owned(), |d| d.to_string())}</td>
                                    <td class=if a.annual.complete { "complete" } else { "incomplete" }>{completeness}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The 水十条 sections: month × class matrix and the year's class against the target.
#[component]
pub fn MatrixSection(snapshot: IndicatorSnapshot) -> impl IntoView {
    let s = snapshot;
    let (met, judged) = s.sections_met();
    view! {
        <section class="card sections-standing">
            <h2>{format!("国家“水十条”断面：{}年1—{}月", s.year, s.through_month)}</h2>
            <p class="summary">
                {format!("{judged} 个断面有监测数据，{met} 个按均值达到目标类别。")}
            </p>
            {match s.matrix_svg.clone() {
                Some(svg) => view! { <div class="chart matrix-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">"暂无断面监测数据。"</p> }.into_any(),
            }}
            <table class="grid sections-now">
                <thead>
                    <tr>
                        <th>"断面"</th>
                        <th>"目标"</th>
                        <th>"均值类别"</th>
                        <th>"达标"</th>
                        <th>"超标项目"</th>
                        <th>"未达标月数 / 监测月数"</th>
                        <th>"缺测项目"</th>
                    </tr>
                </thead>
                <tbody>
                    {s.sections
                        .iter()
                        .map(|x| {
                            let join = |ps: &[sanzhi_domain::water::Parameter]| {
                                if ps.is_empty() {
                                    "—".to_owned()
                                } else {
                                    ps.iter().map(|p| p.label_zh()).collect::<Vec<_>>().join("、")
                                }
                            };
                            view! {
                                <tr>
                                    <td>{format!("{}{}", x.section, if x.reservoir { "（水库）" } else { "" })}</td>
                                    <td>{x.target.label_zh()}</td>
                                    <td>{x.annual.class.map_or("—", |c| c.label_zh())}</td>
                                    <td><MetBadge met=x.met /></td>
                                    <td>{join(&x.exceeding)}</td>
                                    <td>{format!("{} / {}", x.months_missed, x.months_measured)}</td>
                                    <td>{if x.months_measured == 0 { "—".to_owned() } else { join(&x.annual.missing) }}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
