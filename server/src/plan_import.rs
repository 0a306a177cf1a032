//! Importing a plan from an allocation table (工作任务分工表, .xlsx or CSV).
//!
//! `POST /api/import/plan?commit=false|true&code=…&title=…&short_name=…&doc_no=…&owner=…`
//! `&start_year=…&end_year=…&issued_on=YYYY-MM-DD&goals=…&columns={json}&unit_map={json}`
//!
//! - The body is the file itself (raw bytes, as `app::upload::post_file` sends it); .xlsx or
//!   CSV is told from the content. It is read only once the caller is known to be an admin
//!   (anyone else gets 401/403 before a byte of it is taken). Over `upload_limit` → 413
//!   before anything is parsed; a workbook that would expand too far (a zip bomb) is rejected
//!   before it is opened. Messages never quote a cell whole (see
//!   `sanzhi_exchange::clip_reason`).
//! - The plan's header comes from the query: `code` (new or existing plan), `title`,
//!   `short_name`, `short_name_en` (optional), `doc_no` (may be empty), `owner` (a unit name
//!   or alias), `start_year`, `end_year`, `issued_on` (empty: 1 January of the start year),
//!   `goals` (one paragraph a line; empty keeps a stored plan's goals), `status` (`draft`, the
//!   default: a new plan is not visible to units until an admin puts it into effect; or
//!   `active`; a plan that exists keeps its status).
//! - `columns` (optional): a JSON object `{header → field}` for headers the reader does not
//!   know (`number`, `action`, `task`, `item`, `lead`, `responsible`, `deadline`, `ignore`).
//! - `unit_map` (optional): a JSON object `{unknown unit phrase → units}`, the value a unit's
//!   name or alias, a saved group's phrase, or several of them (`"市环保局、市住建局"`).
//! - `unassigned` (optional): a JSON list of unit phrases kept without units for now (the item
//!   keeps the phrase in its text; a coordinator assigns units later).
//! - `save_groups` (optional): a JSON list of phrases of `unit_map` to save, on commit, as unit
//!   groups (reused by later imports; admins edit them on `/admin/accounts`).
//!
//! Units resolve through the database: names, aliases and the stored unit groups.
//! Answer: JSON [`PlanImportOutcome`] — `preview` (200, nothing written: the same upsert ran
//! in a transaction that was rolled back), `committed` (200; when nothing differs nothing is
//! written and `report.committed` is false), or `rejected` (422, nothing written) with every
//! problem by row and column, the form's problems, unknown units and unknown headers.
//! 401 without a signed-in user, 403 unless the user is an admin; 400 for malformed mappings.

use crate::exchange::{read_upload, UploadError};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use sanzhi_domain::plan_import::{ColumnView, FormProblem, PlanImportOutcome, UnknownUnitView};
use sanzhi_exchange::plan_table::{read_plan_table, split_list, PlanField, PlanTable};
use sanzhi_seed::import::{assemble, ColumnNames, ImportRow, PlanHeader};
use serde::Deserialize;
use std::collections::BTreeMap;

/// An allocation table is a few hundred rows: files over 10 MiB are refused whatever the
/// general upload limit (which is larger, for readings files).
pub const MAX_TABLE_BYTES: usize = 10 * 1024 * 1024;

/// The limit a plan-table upload gets: the smaller of the general limit and [`MAX_TABLE_BYTES`].
pub fn table_limit(upload_limit: usize) -> usize {
    upload_limit.min(MAX_TABLE_BYTES)
}

