//! `/plans/:code/items/:number` — one work item in full: text, where it sits, who leads,
//! every responsible unit, deadlines, targets, and the notes on the source.

use crate::components::error_box::ErrorBox;
use crate::components::grid::GridTable;
use crate::components::milestones::MilestoneList;
use crate::components::report_form::ReportFormView;
use crate::components::review::{LateFiledNote, ReviewControls, ReviewNote};
use crate::components::status::{as_of_param, AsOfBar, StatusBadge};
use crate::error::AppError;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, report_state, Locale};
use crate::routes::my_tasks::{days_text, unit_kind};
use crate::tracking::ItemTracking;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use sanzhi_domain::{chinese_number, Direction, ItemDetail, NoteKind};

/// The source page at a record's lines: `/source?doc=…&from=…&to=…#L…`.
pub fn source_href(r: &sanzhi_domain::SourceRef) -> String {
    format!(
        "/source?doc={}&from={}&to={}#L{}",
        crate::url::query_value(&r.document),
        r.from_line,
        r.to_line,
        r.from_line
    )
}

/// A link to the lines a record came from, saying which they are (table row, main-text
/// paragraph, action title) and their numbers.
#[component]
fn SourceLink(r: sanzhi_domain::SourceRef) -> impl IntoView {
    let l = lang();
    let label = match r.kind.as_str() {
        "item" => td_string!(l, tracking.source_item),
        "task" => td_string!(l, tracking.source_task),
        _ => td_string!(l, tracking.source_action),
    };
    let lines = if r.from_line == r.to_line {
        r.from_line.to_string()
    } else {
        format!("{}–{}", r.from_line, r.to_line)
    };
    view! {
        <a class=format!("source-link source-{}", r.kind) href=source_href(&r)>
            {fmt(label, &[&lines])}
        </a>
    }
}

