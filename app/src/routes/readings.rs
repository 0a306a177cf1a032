//! `/readings?year=2018&indicator=pm25&place=柯城` — 读数: the monthly readings with filters,
//! the entry form, and the CSV import (upload with progress, preview, then confirm).

use crate::components::error_box::ErrorBox;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang, Locale};
use crate::readings::{
    get_readings, ImportOutcome, ImportPreview, IndicatorInfo, ReadingsPage as Data, SaveReading,
    LIST_LIMIT,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sanzhi_domain::ReadingSource;

#[component]
pub fn ReadingsPage() -> impl IntoView {
    let l = lang();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("year").and_then(|y| y.parse::<i32>().ok()),
            q.get("indicator"),
            q.get("place"),
        )
    });
    let save = ServerAction::<SaveReading>::new();
    // Set when an import commits, so the list reloads.
    let imported = RwSignal::new(0u32);
    // The import's state lives above the list: the list reloads after a commit and must not
    // take the import's result with it.
    let import = ImportState {
        stage: RwSignal::new(Stage::Idle),
        previewed: RwSignal::new(false),
    };
    let data = Resource::new(
        move || (args.get(), save.version().get(), imported.get()),
        |((y, i, p), _, _)| get_readings(y, i, p),
    );
    view! {
        <Title text=td_string!(l, readings.title) />
        <h1>{td_string!(l, readings.heading)}</h1>
        <p class="lead">{td_string!(l, readings.lead)}</p>
        <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Page p save imported import /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Where a reading came from, in the page's language.
fn source_label(l: Locale, s: ReadingSource) -> &'static str {
    match s {
        ReadingSource::Entered => td_string!(l, readings.source_entered),
        ReadingSource::Imported => td_string!(l, readings.source_imported),
        ReadingSource::Api => td_string!(l, readings.source_api),
        ReadingSource::Demo => td_string!(l, readings.source_demo),
    }
}

fn query_string(year: i32, indicator: &Option<String>, place: &Option<String>) -> String {
    let mut q = format!("year={year}");
    if let Some(i) = indicator {
        q.push_str(&format!("&indicator={}", crate::url::query_value(i)));
    }
    if let Some(p) = place {
        q.push_str(&format!("&place={}", crate::url::query_value(p)));
    }
    q
}

#[component]
fn Page(
    p: Data,
    save: ServerAction<SaveReading>,
    imported: RwSignal<u32>,
    import: ImportState,
) -> impl IntoView {
    let l = lang();
    let all_places: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for c in &p.catalogue {
            for pl in &c.places {
                if !v.contains(pl) {
                    v.push(pl.clone());
                }
            }
        }
        v
    };
    view! {
        <ReadingsFilter p=p.clone() places=all_places.clone() />
        <p class="counts">
            {fmt(td_string!(l, readings.counts), &[&p.total, &p.demo])}
        </p>
        {(p.demo > 0).then(|| view! {
            <p class="demo-banner" role="note">{td_string!(l, readings.demo_banner)}</p>
        })}
        {if p.may_write.is_empty() {
            // Shown only what the caller may do: a leader or a unit reads, it does not enter.
            view! { <p class="muted read-only-note">{td_string!(l, readings.read_only)}</p> }.into_any()
        } else {
            let catalogue: Vec<_> = p
                .catalogue
                .iter()
                .filter(|c| p.may_write.contains(&c.plan))
                .cloned()
                .collect();
            view! {
                <div class="two-col">
                    <EntryForm catalogue places=all_places.clone() year=p.year save />
                    <ImportBox imported state=import />
                </div>
            }
                .into_any()
        }}
        <ReadingsTable p />
    }
}