pub fn routes(upload_limit: usize) -> Router<AppState> {
    Router::new().route(
        "/api/import/plan",
        post(import_plan).layer(DefaultBodyLimit::max(table_limit(upload_limit))),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanImportParams {
    commit: bool,
    code: String,
    title: String,
    short_name: String,
    short_name_en: String,
    status: String,
    doc_no: String,
    owner: String,
    start_year: String,
    end_year: String,
    issued_on: String,
    goals: String,
    columns: String,
    unit_map: String,
    unassigned: String,
    save_groups: String,
}

/// A JSON list parameter; the error names the parameter.
fn list_param(name: &str, s: &str) -> Result<std::collections::BTreeSet<String>, AppError> {
    if s.trim().is_empty() {
        return Ok(Default::default());
    }
    let list: Vec<String> = serde_json::from_str(s).map_err(|e| {
        AppError::BadRequest(format!("{name}：须为 JSON 列表 [\"单位词组\", …]（{e}）"))
    })?;
    Ok(list.into_iter().map(|p| p.trim().to_owned()).collect())
}

fn error(status: StatusCode, e: AppError) -> Response {
    (status, Json(e)).into_response()
}

/// A JSON object parameter; the error names the parameter.
fn map_param(name: &str, s: &str) -> Result<BTreeMap<String, String>, AppError> {
    if s.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    serde_json::from_str(s).map_err(|e| {
        AppError::BadRequest(format!(
            "{name}：须为 JSON 对象 {{\"表头\": \"字段\"}}（{e}）"
        ))
    })
}

fn rejected(o: PlanImportOutcome) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(PlanImportOutcome {
            outcome: "rejected".to_owned(),
            ..o
        }),
    )
        .into_response()
}

async fn import_plan(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    query: Result<Query<PlanImportParams>, axum::extract::rejection::QueryRejection>,
    // The raw request, not the body as bytes: an extractor would read the whole upload
    // before the caller is checked.
    request: Request,
) -> Response {
    match import(&state, &session, query, request).await {
        Ok(answer) | Err(answer) => answer,
    }
}

/// The import in its steps; `Err` is an answer that ends it early (a refusal, a rejected
/// file, a failure).
async fn import(
    state: &AppState,
    session: &tower_sessions::Session,
    query: Result<Query<PlanImportParams>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Result<Response, Response> {
    let user = match crate::exchange::caller(state, session, sanzhi_domain::Action::Read).await {
        Ok(u) => u,
        Err(refused) => return Err(refused),
    };
    if let Err(denied) = sanzhi_domain::authorize(Some(&user), &sanzhi_domain::Action::ManageUnits)
    {
        return Err(error(
            StatusCode::FORBIDDEN,
            AppError::Forbidden(format!("只有系统管理员可以导入方案（{denied}）")),
        ));
    }
    let Query(p) = query.map_err(|rejection| {
        error(
            StatusCode::BAD_REQUEST,
            AppError::BadRequest(format!("query：查询参数无效（{}）", rejection.body_text())),
        )
    })?;
    let body = read_table(request, state.upload_limit).await?;
    let form = Mappings::of(&p).map_err(|e| error(StatusCode::BAD_REQUEST, e))?;

    // The file.
    let table = read_plan_table(&body, &form.columns).map_err(|refused| {
        rejected(PlanImportOutcome {
            reason: Some(refused.reason),
            unknown_headers: refused.unknown_headers,
            ..Default::default()
        })
    })?;
    let (names, rows) = table_rows(&table);
    let index = unit_index(state).await?;
    let header = plan_header(&p);
    let mut assembled = assemble(
        &header,
        &rows,
        &names,
        &index,
        &form.unit_map,
        &form.unassigned,
    );
    let measures = match plan_measures(state, &body, header.code.trim()).await {
        Ok(m) => m,
        Err(Measures::Refused(r)) => {
            return Err(rejected(PlanImportOutcome {
                reason: Some(r.reason),
                unknown_headers: r.unknown_headers,
                ..Default::default()
            }))
        }
        Err(Measures::Failed) => return Err(internal("plan measures")),
    };
    let plan = assembled.plan.take();
    let (mut outcome, measures) = outcome_of(&table, assembled, measures);
    let mut plan = match plan {
        Some(plan) if outcome.problems.is_empty() && outcome.form_problems.is_empty() => plan,
        _ => return Err(rejected(outcome)),
    };
    plan.measures = measures;

    // The database: a dry run, or the commit.
    let by = app::auth::signature(&user);
    let now = sanzhi_domain::chrono::Utc::now();
    let report = state
        .store
        .import_plan(&plan, p.commit, &by, now)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "import plan");
            error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
        })?;
    let blocked = !report.blocked.is_empty();
    outcome.report = Some(report);
    if blocked {
        return Err(rejected(outcome));
    }
    // The phrases the user asked to keep as groups, once the plan is in.
    if p.commit {
        let saved = save_groups(state, &form, &index, &plan.code, &by, now).await?;
        outcome.notes.extend(saved);
    }
    outcome.outcome = if p.commit { "committed" } else { "preview" }.to_owned();
    Ok((StatusCode::OK, Json(outcome)).into_response())
}

