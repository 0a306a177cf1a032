//! What an upload answered: the problems by row and column, the unknown units and headers
//! to map, the deadlines to confirm, and what the import does (or did) to the plan.

use super::*;

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

fn state_lines(s: &ImportItemState, fields: &[String]) -> String {
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
pub(super) fn OutcomeView(
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
                <ProblemTable class="grid problems" problems=o.problems.clone() />
            })}
            {report.as_ref().filter(|r| !r.blocked.is_empty()).map(|r| view! {
                <h3>{td_string!(l, import.blocked)}</h3>
                <ul class="problems">{r.blocked.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
            })}
            {(!o.unknown_units.is_empty()).then(|| view! { <UnknownUnits units=o.unknown_units.clone() unit_names=unit_names.clone() form touched /> })}
            {(!o.unknown_headers.is_empty()).then(|| view! { <UnknownHeaders headers=o.unknown_headers.clone() form touched /> })}
            {(!o.unconfirmed.is_empty()).then(|| view! {
                <h3>{fmt(td_string!(l, import.unconfirmed), &[&o.unconfirmed.len()])}</h3>
                <p class="muted">{td_string!(l, import.unconfirmed_hint)}</p>
                <ProblemTable class="grid unconfirmed" problems=o.unconfirmed.clone() />
            })}
            {(!o.notes.is_empty()).then(|| view! {
                <h3>{td_string!(l, import.notes)}</h3>
                <ul class="notes">{o.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            {report.map(|r| view! { <ReportChanges r /> })}
        </div>
    }
}

/// Unit phrases the table names that are no known unit: each mapped to units, kept without
/// units for now, or saved as a group.
#[component]
fn UnknownUnits(
    units: Vec<sanzhi_domain::plan_import::UnknownUnitView>,
    unit_names: Vec<(String, String)>,
    form: Form,
    touched: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = lang();
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
                {units.iter().map(|u| {
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
}

/// Headers the reader does not know, each to be mapped to a field (or ignored).
#[component]
fn UnknownHeaders(
    headers: Vec<String>,
    form: Form,
    touched: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = lang();
    view! {
        <h3>{td_string!(l, import.unknown_headers)}</h3>
        <ul class="unknown-headers">
            {headers.iter().map(|h| {
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
    }
}

/// Problems by row and column.
#[component]
fn ProblemTable(class: &'static str, problems: Vec<sanzhi_domain::RowProblem>) -> impl IntoView {
    let l = lang();
    view! {
        <table class=class>
                    <thead>
                        <tr>
                            <th>{td_string!(l, import.row)}</th>
                            <th>{td_string!(l, import.column)}</th>
                            <th>{td_string!(l, import.reason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {problems.iter().map(|p| view! {
                            <tr><td>{p.row}</td><td>{p.column.clone()}</td><td>{p.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
    }
}

/// What the import does (or did) to the stored plan: its indicators and targets, its header,
/// items the file no longer has, and each item created or changed.
#[component]
fn ReportChanges(r: sanzhi_domain::plan_import::ImportPlanReport) -> impl IntoView {
    let l = lang();
    let changed: Vec<ImportItemChange> = r
        .items
        .iter()
        .filter(|i| i.change != "unchanged")
        .cloned()
        .collect();
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
}
