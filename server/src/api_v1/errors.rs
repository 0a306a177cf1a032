//! Every answer that is not a success: `{"code", "message"}` (plus `errors` listing the fields
//! when there are several).

use super::*;

/// Every error of the API.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    /// Stable, snake_case: `unauthorized`, `invalid_token`, `token_revoked`, `token_expired`,
    /// `forbidden`, `not_found`, `plan_not_found`, `unit_not_found`, `token_not_found`,
    /// `invalid_query`, `invalid_year`, `unknown_indicator`, `invalid_as_of`, `invalid_json`,
    /// `invalid_body`, `invalid_readings`, `batch_too_large`, `invalid_token_request`,
    /// `invalid_expiry`, `invalid_path`, `invalid_cookie`, `session_required`, `cross_site`,
    /// `method_not_allowed`,
    /// `payload_too_large`, `unsupported_media_type`, `internal`, ….
    pub code: String,
    /// What went wrong, in Chinese, to show as it is.
    pub message: String,
    /// The fields at fault, when there are several (a batch of readings: every bad row).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<FieldError>,
}

/// One rejected field.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The position (from 0) of the row in the batch; absent when the request is no list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub index: Option<usize>,
    /// The field, as named in the request (`indicator`, `value`, …).
    pub field: String,
    /// Why, in Chinese.
    pub reason: String,
}

/// A JSON error answer.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    error_with(status, code, message, Vec::new())
}

pub(super) fn error_with(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    errors: Vec<FieldError>,
) -> Response {
    (
        status,
        Json(ApiError {
            code: code.to_owned(),
            message: message.into(),
            errors,
        }),
    )
        .into_response()
}

pub(super) fn internal(cause: impl std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "api v1");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "服务器内部错误，请稍后重试",
    )
}

/// 401 for a request with neither a token nor a session.
pub fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "请先登录，或在 Authorization 头中提供 API 令牌（Bearer）",
    )
}

pub(super) fn app_error(e: app::error::AppError) -> Response {
    use app::error::AppError;
    match e {
        AppError::BadRequest(m) => error(StatusCode::BAD_REQUEST, "bad_request", m),
        AppError::NotFound(m) => error(StatusCode::NOT_FOUND, "not_found", format!("未找到：{m}")),
        AppError::Unauthorized => unauthorized(),
        AppError::Forbidden(m) => error(StatusCode::FORBIDDEN, "forbidden", m),
        other => internal(other),
    }
}

pub(super) fn json_rejection(r: &JsonRejection) -> Response {
    let (status, code) = match r.status() {
        StatusCode::BAD_REQUEST => (StatusCode::BAD_REQUEST, "invalid_json"),
        StatusCode::PAYLOAD_TOO_LARGE => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        StatusCode::UNPROCESSABLE_ENTITY => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        _ => (StatusCode::BAD_REQUEST, "invalid_json"),
    };
    error(status, code, format!("请求体无效：{}", r.body_text()))
}

pub(super) fn query_rejection(r: &QueryRejection) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        format!("查询参数无效：{}", r.body_text()),
    )
}

pub(super) async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}

pub(super) async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "此接口不支持该请求方法",
    )
}