/// A failure the user cannot act on: logged, answered with 500.
fn internal(what: &str) -> Response {
    tracing::error!("{what} failed");
    error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
}

/// The uploaded table, read only now that the caller is known; over the limit is 413.
async fn read_table(request: Request, upload_limit: usize) -> Result<Vec<u8>, Response> {
    match read_upload(request, table_limit(upload_limit)).await {
        Ok(b) => Ok(b.to_vec()),
        Err(UploadError::TooLarge) => {
            let mb = table_limit(upload_limit) as f64 / (1024.0 * 1024.0);
            Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                AppError::BadRequest(format!(
                    "file：分工表文件超过上限 {mb:.0} MB（一份分工表通常不足 1 MB），请检查是否选错了文件"
                )),
            ))
        }
        Err(UploadError::Unreadable(rejection)) => Err(error(
            rejection.status(),
            AppError::BadRequest(format!("file：无法读取上传的文件（{rejection}）")),
        )),
    }
}

/// The form's mappings: unknown headers to fields, unknown unit phrases to units, phrases
/// kept without units, phrases to save as unit groups.
struct Mappings {
    columns: BTreeMap<String, String>,
    unit_map: BTreeMap<String, String>,
    unassigned: std::collections::BTreeSet<String>,
    save_groups: std::collections::BTreeSet<String>,
}

impl Mappings {
    fn of(p: &PlanImportParams) -> Result<Mappings, AppError> {
        let m = Mappings {
            columns: map_param("columns", &p.columns)?,
            unit_map: map_param("unit_map", &p.unit_map)?,
            unassigned: list_param("unassigned", &p.unassigned)?,
            save_groups: list_param("save_groups", &p.save_groups)?,
        };
        if let Some(g) = m.save_groups.iter().find(|g| !m.unit_map.contains_key(*g)) {
            return Err(AppError::BadRequest(format!(
                "save_groups：“{g}”没有在 unit_map 中对应到单位，不能存为单位组"
            )));
        }
        Ok(m)
    }
}

/// The table's rows as the assembly reads them, and the headers its messages name.
fn table_rows(table: &PlanTable) -> (ColumnNames, Vec<ImportRow>) {
    let header_of = |f: PlanField| {
        table
            .columns
            .iter()
            .find(|(_, g)| *g == f)
            .map(|(h, _)| h.clone())
    };
    let names = ColumnNames {
        number: header_of(PlanField::Number),
        action: header_of(PlanField::Action),
        task: header_of(PlanField::Task),
        item: header_of(PlanField::Item).unwrap_or_else(|| "工作要求".into()),
        lead: header_of(PlanField::Lead),
        responsible: header_of(PlanField::Responsible).unwrap_or_else(|| "责任单位".into()),
        deadline: header_of(PlanField::Deadline),
    };
    let rows: Vec<ImportRow> = table
        .rows
        .iter()
        .map(|r| ImportRow {
            row: r.row,
            number: r.number.clone(),
            action: r.action.clone(),
            task: r.task.clone(),
            item: r.item.clone(),
            lead: split_list(&r.lead),
            responsible: split_list(&r.responsible),
            deadlines: split_list(&r.deadline),
        })
        .collect();

    (names, rows)
}

/// The units an import resolves phrases to: the database's names, aliases and unit groups.
async fn unit_index(state: &AppState) -> Result<sanzhi_seed::UnitIndex, Response> {
    let units: Vec<(String, sanzhi_domain::UnitKind)> = match state.store.units().await {
        Ok(u) => u.into_iter().map(|u| (u.name, u.kind)).collect(),
        Err(e) => {
            tracing::error!(error = %e, "units");
            return Err(error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal));
        }
    };
    let aliases: Vec<(String, String)> = match state.store.unit_aliases().await {
        Ok(a) => a.into_iter().map(|a| (a.alias, a.unit)).collect(),
        Err(e) => {
            tracing::error!(error = %e, "unit aliases");
            return Err(error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal));
        }
    };
    let groups: Vec<sanzhi_seed::SeedGroup> = match state.store.unit_groups().await {
        Ok(g) => g
            .into_iter()
            .filter_map(|g| {
                let members: Option<Vec<sanzhi_domain::UnitName>> = g
                    .members
                    .iter()
                    .map(|m| sanzhi_domain::UnitName::parse(m).ok())
                    .collect();
                Some(sanzhi_seed::SeedGroup {
                    phrase: g.phrase,
                    members: members?,
                    provenance: g.provenance,
                })
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "unit groups");
            return Err(error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal));
        }
    };
    match sanzhi_seed::import::unit_index(&units, &aliases, &groups) {
        Ok(i) => Ok(i),
        Err(e) => {
            tracing::error!(error = %e, "unit index");
            Err(error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal))
        }
    }
}

