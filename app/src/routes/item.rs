//! `/plans/:code/items/:number` — one work item in full: text, where it sits, who leads,
//! every responsible unit, deadlines, targets, and the notes on the source.

use crate::api::get_item;
use crate::components::error_box::ErrorBox;
use crate::components::grid::GridTable;
use crate::components::milestones::MilestoneList;
use crate::components::report_form::ReportFormView;
use crate::components::review::{ReviewControls, ReviewNote};
use crate::components::status::{as_of_param, AsOfBar, StatusBadge};
use crate::error::AppError;
use crate::routes::my_tasks::days_text;
use crate::tracking::{get_item_tracking, ItemTracking};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use sanzhi_domain::{chinese_number, ItemDetail};

#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("code").unwrap_or_default(),
            p.get("number").unwrap_or_default(),
        )
    };
    let as_of = as_of_param();
    // Refetch after each submitted report so the grid and history show it.
    let submit = ServerAction::<crate::tracking::SubmitReport>::new();
    let submitted = submit.version();
    // … and after each review.
    let review = ServerAction::<crate::review::ReviewReport>::new();
    let reviewed = review.version();
    let detail = Resource::new(
        move || (key(), as_of.get(), submitted.get(), reviewed.get()),
        |((code, number), as_of, _, _)| async move {
            let number: i32 = number
                .parse()
                .map_err(|_| AppError::BadRequest(format!("number：“{number}”不是工作要求编号")))?;
            let detail = get_item(code.clone(), number).await?;
            let tracking = get_item_tracking(code.clone(), number, as_of).await?;
            let audit = crate::audit::get_item_audit(code, number).await?;
            Ok::<_, AppError>((detail, tracking, audit))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok((d, t, audit)) => view! {
                        <ItemView d t submit review />
                        <section class="card item-audit">
                            <h2>"审计记录"</h2>
                            <crate::routes::audit::AuditTable rows=audit />
                        </section>
                    }
                    .into_any(),
                    Err(error) => {
                        crate::routes::not_found::set_status_not_found();
                        view! {
                            <Title text="未找到" />
                            <h1>"无法显示该工作要求"</h1>
                            <ErrorBox error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn ItemView(
    d: ItemDetail,
    t: ItemTracking,
    submit: ServerAction<crate::tracking::SubmitReport>,
    review: ServerAction<crate::review::ReviewReport>,
) -> impl IntoView {
    let last_reviewed = RwSignal::new(None::<i64>);
    let may_review = t.may_review;
    let plan_href = format!("/plans/{}", d.plan.code);
    let title = format!("{} ({})", d.plan.short_name, d.item.number);
    let as_of = t.as_of.to_string();
    // The form offers only the signed-in reporter's own assignment (the server checks again).
    let form_rows: Vec<_> = t
        .rows
        .iter()
        .filter(|(r, _)| t.my_unit.as_deref() == Some(r.unit.as_str()))
        .map(|(r, _)| r.clone())
        .collect();
    let form_milestones = d.item.milestones.clone();
    let mut history: Vec<(String, sanzhi_domain::Report)> = t
        .rows
        .iter()
        .flat_map(|(r, h)| h.iter().map(|x| (r.unit.clone(), x.clone())))
        .collect();
    history.sort_by_key(|(_, x)| (x.reported_on, x.id));
    view! {
        <Title text=title />
        <AsOfBar as_of=as_of.clone() demo=t.demo />
        <nav class="breadcrumb" aria-label="位置">
            <a href=plan_href>{d.plan.title.clone()}</a>
            " › "
            {format!("({}){}", chinese_number(d.action_seq), d.action_title)}
            " › "
            {format!("{}. {}", d.task_number, d.task_title)}
        </nav>
        <h1>{format!("工作要求 ({})", d.item.number)}</h1>
        <p class="item-full-text">{d.item.text}</p>
        <p class="provenance">{format!("出处：{} {}", d.plan.doc_no, d.provenance)}</p>

        {(!d.notes.is_empty())
            .then(|| {
                view! {
                    <section class="card notes">
                        <h2>"原文校注"</h2>
                        <ul>
                            {d
                                .notes
                                .into_iter()
                                .map(|n| {
                                    let other = match n.kind {
                                        sanzhi_domain::NoteKind::Correction => "校正为",
                                        sanzhi_domain::NoteKind::Discrepancy => "正文作",
                                    };
                                    view! {
                                        <li class=format!("note note-{}", n.kind.as_str())>
                                            <strong>{n.kind.label_zh()}</strong>
                                            {format!("（{}）", n.field)}
                                            <span>"分工表作“" {n.table_says} "”，"</span>
                                            <span>{other} "“" {n.other_says} "”。"</span>
                                            <p>{n.note}</p>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}

        <section class="card tracking">
            <h2>{format!("分工与进展（截至 {}）", t.as_of)}</h2>
            <table class="grid assignment-status">
                <thead>
                    <tr>
                        <th>"责任单位"</th>
                        <th>"状态"</th>
                        <th>"时限"</th>
                        <th>"最近报告"</th>
                    </tr>
                </thead>
                <tbody>
                    {t
                        .rows
                        .iter()
                        .map(|(r, _)| {
                            let a = r.assessment.clone();
                            view! {
                                <tr data-unit=r.unit.clone()>
                                    <td>{r.unit.clone()}</td>
                                    <td>
                                        <StatusBadge status=a.status />
                                        {r
                                            .awaiting_review
                                            .then(|| view! { <span class="review review-pending">"待签收"</span> })}
                                        {r
                                            .returned
                                            .is_some()
                                            .then(|| view! { <span class="review review-returned">"已退回"</span> })}
                                    </td>
                                    <td>{days_text(a.days_left).unwrap_or_default()}</td>
                                    <td>
                                        {r
                                            .last_report
                                            .as_ref()
                                            .map(|x| {
                                                format!("{} {}：{}", x.reported_on, x.state.label_zh(), x.narrative)
                                            })
                                            .unwrap_or_else(|| "—".to_owned())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <h3>"进展记录"</h3>
            <ol class="history">
                {history
                    .into_iter()
                    .map(|(unit, x)| {
                        let controls = (may_review && x.awaits_review())
                            .then(|| {
                                view! {
                                    <ReviewControls report_id=x.id action=review last=last_reviewed />
                                }
                            });
                        let note = view! { <ReviewNote report=x.clone() /> };
                        view! {
                            <li class=if x.is_demo { "report demo" } else { "report" }>
                                <span class="when">{x.reported_on.to_string()}</span>
                                <strong>{unit}</strong>
                                <span>{format!("第 {} 次 · {}", x.version, x.state.label_zh())}</span>
                                {note}
                                {x.achieved.map(|v| view! { <span>{format!("完成量 {v}")}</span> })}
                                {x.corrects_id.map(|c| view! { <span>{format!("更正报告 #{c}")}</span> })}
                                <p>{x.narrative}</p>
                                <span class="muted">
                                    {format!("报告人：{} · 编号 #{}{}", x.reporter, x.id, if x.is_demo { " · 演示数据" } else { "" })}
                                </span>
                                {controls}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>

        {if form_rows.is_empty() {
            view! {
                <section class="card report-form-note">
                    <p class="muted">"进展由各责任单位的填报员登录后填报本单位的分工。"</p>
                </section>
            }
                .into_any()
        } else {
            view! { <ReportFormView rows=form_rows milestones=form_milestones as_of=as_of submit /> }
                .into_any()
        }}

        <section class="card">
            <h2>"单位"</h2>
            <dl class="facts">
                <dt>"牵头单位"</dt>
                <dd>{if d.lead_text.is_empty() { "（分工表未列）".to_owned() } else { d.lead_text }}</dd>
                <dt>"责任单位（原文）"</dt>
                <dd>
                    {if d.item.responsible_text.is_empty() {
                        "（分工表未列）".to_owned()
                    } else {
                        d.item.responsible_text
                    }}
                </dd>
            </dl>
            <GridTable
                class="assignments"
                headers=vec!["责任单位", "类型", "依据"]
                rows=d
                    .assignments
                    .into_iter()
                    .map(|a| vec![a.unit, a.unit_kind.label_zh().to_owned(), a.via])
                    .collect()
            />
        </section>

        <section class="card">
            <h2>"时限"</h2>
            <MilestoneList milestones=d.item.milestones />
        </section>

        {(!d.targets.is_empty())
            .then(|| {
                view! {
                    <section class="card">
                        <h2>"量化目标"</h2>
                        <GridTable
                            class="targets"
                            headers=vec!["指标", "目标", "年度", "原文"]
                            rows=d
                                .targets
                                .into_iter()
                                .map(|t| {
                                    vec![
                                        t.metric,
                                        format!("{}{}{}", t.direction.label_zh(), t.value, t.unit),
                                        t.year.to_string(),
                                        t.quote,
                                    ]
                                })
                                .collect()
                        />
                    </section>
                }
            })}

        <section class="card">
            <h2>{format!("所属任务：{}. {}", d.task_number, d.task_title)}</h2>
            {d
                .task_paragraph
                .lines()
                .map(|l| view! { <p class="paragraph">{l.to_owned()}</p> })
                .collect_view()}
        </section>
    }
}
