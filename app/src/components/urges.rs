//! 催办 on the page: an item's history with the coordinator's form (item page), and a unit's
//! open 催办 with the answer form at the top of 我的任务.

use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, report_state};
use crate::remind::{AnswerUrge, ReportChoice, UrgeAssignment, UrgeList};
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::remind::Urge;

/// The item's 催办, oldest first, each with its answer; for the plan's coordinator, a form per
/// unit that may be pressed today. The list comes with the page's own data (one request, and
/// the page renders the same way every time); `send` and `answer` refetch it.
#[component]
pub fn UrgePanel(
    list: UrgeList,
    send: ServerAction<UrgeAssignment>,
    answer: ServerAction<AnswerUrge>,
    today: NaiveDate,
) -> impl IntoView {
    let l = lang();
    let forms = list
        .may_urge
        .iter()
        .map(|(id, unit, may)| {
            if *may {
                view! { <UrgeForm assignment=*id unit=unit.clone() send today /> }.into_any()
            } else {
                view! { <p class="muted">{fmt(td_string!(l, remind.urge_not_needed), &[unit])}</p> }
                    .into_any()
            }
        })
        .collect_view();
    let as_of = list.as_of;
    let answer_unit = list.answer_unit.clone();
    view! {
        <section class="card urges" id="urges">
            <h2>{td_string!(l, remind.urge_history)}</h2>
            {if list.urges.is_empty() {
                view! { <p class="empty">{td_string!(l, remind.urge_none)}</p> }.into_any()
            } else {
                view! {
                    <ol class="urge-list">
                        {list
                            .urges
                            .into_iter()
                            .map(|u| {
                                let reports = choices(&list.answer_reports, u.id);
                                view! { <UrgeRow urge=u answer_unit=answer_unit.clone() answer as_of reports /> }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
            {forms}
        </section>
    }
}

/// What the last 催办 sent from the item page came to (kept above the refetched page).
#[component]
pub fn UrgeResult(
    send: ServerAction<UrgeAssignment>,
    answer: ServerAction<AnswerUrge>,
) -> impl IntoView {
    let l = lang();
    view! {
        <div class="urge-result" aria-live="polite">
            {move || {
                send.value()
                    .get()
                    .map(|r| match r {
                        Ok(_) => view! { <p class="ok">{td_string!(l, remind.urge_sent)}</p> }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    })
            }}
            {move || answer.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
        </div>
    }
}

#[component]
fn UrgeForm(
    assignment: i64,
    unit: String,
    send: ServerAction<UrgeAssignment>,
    today: NaiveDate,
) -> impl IntoView {
    let l = lang();
    let pending = send.pending();
    view! {
        <details class="urge-form" data-assignment=assignment>
            <summary>{fmt(td_string!(l, remind.urge_for), &[&unit])}</summary>
            <ActionForm action=send>
                <input type="hidden" name="assignment_id" value=assignment />
                <label>
                    {td_string!(l, remind.urge_message)}
                    <textarea name="message" required=true maxlength="1000" rows="3"></textarea>
                </label>
                <label>
                    {td_string!(l, remind.urge_reply_by)}
                    <input type="date" name="reply_by" min=today.to_string() />
                </label>
                <button type="submit" disabled=move || pending.get()>{td_string!(l, remind.urge_send)}</button>
            </ActionForm>
        </details>
    }
}

/// The reports that may answer the 催办 `urge_id`.
fn choices(all: &[ReportChoice], urge_id: i64) -> Vec<ReportChoice> {
    all.iter()
        .filter(|c| c.urge_id == urge_id)
        .cloned()
        .collect()
}

/// One 催办 with its answer, or the answer form for the unit's own accounts.
#[component]
pub fn UrgeRow(
    urge: Urge,
    answer_unit: Option<String>,
    answer: ServerAction<AnswerUrge>,
    /// The day the page is read for (a reply date before it has passed).
    as_of: NaiveDate,
    /// The unit's reports filed since the 催办, which its answer may name.
    reports: Vec<ReportChoice>,
) -> impl IntoView {
    let l = lang();
    let item_href = format!("/plans/{}/items/{}", urge.plan_code, urge.item_number);
    let report_href = {
        let item_href = item_href.clone();
        move |r: i64| format!("{item_href}#report-{r}")
    };
    let today = as_of;
    let may_answer = urge.answer.is_none() && answer_unit.as_deref() == Some(urge.unit.as_str());
    let pending = answer.pending();
    let id = urge.id;
    let late = urge.reply_late(today);
    view! {
        <li class="urge" data-urge=id>
            <p class="urge-head">
                <strong>{fmt(td_string!(l, remind.urge_line), &[&date(l, urge.on()), &urge.by])}</strong>
                " "
                <a href=format!("{item_href}#urges")>
                    {format!("({}) {}", urge.item_number, urge.unit)}
                </a>
                {urge.is_demo.then(|| view! { <span class="demo-tag">{td_string!(l, remind.demo_urge)}</span> })}
            </p>
            <p class="urge-message">{urge.message.clone()}</p>
            {urge.reply_by.map(|d| view! {
                <p class=if late { "reply-by late" } else { "reply-by" }>
                    {fmt(td_string!(l, remind.urge_reply_by_line), &[&date(l, d)])}
                    {late.then(|| view! { " · " {td_string!(l, remind.urge_reply_late)} })}
                </p>
            })}
            {match urge.answer.clone() {
                Some(a) => view! {
                    <div class="urge-answer">
                        <p>{fmt(td_string!(l, remind.answered), &[&a.by, &date(l, sanzhi_domain::report::china_day(a.at))])}</p>
                        <p>{a.note}</p>
                        {a.report_id.map(|r| view! {
                            <p class="answer-report">
                                <a href=report_href(r)>{fmt(td_string!(l, remind.answer_report_link), &[&r])}</a>
                            </p>
                        })}
                    </div>
                }
                    .into_any(),
                None if may_answer => view! {
                    <ActionForm action=answer attr:class="answer-form">
                        <input type="hidden" name="urge_id" value=id />
                        <label>
                            {td_string!(l, remind.answer_note)}
                            <textarea name="note" required=true maxlength="1000" rows="3"></textarea>
                        </label>
                        {if reports.is_empty() {
                            view! {
                                <p class="muted">
                                    {td_string!(l, remind.answer_hint)} " "
                                    <a href=format!("{item_href}#report-form")>{td_string!(l, remind.answer_file_report)}</a>
                                </p>
                            }
                                .into_any()
                        } else {
                            view! {
                                <label>
                                    {td_string!(l, remind.answer_report)}
                                    <select name="report_id">
                                        <option value="">{td_string!(l, remind.answer_report_none)}</option>
                                        {reports
                                            .into_iter()
                                            .map(|c| {
                                                let text = fmt(
                                                    td_string!(l, remind.answer_report_choice),
                                                    &[&c.report_id, &date(l, c.reported_on), &c.version, &report_state(l, c.state), &c.narrative],
                                                );
                                                view! { <option value=c.report_id>{text}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                                .into_any()
                        }}
                        <button type="submit" disabled=move || pending.get()>{td_string!(l, remind.answer_send)}</button>
                    </ActionForm>
                }
                    .into_any(),
                None => view! { <p class="muted waiting">{td_string!(l, remind.answer_waiting)}</p> }.into_any(),
            }}
        </li>
    }
}

/// 我的任务's top: the unit's 催办 not answered yet (answer forms for its own accounts). The list
/// comes with the page's tasks; `answer` refetches them.
#[component]
pub fn MyUrges(list: UrgeList, answer: ServerAction<AnswerUrge>) -> impl IntoView {
    let l = lang();
    let open: Vec<Urge> = list
        .urges
        .into_iter()
        .filter(|u| u.answer.is_none())
        .collect();
    let answer_unit = list.answer_unit.clone();
    let as_of = list.as_of;
    view! {
        {(!open.is_empty()).then(|| view! {
            <section class="card my-urges" role="alert">
                <h2>{fmt(td_string!(l, remind.urges_open), &[&open.len()])}</h2>
                <ol class="urge-list">
                    {open
                        .into_iter()
                        .rev()
                        .map(|u| {
                            let reports = choices(&list.answer_reports, u.id);
                            view! { <UrgeRow urge=u answer_unit=answer_unit.clone() answer as_of reports /> }
                        })
                        .collect_view()}
                </ol>
            </section>
        })}
        {move || answer.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error /> })}
    }
}
