//! File exchange over plain HTTP routes (not server functions, because the body is a raw
//! file): the readings CSV import (preview or commit), the readings CSV export, and the
//! template.
//!
//! - `POST /api/import/readings?commit=false` with the file as the body → JSON
//!   [`ImportOutcome`]: 200 for a preview or a commit, 422 when the file is rejected (nothing
//!   was written), 413 when the file is over the limit, 400 for a bad request.
//! - `GET /api/readings.csv?year=&indicator=&place=` → the readings, UTF-8 with BOM.
//! - `GET /api/readings/template.csv` → a header and three example rows.
//! - `GET /api/indicators.csv` → the indicator catalogue with its places.
//!
//! Access: every route needs a signed-in user (the gate); the import needs a coordinator of
//! every plan the file's indicators belong to, or an admin.

use app::error::AppError;
use app::readings::ImportOutcome;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub fn routes(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/api/import/readings",
            post(import_readings).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/api/readings.csv", get(export_readings))
        .route("/api/readings/template.csv", get(template))
        .route("/api/indicators.csv", get(export_indicators))
        .route("/api/audit.csv", get(export_audit))
}

#[derive(Debug, Deserialize)]
pub struct ImportParams {
    #[serde(default)]
    commit: bool,
}

fn error(status: StatusCode, e: AppError) -> Response {
    (status, Json(e)).into_response()
}

async fn import_readings(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Query(params): Query<ImportParams>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    // Who imports: a coordinator (of every plan in the file) or an admin; checked before the
    // body is read, and again per plan once the file is parsed.
    let user = match app::auth::inner::user_of_session(&state.store, &session).await {
        Ok(u) => u,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let may_write_any = sanzhi_domain::access::may_write_some_readings(user.as_ref());
    let Some(user) = user.filter(|_| may_write_any) else {
        return error(
            StatusCode::FORBIDDEN,
            AppError::Forbidden("只有方案协调员或系统管理员可以导入读数".to_owned()),
        );
    };
    let by = app::auth::signature(&user);
    let body = match body {
        Ok(b) => b,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let mb = state.upload_limit as f64 / (1024.0 * 1024.0);
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                AppError::BadRequest(format!("file：文件超过上限 {mb:.0} MB，请分成几个文件导入")),
            );
        }
        Err(rejection) => {
            return error(
                rejection.status(),
                AppError::BadRequest(format!("file：无法读取上传的文件（{rejection}）")),
            )
        }
    };
    let now = sanzhi_domain::chrono::Utc::now();
    match app::readings::inner::import_readings(
        &state.store,
        Some(&user),
        body,
        params.commit,
        &by,
        now,
    )
    .await
    {
        Ok(outcome @ ImportOutcome::Rejected { .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(outcome)).into_response()
        }
        Ok(outcome) => (StatusCode::OK, Json(outcome)).into_response(),
        Err(e @ AppError::BadRequest(_)) => error(StatusCode::BAD_REQUEST, e),
        Err(e @ AppError::Forbidden(_)) => error(StatusCode::FORBIDDEN, e),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ExportParams {
    year: Option<i32>,
    indicator: Option<String>,
    place: Option<String>,
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn export_readings(State(state): State<AppState>, Query(p): Query<ExportParams>) -> Response {
    let filter = sanzhi_store::ReadingFilter {
        from_year: p.year.unwrap_or(*sanzhi_domain::reading::YEARS.start()),
        to_year: p.year.unwrap_or(*sanzhi_domain::reading::YEARS.end()),
        indicator: p.indicator.filter(|s| !s.is_empty()),
        place: p.place.filter(|s| !s.is_empty()),
    };
    match state.store.readings(&filter).await {
        Ok(rows) => {
            let name = match p.year {
                Some(y) => format!("readings-{y}.csv"),
                None => "readings.csv".to_owned(),
            };
            csv_response(&name, sanzhi_exchange::readings_csv(&rows))
        }
        Err(e) => {
            tracing::error!(error = %e, "export readings");
            error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
        }
    }
}

/// The indicator catalogue with its places (anyone signed in: the gate).
async fn export_indicators(State(state): State<AppState>) -> Response {
    match state.store.reading_places().await {
        Ok(places) => csv_response("indicators.csv", sanzhi_exchange::indicators_csv(&places)),
        Err(e) => {
            tracing::error!(error = %e, "export indicators");
            error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
        }
    }
}

async fn template() -> Response {
    csv_response(
        "readings-template.csv",
        format!("\u{feff}{}", sanzhi_exchange::template_csv()),
    )
}

/// The whole audit trail as CSV, for admins.
async fn export_audit(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    let user = match app::auth::inner::user_of_session(&state.store, &session).await {
        Ok(u) => u,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    if let Err(denied) = sanzhi_domain::authorize(user.as_ref(), &sanzhi_domain::Action::ReadAudit)
    {
        return error(StatusCode::FORBIDDEN, denied.into());
    }
    let filter = sanzhi_store::AuditFilter {
        limit: i64::MAX,
        ..Default::default()
    };
    match state.store.audit_entries(&filter).await {
        Ok(rows) => csv_response("audit.csv", sanzhi_exchange::audit_csv(&rows)),
        Err(e) => {
            tracing::error!(error = %e, "export audit");
            error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
        }
    }
}
