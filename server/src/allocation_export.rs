//! The allocation table (工作任务分工表) of a plan as an Excel workbook.
//!
//! - `GET /api/plans/{code}/allocation.xlsx?as_of=YYYY-MM-DD` → the plan's table in the
//!   gazette's layout with each responsible unit's status, last report and achieved quantity
//!   on the as-of day (default: as the tracking pages — the demo day when demo data is loaded,
//!   else today). 404 for an unknown plan, 400 for a bad `as_of`, errors as JSON [`AppError`].
//!   The plan page's filters (`action`, `unit`, `status`, `due_from`, `due_to`) give the same
//!   list, row by row (see [`app::tracking::PlanFilter::matches_row`]).
//!
//! Access: any signed-in user, checked here (401 without one) whatever the gate in front did.
//! The route takes no body.

use app::error::AppError;
use app::state::AppState;
use app::tracking::PlanFilter;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sanzhi_domain::chrono::{NaiveDate, Utc};
use sanzhi_domain::status::DUE_SOON_DAYS;
use sanzhi_domain::{chinese_number, PlanCode, Report, ReportState, ReviewDecision, Tracked};
use sanzhi_exchange::allocation::{
    allocation_xlsx, AllocationRow, AllocationSheet, AssignmentCells, LastReport,
};
use sanzhi_store::{Store, TrackScope};
use serde::Deserialize;

/// The content type of an .xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes(_upload_limit: usize) -> Router<AppState> {
    Router::new().route("/api/plans/{code}/allocation.xlsx", get(export_allocation))
}

#[derive(Debug, Deserialize)]
pub struct AllocationParams {
    as_of: Option<String>,
    action: Option<String>,
    unit: Option<String>,
    status: Option<String>,
    due_from: Option<String>,
    due_to: Option<String>,
}

impl AllocationParams {
    fn filter(&self) -> PlanFilter {
        PlanFilter::from_query(|k| match k {
            "action" => self.action.clone(),
            "unit" => self.unit.clone(),
            "status" => self.status.clone(),
            "due_from" => self.due_from.clone(),
            "due_to" => self.due_to.clone(),
            _ => None,
        })
    }
}

/// An error as JSON with its status.
pub(crate) fn error(e: AppError) -> Response {
    let status = match &e {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, Json(e)).into_response()
}

async fn export_allocation(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(code): Path<String>,
    params: Result<Query<AllocationParams>, QueryRejection>,
) -> Response {
    let user = match app::auth::inner::require_in_route(
        &state.store,
        &session,
        sanzhi_domain::Action::Read,
    )
    .await
    {
        Ok(u) => u,
        Err(e) => return error(e),
    };
    // A draft's table only for those who see the draft (admins, its coordinators).
    if let Err(e) = app::api::inner::visible_plan(&state.store, Some(&user), &code).await {
        return error(e);
    }
    let Query(params) = match params {
        Ok(p) => p,
        Err(rejection) => {
            return error(AppError::BadRequest(format!(
                "as_of：无法读取查询参数（{rejection}）"
            )))
        }
    };
    // Today in China Standard Time, as the tracking pages count it.
    let today = sanzhi_domain::report::china_day(Utc::now());
    let filter = params.filter();
    let sheet = match allocation_sheet(&state.store, &code, params.as_of.as_deref(), &filter, today)
        .await
    {
        Ok(s) => s,
        Err(e) => return error(e),
    };
    let bytes = match allocation_xlsx(&sheet) {
        Ok(b) => b,
        Err(problem) => {
            tracing::error!(%problem, plan = %code, "allocation export");
            return error(AppError::Internal);
        }
    };
    let as_of = sheet.as_of.format("%Y-%m-%d");
    let name = format!("{}-分工表-{as_of}.xlsx", sheet.plan_title);
    let fallback = format!("{code}-allocation-{as_of}.xlsx");
    attachment(XLSX, &name, &fallback, bytes)
}

