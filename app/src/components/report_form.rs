//! The progress-report form of an item page: one unit's report on its own assignment.

use crate::components::error_box::ErrorBox;
use crate::components::review::LateFiledNote;
use crate::error::AppError;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, report_state};
use crate::tracking::SubmitReport;
use leptos::prelude::*;
use sanzhi_domain::{Milestone, ReportState, Tracked};

/// A form that appends a report; on a conflict it shows the newer report instead of
/// overwriting it.
#[component]
pub fn ReportFormView(
    /// The item's assignments the reporter may choose from.
    rows: Vec<Tracked>,
    /// The item's milestones, for “which milestone is done”.
    milestones: Vec<Milestone>,
    /// The as-of day of the page, the default report date.
    as_of: String,
    /// Days a report may be dated back before it is a 补报.
    backdate_days: i64,
    /// The action that submits; the page refetches when it completes.
    submit: ServerAction<SubmitReport>,
) -> impl IntoView {
    let l = lang();
    let result = submit.value();
    let versions: Vec<(i64, i32)> = rows
        .iter()
        .map(|r| (r.assignment_id, r.report_count))
        .collect();
    let selected = RwSignal::new(rows.first().map_or(0, |r| r.assignment_id));
    let expected = move || {
        let id = selected.get();
        versions
            .iter()
            .find(|(a, _)| *a == id)
            .map_or(0, |(_, v)| *v)
            .to_string()
    };
    let on_change = move |ev| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            selected.set(id);
        }
    };
    view! {
        <section class="card report-form">
            <h2>{td_string!(l, tracking.report_form_heading)}</h2>
            <ActionForm action=submit>
                <label>
                    {td_string!(l, tracking.responsible_unit)}
                    <select name="form[assignment_id]" required=true on:change=on_change>
                        {rows
                            .iter()
                            .map(|r| {
                                view! {
                                    <option value=r.assignment_id.to_string()>{r.unit.clone()}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <input type="hidden" name="form[expected_version]" value=expected />
                <label>
                    {td_string!(l, tracking.status)}
                    <select name="form[state]">
                        <option value="in_progress">{report_state(l, ReportState::InProgress)}</option>
                        <option value="done">{report_state(l, ReportState::Done)}</option>
                    </select>
                </label>
                <label>
                    {td_string!(l, tracking.milestone_done)}
                    <select name="form[milestone_seq]">
                        <option value="">{td_string!(l, tracking.whole_item)}</option>
                        {milestones
                            .into_iter()
                            .enumerate()
                            .map(|(i, m)| {
                                view! { <option value=(i + 1).to_string()>{m.phrase}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {td_string!(l, tracking.reported_on)}
                    <input type="date" name="form[reported_on]" value=as_of required=true />
                </label>
                <p class="muted wide report-date-rule">{fmt(td_string!(l, tracking.report_date_rule), &[&backdate_days])}</p>
                <label>
                    {td_string!(l, tracking.achieved_label)}
                    <input type="text" inputmode="decimal" name="form[achieved]" />
                </label>
                <label class="wide">
                    {td_string!(l, tracking.narrative_label)}
                    <textarea name="form[narrative]" rows="3" required=true></textarea>
                </label>
                <label class="wide">
                    {td_string!(l, tracking.evidence_label)}
                    <textarea name="form[evidence]" rows="2"></textarea>
                </label>
                // The server signs the report with the signed-in user's name.
                <input type="hidden" name="form[reporter]" value="signed-in user" />
                <label>
                    {td_string!(l, tracking.corrects_label)}
                    <input type="text" name="form[corrects_id]" />
                </label>
                <button type="submit">{td_string!(l, tracking.submit_report)}</button>
            </ActionForm>
            <div class="report-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(rep) => {
                                view! {
                                    <p class="ok">
                                        {fmt(td_string!(l, tracking.submitted), &[&rep.version, &date(l, rep.reported_on)])}
                                        " "
                                        <LateFiledNote report=rep.clone() />
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(AppError::Conflict { message, newest }) => {
                                view! {
                                    <div class="conflict" role="alert">
                                        <p class="error">{message}</p>
                                        {newest
                                            .map(|n| {
                                                view! {
                                                    <p>
                                                        {fmt(
                                                            td_string!(l, tracking.newer_report),
                                                            &[
                                                                &n.version,
                                                                &date(l, n.reported_on),
                                                                &report_state(l, n.state),
                                                                &n.reporter,
                                                                &n.narrative,
                                                            ],
                                                        )}
                                                    </p>
                                                }
                                            })}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}
