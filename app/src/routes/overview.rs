//! `/?month=2018-12` — 总览: the leaders' monthly overview. Everything is as of the last day
//! of the month and compared with the last day of the month before. Prints on A4.

use crate::api::list_plans;
use crate::components::error_box::ErrorBox;
use crate::components::indicator_views::{DemoReadingsNote, MatrixSection, Pm25Section};
use crate::components::plan_card::PlanCard;
use crate::overview::{get_overview, parse_month, Overview, PlanCounts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::StatusCounts;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let query = use_query_map();
    let month = Memo::new(move |_| query.read().get("month"));
    let data = Resource::new(move || month.get(), get_overview);
    let plans = Resource::new(|| (), |_| list_plans());
    view! {
        <Title text="总览" />
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Page o /> }.into_any(),
                    Err(error) => view! { <h1>"总览"</h1> <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card plans-section no-print">
            <h2>"行动方案"</h2>
            <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
                {move || Suspend::new(async move {
                    match plans.await {
                        Ok(plans) if plans.is_empty() => {
                            view! { <p class="empty">"尚未导入任何行动方案。"</p> }.into_any()
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

fn shift(month: &str, by: i32) -> String {
    let (y, m) = parse_month(month).unwrap_or((2018, 1));
    let i = y * 12 + i32::try_from(m).unwrap_or(1) - 1 + by;
    format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

fn delta(now: u32, before: u32) -> String {
    match i64::from(now) - i64::from(before) {
        0 => "持平".to_owned(),
        d if d > 0 => format!("较上月 +{d}"),
        d => format!("较上月 {d}"),
    }
}

fn on_track(c: &StatusCounts) -> u32 {
    c.in_progress + c.not_started
}

fn done(c: &StatusCounts) -> u32 {
    c.done + c.done_late
}

#[component]
fn PlanBox(p: PlanCounts) -> impl IntoView {
    let cells = [
        ("已完成", done(&p.now), done(&p.before), "done"),
        (
            "正常推进",
            on_track(&p.now),
            on_track(&p.before),
            "in_progress",
        ),
        ("即将到期", p.now.due_soon, p.before.due_soon, "due_soon"),
        ("逾期", p.now.overdue, p.before.overdue, "overdue"),
    ];
    view! {
        <div class="plan-box" data-plan=p.code.clone()>
            <h3>
                <a href=format!("/plans/{}", p.code)>{p.short_name.clone()}</a>
                <span class="total">{format!("共 {} 项分工", p.now.total())}</span>
            </h3>
            <p class="plan-title">{format!("{}（{}牵头）", p.title, p.owner_office)}</p>
            <dl>
                {cells
                    .into_iter()
                    .map(|(label, now, before, class)| {
                        view! {
                            <div class=format!("count {class}")>
                                <dt>{label}</dt>
                                <dd>
                                    <strong>{now.to_string()}</strong>
                                    <small>{delta(now, before)}</small>
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
    let (y, m) = parse_month(&o.month).unwrap_or((2018, 1));
    let as_of = o.as_of.to_string();
    let (pm_met, pm_n) = o.indicators.pm25_met();
    let (sec_met, sec_n) = o.indicators.sections_met();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <header class="overview-head">
            <h1>{format!("总览 · {y}年{m}月")}</h1>
            <p class="lead">
                {format!("截至 {}，对比上月底 {}。", o.as_of, o.before)}
            </p>
            <form class="filters no-print" method="get" action="/">
                <a class="button-link" href=format!("/?month={}", shift(&o.month, -1))>"‹ 上月"</a>
                <label>"月份" <input type="month" name="month" value=o.month.clone() min="2018-01" max="2021-12" /></label>
                <button type="submit">"查看"</button>
                <a class="button-link" href=format!("/?month={}", shift(&o.month, 1))>"下月 ›"</a>
                <button type="button" class="print" on:click=print>"打印（A4）"</button>
            </form>
        </header>
        {o.demo.then(|| view! {
            <p class="demo-banner" role="note">"【演示】任务进展含演示数据，并非真实填报。"</p>
        })}
        <section class="card plans-summary">
            <h2>"三个行动方案进展"</h2>
            <div class="plan-boxes">
                {o.plans.iter().cloned().map(|p| view! { <PlanBox p /> }).collect_view()}
            </div>
        </section>
        <section class="card red-list">
            <h2>"红色清单：逾期最久的工作"</h2>
            {if o.red_list.is_empty() {
                view! { <p class="empty">"本月底没有逾期的工作。"</p> }.into_any()
            } else {
                view! {
                    <table class="grid red-list-table">
                        <thead>
                            <tr>
                                <th>"方案"</th>
                                <th>"工作要求"</th>
                                <th>"最长逾期"</th>
                                <th>"逾期单位"</th>
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
                                            <td>{r.plan_short_name.clone()}</td>
                                            <td>
                                                <a href=format!("/plans/{}/items/{}?as_of={}", r.plan_code, r.item_number, as_of)>
                                                    {format!("({}) {text}{more}", r.item_number)}
                                                </a>
                                            </td>
                                            <td class="late">
                                                {if r.days_late > 0 { format!("{} 天", r.days_late) } else { "周期性漏报".to_owned() }}
                                            </td>
                                            <td>
                                                {r.units
                                                    .iter()
                                                    .map(|u| u.label_zh())
                                                    .collect::<Vec<_>>()
                                                    .join("、")}
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
        <section class="card ranking">
            <h2>"责任单位排名（红黑榜）"</h2>
            {match o.ranking_svg.clone() {
                Some(svg) => view! { <div class="chart ranking-chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="empty">"本月底尚无到期的工作，暂不排名。"</p> }.into_any(),
            }}
            <h3>"县（市、区）与功能区"</h3>
            <table class="grid counties">
                <thead>
                    <tr>
                        <th>"名次"</th>
                        <th>"单位"</th>
                        <th>"分工"</th>
                        <th>"已完成"</th>
                        <th>"逾期"</th>
                        <th>"完成率"</th>
                    </tr>
                </thead>
                <tbody>
                    {o.counties
                        .iter()
                        .enumerate()
                        .map(|(i, u)| {
                            view! {
                                <tr>
                                    <td>{(i + 1).to_string()}</td>
                                    <td>
                                        <a href=format!("/my?unit={}&as_of={}", u.unit, as_of)>{u.unit.clone()}</a>
                                    </td>
                                    <td>{u.assignments.to_string()}</td>
                                    <td>{u.done().to_string()}</td>
                                    <td>{u.counts.overdue.to_string()}</td>
                                    <td>{u.completion.map_or("—".to_owned(), |c| format!("{:.0}%", c * 100.0))}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card indicators-summary">
            <h2>"指标达标情况"</h2>
            <ul class="indicator-facts">
                <li>{format!("PM2.5：{pm_n} 个地区可判定，{pm_met} 个达标（上月 {} / {}）。", o.pm25_before.0, o.pm25_before.1)}</li>
                <li>{format!("断面：{sec_n} 个有数据，{sec_met} 个达到目标类别（上月 {} / {}）。", o.sections_before.0, o.sections_before.1)}</li>
            </ul>
            <DemoReadingsNote demo=o.indicators.demo count=o.indicators.readings />
        </section>
        <Pm25Section snapshot=o.indicators.clone() />
        <MatrixSection snapshot=o.indicators.clone() />
        <section class="card changes">
            <h2>{format!("本月变化：{} 项分工状态改变", o.change_count)}</h2>
            {if o.changes.is_empty() {
                view! { <p class="empty">"与上月底相比没有变化。"</p> }.into_any()
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
                                        {format!(" {}：{} → {}", c.unit, c.before.label_zh(), c.after.label_zh())}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {(o.change_count > o.changes.len()).then(|| view! {
                        <p class="more">{format!("另有 {} 项未列出。", o.change_count - o.changes.len())}</p>
                    })}
                }
                    .into_any()
            }}
        </section>
    }
}
