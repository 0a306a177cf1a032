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

/// A write recorded after the day the page replays (a 签收 made today while viewing
/// 2019-03-31, as the demo opens): “签收 recorded on 2026-12-06, after the day this page shows;
/// that day's view does not include it”, with a link to the page as of the day it was recorded.
/// Nothing when the page shows the day of the write or a later one.
#[component]
pub fn DatedLaterNote(what: String, recorded: NaiveDate, as_of: NaiveDate) -> impl IntoView {
    let l = lang();
    (recorded > as_of).then(|| {
        view! {
            <p class="dated-later" role="status">
                {fmt(
                    td_string!(l, tracking.dated_later),
                    &[&what, &date(l, recorded), &date(l, as_of)],
                )}
                " "
                <a href=format!("?as_of={recorded}")>
                    {fmt(td_string!(l, tracking.view_on_day), &[&date(l, recorded)])}
                </a>
            </p>
        }
    })
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
    /// The day the page replays, when it is one (the item page): a decision recorded after
    /// it is not in that day's view, and the page says so.
    #[prop(optional)]
    as_of: Option<NaiveDate>,
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
                Ok(review) => as_of.map(|as_of| {
                    view! {
                        <DatedLaterNote
                            what=decision(l, review.decision).to_owned()
                            recorded=review.recorded_on()
                            as_of
                        />
                    }
                    .into_any()
                }),
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
