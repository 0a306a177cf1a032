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
//! Access: every route checks its caller itself (the gate in front is a second line only):
//! reads need a signed-in user (401 without one), the audit trail an admin, and the import a
//! coordinator of every plan the file's indicators belong to, or an admin. An upload is read
//! only once its caller may import: until then not a byte of the body is taken (a refused
//! caller gets 401/403 at once, never 413), and a body that says up front it is over the limit
//! is refused unread.

use app::error::AppError;
use app::readings::ImportOutcome;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
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

/// An error with the status it stands for (401 for `Unauthorized`, 403 for `Forbidden`, …).
pub(crate) fn refusal(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error(status, e)
}

/// The signed-in user that may do `action`, checked here in the route whatever the gate did;
/// or the refusal to send (401 without a user, 403 when the role may not).
pub(crate) async fn caller(
    state: &AppState,
    session: &tower_sessions::Session,
    action: sanzhi_domain::Action<'_>,
) -> Result<sanzhi_domain::User, Response> {
    app::auth::inner::require_in_route(&state.store, session, action)
        .await
        .map_err(refusal)
}

/// Why an upload was not read.
pub(crate) enum UploadError {
    /// Over the limit: 413.
    TooLarge,
    /// Broken off, or otherwise unreadable.
    Unreadable(BytesRejection),
}

/// The body of an upload, read only now — after the caller was checked — and at most `limit`
/// bytes (the route's `DefaultBodyLimit`, which must be the same): a body whose
/// `Content-Length` is over the limit is refused without reading any of it, one without a
/// length once the limit is passed.
pub(crate) async fn read_upload(request: Request, limit: usize) -> Result<Bytes, UploadError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(UploadError::TooLarge);
    }
    Bytes::from_request(request, &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                UploadError::TooLarge
            } else {
                UploadError::Unreadable(rejection)
            }
        })
}

async fn import_readings(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Query(params): Query<ImportParams>,
    // The raw request, not the body as bytes: an extractor would read the whole upload
    // before the caller is checked.
    request: Request,
) -> Response {
    // Who imports: a coordinator (of every plan in the file) or an admin; checked before the
    // body is read, and again per plan once the file is parsed.
    let user = match caller(&state, &session, sanzhi_domain::Action::Read).await {
        Ok(u) => u,
        Err(refused) => return refused,
    };
    if !sanzhi_domain::ReadingsWriter::User(&user).may_write_some() {
        return error(
            StatusCode::FORBIDDEN,
            AppError::Forbidden("只有方案协调员或系统管理员可以导入读数".to_owned()),
        );
    }
    let by = app::auth::signature(&user);
    let body = match read_upload(request, state.upload_limit).await {
        Ok(b) => b,
        Err(UploadError::TooLarge) => {
            let mb = state.upload_limit as f64 / (1024.0 * 1024.0);
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                AppError::BadRequest(format!("file：文件超过上限 {mb:.0} MB，请分成几个文件导入")),
            );
        }
        Err(UploadError::Unreadable(rejection)) => {
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

async fn export_readings(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Query(p): Query<ExportParams>,
) -> Response {
    if let Err(refused) = caller(&state, &session, sanzhi_domain::Action::Read).await {
        return refused;
    }
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

/// The indicator catalogue with its places (anyone signed in).
async fn export_indicators(
    State(state): State<AppState>,
    session: tower_sessions::Session,
) -> Response {
    if let Err(refused) = caller(&state, &session, sanzhi_domain::Action::Read).await {
        return refused;
    }
    match state.store.reading_places().await {
        Ok(places) => csv_response("indicators.csv", sanzhi_exchange::indicators_csv(&places)),
        Err(e) => {
            tracing::error!(error = %e, "export indicators");
            error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal)
        }
    }
}

/// The template (anyone signed in).
async fn template(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    if let Err(refused) = caller(&state, &session, sanzhi_domain::Action::Read).await {
        return refused;
    }
    csv_response(
        "readings-template.csv",
        format!("\u{feff}{}", sanzhi_exchange::template_csv()),
    )
}

/// The whole audit trail as CSV, for admins.
async fn export_audit(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    if let Err(refused) = caller(&state, &session, sanzhi_domain::Action::ReadAudit).await {
        return refused;
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