#[component]
pub fn ItemPage() -> impl IntoView {
    let l = lang();
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
    // The report reviewed last, above the refetched view: its refusal stays shown beside it.
    let last_reviewed = RwSignal::new(None::<i64>);
    // … and after each edit by the coordinator.
    let edit = ServerAction::<crate::editing::EditItem>::new();
    let edited = edit.version();
    // … and after each 催办 or answer (the 催办 come with the page's data).
    let urge = ServerAction::<crate::remind::UrgeAssignment>::new();
    let answer = ServerAction::<crate::remind::AnswerUrge>::new();
    let urged = move || (urge.version().get(), answer.version().get());
    let detail = Resource::new(
        move || {
            (
                key(),
                as_of.get(),
                submitted.get(),
                reviewed.get(),
                edited.get(),
                urged(),
            )
        },
        |((code, number), as_of, _, _, _, _)| async move {
            let number: i32 = number
                .parse()
                .map_err(|_| AppError::BadRequest(format!("number：“{number}”不是工作要求编号")))?;
            // One call: the item, its tracking, audit entries and 催办 together.
            let p = crate::tracking::get_item_page(code, number, as_of).await?;
            Ok::<_, AppError>((p.detail, p.tracking, p.audit, p.urges))
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok((d, t, audit, urges)) => {
                        let editor = t
                            .may_edit
                            .then(|| {
                                view! {
                                    <crate::components::item_edit::ItemEditView d=d.clone() action=edit />
                                }
                            });
                        let urges = view! {
                            <crate::components::urges::UrgePanel list=urges send=urge answer today=t.as_of />
                        };
                        view! {
                        <ItemView d t submit review last_reviewed />
                        {urges}
                        {editor}
                        <section class="card item-audit">
                            <h2>{td_string!(l, common.audit_log)}</h2>
                            <crate::routes::audit::AuditTable rows=audit />
                        </section>
                    }
                    .into_any()
                    }
                    Err(error) => {
                        crate::routes::not_found::set_status_not_found();
                        view! {
                            <Title text=td_string!(l, tracking.not_found) />
                            <h1>{td_string!(l, tracking.item_cannot_show)}</h1>
                            <ErrorBox error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
        <crate::components::urges::UrgeResult send=urge answer />
    }
}

#[component]
fn ItemView(
    d: ItemDetail,
    t: ItemTracking,
    submit: ServerAction<crate::tracking::SubmitReport>,
    review: ServerAction<crate::review::ReviewReport>,
    last_reviewed: RwSignal<Option<i64>>,
) -> impl IntoView {
    let l = lang();
    let may_review = t.may_review;
    let plan_href = format!("/plans/{}", d.plan.code);
    let title = format!("{} ({})", d.plan.short_name, d.item.number);
    let as_of = t.as_of.to_string();
    let page_day = t.as_of;
    // The form offers only the signed-in reporter's own assignment (the server checks again).
    let form_rows: Vec<_> = t
        .rows
        .iter()
        .filter(|(r, _)| t.my_unit.as_deref() == Some(r.unit.as_str()))
        .map(|(r, _)| r.clone())
        .collect();
    let form_milestones = d.item.milestones.clone();
    let reporting = !form_rows.is_empty();
    // What a correction may correct: the reports of the form's assignments, from the history.
    let correctable: Vec<sanzhi_domain::Report> = t
        .rows
        .iter()
        .filter(|(r, _)| t.my_unit.as_deref() == Some(r.unit.as_str()))
        .flat_map(|(_, h)| h.iter().cloned())
        .collect();
    let mut history: Vec<(String, sanzhi_domain::Report)> = t
        .rows
        .iter()
        .flat_map(|(r, h)| h.iter().map(|x| (r.unit.clone(), x.clone())))
        .collect();
    history.sort_by_key(|(_, x)| (x.reported_on, x.id));
    // Each target links to the lines its quote is from: the item's table row, or (a figure the
    // main text gives) its task's main-text paragraph.
    let source_of = |kind: &str| d.sources.iter().find(|r| r.kind == kind).cloned();
    let (item_lines, task_lines) = (source_of("item"), source_of("task"));
    let target_sources: Vec<Option<sanzhi_domain::SourceRef>> = d
        .targets
        .iter()
        .map(|t| {
            if d.item.text.contains(t.quote.as_str()) {
                item_lines.clone()
            } else {
                task_lines.clone()
            }
        })
        .collect();
    view! {
        <Title text=title />
        <AsOfBar as_of=as_of.clone() demo=t.demo />
        <nav class="breadcrumb" aria-label=td_string!(l, tracking.breadcrumb)>
            <a href=plan_href>{d.plan.title.clone()}</a>
            " › "
            {format!("({}){}", chinese_number(d.action_seq), d.action_title)}
            " › "
            {format!("{}. {}", d.task_number, d.task_title)}
        </nav>
        <h1>{fmt(td_string!(l, tracking.item_heading), &[&d.item.number])}</h1>
        <p class="item-full-text">{d.item.text}</p>
        <p class="provenance">
            {fmt(td_string!(l, tracking.item_provenance), &[&d.plan.doc_no, &d.provenance])}
            {d
                .sources
                .iter()
                .map(|r| view! { " · " <SourceLink r=r.clone() /> })
                .collect_view()}
        </p>

        // The unit that reports finds its form first (on a phone the history is long).
        {reporting
            .then(|| {
                view! { <ReportFormView rows=form_rows milestones=form_milestones reports=correctable as_of=as_of.clone() backdate_days=t.backdate_days submit /> }
            })}

        {(!d.notes.is_empty()).then(|| view! { <SourceNotes notes=d.notes /> })}

        <section class="card tracking">
            <h2>{fmt(td_string!(l, tracking.progress_heading), &[&date(l, t.as_of)])}</h2>
            <AssignmentStatusTable rows=t.rows.iter().map(|(r, _)| r.clone()).collect() />
            <h3>{td_string!(l, tracking.history_heading)}</h3>
            <ReportHistory history may_review review last_reviewed page_day files=t.files.clone() />
        </section>

        {(!reporting)
            .then(|| {
                view! {
                    <section class="card report-form-note">
                        <p class="muted">{td_string!(l, tracking.report_form_note)}</p>
                    </section>
                }
            })}

        <UnitsCard lead_text=d.lead_text responsible_text=d.item.responsible_text assignments=d.assignments />

        <section class="card">
            <h2>{td_string!(l, tracking.deadline)}</h2>
            <MilestoneList milestones=d.item.milestones />
        </section>

        {(!d.targets.is_empty())
            .then(|| view! { <TargetsCard targets=d.targets sources=target_sources /> })}

        <section class="card">
            <h2>{fmt(td_string!(l, tracking.task_heading), &[&d.task_number, &d.task_title])}</h2>
            {d
                .task_paragraph
                .lines()
                .map(|line| view! { <p class="paragraph">{line.to_owned()}</p> })
                .collect_view()}
        </section>
    }
}

/// Who leads the item and who is responsible, as the table says and as assigned.
#[component]
fn UnitsCard(
    lead_text: String,
    responsible_text: String,
    assignments: Vec<sanzhi_domain::AssignmentView>,
) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card">
            <h2>{td_string!(l, tracking.units_heading)}</h2>
            <dl class="facts">
                <dt>{td_string!(l, tracking.lead_unit)}</dt>
                <dd>
                    {if lead_text.is_empty() {
                        td_string!(l, tracking.not_listed).to_owned()
                    } else {
                        lead_text
                    }}
                </dd>
                <dt>{td_string!(l, tracking.responsible_unit_source)}</dt>
                <dd>
                    {if responsible_text.is_empty() {
                        td_string!(l, tracking.not_listed).to_owned()
                    } else {
                        responsible_text
                    }}
                </dd>
            </dl>
            <GridTable
                class="assignments"
                headers=vec![
                    td_string!(l, tracking.responsible_unit),
                    td_string!(l, tracking.unit_kind),
                    td_string!(l, tracking.via),
                ]
                rows=assignments
                    .into_iter()
                    .map(|a| vec![a.unit, unit_kind(l, a.unit_kind).to_owned(), a.via])
                    .collect()
            />
        </section>
    }
}

/// The notes on where the source was corrected or disagrees with itself.
#[component]
fn SourceNotes(notes: Vec<sanzhi_domain::SourceNote>) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card notes">
            <h2>{td_string!(l, tracking.notes_heading)}</h2>
            <ul>
                {notes
                    .into_iter()
                    .map(|n| {
                        let (kind, other) = match n.kind {
                            NoteKind::Correction => (
                                td_string!(l, tracking.note_kind_correction),
                                td_string!(l, tracking.note_correction_says),
                            ),
                            NoteKind::Discrepancy => (
                                td_string!(l, tracking.note_kind_discrepancy),
                                td_string!(l, tracking.note_discrepancy_says),
                            ),
                        };
                        view! {
                            <li class=format!("note note-{}", n.kind.as_str())>
                                <strong>{kind}</strong>
                                {fmt(td_string!(l, tracking.note_field), &[&n.field])}
                                <span>{fmt(td_string!(l, tracking.note_table_says), &[&n.table_says])}</span>
                                <span>{fmt(other, &[&n.other_says])}</span>
                                <p>{n.note}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Each responsible unit's status on the page's day, with its last report.
#[component]
fn AssignmentStatusTable(rows: Vec<sanzhi_domain::Tracked>) -> impl IntoView {
    let l = lang();
    view! {
            <table class="grid assignment-status">
                <thead>
                    <tr>
                        <th>{td_string!(l, tracking.responsible_unit)}</th>
                        <th>{td_string!(l, tracking.status)}</th>
                        <th>{td_string!(l, tracking.deadline)}</th>
                        <th>{td_string!(l, tracking.last_report)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .iter()
                        .map(|r| {
                            let a = r.assessment.clone();
                            view! {
                                <tr data-unit=r.unit.clone()>
                                    <td data-label=td_string!(l, tracking.responsible_unit)>{r.unit.clone()}</td>
                                    <td data-label=td_string!(l, tracking.status)>
                                        <StatusBadge status=a.status />
                                        {r
                                            .awaiting_review
                                            .then(|| view! { <span class="review review-pending">{td_string!(l, common.review_pending)}</span> })}
                                        {r
                                            .returned
                                            .is_some()
                                            .then(|| view! { <span class="review review-returned">{td_string!(l, common.review_returned)}</span> })}
                                    </td>
                                    <td data-label=td_string!(l, tracking.deadline)>{days_text(a.days_left).unwrap_or_default()}</td>
                                    <td data-label=td_string!(l, tracking.last_report)>
                                        {r
                                            .last_report
                                            .as_ref()
                                            .map(|x| view! { <LateFiledNote report=sanzhi_domain::Report::clone(x) /> })}
                                        {r
                                            .last_report
                                            .as_ref()
                                            .map(|x| {
                                                fmt(
                                                    td_string!(l, tracking.last_report_line),
                                                    &[&date(l, x.reported_on), &report_state(l, x.state), &x.narrative],
                                                )
                                            })
                                            .unwrap_or_else(|| "—".to_owned())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
    }
}

/// Every report on the item, oldest first, with the review controls of a coordinator.
#[component]
fn ReportHistory(
    history: Vec<(String, sanzhi_domain::Report)>,
    may_review: bool,
    review: ServerAction<crate::review::ReviewReport>,
    last_reviewed: RwSignal<Option<i64>>,
    page_day: sanzhi_domain::chrono::NaiveDate,
    files: Vec<sanzhi_domain::EvidenceFile>,
) -> impl IntoView {
    let l = lang();
    view! {
            <ol class="history">
                {history
                    .into_iter()
                    .map(|(unit, x)| {
                        let late = x.late_filed.then(|| (x.reported_on, x.recorded_on()));
                        let controls = (may_review && x.awaits_review())
                            .then(|| {
                                view! {
                                    <ReviewControls report_id=x.id action=review last=last_reviewed late as_of=page_day />
                                }
                            });
                        let note = view! { <ReviewNote report=x.clone() /> };
                        let late_note = view! { <LateFiledNote report=x.clone() /> };
                        view! {
                            <li class=if x.is_demo { "report demo" } else { "report" } id=format!("report-{}", x.id)>
                                <span class="when">{date(l, x.reported_on)}</span>
                                {late_note}
                                <strong>{unit}</strong>
                                <span>
                                    {fmt(
                                        td_string!(l, tracking.report_version_state),
                                        &[&x.version, &report_state(l, x.state)],
                                    )}
                                </span>
                                {note}
                                {x.achieved.map(|v| view! { <span>{fmt(td_string!(l, tracking.achieved), &[&v])}</span> })}
                                {x
                                    .corrects_id
                                    .map(|c| view! { <span>{fmt(td_string!(l, tracking.corrects_report), &[&c])}</span> })}
                                <p>{x.narrative}</p>
                                <EvidenceList files=files.iter().filter(|f| f.report_id == Some(x.id)).cloned().collect() />
                                <span class="muted">
                                    {fmt(
                                        td_string!(l, tracking.reporter_line),
                                        &[
                                            &x.reporter,
                                            &x.id,
                                            &if x.is_demo { td_string!(l, tracking.demo_data_suffix) } else { "" },
                                        ],
                                    )}
                                </span>
                                {controls}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
    }
}

/// The item's quantified targets, each linked to the lines its quote is from.
#[component]
fn TargetsCard(
    targets: Vec<sanzhi_domain::Target>,
    sources: Vec<Option<sanzhi_domain::SourceRef>>,
) -> impl IntoView {
    let l = lang();
    view! {
        <section class="card">
            <h2>{td_string!(l, tracking.targets_heading)}</h2>
            <table class="grid targets">
                <thead>
                    <tr>
                        <th>{td_string!(l, tracking.target_metric)}</th>
                        <th>{td_string!(l, tracking.target_goal)}</th>
                        <th>{td_string!(l, tracking.target_year)}</th>
                        <th>{td_string!(l, tracking.target_quote)}</th>
                        <th>{td_string!(l, tracking.target_note)}</th>
                    </tr>
                </thead>
                <tbody>
                    {targets
                        .into_iter()
                        .zip(sources)
                        .map(|(t, source)| {
                            view! {
                                <tr>
                                    <td>{t.metric}</td>
                                    <td>
                                        {fmt(
                                            td_string!(l, tracking.target_value),
                                            &[&direction(l, t.direction), &t.value, &t.unit],
                                        )}
                                    </td>
                                    <td>{t.year}</td>
                                    <td>
                                        {t.quote}
                                        {source.map(|r| view! { <br /> <SourceLink r /> })}
                                    </td>
                                    <td>{t.note.unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// A target's direction: 不少于 / at least, …
fn direction(l: Locale, d: Direction) -> &'static str {
    match d {
        Direction::AtLeast => td_string!(l, tracking.direction_at_least),
        Direction::AtMost => td_string!(l, tracking.direction_at_most),
        Direction::Exactly => td_string!(l, tracking.direction_exactly),
        Direction::About => td_string!(l, tracking.direction_about),
    }
}

/// A report's evidence files, each a download link with its size.
#[component]
pub fn EvidenceList(files: Vec<sanzhi_domain::EvidenceFile>) -> impl IntoView {
    let l = lang();
    (!files.is_empty()).then(|| {
        view! {
            <ul class="evidence-files">
                {files
                    .into_iter()
                    .map(|f| {
                        let size = if f.size >= 1024 * 1024 {
                            format!("{:.1} MB", f.size as f64 / (1024.0 * 1024.0))
                        } else {
                            format!("{} KB", (f.size + 1023) / 1024)
                        };
                        view! {
                            <li>
                                <a href=format!("/api/files/{}", f.id) download=f.name.clone()>
                                    {f.name.clone()}
                                </a>
                                <span class="muted">{fmt(td_string!(l, tracking.file_size), &[&size])}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
