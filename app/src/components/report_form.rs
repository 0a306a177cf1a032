//! The progress-report form of an item page: one unit's report on its own assignment.

use crate::components::error_box::ErrorBox;
use crate::components::review::{DatedLaterNote, LateFiledNote};
use crate::error::AppError;
use crate::i18n::i18n::td_string;
use crate::i18n::{date, fmt, lang, report_state};
use crate::tracking::SubmitReport;
use leptos::prelude::*;
use sanzhi_domain::chrono::NaiveDate;
use sanzhi_domain::{Milestone, Report, ReportState, Tracked};

/// One evidence file on its way up, or its answer.
#[derive(Debug, Clone)]
struct Upload {
    name: String,
    fraction: f64,
    result: Option<Result<sanzhi_domain::EvidenceFile, String>>,
}

/// A form that appends a report; on a conflict it shows the newer report instead of
/// overwriting it.
#[component]
pub fn ReportFormView(
    /// The item's assignments the reporter may choose from.
    rows: Vec<Tracked>,
    /// The item's milestones, for “which milestone is done”.
    milestones: Vec<Milestone>,
    /// The reports already made on `rows`: a correction chooses the one it corrects.
    reports: Vec<Report>,
    /// The as-of day of the page, the default report date.
    as_of: String,
    /// Days a report may be dated back before it is a 补报.
    backdate_days: i64,
    /// The action that submits; the page refetches when it completes.
    submit: ServerAction<SubmitReport>,
) -> impl IntoView {
    let l = lang();
    let pending = submit.pending();
    // One key per form instance: sent twice (a double click, a retry), the server answers
    // with the report the first send made. The page shows a new form after each report. The
    // key is made in the browser once the form is live: a server-rendered page may be kept and
    // served again (the page cache), and two tabs must not share a key.
    let key = RwSignal::new(String::new());
    Effect::new(move |_| key.set(new_submission_key()));
    let page_day = as_of.parse::<NaiveDate>().ok();
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
    // Evidence files go up as soon as they are chosen (with progress), each kept for the
    // chosen assignment; the form sends their ids and the report takes them in its own
    // transaction. Choosing another assignment drops them from the form.
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let on_change = move |ev| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            selected.set(id);
            uploads.set(Vec::new());
        }
    };
    let busy = move || pending.get() || uploads.with(|u| u.iter().any(|x| x.result.is_none()));
    view! {
        <section class="card report-form" id="report-form">
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
                <input type="hidden" name="form[submission_key]" prop:value=move || key.get() />
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
                <EvidenceUpload selected uploads />
                <CorrectsSelect reports selected />
                <button type="submit" disabled=busy aria-busy=move || busy().to_string()>
                    {move || {
                        if pending.get() {
                            td_string!(l, tracking.submitting)
                        } else {
                            td_string!(l, tracking.submit_report)
                        }
                    }}
                </button>
            </ActionForm>
            <ReportResult submit page_day />
        </section>
    }
}