/// A download: `name` (UTF-8, RFC 5987) with an ASCII `fallback`, never kept by a cache.
pub(crate) fn attachment(
    content_type: &str,
    name: &str,
    fallback: &str,
    bytes: Vec<u8>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
                    app::url::rfc5987(name)
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Gathers the plan's table and the assignments' state on the as-of day.
pub async fn allocation_sheet(
    store: &Store,
    code: &str,
    as_of: Option<&str>,
    filter: &PlanFilter,
    today: NaiveDate,
) -> Result<AllocationSheet, AppError> {
    let not_found = || AppError::NotFound(format!("方案“{code}”"));
    let plan = PlanCode::parse(code).map_err(|_| not_found())?;
    let tree = store.plan_tree(&plan).await?.ok_or_else(not_found)?;
    let (as_of, demo) = app::tracking::inner::resolve_as_of(store, as_of, today).await?;
    let scope = TrackScope {
        plan: Some(plan.to_string()),
        ..TrackScope::default()
    };
    let tracked = store.tracked(&scope, as_of, DUE_SOON_DAYS).await?;
    let summary = tree.plan.summary;
    let mut rows = Vec::with_capacity(tracked.len());
    for action in &tree.actions {
        let action_text = format!("（{}）{}", chinese_number(action.seq), action.title);
        for task in &action.tasks {
            let task_text = format!("{}. {}", task.number, task.title);
            for item in &task.items {
                // The lead units as the table writes them.
                let leads = match store.item_detail(&plan, item.number).await? {
                    Some(d) if !d.lead_text.trim().is_empty() => d.lead_text,
                    _ => item.leads.join("、"),
                };
                let base = AllocationRow {
                    action: action_text.clone(),
                    task: task_text.clone(),
                    item_number: item.number,
                    item_text: item.text.clone(),
                    leads,
                    responsible: item.responsible_text.clone(),
                    deadline_phrases: item
                        .milestones
                        .iter()
                        .map(|m| m.phrase.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    deadline_dates: item
                        .milestones
                        .iter()
                        .map(|m| m.deadline.describe_zh())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    assignment: None,
                };
                let mine: Vec<&Tracked> = tracked
                    .iter()
                    .filter(|t| t.item_number == item.number)
                    .collect();
                if mine.is_empty() {
                    if filter.matches_row(action.seq, item, None, None) {
                        rows.push(base);
                    }
                    continue;
                }
                for t in mine {
                    let status = t.assessment.status;
                    if !filter.matches_row(action.seq, item, Some(&t.unit), Some(status)) {
                        continue;
                    }
                    rows.push(AllocationRow {
                        assignment: Some(AssignmentCells {
                            unit: t.unit.clone(),
                            status: status.label_zh().to_owned(),
                            next_due: t.assessment.next_due,
                            last_report: t.last_report.as_deref().map(last_report),
                        }),
                        ..base.clone()
                    });
                }
            }
        }
    }
    Ok(AllocationSheet {
        plan_title: summary.title,
        plan_short_name: summary.short_name,
        doc_no: summary.doc_no,
        as_of,
        demo,
        filters: filter.describe_zh(),
        rows,
    })
}

fn last_report(r: &Report) -> LastReport {
    let review = match (r.state, &r.review) {
        (ReportState::InProgress, _) => String::new(),
        (ReportState::Done, None) => "待签收".to_owned(),
        (ReportState::Done, Some(v)) => match v.decision {
            ReviewDecision::Accepted => v.decision.label_zh().to_owned(),
            ReviewDecision::Returned if v.reason.trim().is_empty() => {
                v.decision.label_zh().to_owned()
            }
            ReviewDecision::Returned => format!("{}：{}", v.decision.label_zh(), v.reason.trim()),
        },
    };
    LastReport {
        on: r.reported_on,
        state: r.state.label_zh().to_owned(),
        review,
        narrative: r.narrative.clone(),
        achieved: r.achieved,
        is_demo: r.is_demo,
        late_filed: r.late_filed,
    }
}