/// The filters of the list (year, indicator, place) and the export of what they select.
#[component]
fn ReadingsFilter(p: Data, places: Vec<String>) -> impl IntoView {
    let l = lang();
    let qs = query_string(p.year, &p.indicator, &p.place);
    view! {
        <form class="filters" method="get" action="/readings">
            <label>
                {td_string!(l, readings.year)}
                <select name="year">
                    {sanzhi_domain::reading::YEARS
                        .map(|y| view! { <option value=y.to_string() selected=y == p.year>{fmt(td_string!(l, readings.year_option), &[&y])}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, readings.indicator)}
                <select name="indicator">
                    <option value="">{td_string!(l, readings.all)}</option>
                    <option value="water." selected=p.indicator.as_deref() == Some("water.")>
                        {td_string!(l, readings.water_sections_six)}
                    </option>
                    {p.catalogue
                        .iter()
                        .map(|c| {
                            view! {
                                <option value=c.code.clone() selected=p.indicator.as_deref() == Some(c.code.as_str())>
                                    {c.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(l, readings.place)}
                <select name="place">
                    <option value="">{td_string!(l, readings.all)}</option>
                    {places
                        .iter()
                        .map(|pl| view! { <option value=pl.clone() selected=p.place.as_deref() == Some(pl.as_str())>{pl.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">{td_string!(l, readings.filter)}</button>
            <a class="button-link" href=format!("/api/readings.csv?{qs}") download="">
                {td_string!(l, readings.export_csv)}
            </a>
        </form>
    }
}

/// The readings the filters select (at most [`LIST_LIMIT`]), each with its source.
#[component]
fn ReadingsTable(p: Data) -> impl IntoView {
    let l = lang();
    let name_of = {
        let cat = p.catalogue.clone();
        move |code: &str| {
            cat.iter().find(|c| c.code == code).map_or_else(
                || code.to_owned(),
                |c| fmt(td_string!(l, readings.name_with_unit), &[&c.name, &c.unit]),
            )
        }
    };
    let shown = p.rows.len();
    view! {
        <section class="card">
            <h2>{fmt(td_string!(l, readings.list_heading), &[&p.year, &p.matched])}</h2>
            {(p.matched > shown).then(|| view! {
                <p class="notice">{fmt(td_string!(l, readings.list_limited), &[&LIST_LIMIT])}</p>
            })}
            {if p.rows.is_empty() {
                view! { <p class="empty">{td_string!(l, readings.empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid readings">
                        <thead>
                            <tr>
                                <th>{td_string!(l, readings.indicator)}</th>
                                <th>{td_string!(l, readings.place)}</th>
                                <th>{td_string!(l, readings.month)}</th>
                                <th>{td_string!(l, readings.value)}</th>
                                <th>{td_string!(l, readings.valid_days)}</th>
                                <th>{td_string!(l, readings.provisional)}</th>
                                <th>{td_string!(l, readings.source)}</th>
                                <th>{td_string!(l, readings.recorded_by)}</th>
                                <th>{td_string!(l, readings.note)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p.rows
                                .iter()
                                .map(|r| {
                                    view! {
                                        <tr class:demo=r.is_demo>
                                            <td>{name_of(&r.key.indicator)}</td>
                                            <td>{r.key.place.clone()}</td>
                                            <td>{format!("{}-{:02}", r.key.year, r.key.month)}</td>
                                            <td>{r.value.to_string()}</td>
                                            <td>{r.valid_days.map(|d| d.to_string()).unwrap_or_default()}</td>
                                            <td>{if r.provisional { td_string!(l, readings.provisional) } else { "" }}</td>
                                            <td>
                                                {if r.is_demo {
                                                    td_string!(l, readings.source_demo)
                                                } else {
                                                    source_label(l, r.source)
                                                }}
                                            </td>
                                            <td>{r.recorded_by.clone()}</td>
                                            <td>{r.note.clone()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn EntryForm(
    catalogue: Vec<IndicatorInfo>,
    places: Vec<String>,
    year: i32,
    save: ServerAction<SaveReading>,
) -> impl IntoView {
    let l = lang();
    let result = save.value();
    view! {
        <section class="card entry-form">
            <h2>{td_string!(l, readings.entry_heading)}</h2>
            <ActionForm action=save>
                <label>
                    {td_string!(l, readings.indicator)}
                    <select name="input[indicator]" required=true>
                        {catalogue
                            .iter()
                            .map(|c| view! { <option value=c.code.clone()>{fmt(td_string!(l, readings.name_with_unit), &[&c.name, &c.unit])}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {td_string!(l, readings.place)}
                    <input type="text" name="input[place]" list="reading-places" required=true />
                    <datalist id="reading-places">
                        {places.into_iter().map(|p| view! { <option value=p></option> }).collect_view()}
                    </datalist>
                </label>
                <label>{td_string!(l, readings.year)} <input type="number" name="input[year]" value=year.to_string() required=true /></label>
                <label>{td_string!(l, readings.month)} <input type="number" name="input[month]" min="1" max="12" required=true /></label>
                <label>{td_string!(l, readings.value)} <input type="text" inputmode="decimal" name="input[value]" required=true /></label>
                <label>{td_string!(l, readings.valid_days_pm25)} <input type="number" name="input[valid_days]" min="0" max="31" /></label>
                <label>
                    {td_string!(l, readings.provisional_value)}
                    <select name="input[provisional]">
                        <option value="否">{td_string!(l, readings.provisional_no)}</option>
                        <option value="是">{td_string!(l, readings.provisional_yes)}</option>
                    </select>
                </label>
                <label class="wide">{td_string!(l, readings.note)} <input type="text" name="input[note]" maxlength="500" /></label>
                <button type="submit">{td_string!(l, readings.save)}</button>
            </ActionForm>
            <div class="entry-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(w) => {
                                let what = if w.inserted > 0 {
                                    td_string!(l, readings.saved_inserted)
                                } else if w.replaced > 0 {
                                    td_string!(l, readings.saved_replaced)
                                } else {
                                    td_string!(l, readings.saved_unchanged)
                                };
                                view! { <p class="ok">{fmt(td_string!(l, readings.saved), &[&what])}</p> }.into_any()
                            }
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}

/// Where an import is. (The server render is always `Idle`.)
#[derive(Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Stage {
    Idle,
    Uploading(f64),
    Done(Result<ImportOutcome, String>),
}

/// The import box's state: where the upload is, and whether the chosen file has a preview
/// (choosing another file clears it; only a previewed file can be committed).
#[derive(Clone, Copy)]
struct ImportState {
    stage: RwSignal<Stage>,
    previewed: RwSignal<bool>,
}

#[component]
fn ImportBox(imported: RwSignal<u32>, state: ImportState) -> impl IntoView {
    let l = lang();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let ImportState { stage, previewed } = state;
    let send = move |commit: bool| {
        #[cfg(feature = "hydrate")]
        {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            let Some(file) = crate::upload::chosen_file(&input) else {
                stage.set(Stage::Done(Err(
                    td_string!(l, readings.choose_file_first).to_owned()
                )));
                return;
            };
            let url = format!("/api/import/readings?commit={commit}");
            stage.set(Stage::Uploading(0.0));
            crate::upload::post_file(
                &url,
                &file,
                move |f| stage.set(Stage::Uploading(f)),
                move |status, text| {
                    let outcome = crate::components::upload_progress::read_answer::<ImportOutcome>(
                        l, status, &text,
                    );
                    if let Ok(ImportOutcome::Committed { .. }) = &outcome {
                        imported.update(|n| *n += 1);
                    }
                    previewed.set(matches!(outcome, Ok(ImportOutcome::Preview(_))) && !commit);
                    stage.set(Stage::Done(outcome));
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (commit, file_input, imported, stage, previewed, l);
    };
    view! {
        <section class="card import-box">
            <h2>{td_string!(l, readings.import_heading)}</h2>
            <p class="hint">
                {td_string!(l, readings.import_hint)}
                <a href="/api/readings/template.csv" download="">{td_string!(l, readings.download_template)}</a>
            </p>
            <label>
                {td_string!(l, readings.file)}
                <input
                    type="file"
                    name="file"
                    accept=".csv,.txt,text/csv"
                    node_ref=file_input
                    on:change=move |_| {
                        previewed.set(false);
                        stage.set(Stage::Idle);
                    }
                />
            </label>
            <div class="buttons">
                <button type="button" class="preview" on:click=move |_| send(false)>{td_string!(l, readings.preview)}</button>
                <button
                    type="button"
                    class="commit"
                    disabled=move || !previewed.get()
                    on:click=move |_| send(true)
                >
                    {td_string!(l, readings.confirm_import)}
                </button>
            </div>
            <div class="import-result" aria-live="polite">
                {move || match stage.get() {
                    Stage::Idle => ().into_any(),
                    Stage::Uploading(f) => {
                        view! { <crate::components::upload_progress::UploadProgress fraction=f /> }.into_any()
                    }
                    Stage::Done(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    Stage::Done(Ok(o)) => view! { <Outcome o /> }.into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn Outcome(o: ImportOutcome) -> impl IntoView {
    let l = lang();
    match o {
        ImportOutcome::Preview(p) => view! { <PreviewView p /> }.into_any(),
        ImportOutcome::Committed { encoding, written } => view! {
            <p class="ok import-done">
                {fmt(
                    td_string!(l, readings.imported),
                    &[&encoding, &written.inserted, &written.replaced, &written.unchanged],
                )}
            </p>
        }
        .into_any(),
        ImportOutcome::Rejected { file, problems, problem_count, rows_read } => view! {
            <div class="rejected" role="alert">
                <p class="error">
                    {match &file {
                        Some(f) => fmt(td_string!(l, readings.rejected_file), &[f]),
                        None => fmt(
                            td_string!(l, readings.rejected_problems),
                            &[&rows_read, &problem_count],
                        ),
                    }}
                </p>
                {(!problems.is_empty()).then(|| view! {
                    <ol class="problems">
                        {problems.iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                    </ol>
                })}
                {(problem_count > problems.len()).then(|| view! {
                    <p class="more">{fmt(td_string!(l, readings.more_problems), &[&(problem_count - problems.len())])}</p>
                })}
            </div>
        }
        .into_any(),
    }
}

#[component]
fn PreviewView(p: ImportPreview) -> impl IntoView {
    let l = lang();
    view! {
        <div class="preview-result">
            <p class="ok">
                {fmt(
                    td_string!(l, readings.preview_summary),
                    &[&p.encoding, &p.rows, &p.new, &p.replace, &p.replaces_demo, &p.unchanged],
                )}
            </p>
            <p class="mapping">
                {td_string!(l, readings.mapping)}
                {p
                    .mapped
                    .iter()
                    .map(|(h, f)| fmt(td_string!(l, readings.mapping_pair), &[h, f]))
                    .collect::<Vec<_>>()
                    .join(td_string!(l, readings.mapping_sep))}
                {(!p.ignored.is_empty())
                    .then(|| {
                        fmt(
                            td_string!(l, readings.ignored_columns),
                            &[&p.ignored.join(td_string!(l, readings.ignored_sep))],
                        )
                    })}
            </p>
            <PreviewTable title=td_string!(l, readings.first_rows) rows=p.sample.clone() />
            {(!p.replacements.is_empty()).then(|| view! {
                <PreviewTable title=td_string!(l, readings.values_replaced) rows=p.replacements.clone() />
            })}
        </div>
    }
}

#[component]
fn PreviewTable(title: &'static str, rows: Vec<crate::readings::PreviewRow>) -> impl IntoView {
    let l = lang();
    view! {
        <h3>{title}</h3>
        <table class="grid preview">
            <thead>
                <tr>
                    <th>{td_string!(l, readings.row)}</th>
                    <th>{td_string!(l, readings.indicator)}</th>
                    <th>{td_string!(l, readings.place)}</th>
                    <th>{td_string!(l, readings.month)}</th>
                    <th>{td_string!(l, readings.value)}</th>
                    <th>{td_string!(l, readings.old_value)}</th>
                    <th>{td_string!(l, readings.action)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        let old = match r.old {
                            Some(v) if r.old_is_demo => fmt(td_string!(l, readings.old_demo), &[&v]),
                            Some(v) => v.to_string(),
                            None => String::new(),
                        };
                        // The server names the action in Chinese (新增 / 替换 / 不变).
                        let action = match r.action.as_str() {
                            "新增" => td_string!(l, readings.action_new).to_owned(),
                            "替换" => td_string!(l, readings.action_replace).to_owned(),
                            "不变" => td_string!(l, readings.action_unchanged).to_owned(),
                            _ => r.action,
                        };
                        view! {
                            <tr>
                                <td>{r.row.to_string()}</td>
                                <td>{r.indicator}</td>
                                <td>{r.place}</td>
                                <td>{r.period}</td>
                                <td>{r.value.to_string()}</td>
                                <td>{old}</td>
                                <td>{action}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