/// The plan's header as the form gives it.
fn plan_header(p: &PlanImportParams) -> PlanHeader {
    PlanHeader {
        code: p.code.clone(),
        title: p.title.clone(),
        short_name: p.short_name.clone(),
        short_name_en: p.short_name_en.clone(),
        status: p.status.clone(),
        doc_no: p.doc_no.clone(),
        owner: p.owner.clone(),
        start_year: p.start_year.clone(),
        end_year: p.end_year.clone(),
        issued_on: p.issued_on.clone(),
        goals: p.goals.lines().map(str::to_owned).collect(),
    }
}

/// What the answer says of the file: its problems (row, column, reason — never a cell
/// whole), the form's, the unknown units and headers, the notes; and the targets sheet's
/// measures when they were read without a problem.
fn outcome_of(
    table: &PlanTable,
    assembled: sanzhi_seed::import::Assembled,
    measures: Option<SheetOutcome>,
) -> (PlanImportOutcome, Option<sanzhi_domain::PlanMeasures>) {
    let hint = sanzhi_seed::import::header_hint(&table.above_header);

    // The seed's messages quote cells too: none is sent back whole.
    let clip = |s: &str| sanzhi_exchange::clip_reason(s).into_owned();
    let mut notes_measures: Option<String> = None;
    let mut problems = table.problems.clone();
    problems.extend(
        assembled
            .problems
            .into_iter()
            .map(|p| sanzhi_domain::RowProblem {
                reason: clip(&p.reason),
                column: clip(&p.column),
                ..p
            }),
    );
    let measures = match measures {
        Some(Ok((m, sheet, unknown))) => {
            notes_measures = Some(format!(
                "工作表“{sheet}”：{} 条指标目标{}{}",
                m.targets.len(),
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!("；未识别的列未导入：{}", unknown.join("、"))
                },
                if m.indicators.is_empty() {
                    String::new()
                } else {
                    format!(
                        "，方案自己的指标 {} 个（{}）",
                        m.indicators.len(),
                        m.indicators
                            .iter()
                            .map(|d| format!("{} {}", d.code, d.name_zh))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                }
            ));
            Some(m)
        }
        Some(Err(sheet_problems)) => {
            problems.extend(
                sheet_problems
                    .into_iter()
                    .map(|p| sanzhi_domain::RowProblem {
                        reason: clip(&p.reason),
                        column: clip(&p.column),
                        ..p
                    }),
            );
            None
        }
        None => None,
    };
    problems.sort_by_key(|p| p.row);
    let mut notes = table.notes.clone();
    notes.extend(notes_measures.take());
    notes.extend(assembled.notes.iter().map(|n| clip(n)));
    let outcome = PlanImportOutcome {
        outcome: String::new(),
        format: table.format.clone(),
        reason: None,
        form_problems: assembled
            .form_problems
            .into_iter()
            .map(|f| FormProblem {
                field: f.field,
                reason: clip(&f.reason),
            })
            .collect(),
        problems,
        unknown_headers: table.unknown_headers.clone(),
        unknown_units: assembled
            .unknown_units
            .into_iter()
            .map(|u| UnknownUnitView {
                phrase: sanzhi_exchange::clip_cell(&u.phrase),
                places: u.places,
                suggestion: u.suggestion,
            })
            .collect(),
        title_in_file: hint.title.map(|t| sanzhi_exchange::clip_cell(&t)),
        doc_no_in_file: hint.doc_no,
        unconfirmed: assembled
            .unconfirmed
            .into_iter()
            .map(|p| sanzhi_domain::RowProblem {
                reason: clip(&p.reason),
                column: clip(&p.column),
                ..p
            })
            .collect(),
        notes,
        columns: table
            .columns
            .iter()
            .map(|(h, f)| ColumnView {
                header: h.clone(),
                field: f.key().to_owned(),
            })
            .collect(),
        report: None,
    };
    (outcome, measures)
}

