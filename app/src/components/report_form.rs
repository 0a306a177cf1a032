//! The progress-report form of an item page: one unit's report on its own assignment.

use crate::components::error_box::ErrorBox;
use crate::error::AppError;
use crate::tracking::SubmitReport;
use leptos::prelude::*;
use sanzhi_domain::{Milestone, Tracked};

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
    /// The action that submits; the page refetches when it completes.
    submit: ServerAction<SubmitReport>,
) -> impl IntoView {
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
            <h2>"填报进展"</h2>
            <ActionForm action=submit>
                <label>
                    "责任单位"
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
                    "状态"
                    <select name="form[state]">
                        <option value="in_progress">"推进中"</option>
                        <option value="done">"已完成"</option>
                    </select>
                </label>
                <label>
                    "完成的时限"
                    <select name="form[milestone_seq]">
                        <option value="">"整项工作"</option>
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
                    "报告日期"
                    <input type="date" name="form[reported_on]" value=as_of required=true />
                </label>
                <label>
                    "完成量（如有量化目标）"
                    <input type="text" inputmode="decimal" name="form[achieved]" />
                </label>
                <label class="wide">
                    "进展情况"
                    <textarea name="form[narrative]" rows="3" required=true></textarea>
                </label>
                <label class="wide">
                    "佐证链接（每行一个）"
                    <textarea name="form[evidence]" rows="2"></textarea>
                </label>
                // The server signs the report with the signed-in user's name.
                <input type="hidden" name="form[reporter]" value="signed-in user" />
                <label>
                    "更正的报告编号（如为更正）"
                    <input type="text" name="form[corrects_id]" />
                </label>
                <button type="submit">"提交报告"</button>
            </ActionForm>
            <div class="report-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(rep) => {
                                view! {
                                    <p class="ok">
                                        {format!("已提交：第 {} 次报告（{}）。", rep.version, rep.reported_on)}
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
                                                        {format!(
                                                            "较新的报告：第 {} 次，{}，{}，{}：{}",
                                                            n.version,
                                                            n.reported_on,
                                                            n.state.label_zh(),
                                                            n.reporter,
                                                            n.narrative,
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