/// Evidence files: each goes up as soon as it is chosen (with progress), kept for the chosen
/// assignment; the form sends the ids of those that arrived.
#[component]
fn EvidenceUpload(selected: RwSignal<i64>, uploads: RwSignal<Vec<Upload>>) -> impl IntoView {
    let l = lang();
    let file_ids = move || {
        uploads.with(|u| {
            u.iter()
                .filter_map(|x| match &x.result {
                    Some(Ok(f)) => Some(f.id.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    let file_input = NodeRef::<leptos::html::Input>::new();
    let on_files = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            let Some(list) = input.files() else {
                return;
            };
            let assignment = selected.get_untracked();
            for i in 0..list.length() {
                let Some(file) = list.get(i) else {
                    continue;
                };
                let name = file.name();
                let slot = uploads.with_untracked(Vec::len);
                uploads.update(|u| {
                    u.push(Upload {
                        name: name.clone(),
                        fraction: 0.0,
                        result: None,
                    })
                });
                let url = format!(
                    "/api/evidence?assignment={assignment}&name={}",
                    crate::url::query_value(&name)
                );
                crate::upload::post_file(
                    &url,
                    &file,
                    move |f| uploads.update(|u| u[slot].fraction = f),
                    move |status, text| {
                        let answer = crate::components::upload_progress::read_answer::<
                            sanzhi_domain::EvidenceFile,
                        >(l, status, &text);
                        uploads.update(|u| u[slot].result = Some(answer));
                    },
                );
            }
            // The same file may be chosen again after a refusal.
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (file_input, uploads, selected);
    };
    view! {
                <div class="wide evidence-upload">
                    <label>
                        {td_string!(l, tracking.files_label)}
                        // On a phone this offers the camera as well as the files.
                        <input
                            type="file"
                            multiple=true
                            accept="image/jpeg,image/png,image/webp,image/heic,application/pdf,image/*"
                            node_ref=file_input
                            on:change=on_files
                        />
                    </label>
                    <p class="muted">{td_string!(l, tracking.files_hint)}</p>
                    <input type="hidden" name="form[files]" value=file_ids />
                    <ul class="uploads">
                        {move || {
                            uploads
                                .get()
                                .into_iter()
                                .map(|u| {
                                    let line = match &u.result {
                                        None => fmt(td_string!(l, common.uploading), &[&format!("{:.0}", u.fraction * 100.0)]),
                                        Some(Ok(_)) => td_string!(l, tracking.file_uploaded).to_owned(),
                                        Some(Err(e)) => e.clone(),
                                    };
                                    let class = match &u.result {
                                        Some(Err(_)) => "upload error",
                                        Some(Ok(_)) => "upload ok",
                                        None => "upload",
                                    };
                                    view! { <li class=class>{u.name} " — " {line}</li> }
                                })
                                .collect_view()
                        }}
                    </ul>
                </div>
    }
}

/// The report a correction corrects: the reports of the chosen assignment, newest first.
#[component]
fn CorrectsSelect(reports: Vec<Report>, selected: RwSignal<i64>) -> impl IntoView {
    let l = lang();
    view! {
                <label>
                    {td_string!(l, tracking.corrects_label)}
                    // The reports of the assignment chosen above, newest first.
                    <select name="form[corrects_id]">
                        <option value="">{td_string!(l, tracking.corrects_none)}</option>
                        {move || {
                            let id = selected.get();
                            let mut own: Vec<&Report> = reports
                                .iter()
                                .filter(|r| r.assignment_id == id)
                                .collect();
                            own.sort_by_key(|r| std::cmp::Reverse(r.version));
                            own.into_iter()
                                .map(|r| {
                                    let text: String = r.narrative.chars().take(30).collect();
                                    let label = fmt(
                                        td_string!(l, tracking.corrects_option),
                                        &[&r.version, &date(l, r.reported_on), &report_state(l, r.state), &text],
                                    );
                                    view! { <option value=r.id.to_string()>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
    }
}

/// What the last send answered: the report made, the newer report it conflicts with, or the
/// error.
#[component]
fn ReportResult(submit: ServerAction<SubmitReport>, page_day: Option<NaiveDate>) -> impl IntoView {
    let l = lang();
    let result = submit.value();
    view! {
            <div class="report-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(rep) => {
                                let recorded = rep.recorded_on();
                                view! {
                                    <p class="ok">
                                        {fmt(td_string!(l, tracking.submitted), &[&rep.version, &date(l, rep.reported_on)])}
                                        " "
                                        <LateFiledNote report=rep.clone() />
                                    </p>
                                    {page_day
                                        .map(|as_of| {
                                            view! {
                                                <DatedLaterNote
                                                    what=td_string!(l, tracking.this_report).to_owned()
                                                    recorded=recorded
                                                    as_of
                                                />
                                            }
                                        })}
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
    }
}

/// A random key for one form instance (16 bytes, hex) from `crypto.getRandomValues`
/// (available without HTTPS, unlike `randomUUID`).
#[cfg(feature = "hydrate")]
fn new_submission_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if filled {
        hex(&bytes)
    } else {
        // No generator: no key, and the version check alone guards the form.
        String::new()
    }
}

/// On the server no key is made: the browser makes one once the form is live (see above).
#[cfg(not(feature = "hydrate"))]
fn new_submission_key() -> String {
    String::new()
}

#[cfg(feature = "hydrate")]
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
