//! The one error type that crosses the network.
//!
//! Error policy: server code logs the cause (SQL errors, I/O) with `tracing` and turns it
//! into [`AppError::Internal`], which carries no detail; only user-facing reasons (not found,
//! bad request) travel to the browser. Messages are in Chinese because they are shown as is.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
// Reports carry floats; equality is what tests need.
#[allow(clippy::derive_partial_eq_without_eq)]
#[non_exhaustive]
pub enum AppError {
    /// What was asked for does not exist.
    #[error("未找到：{0}")]
    NotFound(String),
    /// The request itself is wrong; the message names the field and the reason.
    #[error("请求无效：{0}")]
    BadRequest(String),
    /// Someone else reported on the same assignment meanwhile; `newest` is their report.
    #[error("{message}")]
    Conflict {
        message: String,
        newest: Option<Box<sanzhi_domain::Report>>,
    },
    /// Not signed in (or the session expired).
    #[error("请先登录")]
    Unauthorized,
    /// Signed in, but this user may not do this; the message says why.
    #[error("{0}")]
    Forbidden(String),
    /// The database stayed busy with other writes longer than a writer waits (SQLite's
    /// write lock, a PostgreSQL lock or the connection pool): nothing was written; trying
    /// again later works.
    #[error("数据库正忙（其他写入尚未完成），本次未保存，请稍后重试")]
    Busy,
    /// Something failed on the server; the cause is in the server log, not here.
    #[error("服务器内部错误，请稍后重试")]
    Internal,
    /// The call did not reach the server function or its answer could not be read.
    #[error("与服务器通信失败：{0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is answered with. Server functions answer every error
    /// with 500; the server sets this status instead, so that a bad request is a 4xx.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::BadRequest(_) => 400,
            AppError::Conflict { .. } => 409,
            AppError::Unauthorized => 401,
            AppError::Forbidden(_) => 403,
            AppError::Busy => 503,
            AppError::Internal => 500,
            // On the server this means the request could not be read (a malformed form or
            // JSON body, a missing argument): the caller's mistake.
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sanzhi_store::StoreError> for AppError {
    fn from(err: sanzhi_store::StoreError) -> Self {
        if err.is_busy() {
            tracing::warn!(error = %err, "database busy");
            return AppError::Busy;
        }
        // A refusal the store words for the user (e.g. a write on a closed plan) is theirs to
        // read, whichever path it took.
        if let sanzhi_store::StoreError::Invalid(msg) = err {
            return AppError::BadRequest(msg);
        }
        tracing::error!(error = %err, "store error");
        AppError::Internal
    }
}

impl From<sanzhi_domain::Denied> for AppError {
    fn from(d: sanzhi_domain::Denied) -> Self {
        match d {
            sanzhi_domain::Denied::NotSignedIn => AppError::Unauthorized,
            sanzhi_domain::Denied::Forbidden(why) => AppError::Forbidden(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_as_tag_and_message() {
        let original = AppError::NotFound("方案 x".into());
        let bytes = original.ser();
        assert_eq!(
            std::str::from_utf8(&bytes).expect("utf8"),
            r#"{"kind":"not_found","message":"方案 x"}"#
        );
        assert_eq!(AppError::de(bytes), original);
        assert_eq!(AppError::Internal.to_string(), "服务器内部错误，请稍后重试");
    }
}
