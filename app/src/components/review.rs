//! Review (签收/销号) in the interface: what became of a done report, and the coordinator's
//! accept / return controls.

use crate::components::error_box::ErrorBox;
use crate::error::AppError;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, decision, fmt, lang};
use crate::review::ReviewReport;
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::{Report, ReportState, ReviewDecision};

/// “补报：2026-12-05 提交，所报日期 2018-11-30” for a late-filed report; nothing otherwise.
#[component]
pub fn LateFiledNote(report: Report) -> impl IntoView {
    let l = lang();
    report.late_filed.then(|| {
        view! {
            <span
                class="review late-filed"
                title=fmt(
                    td_string!(l, tracking.late_filed_note),
                    &[&date(l, report.recorded_on()), &date(l, report.reported_on)],
                )
            >
                {td_string!(l, tracking.late_filed)}
            </span>
        }
    })
}

/// “待签收” / “已签收（by, on）” / “已退回（by, on）：reason”; nothing for a progress note.
/// An accepted 补报 says which day it counts as done on.
#[component]
pub fn ReviewNote(report: Report) -> impl IntoView {
    let l = lang();
    if report.state != ReportState::Done {
        return ().into_any();
    }
    let counted = (report.late_filed
        && report
            .review
            .as_ref()
            .is_some_and(|v| v.decision == ReviewDecision::Accepted))
    .then(|| {
        let text = if report
            .review
            .as_ref()
            .is_some_and(|v| v.accepts_claimed_day)
        {
            td_string!(l, tracking.counted_on_claimed_day).to_owned()
        } else {
            fmt(
                td_string!(l, tracking.counted_on_filing_day),
                &[&date(l, report.done_on())],
            )
        };
        view! { <span class="counted-on">{format!(" · {text}")}</span> }
    });
    match report.review {
        None => view! { <span class="review review-pending">{td_string!(l, common.review_pending)}</span> }.into_any(),
        Some(v) => {
            let class = match v.decision {
                ReviewDecision::Accepted => "review review-accepted",
                ReviewDecision::Returned => "review review-returned",
            };
            let reason = (!v.reason.is_empty())
                .then(|| fmt(td_string!(l, tracking.reason_suffix), &[&v.reason]));
            view! {
                <span class=class>
                    {fmt(
                        td_string!(l, tracking.decision_by),
                        &[&decision(l, v.decision), &v.reviewer, &date(l, v.reviewed_on)],
                    )}
                    {reason}
                    {counted}
                </span>
            }
            .into_any()
        }
    }
}

/// Accept or return one done report. The page refetches when `action` completes; `last`
/// remembers which report was acted on so its answer shows beside it. For a 补报
/// (`late`: the day it claims and the day it was filed) the coordinator may choose to count
/// it as done on the claimed day; unticked, it counts from the day it was filed.
#[component]
pub fn ReviewControls(
    report_id: i64,
    action: ServerAction<ReviewReport>,
    last: RwSignal<Option<i64>>,
    late: Option<(NaiveDate, NaiveDate)>,
) -> impl IntoView {
    let l = lang();
    let reason = RwSignal::new(String::new());
    let claimed_day = RwSignal::new(false);
    let send = move |decision: &'static str| {
        last.set(Some(report_id));
        action.dispatch(ReviewReport {
            report_id,
            decision: decision.to_owned(),
            reason: reason.get_untracked(),
            accept_claimed_day: late.map(|_| claimed_day.get_untracked()),
        });
    };
    let choice = late.map(|(claimed, filed)| {
        view! {
            <label class="claimed-day">
                <input
                    type="checkbox"
                    name="accept_claimed_day"
                    prop:checked=move || claimed_day.get()
                    on:change=move |ev| claimed_day.set(event_target_checked(&ev))
                />
                {fmt(
                    td_string!(l, tracking.accept_claimed_day),
                    &[&date(l, claimed), &date(l, filed)],
                )}
            </label>
        }
    });
    let result = move || {
        (last.get() == Some(report_id))
            .then(|| action.value().get())
            .flatten()
            .and_then(|r| match r {
                Ok(_) => None,
                Err(error @ AppError::Conflict { .. }) => {
                    Some(view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any())
                }
                Err(error) => Some(view! { <ErrorBox error /> }.into_any()),
            })
    };
    view! {
        <div class="review-controls" data-report=report_id>
            <label>
                {td_string!(l, tracking.return_reason)}
                <textarea
                    name="reason"
                    rows="2"
                    placeholder=td_string!(l, tracking.return_reason_placeholder)
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
            </label>
            {choice}
            <button
                type="button"
                class="accept"
                disabled=move || action.pending().get()
                on:click=move |_| send("accepted")
            >
                {td_string!(l, tracking.accept_action)}
            </button>
            <button
                type="button"
                class="return"
                disabled=move || action.pending().get()
                on:click=move |_| send("returned")
            >
                {td_string!(l, tracking.return_action)}
            </button>
            {result}
        </div>
    }
}
