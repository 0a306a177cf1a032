//! `/admin/import` — the 导入 page: import a plan from an allocation table (工作任务分工表,
//! .xlsx or CSV) with the plan's header in a small form, preview what would change
//! (created / updated / unchanged items, problems by row and column, unknown units to map to
//! existing ones, unknown headers to map to fields), then 确认导入. It links to the readings
//! import on `/readings` so both imports are reachable from one page.
//!
//! The upload goes to `POST /api/import/plan` (see `server/src/plan_import.rs`) as the raw
//! body, the form fields and mappings in the query string. The JSON answer is
//! [`PlanImportOutcome`]; the server checks the admin role.
//!
//! Files: `outcome.rs` shows what an upload answered; this file has the page and its form.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use leptos_meta::Title;
use sanzhi_domain::plan_import::{ImportItemChange, ImportItemState, PlanImportOutcome};
use std::collections::BTreeMap;

mod outcome;

use outcome::*;

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
    view! {
        <Title text=td_string!(l, import.title) />
        <h1>{td_string!(l, import.heading)}</h1>
        <p class="muted">{td_string!(l, import.lead)}</p>
        <ReadingsImportLinks />
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
                <PlanHeaderFields form units touched />
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

/// The readings' import and exports, reachable from this page too.
#[component]
fn ReadingsImportLinks() -> impl IntoView {
    let l = lang();
    view! {
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
    }
}

/// The plan's header in the form: code, names, 文号, owner, period, issue day, goals.
#[component]
fn PlanHeaderFields(
    form: Form,
    units: Resource<Result<Vec<(String, String)>, crate::error::AppError>>,
    touched: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = lang();
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
    }
}
