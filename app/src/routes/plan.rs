//! `/plans/:code` — one plan: its goals, then every action → task → work item with lead and
//! responsible units and deadlines (source wording and the date read from it).

use crate::api::get_plan_tree;
use crate::components::error_box::ErrorBox;
use crate::components::milestones::MilestoneList;
use crate::components::status::{as_of_param, keep_as_of, AsOfBar, StatusBadge, StatusStrip};
use crate::error::AppError;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang, Locale};
use crate::tracking::{get_plan_status, ItemStatus, PlanFilter as Filters, PlanStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use sanzhi_domain::{
    chinese_number, ActionNode, ItemSummary, PlanTree, Status, StatusCounts, TaskNode,
};

#[component]
pub fn PlanPage() -> impl IntoView {
    let l = lang();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let as_of = as_of_param();
    let filters = Memo::new(move |_| {
        let q = query.read();
        Filters::from_query(|k| q.get(k))
    });
    let data = Resource::new(
        move || (code(), as_of.get()),
        |(code, as_of)| async move {
            let tree = get_plan_tree(code.clone()).await?;
            let status = get_plan_status(code, as_of).await?;
            Ok::<_, AppError>((tree, status))
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((tree, status)) => {
                        view! { <PlanView tree status filters=filters.get() keep=as_of.get() /> }
                            .into_any()
                    }
                    Err(error) => {
                        crate::routes::not_found::set_status_not_found();
                        view! {
                            <Title text=td_string!(l, tracking.not_found) />
                            <h1>{td_string!(l, tracking.plan_cannot_show)}</h1>
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
fn PlanView(
    tree: PlanTree,
    status: PlanStatus,
    filters: Filters,
    keep: Option<String>,
) -> impl IntoView {
    let l = lang();
    let s = tree.plan.summary;
    let period = fmt(
        td_string!(l, tracking.plan_period),
        &[&s.period.start_year(), &s.period.end_year()],
    );
    let code = s.code.to_string();
    let by_item: std::collections::HashMap<i32, ItemStatus> = status
        .by_item
        .iter()
        .map(|i| (i.number, i.clone()))
        .collect();
    let mut units: Vec<String> = tree
        .actions
        .iter()
        .flat_map(|a| &a.tasks)
        .flat_map(|t| &t.items)
        .flat_map(|i| i.units.iter().chain(&i.leads).cloned())
        .collect();
    units.sort();
    units.dedup();
    let filtering = !filters.is_empty();
    let shown: usize = tree
        .actions
        .iter()
        .map(|a| {
            a.tasks
                .iter()
                .flat_map(|t| &t.items)
                .filter(|i| filters.matches(a.seq, i, by_item.get(&i.number)))
                .count()
        })
        .sum();
    // The export is computed for the day this page shows.
    // The export is this page's list: the same day and the same filters.
    let export_href = format!(
        "/api/plans/{code}/allocation.xlsx?as_of={}{}",
        status.as_of,
        filters.query()
    );
    let export_hint = fmt(
        td_string!(l, tracking.export_allocation_hint),
        &[&status.as_of],
    );
    let action_options: Vec<(i32, String)> = tree
        .actions
        .iter()
        .map(|a| (a.seq, a.title.clone()))
        .collect();
    // Items with a deadline an import could not read (待确认), for the coordinator to date.
    let unconfirmed: Vec<i32> = tree
        .actions
        .iter()
        .flat_map(|a| &a.tasks)
        .flat_map(|t| &t.items)
        .filter(|i| {
            i.milestones
                .iter()
                .any(|m| matches!(m.deadline, sanzhi_domain::Deadline::Unconfirmed { .. }))
        })
        .map(|i| i.number)
        .collect();
    let unconfirmed_view = (!unconfirmed.is_empty()).then(|| {
        let code = code.clone();
        view! {
            <section class="card unconfirmed-list" role="note">
                <h2>{fmt(td_string!(l, tracking.unconfirmed_count), &[&unconfirmed.len()])}</h2>
                <p class="muted">{td_string!(l, tracking.unconfirmed_hint)}</p>
                <p>
                    {unconfirmed
                        .iter()
                        .map(|n| {
                            view! { <a href=format!("/plans/{code}/items/{n}")>{format!("({n})")}</a> " " }
                        })
                        .collect_view()}
                </p>
            </section>
        }
    });
    view! {
        <AsOfBar as_of=status.as_of.to_string() demo=status.demo />
        <Title text=crate::i18n::plan_name(l, &s) />
        <h1>{s.title.clone()}</h1>
        <PlanStatusBanner status=s.status />
        <p class="lead">
            {fmt(td_string!(l, tracking.plan_lead_line), &[&s.doc_no, &period, &s.owner_office])}
        </p>
        <section class="card">
            <h2>{td_string!(l, tracking.plan_goals)}</h2>
            <ol class="goal-list">
                {tree.plan.goals.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}
            </ol>
            <p class="provenance">{td_string!(l, tracking.provenance_label)}{tree.plan.provenance}</p>
        </section>
        <p class="counts">
            {fmt(
                td_string!(l, tracking.plan_counts),
                &[&s.action_count, &s.task_count, &s.work_item_count],
            )}
        </p>
        {unconfirmed_view}
        <StatusStrip counts=status.total.clone() />
        <PlanFilterForm filters=filters.clone() keep=keep.clone() action_options units />
        <p class="export-links">
            <a class="button-link" href=export_href download="" title=export_hint>
                {td_string!(l, tracking.export_allocation)}
            </a>
        </p>
        {filtering
            .then(|| {
                view! {
                    <p class="muted filter-result">
                        {fmt(td_string!(l, tracking.filter_result), &[&shown])}
                    </p>
                }
            })}
        <PlanActions actions=tree.actions filters=filters.clone() by_item=by_item.clone() code=code.clone() keep=keep.clone() />
    }
}

/// The plan's actions, tasks and items that the filters keep, each with its roll-up.
#[component]
fn PlanActions(
    actions: Vec<ActionNode>,
    filters: Filters,
    by_item: std::collections::HashMap<i32, ItemStatus>,
    code: String,
    keep: Option<String>,
) -> impl IntoView {
    let l = lang();
    view! {
        <div class="plan-tree">
            {actions
                .into_iter()
                .filter_map(|a| {
                    let code = code.clone();
                    let seq = a.seq;
                    let tasks: Vec<TaskNode> = a
                        .tasks
                        .into_iter()
                        .map(|mut t| {
                            t.items.retain(|i| filters.matches(seq, i, by_item.get(&i.number)));
                            t
                        })
                        .filter(|t| !t.items.is_empty())
                        .collect();
                    if tasks.is_empty() {
                        return None;
                    }
                    let by_item = by_item.clone();
                    let keep = keep.clone();
                    let action_counts = sum_counts(
                        tasks
                            .iter()
                            .flat_map(|t| &t.items)
                            .map(|i| by_item.get(&i.number).map(|s| &s.counts)),
                    );
                    Some(view! {
                        <section class="action" data-action=a.seq>
                            <h2>{format!("({}){}", chinese_number(a.seq), a.title)}</h2>
                            <p class="rollup">{rollup_text(l, &action_counts)}</p>
                            {tasks
                                .into_iter()
                                .map(|t| {
                                    view! {
                                        <TaskView
                                            task=t
                                            code=code.clone()
                                            by_item=by_item.clone()
                                            keep=keep.clone()
                                        />
                                    }
                                })
                                .collect_view()}
                        </section>
                    })
                })
                .collect_view()}
        </div>
    }
}

/// The filters of the plan page: action, unit, status, due between two days (a GET form, so
/// a filtered page has its own address).
#[component]
fn PlanFilterForm(
    filters: Filters,
    keep: Option<String>,
    action_options: Vec<(i32, String)>,
    units: Vec<String>,
) -> impl IntoView {
    let l = lang();
    view! {
        <form method="get" class="filters">
            {keep.clone().map(|d| view! { <input type="hidden" name="as_of" value=d /> })}
            <label>
                {td_string!(l, tracking.filter_action)}
                <select name="action">
                    <option value="">{td_string!(l, tracking.filter_all)}</option>
                    {action_options
                        .into_iter()
                        .map(|(seq, title)| {
                            let sel = filters.action == Some(seq);
                            view! {
                                <option value=seq.to_string() selected=sel>
                                    {format!("({}){}", chinese_number(seq), title)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, tracking.filter_unit)}
                <select name="unit">
                    <option value="">{td_string!(l, tracking.filter_all)}</option>
                    {units
                        .into_iter()
                        .map(|u| {
                            let sel = filters.unit.as_deref() == Some(u.as_str());
                            view! { <option value=u.clone() selected=sel>{u.clone()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, tracking.filter_status)}
                <select name="status">
                    <option value="">{td_string!(l, tracking.filter_all)}</option>
                    {Status::ALL
                        .into_iter()
                        .map(|st| {
                            let sel = filters.status == [st];
                            view! {
                                <option value=st.as_str() selected=sel>{crate::i18n::status(l, st)}</option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, tracking.filter_due_from)}
                <input type="date" name="due_from" value=filters.due_from.map(|d| d.to_string()) />
            </label>
            <label>
                {td_string!(l, tracking.filter_due_to)}
                <input type="date" name="due_to" value=filters.due_to.map(|d| d.to_string()) />
            </label>
            <button type="submit">{td_string!(l, tracking.filter_submit)}</button>
        </form>
    }
}

/// A draft's or a closed plan's banner (none for a plan in effect).
#[component]
fn PlanStatusBanner(status: sanzhi_domain::PlanStatus) -> impl IntoView {
    let l = lang();
    view! {
        {match status {
            sanzhi_domain::PlanStatus::Active => None,
            sanzhi_domain::PlanStatus::Draft => Some(view! {
                <p class="plan-status-banner draft" role="status">
                    {td_string!(l, common.plan_draft_banner)} " "
                    <a href="/plans">{td_string!(l, common.plans_title)}</a>
                </p>
            }),
            sanzhi_domain::PlanStatus::Closed => Some(view! {
                <p class="plan-status-banner closed" role="status">
                    {td_string!(l, common.plan_closed_banner)} " "
                    <a href="/plans">{td_string!(l, common.plans_title)}</a>
                </p>
            }),
        }}
    }
}

#[component]
fn TaskView(
    task: TaskNode,
    code: String,
    by_item: std::collections::HashMap<i32, ItemStatus>,
    keep: Option<String>,
) -> impl IntoView {
    let l = lang();
    let task_counts = sum_counts(
        task.items
            .iter()
            .map(|i| by_item.get(&i.number).map(|s| &s.counts)),
    );
    view! {
        <section class="task" data-task=task.number>
            <h3>
                {format!("{}. {}", task.number, task.title)}
                <span class="rollup">{rollup_text(l, &task_counts)}</span>
            </h3>
            <ul class="items">
                {task
                    .items
                    .into_iter()
                    .map(|i| {
                        let status = by_item.get(&i.number).cloned().unwrap_or_default();
                        view! { <ItemRow item=i code=code.clone() status keep=keep.clone() /> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ItemRow(
    item: ItemSummary,
    code: String,
    status: ItemStatus,
    keep: Option<String>,
) -> impl IntoView {
    let counts = &status.counts;
    // The card names who is late, not only how many.
    let late = status.units_with(Status::Overdue).join("、");
    let href = keep_as_of(
        &format!("/plans/{code}/items/{}", item.number),
        keep.as_deref(),
    );
    let l = lang();
    let worst = counts.worst();
    let breakdown = rollup_text(l, counts);
    let units = if item.units.is_empty() {
        "—".to_owned()
    } else {
        fmt(td_string!(l, tracking.units_count), &[&item.units.len()])
    };
    view! {
        <li class="item" data-item=item.number>
            <p class="item-status">
                {worst.map(|s| view! { <StatusBadge status=s /> })}
                <span class="muted">{breakdown}</span>
            </p>
            {(!late.is_empty())
                .then(|| {
                    view! {
                        <p class="late-units">{fmt(td_string!(l, tracking.late_units), &[&late])}</p>
                    }
                })}
            <p class="item-text">
                <a href=href>{format!("({})", item.number)}</a>
                " "
                {item.text}
            </p>
            <dl class="item-facts">
                {(!item.leads.is_empty())
                    .then(|| {
                        view! {
                            <dt>{td_string!(l, tracking.lead_unit)}</dt>
                            <dd>{item.leads.join(td_string!(l, tracking.list_separator))}</dd>
                        }
                    })}
                <dt>{td_string!(l, tracking.responsible_unit)}</dt>
                <dd>
                    {if item.responsible_text.is_empty() { "—".to_owned() } else { item.responsible_text }}
                    <span class="muted">{fmt(td_string!(l, tracking.split_into), &[&units])}</span>
                </dd>
                <dt>{td_string!(l, tracking.deadline)}</dt>
                <dd>
                    <MilestoneList milestones=item.milestones />
                </dd>
            </dl>
            {(item.note_count > 0)
                .then(|| {
                    view! {
                        <p class="has-notes">
                            {fmt(td_string!(l, tracking.has_notes), &[&item.note_count])}
                        </p>
                    }
                })}
        </li>
    }
}

/// Adds up the counts of several items.
fn sum_counts<'a>(items: impl Iterator<Item = Option<&'a StatusCounts>>) -> StatusCounts {
    let mut total = StatusCounts::default();
    for c in items.flatten() {
        total.merge(c);
    }
    total
}

/// “逾期 2 · 已完成 5” for a heading; empty when there are no assignments.
fn rollup_text(l: Locale, c: &StatusCounts) -> String {
    Status::ALL
        .into_iter()
        .filter(|s| c.get(*s) > 0)
        .map(|s| format!("{} {}", crate::i18n::status(l, s), c.get(s)))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanzhi_domain::WorkItemId;

    fn item(units: &[&str], leads: &[&str]) -> ItemSummary {
        ItemSummary {
            id: WorkItemId(1),
            number: 5,
            text: "示例事项".into(),
            leads: leads.iter().map(|s| (*s).to_owned()).collect(),
            responsible_text: units.join("、"),
            units: units.iter().map(|s| (*s).to_owned()).collect(),
            milestones: Vec::new(),
            note_count: 0,
        }
    }

    fn status(units: &[(&str, Status)]) -> ItemStatus {
        let mut s = ItemStatus {
            number: 5,
            ..ItemStatus::default()
        };
        for (u, st) in units {
            s.counts.add(*st);
            s.units.push(((*u).to_owned(), *st));
        }
        s
    }

    fn filter(unit: Option<&str>, st: Option<Status>) -> Filters {
        Filters {
            unit: unit.map(str::to_owned),
            status: st.into_iter().collect(),
            ..Filters::default()
        }
    }

    /// 柯城 finished late while 衢江 is overdue: 柯城 + 逾期 does not list the item, 衢江 + 逾期
    /// and 柯城 + 逾期后完成 do, and 逾期 alone does.
    #[test]
    fn unit_and_status_combine_on_the_same_assignment() {
        let i = item(&["柯城区政府", "衢江区政府"], &["市环保局"]);
        let s = status(&[
            ("柯城区政府", Status::DoneLate),
            ("衢江区政府", Status::Overdue),
        ]);
        let listed = |f: Filters| f.matches(1, &i, Some(&s));
        assert!(!listed(filter(Some("柯城区政府"), Some(Status::Overdue))));
        assert!(listed(filter(Some("衢江区政府"), Some(Status::Overdue))));
        assert!(listed(filter(Some("柯城区政府"), Some(Status::DoneLate))));
        assert!(listed(filter(None, Some(Status::Overdue))));
        assert!(listed(filter(Some("柯城区政府"), None)));
        assert!(!listed(filter(Some("开化县政府"), None)));
        // The lead answers for the whole item: any of its assignments.
        assert!(listed(filter(Some("市环保局"), Some(Status::Overdue))));
        assert!(!listed(filter(Some("市环保局"), Some(Status::Done))));
        // Several statuses (a count of 总览 that adds two up): any of them, still per unit.
        let several = |unit: Option<&str>, st: &[Status]| Filters {
            unit: unit.map(str::to_owned),
            status: st.to_vec(),
            ..Filters::default()
        };
        assert!(listed(several(
            Some("柯城区政府"),
            &[Status::Done, Status::DoneLate]
        )));
        assert!(!listed(several(
            Some("柯城区政府"),
            &[Status::InProgress, Status::NotStarted]
        )));
        assert!(listed(several(None, &[Status::Done, Status::Overdue])));
        assert_eq!(s.units_with(Status::Overdue), vec!["衢江区政府"]);
    }
}
