//! `/readings?year=2018&indicator=pm25&place=柯城` — 读数: the monthly readings with filters,
//! the entry form, and the CSV import (upload with progress, preview, then confirm).

use crate::components::error_box::ErrorBox;
use crate::readings::{
    get_readings, ImportOutcome, ImportPreview, IndicatorInfo, ReadingsPage as Data, SaveReading,
    LIST_LIMIT,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReadingsPage() -> impl IntoView {
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
        <Title text="读数" />
        <h1>"指标读数"</h1>
        <p class="lead">
            "每个指标、地点、月份一个数值。录入或导入同一指标、地点和月份的新数值会替换原值，原值保留在历史中。"
        </p>
        <Suspense fallback=|| view! { <p class="loading">"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Page p save imported import /> }.into_any(),
                    Err(error) => view! { <ErrorBox error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn query_string(year: i32, indicator: &Option<String>, place: &Option<String>) -> String {
    let mut q = format!("year={year}");
    if let Some(i) = indicator {
        q.push_str(&format!("&indicator={}", encode(i)));
    }
    if let Some(p) = place {
        q.push_str(&format!("&place={}", encode(p)));
    }
    q
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Page(
    p: Data,
    save: ServerAction<SaveReading>,
    imported: RwSignal<u32>,
    import: ImportState,
) -> impl IntoView {
    let qs = query_string(p.year, &p.indicator, &p.place);
    let name_of = {
        let cat = p.catalogue.clone();
        move |code: &str| {
            cat.iter()
                .find(|c| c.code == code)
                .map_or_else(|| code.to_owned(), |c| format!("{}（{}）", c.name, c.unit))
        }
    };
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
    let shown = p.rows.len();
    view! {
        <form class="filters" method="get" action="/readings">
            <label>
                "年份"
                <select name="year">
                    {(2015..=2025)
                        .map(|y| view! { <option value=y.to_string() selected=y == p.year>{format!("{y}年")}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "指标"
                <select name="indicator">
                    <option value="">"全部"</option>
                    <option value="water." selected=p.indicator.as_deref() == Some("water.")>"断面水质（六项）"</option>
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
                "地点"
                <select name="place">
                    <option value="">"全部"</option>
                    {all_places
                        .iter()
                        .map(|pl| view! { <option value=pl.clone() selected=p.place.as_deref() == Some(pl.as_str())>{pl.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">"筛选"</button>
            <a class="button-link" href=format!("/api/readings.csv?{qs}") download="">"导出 CSV"</a>
        </form>
        <p class="counts">
            {format!("库中共 {} 条读数，其中演示数据 {} 条。", p.total, p.demo)}
        </p>
        {(p.demo > 0).then(|| view! {
            <p class="demo-banner" role="note">"【演示】标有“演示”的读数由演示数据生成器生成，并非真实监测值；导入真实读数会替换同月的演示值。"</p>
        })}
        <div class="two-col">
            <EntryForm catalogue=p.catalogue.clone() places=all_places.clone() year=p.year save />
            <ImportBox imported state=import />
        </div>
        <section class="card">
            <h2>{format!("{}年读数（{} 条）", p.year, p.matched)}</h2>
            {(p.matched > shown).then(|| view! {
                <p class="notice">{format!("只列出前 {LIST_LIMIT} 条；完整数据请导出 CSV。")}</p>
            })}
            {if p.rows.is_empty() {
                view! { <p class="empty">"没有符合条件的读数。"</p> }.into_any()
            } else {
                view! {
                    <table class="grid readings">
                        <thead>
                            <tr>
                                <th>"指标"</th>
                                <th>"地点"</th>
                                <th>"月份"</th>
                                <th>"数值"</th>
                                <th>"有效天数"</th>
                                <th>"暂定"</th>
                                <th>"来源"</th>
                                <th>"记录人"</th>
                                <th>"备注"</th>
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
                                            <td>{if r.provisional { "暂定" } else { "" }}</td>
                                            <td>{if r.is_demo { "演示".to_owned() } else { r.source.label_zh().to_owned() }}</td>
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
    let result = save.value();
    view! {
        <section class="card entry-form">
            <h2>"录入一个读数"</h2>
            <ActionForm action=save>
                <label>
                    "指标"
                    <select name="input[indicator]" required=true>
                        {catalogue
                            .iter()
                            .map(|c| view! { <option value=c.code.clone()>{format!("{}（{}）", c.name, c.unit)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "地点"
                    <input type="text" name="input[place]" list="reading-places" required=true />
                    <datalist id="reading-places">
                        {places.into_iter().map(|p| view! { <option value=p></option> }).collect_view()}
                    </datalist>
                </label>
                <label>"年份" <input type="number" name="input[year]" value=year.to_string() required=true /></label>
                <label>"月份" <input type="number" name="input[month]" min="1" max="12" required=true /></label>
                <label>"数值" <input type="text" inputmode="decimal" name="input[value]" required=true /></label>
                <label>"有效天数（PM2.5）" <input type="number" name="input[valid_days]" min="0" max="31" /></label>
                <label>
                    "暂定值"
                    <select name="input[provisional]">
                        <option value="否">"否（正式）"</option>
                        <option value="是">"是（暂定）"</option>
                    </select>
                </label>
                <label class="wide">"备注" <input type="text" name="input[note]" maxlength="500" /></label>
                <button type="submit">"保存读数"</button>
            </ActionForm>
            <div class="entry-result" aria-live="polite">
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(w) => {
                                let what = if w.inserted > 0 {
                                    "已新增"
                                } else if w.replaced > 0 {
                                    "已替换原值（原值保留在历史中）"
                                } else {
                                    "与库中数值相同，未改变"
                                };
                                view! { <p class="ok">{format!("保存成功：{what}。")}</p> }.into_any()
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
    let file_input = NodeRef::<leptos::html::Input>::new();
    let ImportState { stage, previewed } = state;
    let send = move |commit: bool| {
        #[cfg(feature = "hydrate")]
        {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            let Some(file) = crate::upload::chosen_file(&input) else {
                stage.set(Stage::Done(Err("请先选择 CSV 文件".to_owned())));
                return;
            };
            let url = format!("/api/import/readings?commit={commit}");
            stage.set(Stage::Uploading(0.0));
            crate::upload::post_file(
                &url,
                &file,
                move |f| stage.set(Stage::Uploading(f)),
                move |status, text| {
                    let outcome = match serde_json::from_str::<ImportOutcome>(&text) {
                        Ok(o) => Ok(o),
                        Err(_) if status == 0 => Err("上传失败：无法连接服务器".to_owned()),
                        Err(_) => match serde_json::from_str::<crate::error::AppError>(&text) {
                            Ok(e) => Err(e.to_string()),
                            Err(_) => Err(format!("上传失败（HTTP {status}）：{text}")),
                        },
                    };
                    if let Ok(ImportOutcome::Committed { .. }) = &outcome {
                        imported.update(|n| *n += 1);
                    }
                    previewed.set(matches!(outcome, Ok(ImportOutcome::Preview(_))) && !commit);
                    stage.set(Stage::Done(outcome));
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (commit, file_input, imported, stage, previewed);
    };
    view! {
        <section class="card import-box">
            <h2>"导入 CSV"</h2>
            <p class="hint">
                "表头可用中文或英文：指标、地点、年份、月份（或“期间”如 2018-01）、数值，可选 有效天数、暂定、备注。UTF-8 或 GBK 编码均可。"
                <a href="/api/readings/template.csv" download="">"下载模板"</a>
            </p>
            <label>
                "文件"
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
                <button type="button" class="preview" on:click=move |_| send(false)>"预览"</button>
                <button
                    type="button"
                    class="commit"
                    disabled=move || !previewed.get()
                    on:click=move |_| send(true)
                >
                    "确认导入"
                </button>
            </div>
            <div class="import-result" aria-live="polite">
                {move || match stage.get() {
                    Stage::Idle => ().into_any(),
                    Stage::Uploading(f) => {
                        let label = if f >= 1.0 {
                            "已上传，服务器正在逐行检查…".to_owned()
                        } else {
                            format!("上传中 {:.0}%", f * 100.0)
                        };
                        view! {
                            <label class="progress">
                                {label}
                                <progress max="1" value=f.to_string()></progress>
                            </label>
                        }
                            .into_any()
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
    match o {
        ImportOutcome::Preview(p) => view! { <PreviewView p /> }.into_any(),
        ImportOutcome::Committed { encoding, written } => view! {
            <p class="ok import-done">
                {format!(
                    "已导入（{encoding}）：新增 {} 条，替换 {} 条，不变 {} 条。",
                    written.inserted, written.replaced, written.unchanged
                )}
            </p>
        }
        .into_any(),
        ImportOutcome::Rejected { file, problems, problem_count, rows_read } => view! {
            <div class="rejected" role="alert">
                <p class="error">
                    {match &file {
                        Some(f) => format!("文件未导入：{f}"),
                        None => format!(
                            "文件未导入：{rows_read} 行数据中发现 {problem_count} 处问题，库中数据没有任何改变。请改正后重新预览。"
                        ),
                    }}
                </p>
                {(!problems.is_empty()).then(|| view! {
                    <ol class="problems">
                        {problems.iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                    </ol>
                })}
                {(problem_count > problems.len()).then(|| view! {
                    <p class="more">{format!("另有 {} 处问题未列出。", problem_count - problems.len())}</p>
                })}
            </div>
        }
        .into_any(),
    }
}

#[component]
fn PreviewView(p: ImportPreview) -> impl IntoView {
    view! {
        <div class="preview-result">
            <p class="ok">
                {format!(
                    "预览（{}）：{} 行数据，将新增 {} 条，替换 {} 条（其中演示数据 {} 条），不变 {} 条。确认后一次写入。",
                    p.encoding, p.rows, p.new, p.replace, p.replaces_demo, p.unchanged
                )}
            </p>
            <p class="mapping">
                "列对应："
                {p.mapped.iter().map(|(h, f)| format!("“{h}”→{f}")).collect::<Vec<_>>().join("，")}
                {(!p.ignored.is_empty()).then(|| format!("；忽略的列：{}", p.ignored.join("、")))}
            </p>
            <PreviewTable title="前几行" rows=p.sample.clone() />
            {(!p.replacements.is_empty()).then(|| view! {
                <PreviewTable title="将替换的数值" rows=p.replacements.clone() />
            })}
        </div>
    }
}

#[component]
fn PreviewTable(title: &'static str, rows: Vec<crate::readings::PreviewRow>) -> impl IntoView {
    view! {
        <h3>{title}</h3>
        <table class="grid preview">
            <thead>
                <tr>
                    <th>"行"</th>
                    <th>"指标"</th>
                    <th>"地点"</th>
                    <th>"月份"</th>
                    <th>"数值"</th>
                    <th>"原值"</th>
                    <th>"操作"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        let old = match r.old {
                            Some(v) if r.old_is_demo => format!("{v}（演示）"),
                            Some(v) => v.to_string(),
                            None => String::new(),
                        };
                        view! {
                            <tr>
                                <td>{r.row.to_string()}</td>
                                <td>{r.indicator}</td>
                                <td>{r.place}</td>
                                <td>{r.period}</td>
                                <td>{r.value.to_string()}</td>
                                <td>{old}</td>
                                <td>{r.action}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
