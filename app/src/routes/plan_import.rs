//! `/admin/import` — the 导入 page: import a plan from an allocation table (工作任务分工表,
//! .xlsx or CSV) with the plan's header in a small form, preview what would change
//! (created / updated / unchanged items, problems by row and column, unknown units to map to
//! existing ones, unknown headers to map to fields), then 确认导入. It links to the readings
//! import on `/readings` so both imports are reachable from one page.
//!
//! The upload goes to `POST /api/import/plan` (see `server/src/plan_import.rs`) as the raw
//! body, the form fields and mappings in the query string. The JSON answer is
//! [`PlanImportOutcome`]; the server checks the admin role.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use leptos_meta::Title;
use sanzhi_domain::RowProblem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A problem with a field of the form (`code`, `title`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProblem {
    pub field: String,
    pub reason: String,
}

/// A unit phrase of the table that names no known unit, with where it is (row, column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownUnitView {
    pub phrase: String,
    pub places: Vec<(u64, String)>,
    /// The existing unit it most likely means (a truncated or misspelt name).
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// A column read: the header as written and the field (`item`, `responsible`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnView {
    pub header: String,
    pub field: String,
}

/// A field of the plan's header that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChangeView {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What an import compares of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemStateView {
    pub action: String,
    pub task: String,
    pub text: String,
    pub lead_text: String,
    pub responsible_text: String,
    pub leads: Vec<String>,
    pub units: Vec<String>,
    pub vias: Vec<String>,
    pub deadlines: Vec<String>,
}

/// One item: `created`, `updated` (`fields` that differ) or `unchanged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChangeView {
    pub number: i32,
    pub change: String,
    pub fields: Vec<String>,
    pub before: Option<ItemStateView>,
    pub after: ItemStateView,
}

/// What the import does (preview) or did (committed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReportView {
    pub plan: String,
    pub plan_created: bool,
    pub plan_changes: Vec<FieldChangeView>,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub items: Vec<ItemChangeView>,
    pub not_in_file: Vec<i32>,
    pub blocked: Vec<String>,
    /// What the import does with the plan's own indicators and targets.
    #[serde(default)]
    pub measures: Vec<String>,
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub rows_unchanged: u64,
    pub committed: bool,
}

/// The answer of `POST /api/import/plan`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanImportOutcome {
    /// `preview`, `committed` or `rejected` (nothing written).
    pub outcome: String,
    /// `xlsx` or the CSV's encoding.
    pub format: String,
    /// Why the whole file was refused, if it was.
    pub reason: Option<String>,
    pub form_problems: Vec<FormProblem>,
    pub problems: Vec<RowProblem>,
    pub unknown_headers: Vec<String>,
    pub unknown_units: Vec<UnknownUnitView>,
    /// Deadline phrases not read: imported as written, 待确认 (row, column, why).
    #[serde(default)]
    pub unconfirmed: Vec<RowProblem>,
    /// A title and a 文号 found above the table's header, offered for the plan's header.
    #[serde(default)]
    pub title_in_file: Option<String>,
    #[serde(default)]
    pub doc_no_in_file: Option<String>,
    pub notes: Vec<String>,
    pub columns: Vec<ColumnView>,
    pub report: Option<ImportReportView>,
}

/// Where an upload is. (The server render is always `Idle`.)
#[derive(Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Stage {
    Idle,
    Uploading(f64),
    Done(Result<Box<PlanImportOutcome>, String>),
}

/// The form's fields, as signals.
#[derive(Clone, Copy)]
struct Form {
    code: RwSignal<String>,
    title: RwSignal<String>,
    short_name: RwSignal<String>,
    short_name_en: RwSignal<String>,
    doc_no: RwSignal<String>,
    owner: RwSignal<String>,
    start_year: RwSignal<String>,
    end_year: RwSignal<String>,
    issued_on: RwSignal<String>,
    goals: RwSignal<String>,
    /// header → field.
    columns: RwSignal<BTreeMap<String, String>>,
    /// unknown unit phrase → existing unit(s) or group.
    unit_map: RwSignal<BTreeMap<String, String>>,
    /// Unit phrases kept without units for now.
    unassigned: RwSignal<std::collections::BTreeSet<String>>,
    /// Mapped phrases to save as unit groups on commit.
    save_groups: RwSignal<std::collections::BTreeSet<String>>,
}

