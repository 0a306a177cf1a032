//! The sections of 总览 below its head: the red list, 督办, the ranking and the counties, the
//! indicators in brief, the changes since last month.

use super::*;

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

/// The red list: overdue items, the longest first (the first few, or all on the full page).
#[component]
pub(super) fn RedListSection(o: std::sync::Arc<Overview>) -> impl IntoView {
    let l = lang();
    let as_of = o.as_of.to_string();
    view! {
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
    }
}

/// 督办: items still overdue after repeated 催办.
#[component]
pub(super) fn SupervisedSection(o: std::sync::Arc<Overview>) -> impl IntoView {
    let l = lang();
    let as_of = o.as_of.to_string();
    view! {
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
    }
}

/// The units ranked by on-time completion, and the counties' table.
#[component]
pub(super) fn RankingSection(o: std::sync::Arc<Overview>) -> impl IntoView {
    let l = lang();
    let as_of = o.as_of.to_string();
    view! {
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
    }
}

/// The indicators in two sentences: PM2.5 areas and 水十条 sections meeting their targets.
#[component]
pub(super) fn IndicatorsSummary(o: std::sync::Arc<Overview>) -> impl IntoView {
    let l = lang();
    let (pm_met, pm_n) = o.indicators.pm25_met();
    let (sec_met, sec_n) = o.indicators.sections_met();
    view! {
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
    }
}

/// What changed since the month before: each assignment whose status moved.
#[component]
pub(super) fn ChangesSection(o: std::sync::Arc<Overview>) -> impl IntoView {
    let l = lang();
    let as_of = o.as_of.to_string();
    view! {
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
