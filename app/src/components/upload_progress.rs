//! What the two file imports (readings, plan tables) share while a file goes up: the
//! progress line, and reading the server's answer into the page's outcome or a message.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;

/// “上传中 42%” with a progress bar, then “已上传，服务器正在逐行检查…”.
#[component]
pub fn UploadProgress(
    /// 0.0–1.0 of the file sent.
    fraction: f64,
) -> impl IntoView {
    let l = lang();
    let label = if fraction >= 1.0 {
        td_string!(l, common.uploaded_checking).to_owned()
    } else {
        fmt(
            td_string!(l, common.uploading),
            &[&format!("{:.0}", fraction * 100.0)],
        )
    };
    view! {
        <label class="progress">
            {label}
            <progress max="1" value=fraction.to_string()></progress>
        </label>
    }
}

/// The server's answer to an upload: the outcome, or a message to show (the server's own
/// error, no connection, or the HTTP status with the body).
pub fn read_answer<T: serde::de::DeserializeOwned>(
    l: crate::i18n::Locale,
    status: u16,
    text: &str,
) -> Result<T, String> {
    match serde_json::from_str::<T>(text) {
        Ok(o) => Ok(o),
        Err(_) if status == 0 => Err(td_string!(l, common.upload_no_connection).to_owned()),
        Err(_) => match serde_json::from_str::<crate::error::AppError>(text) {
            Ok(e) => Err(e.to_string()),
            Err(_) => Err(fmt(
                td_string!(l, common.upload_failed_http),
                &[&status, &text],
            )),
        },
    }
}