/// Saves the phrases of `save_groups` as unit groups (after a committed import); what was
/// saved, or why not, as notes for the answer.
async fn save_groups(
    state: &AppState,
    form: &Mappings,
    index: &sanzhi_seed::UnitIndex,
    plan: &sanzhi_domain::PlanCode,
    by: &str,
    now: sanzhi_domain::chrono::DateTime<sanzhi_domain::chrono::Utc>,
) -> Result<Vec<String>, Response> {
    let mut notes = Vec::new();
    for phrase in &form.save_groups {
        let members = sanzhi_seed::import::split_units(&form.unit_map[phrase]);
        // A member may itself be a group: saved as the units it stands for.
        let mut units: Vec<String> = Vec::new();
        for m in members {
            match index.expand(&m) {
                Ok(found) => units.extend(found.into_iter().map(|(u, _)| u.to_string())),
                Err(_) => units.push(m),
            }
        }
        let note = format!("导入方案 {plan} 时由 {by} 存为单位组");
        match state
            .store
            .save_unit_group(phrase, &units, &note, by, now)
            .await
        {
            Ok(_) => notes.push(format!("“{phrase}”已存为单位组（{}）", units.join("、"))),
            Err(sanzhi_store::StoreError::Invalid(why)) => {
                notes.push(format!("“{phrase}”未能存为单位组：{why}"))
            }
            Err(e) => {
                tracing::error!(error = %e, "save unit group");
                return Err(error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal));
            }
        }
    }
    Ok(notes)
}

enum Measures {
    Refused(sanzhi_exchange::plan_table::TableRefused),
    Failed,
}

/// A 指标目标 sheet read: the measures, the sheet's name and the headers not read; or every
/// problem of its rows.
type SheetOutcome =
    Result<(sanzhi_domain::PlanMeasures, String, Vec<String>), Vec<sanzhi_domain::RowProblem>>;

/// The workbook's 指标目标 sheet checked against the places and the indicators other imports
/// defined: `None` without such a sheet; the measures and the sheet's name, or its problems.
async fn plan_measures(
    state: &AppState,
    body: &[u8],
    plan: &str,
) -> Result<Option<SheetOutcome>, Measures> {
    let Some(sheet) =
        sanzhi_exchange::target_sheet::read_target_sheet(body).map_err(Measures::Refused)?
    else {
        return Ok(None);
    };
    let failed = |e: sanzhi_store::StoreError| {
        tracing::error!(error = %e, "plan measures");
        Measures::Failed
    };
    let places = state.store.reading_places().await.map_err(failed)?;
    let defined = state.store.plan_indicators(true).await.map_err(failed)?;
    let header = |f| sheet.header(f);
    // A plan code the form gets wrong is reported by the form's own check; the sheet is
    // read with what was typed.
    let cx = sanzhi_domain::measure::MeasureContext {
        plan: plan.trim(),
        sheet: &sheet.sheet,
        places: &places,
        defined: &defined,
        header: &header,
    };
    let parsed = sanzhi_domain::measure::parse_measures(&cx, &sheet.rows);
    let mut problems = sheet.problems.clone();
    Ok(Some(match parsed {
        Ok(m) if problems.is_empty() => Ok((m, sheet.sheet.clone(), sheet.unknown_headers.clone())),
        Ok(_) => Err(problems),
        Err(p) => {
            problems.extend(p);
            Err(problems)
        }
    }))
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn a_50_mb_table_is_over_the_limit_even_with_the_default_upload_limit() {
        let default_upload = 64 * 1024 * 1024;
        assert_eq!(table_limit(default_upload), MAX_TABLE_BYTES);
        assert!(50 * 1024 * 1024 > table_limit(default_upload));
        assert_eq!(
            table_limit(1024 * 1024),
            1024 * 1024,
            "a smaller limit stays"
        );
    }
}