impl Form {
    fn new() -> Self {
        Form {
            code: RwSignal::new(String::new()),
            title: RwSignal::new(String::new()),
            short_name: RwSignal::new(String::new()),
            short_name_en: RwSignal::new(String::new()),
            doc_no: RwSignal::new(String::new()),
            owner: RwSignal::new(String::new()),
            start_year: RwSignal::new("2018".to_owned()),
            end_year: RwSignal::new("2020".to_owned()),
            issued_on: RwSignal::new(String::new()),
            goals: RwSignal::new(String::new()),
            columns: RwSignal::new(BTreeMap::new()),
            unit_map: RwSignal::new(BTreeMap::new()),
            unassigned: RwSignal::new(Default::default()),
            save_groups: RwSignal::new(Default::default()),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn url(&self, commit: bool) -> String {
        let mut q = vec![format!("commit={commit}")];
        for (k, v) in [
            ("code", self.code),
            ("title", self.title),
            ("short_name", self.short_name),
            ("short_name_en", self.short_name_en),
            ("doc_no", self.doc_no),
            ("owner", self.owner),
            ("start_year", self.start_year),
            ("end_year", self.end_year),
            ("issued_on", self.issued_on),
            ("goals", self.goals),
        ] {
            q.push(format!(
                "{k}={}",
                crate::url::query_value(&v.get_untracked())
            ));
        }
        for (k, m) in [("columns", self.columns), ("unit_map", self.unit_map)] {
            let m = m.get_untracked();
            if !m.is_empty() {
                let json = serde_json::to_string(&m).unwrap_or_default();
                q.push(format!("{k}={}", crate::url::query_value(&json)));
            }
        }
        for (k, set) in [
            ("unassigned", self.unassigned),
            ("save_groups", self.save_groups),
        ] {
            // Only phrases still mapped are saved as groups.
            let map = self.unit_map.get_untracked();
            let set: Vec<String> = set
                .get_untracked()
                .into_iter()
                .filter(|p| k != "save_groups" || map.contains_key(p))
                .collect();
            if !set.is_empty() {
                let json = serde_json::to_string(&set).unwrap_or_default();
                q.push(format!("{k}={}", crate::url::query_value(&json)));
            }
        }
        format!("/api/import/plan?{}", q.join("&"))
    }
}

#[component]
pub fn PlanImportPage() -> impl IntoView {
    let l = lang();
    let units = Resource::new(|| (), |_| crate::tracking::list_units());
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    let form = Form::new();
    let stage = RwSignal::new(Stage::Idle);
    let previewed = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let send = move |commit: bool| {
        #[cfg(feature = "hydrate")]
        {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            let Some(file) = crate::upload::chosen_file(&input) else {
                stage.set(Stage::Done(Err(
                    td_string!(l, import.choose_file_first).to_owned()
                )));
                return;
            };
            stage.set(Stage::Uploading(0.0));
            crate::upload::post_file(
                &form.url(commit),
                &file,
                move |f| stage.set(Stage::Uploading(f)),
                move |status, text| {
                    let outcome = crate::components::upload_progress::read_answer::<
                        PlanImportOutcome,
                    >(l, status, &text)
                    .map(Box::new);
                    previewed.set(!commit && matches!(&outcome, Ok(o) if o.outcome == "preview"));
                    stage.set(Stage::Done(outcome));
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (commit, file_input, stage, previewed, form, l);
    };
    // Any change to the form needs a new preview before a commit.
    let touched = move || {
        previewed.set(false);
    };
    let text_field = move |label: &'static str, name: &'static str, sig: RwSignal<String>| {
        view! {
            <label>
                {label}
                <input
                    type="text"
                    name=name
                    prop:value=move || sig.get()
                    on:input=move |ev| {
                        sig.set(event_target_value(&ev));
                        touched();
                    }
                />
            </label>
        }
    };
    view! {
        <Title text=td_string!(l, import.title) />
        <h1>{td_string!(l, import.heading)}</h1>
        <p class="muted">{td_string!(l, import.lead)}</p>
        <section class="card import-links">
            <h2>{td_string!(l, import.readings_heading)}</h2>
            <ul>
                <li>
                    <a href="/readings">{td_string!(l, import.readings_link)}</a>
                </li>
                <li>
                    <a href="/api/readings/template.csv" download>{td_string!(l, import.readings_template)}</a>
                </li>
                <li>
                    <a href="/api/readings.csv" download>{td_string!(l, import.readings_export)}</a>
                </li>
                <li>
                    <a href="/api/indicators.csv" download>{td_string!(l, import.indicators_export)}</a>
                </li>
            </ul>
        </section>
        // A plan is imported by an admin: others are told so, not shown a form the server
        // would refuse.
        <Suspense>
        {move || Suspend::new(async move {
        let admin = matches!(me.await, Ok(Some(u)) if u.role == sanzhi_domain::Role::Admin);
        if !admin {
            return view! {
                <section class="card plan-import">
                    <h2>{td_string!(l, import.plan_heading)}</h2>
                    <p class="muted read-only-note">{td_string!(l, import.admin_only)}</p>
                </section>
            }
                .into_any();
        }
        view! {
        <section class="card plan-import">
            <h2>{td_string!(l, import.plan_heading)}</h2>
            <p class="hint">{td_string!(l, import.columns_hint)}</p>
            <p class="hint">{td_string!(l, import.targets_hint)}</p>
            <p class="hint draft-hint">{td_string!(l, import.draft_hint)}</p>
            <div class="plan-import-form">
                {text_field(td_string!(l, import.code), "code", form.code)}
                {text_field(td_string!(l, import.plan_title), "title", form.title)}
                {text_field(td_string!(l, import.short_name), "short_name", form.short_name)}
                {text_field(td_string!(l, import.short_name_en), "short_name_en", form.short_name_en)}
                {text_field(td_string!(l, import.doc_no), "doc_no", form.doc_no)}
                <label>
                    {td_string!(l, import.owner)}
                    <select
                        name="owner"
                        on:change=move |ev| {
                            form.owner.set(event_target_value(&ev));
                            touched();
                        }
                    >
                        <option value="">{td_string!(l, import.choose)}</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                units
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|(name, _)| view! { <option value=name.clone()>{name.clone()}</option> })
                                    .collect_view()
                            })}
                        </Suspense>
                    </select>
                </label>
                {text_field(td_string!(l, import.start_year), "start_year", form.start_year)}
                {text_field(td_string!(l, import.end_year), "end_year", form.end_year)}
                <label>
                    {td_string!(l, import.issued_on)}
                    <input
                        type="date"
                        name="issued_on"
                        prop:value=move || form.issued_on.get()
                        on:input=move |ev| {
                            form.issued_on.set(event_target_value(&ev));
                            touched();
                        }
                    />
                </label>
                <label class="wide">
                    {td_string!(l, import.goals)}
                    <textarea
                        name="goals"
                        rows="3"
                        prop:value=move || form.goals.get()
                        on:input=move |ev| {
                            form.goals.set(event_target_value(&ev));
                            touched();
                        }
                    ></textarea>
                </label>
                <label class="wide">
                    {td_string!(l, import.file)}
                    <input
                        type="file"
                        name="file"
                        accept=".xlsx,.csv,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        node_ref=file_input
                        on:change=move |_| {
                            previewed.set(false);
                            stage.set(Stage::Idle);
                            form.columns.set(BTreeMap::new());
                            form.unit_map.set(BTreeMap::new());
                            form.unassigned.set(Default::default());
                            form.save_groups.set(Default::default());
                        }
                    />
                </label>
            </div>
            <div class="buttons">
                <button type="button" class="preview" on:click=move |_| send(false)>
                    {td_string!(l, import.preview)}
                </button>
                <button
                    type="button"
                    class="commit"
                    disabled=move || !previewed.get()
                    on:click=move |_| send(true)
                >
                    {td_string!(l, import.confirm_import)}
                </button>
            </div>
            <div class="import-result" aria-live="polite">
                {move || match stage.get() {
                    Stage::Idle => ().into_any(),
                    Stage::Uploading(f) => {
                        view! { <crate::components::upload_progress::UploadProgress fraction=f /> }.into_any()
                    }
                    Stage::Done(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    Stage::Done(Ok(o)) => {
                        let unit_names = units.get().and_then(Result::ok).unwrap_or_default();
                        view! { <OutcomeView o=*o unit_names form touched /> }.into_any()
                    }
                }}
            </div>
        </section>
        }
            .into_any()
        })}
        </Suspense>
    }
}

fn field_label(l: crate::i18n::Locale, f: &str) -> String {
    match f {
        "task" => td_string!(l, import.f_task).to_owned(),
        "text" => td_string!(l, import.f_text).to_owned(),
        "leads" => td_string!(l, import.f_leads).to_owned(),
        "units" => td_string!(l, import.f_units).to_owned(),
        "deadlines" => td_string!(l, import.f_deadlines).to_owned(),
        other => other.to_owned(),
    }
}

fn state_lines(s: &ItemStateView, fields: &[String]) -> String {
    let mut out = Vec::new();
    for f in fields {
        out.push(match f.as_str() {
            "task" => format!("{} / {}", s.action, s.task),
            "text" => s.text.clone(),
            "leads" => s.leads.join("、"),
            "units" => s.units.join("、"),
            "deadlines" => s.deadlines.join("；"),
            _ => String::new(),
        });
    }
    out.join("\n")
}

#[component]
fn OutcomeView(
    o: PlanImportOutcome,
    unit_names: Vec<(String, String)>,
    form: Form,
    touched: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = lang();
    let rejected = o.outcome == "rejected";
    let summary = o.report.as_ref().map(|r| {
        let text = if r.committed {
            fmt(
                td_string!(l, import.committed_counts),
                &[&r.plan, &r.created, &r.updated, &r.unchanged],
            )
        } else {
            fmt(
                td_string!(l, import.preview_counts),
                &[&r.created, &r.updated, &r.unchanged],
            )
        };
        let nothing = o.outcome == "committed" && !r.committed;
        let code = r.plan.clone();
        view! {
            <p class=if rejected { "counts" } else { "ok counts" }>{text}</p>
            {r.plan_created.then(|| view! { <p>{td_string!(l, import.plan_new)}</p> })}
            {nothing.then(|| view! { <p class="ok">{td_string!(l, import.nothing_to_change)}</p> })}
            {r.committed.then(|| view! {
                <p><a href=format!("/plans/{code}")>{td_string!(l, import.open_plan)}</a></p>
            })}
        }
    });
    let report = o.report.clone();
    view! {
        <div class="plan-import-outcome" class:rejected=rejected>
            {rejected.then(|| view! { <p class="error" role="alert">{td_string!(l, import.rejected)}</p> })}
            {o.reason.clone().map(|r| view! { <p class="error">{r}</p> })}
            {(!o.format.is_empty()).then(|| view! { <p class="muted">{fmt(td_string!(l, import.format), &[&o.format])}</p> })}
            {summary}
            {(o.title_in_file.is_some() || o.doc_no_in_file.is_some()).then(|| {
                let (title, doc_no) = (o.title_in_file.clone(), o.doc_no_in_file.clone());
                let text = fmt(
                    td_string!(l, import.header_in_file),
                    &[&title.clone().unwrap_or_else(|| "—".into()), &doc_no.clone().unwrap_or_else(|| "—".into())],
                );
                view! {
                    <p class="header-in-file">
                        {text} " "
                        <button
                            type="button"
                            class="secondary use-header"
                            on:click=move |_| {
                                if let Some(t) = title.clone() { form.title.set(t); }
                                if let Some(d) = doc_no.clone() { form.doc_no.set(d); }
                                touched();
                            }
                        >
                            {td_string!(l, import.use_header)}
                        </button>
                    </p>
                }
            })}
            {(!o.form_problems.is_empty()).then(|| view! {
                <h3>{td_string!(l, import.form_problems)}</h3>
                <ul class="problems">
                    {o.form_problems.iter().map(|p| view! { <li>{format!("{}：{}", p.field, p.reason)}</li> }).collect_view()}
                </ul>
            })}
            {(!o.problems.is_empty()).then(|| view! {
                <h3>{td_string!(l, import.problems)}</h3>
                <table class="grid problems">
                    <thead>
                        <tr>
                            <th>{td_string!(l, import.row)}</th>
                            <th>{td_string!(l, import.column)}</th>
                            <th>{td_string!(l, import.reason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {o.problems.iter().map(|p| view! {
                            <tr><td>{p.row}</td><td>{p.column.clone()}</td><td>{p.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {report.as_ref().filter(|r| !r.blocked.is_empty()).map(|r| view! {
                <h3>{td_string!(l, import.blocked)}</h3>
                <ul class="problems">{r.blocked.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
            })}
            {(!o.unknown_units.is_empty()).then(|| {
                let names = unit_names.clone();
                view! {
                    <h3>{td_string!(l, import.unknown_units)}</h3>
                    <p class="muted">{td_string!(l, import.unknown_units_hint)}</p>
                    <datalist id="unit-choices">
                        {names.iter().map(|(n, _)| view! { <option value=n.clone()></option> }).collect_view()}
                    </datalist>
                    <table class="grid unknown-units">
                        <thead>
                            <tr>
                                <th>{td_string!(l, import.f_units)}</th>
                                <th>{td_string!(l, import.unit_where)}</th>
                                <th>{td_string!(l, import.map_to)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {o.unknown_units.iter().map(|u| {
                                let phrase = u.phrase.clone();
                                let places = u.places.iter().map(|(r, c)| format!("{r}/{c}")).collect::<Vec<_>>().join("，");
                                let value = RwSignal::new(form.unit_map.get_untracked().get(&phrase).cloned().unwrap_or_default());
                                let set = {
                                    let phrase = phrase.clone();
                                    move |v: String| {
                                        value.set(v.clone());
                                        let p = phrase.clone();
                                        form.unit_map.update(|m| {
                                            if v.trim().is_empty() { m.remove(&p); } else { m.insert(p, v.trim().to_owned()); }
                                        });
                                        touched();
                                    }
                                };
                                let suggestion = u.suggestion.clone().map(|sug| {
                                    let set = set.clone();
                                    let label = fmt(td_string!(l, import.use_suggestion), &[&sug]);
                                    view! {
                                        <button type="button" class="secondary suggestion" on:click=move |_| set(sug.clone())>
                                            {label}
                                        </button>
                                    }
                                });
                                let (p1, p2) = (phrase.clone(), phrase.clone());
                                let set_input = set.clone();
                                view! {
                                    <tr data-phrase=phrase.clone()>
                                        <td>{u.phrase.clone()}</td>
                                        <td>{places}</td>
                                        <td class="unit-choice">
                                            <input
                                                type="text"
                                                class="map-to"
                                                list="unit-choices"
                                                placeholder=td_string!(l, import.map_to_placeholder)
                                                prop:value=move || value.get()
                                                on:change=move |ev| set_input(event_target_value(&ev))
                                            />
                                            {suggestion}
                                            <label class="inline">
                                                <input
                                                    type="checkbox"
                                                    class="unassigned"
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        let p = p1.clone();
                                                        form.unassigned.update(|s| { if on { s.insert(p); } else { s.remove(&p); } });
                                                        touched();
                                                    }
                                                />
                                                {td_string!(l, import.keep_unassigned)}
                                            </label>
                                            <label class="inline">
                                                <input
                                                    type="checkbox"
                                                    class="save-group"
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        let p = p2.clone();
                                                        form.save_groups.update(|s| { if on { s.insert(p); } else { s.remove(&p); } });
                                                        touched();
                                                    }
                                                />
                                                {td_string!(l, import.save_as_group)}
                                            </label>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
            {(!o.unknown_headers.is_empty()).then(|| view! {
                <h3>{td_string!(l, import.unknown_headers)}</h3>
                <ul class="unknown-headers">
                    {o.unknown_headers.iter().map(|h| {
                        let header = h.clone();
                        view! {
                            <li>
                                {h.clone()}
                                " → "
                                <select on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    let h = header.clone();
                                    form.columns.update(|m| {
                                        if v.is_empty() { m.remove(&h); } else { m.insert(h, v); }
                                    });
                                    touched();
                                }>
                                    <option value="">{td_string!(l, import.choose)}</option>
                                    <option value="ignore">{td_string!(l, import.ignore_column)}</option>
                                    <option value="number">{td_string!(l, import.number)}</option>
                                    <option value="action">"行动 / action"</option>
                                    <option value="task">{td_string!(l, import.f_task)}</option>
                                    <option value="item">{td_string!(l, import.f_text)}</option>
                                    <option value="lead">{td_string!(l, import.f_leads)}</option>
                                    <option value="responsible">{td_string!(l, import.f_units)}</option>
                                    <option value="deadline">{td_string!(l, import.f_deadlines)}</option>
                                </select>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!o.unconfirmed.is_empty()).then(|| view! {
                <h3>{fmt(td_string!(l, import.unconfirmed), &[&o.unconfirmed.len()])}</h3>
                <p class="muted">{td_string!(l, import.unconfirmed_hint)}</p>
                <table class="grid unconfirmed">
                    <thead>
                        <tr>
                            <th>{td_string!(l, import.row)}</th>
                            <th>{td_string!(l, import.column)}</th>
                            <th>{td_string!(l, import.reason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {o.unconfirmed.iter().map(|p| view! {
                            <tr><td>{p.row}</td><td>{p.column.clone()}</td><td>{p.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!o.notes.is_empty()).then(|| view! {
                <h3>{td_string!(l, import.notes)}</h3>
                <ul class="notes">{o.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            {report.map(|r| {
                let changed: Vec<ItemChangeView> = r.items.iter().filter(|i| i.change != "unchanged").cloned().collect();
                view! {
                    {(!r.measures.is_empty()).then(|| view! {
                        <h3>{td_string!(l, import.measures)}</h3>
                        <ul class="measures">{r.measures.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul>
                    })}
                    {(!r.plan_changes.is_empty()).then(|| view! {
                        <h3>{td_string!(l, import.plan_changes)}</h3>
                        <ul>{r.plan_changes.iter().map(|c| view! { <li>{format!("{}：{} → {}", c.field, c.before, c.after)}</li> }).collect_view()}</ul>
                    })}
                    {(!r.not_in_file.is_empty()).then(|| view! {
                        <p class="notice">{fmt(td_string!(l, import.not_in_file), &[&r.not_in_file.iter().map(|n| format!("({n})")).collect::<Vec<_>>().join("")])}</p>
                    })}
                    {(!changed.is_empty()).then(|| view! {
                        <h3>{td_string!(l, import.changes)}</h3>
                        <table class="grid import-changes">
                            <thead>
                                <tr>
                                    <th>{td_string!(l, import.number)}</th>
                                    <th>{td_string!(l, import.change)}</th>
                                    <th>{td_string!(l, import.before)}</th>
                                    <th>{td_string!(l, import.after)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {changed.into_iter().map(|i| {
                                    let (what, fields) = if i.change == "created" {
                                        (td_string!(l, import.created).to_owned(), vec!["text".to_owned(), "units".to_owned(), "deadlines".to_owned()])
                                    } else {
                                        (
                                            format!("{}：{}", td_string!(l, import.updated), i.fields.iter().map(|f| field_label(l, f)).collect::<Vec<_>>().join("、")),
                                            i.fields.clone(),
                                        )
                                    };
                                    let before = i.before.as_ref().map(|b| state_lines(b, &fields)).unwrap_or_default();
                                    let after = state_lines(&i.after, &fields);
                                    view! {
                                        <tr class=format!("change-{}", i.change)>
                                            <td>{format!("({})", i.number)}</td>
                                            <td>{what}</td>
                                            <td class="pre">{before}</td>
                                            <td class="pre">{after}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                }
            })}
        </div>
    }
}
