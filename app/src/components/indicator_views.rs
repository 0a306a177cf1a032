//! Views of the indicators shared by 指标 and 总览: met badges, the PM2.5 section, the
//! sections' class matrix, the demo notice.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use crate::indicators::IndicatorSnapshot;
pub use crate::labels::{
    direction, month, month_year, months_through, parameter, water_class, year,
};
use leptos::prelude::*;
use sanzhi_domain::water::Parameter;

/// 达标 / 未达标 / — (not judged: no readings or no target).
#[component]
pub fn MetBadge(met: Option<bool>) -> impl IntoView {
    let l = lang();
    match met {
        Some(true) => {
            view! { <span class="met yes">{td_string!(l, indicators.met)}</span> }.into_any()
        }
        Some(false) => {
            view! { <span class="met no">{td_string!(l, indicators.missed)}</span> }.into_any()
        }
        None => view! { <span class="met none">"—"</span> }.into_any(),
    }
}

/// Says when the figures rest on demo readings (or on none at all).
#[component]
pub fn DemoReadingsNote(demo: bool, count: usize) -> impl IntoView {
    let l = lang();
    if count == 0 {
        view! { <p class="notice">{td_string!(l, indicators.no_readings)}</p> }.into_any()
    } else if demo {
        view! {
            <p class="demo-banner" role="note">
                {td_string!(l, indicators.demo_readings)}
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
    let l = lang();
    let s = snapshot;
    let (met, judged) = s.pm25_met();
    // Before December a mean is the year so far, judged against a whole year's target: say
    // so, and give what the rest of the year must average.
    let ytd = s.through_month < 12;
    let span = if ytd {
        months_through(l, s.year, s.through_month)
    } else {
        year(l, s.year)
    };
    let (heading, summary) = if ytd {
        (
            fmt(td_string!(l, indicators.pm25_heading_ytd), &[&span]),
            fmt(
                td_string!(l, indicators.pm25_summary_ytd),
                &[&judged, &met, &s.pm25_unreachable],
            ),
        )
    } else {
        (
            fmt(td_string!(l, indicators.pm25_heading), &[&span]),
            fmt(td_string!(l, indicators.pm25_summary), &[&judged, &met]),
        )
    };
    view! {
        <section class="card pm25-standing">
            <h2>{heading}</h2>
            <p class="summary">{summary}</p>
            {(s.pm25.len() < s.pm25_totals.places).then(|| view! {
                <p class="more listed-of">
                    {fmt(td_string!(l, indicators.listed_of), &[&s.pm25.len(), &s.pm25_totals.places])}
                </p>
            })}
            {match s.pm25_svg.clone() {
                Some(svg) => view! {
                    <div class="chart pm25-chart">
                        <div class="wide" inner_html=svg></div>
                        {s.pm25_svg_narrow.clone().map(|n| view! { <div class="narrow" inner_html=n></div> })}
                    </div>
                }
                    .into_any(),
                None => view! { <p class="empty">{td_string!(l, indicators.no_pm25)}</p> }.into_any(),
            }}
            <table class="grid pm25-now">
                <thead>
                    <tr>
                        <th>{td_string!(l, indicators.col_area)}</th>
                        <th>{td_string!(l, indicators.col_mean_ugm3)}</th>
                        <th>{td_string!(l, indicators.col_target)}</th>
                        <th>
                            {if ytd {
                                td_string!(l, indicators.col_met_ytd)
                            } else {
                                td_string!(l, indicators.col_met)
                            }}
                        </th>
                        {ytd.then(|| view! { <th>{td_string!(l, indicators.col_needed_rest)}</th> })}
                        <th>{td_string!(l, indicators.col_months)}</th>
                        <th>{td_string!(l, indicators.col_valid_days)}</th>
                        <th>{td_string!(l, indicators.col_completeness)}</th>
                    </tr>
                </thead>
                <tbody>
                    {s.pm25
                        .iter()
                        .map(|a| {
                            let completeness = if a.annual.months == 0 {
                                td_string!(l, indicators.no_data).to_owned()
                            } else if a.annual.complete {
                                td_string!(l, indicators.complete).to_owned()
                            } else {
                                a.annual.gaps.join(td_string!(l, indicators.gap_sep))
                            };
                            view! {
                                <tr>
                                    <td data-label=td_string!(l, indicators.col_area)>{a.area.clone()}</td>
                                    <td data-label=td_string!(l, indicators.col_mean_ugm3)>{a.annual.mean.map_or("—".to_owned(), |m| fmt1(sanzhi_domain::standing::round1(m)))}</td>
                                    <td data-label=td_string!(l, indicators.col_target)>{a.target.map_or("—".to_owned(), |t| t.to_string())}</td>
                                    <td data-label=td_string!(l, indicators.col_met)><MetBadge met=a.met /></td>
                                    {ytd
                                        .then(|| {
                                            let needed = match a.needed_rest {
                                                Some(n) if n > 0.0 => fmt1(n),
                                                Some(_) => td_string!(l, indicators.cannot_meet).to_owned(),
                                                None => "—".to_owned(),
                                            };
                                            view! { <td class="needed-rest" data-label=td_string!(l, indicators.col_needed_rest)>{needed}</td> }
                                        })}
                                    <td data-label=td_string!(l, indicators.col_months)>{a.annual.months.to_string()}</td>
                                    <td data-label=td_string!(l, indicators.col_valid_days)>{a.annual.valid_days.map_or(td_string!(l, indicators.not_stated).to_owned(), |d| d.to_string())}</td>
                                    <td class=if a.annual.complete { "complete" } else { "incomplete" } data-label=td_string!(l, indicators.col_completeness)>{completeness}</td>
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
    let l = lang();
    let s = snapshot;
    let (met, judged) = s.sections_met();
    view! {
        <section class="card sections-standing">
            <h2>{fmt(td_string!(l, indicators.sections_heading), &[&months_through(l, s.year, s.through_month)])}</h2>
            <p class="summary">
                {fmt(td_string!(l, indicators.sections_summary), &[&judged, &met])}
            </p>
            {(s.sections.len() < s.sections_totals.places).then(|| view! {
                <p class="more listed-of">
                    {fmt(td_string!(l, indicators.listed_of), &[&s.sections.len(), &s.sections_totals.places])}
                </p>
            })}
            {match s.matrix_svg.clone() {
                Some(svg) => view! { <div class="chart matrix-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">{td_string!(l, indicators.no_section_data)}</p> }.into_any(),
            }}
            <table class="grid sections-now">
                <thead>
                    <tr>
                        <th>{td_string!(l, indicators.col_section)}</th>
                        <th>{td_string!(l, indicators.col_target)}</th>
                        <th>{td_string!(l, indicators.col_mean_class)}</th>
                        <th>{td_string!(l, indicators.col_met)}</th>
                        <th>{td_string!(l, indicators.col_exceeding)}</th>
                        <th>{td_string!(l, indicators.col_months_missed)}</th>
                        <th>{td_string!(l, indicators.col_missing)}</th>
                    </tr>
                </thead>
                <tbody>
                    {s.sections
                        .iter()
                        .map(|x| {
                            let join = |ps: &[Parameter]| {
                                if ps.is_empty() {
                                    "—".to_owned()
                                } else {
                                    ps.iter()
                                        .map(|p| parameter(l, *p))
                                        .collect::<Vec<_>>()
                                        .join(td_string!(l, indicators.list_sep))
                                }
                            };
                            view! {
                                <tr>
                                    <td>
                                        {if x.reservoir {
                                            fmt(td_string!(l, indicators.section_reservoir), &[&x.section])
                                        } else {
                                            x.section.clone()
                                        }}
                                    </td>
                                    <td>{water_class(l, x.target)}</td>
                                    <td>{x.annual.class.map_or("—", |c| water_class(l, c))}</td>
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
