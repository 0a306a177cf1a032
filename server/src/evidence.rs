//! Evidence as files: photos and PDFs attached to a progress report, kept in the database.
//!
//! - `POST /api/evidence?assignment=&name=` with the file as the body → JSON
//!   [`sanzhi_domain::EvidenceFile`]: the file is kept for that assignment's report form and
//!   bound to the report when the form is sent (its id in `form[files]`). Only a reporter of
//!   the assignment's own unit; the body is read only once the caller may upload, at most
//!   [`MAX_EVIDENCE_BYTES`]; its kind is read from its bytes (JPEG, PNG, WebP, HEIC, PDF),
//!   never from its name or the type the browser claims.
//! - `GET /api/files/{id}` → the file as a download (`Content-Disposition: attachment`,
//!   `nosniff`), to anyone who may read the item; a file not yet bound to a report only to
//!   whoever uploaded it.

use crate::exchange::{caller, read_upload, refusal, UploadError};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sanzhi_domain::report::MAX_EVIDENCE_BYTES;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/evidence",
            post(upload).layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES)),
        )
        .route("/api/files/{id}", get(download))
}

#[derive(Debug, Deserialize)]
pub struct UploadParams {
    assignment: i64,
    #[serde(default)]
    name: String,
}

async fn upload(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Query(p): Query<UploadParams>,
    request: Request,
) -> Response {
    let user = match caller(&state, &session, sanzhi_domain::Action::Read).await {
        Ok(u) => u,
        Err(refused) => return refused,
    };
    let owner = match state.store.assignment_owner(p.assignment).await {
        Ok(Some(o)) => o,
        Ok(None) => return refusal(AppError::NotFound(format!("分工 {}", p.assignment))),
        Err(e) => return refusal(e.into()),
    };
    // Only a reporter of the assignment's own unit, as for the report itself.
    if let Err(e) = sanzhi_domain::authorize(
        Some(&user),
        &sanzhi_domain::Action::Report {
            plan: &owner.plan,
            unit: &owner.unit,
        },
    ) {
        return refusal(AppError::Forbidden(e.to_string()));
    }
    let body = match read_upload(request, MAX_EVIDENCE_BYTES).await {
        Ok(b) => b,
        Err(UploadError::TooLarge) => {
            return refusal(AppError::BadRequest(format!(
                "file：“{}”超过 {} MB 的上限",
                p.name.trim(),
                MAX_EVIDENCE_BYTES / (1024 * 1024)
            )))
        }
        Err(UploadError::Unreadable(rejection)) => {
            return refusal(AppError::BadRequest(format!(
                "file：无法读取上传的文件（{rejection}）"
            )))
        }
    };
    let (name, kind) = match sanzhi_domain::check_evidence(&p.name, &body) {
        Ok(checked) => checked,
        Err(e) => return refusal(AppError::BadRequest(e.to_string())),
    };
    match state
        .store
        .add_evidence(
            p.assignment,
            &name,
            kind,
            &body,
            &app::auth::signature(&user),
            sanzhi_domain::chrono::Utc::now(),
        )
        .await
    {
        Ok(file) => (StatusCode::OK, Json(file)).into_response(),
        Err(e) => refusal(e.into()),
    }
}

async fn download(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(id): Path<i64>,
) -> Response {
    let user = match caller(&state, &session, sanzhi_domain::Action::Read).await {
        Ok(u) => u,
        Err(refused) => return refused,
    };
    let sanzhi_store::StoredFile { file, data } = match state.store.evidence_file(id).await {
        Ok(Some(f)) => f,
        Ok(None) => return refusal(AppError::NotFound(format!("文件 #{id}"))),
        Err(e) => return refusal(e.into()),
    };
    // Not yet part of a report: only its uploader sees it.
    if file.report_id.is_none() && file.uploaded_by != app::auth::signature(&user) {
        return refusal(AppError::NotFound(format!("文件 #{id}")));
    }
    let encoded: String =
        percent_encoding::utf8_percent_encode(&file.name, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    (
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"evidence-{id}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        data,
    )
        .into_response()
}
