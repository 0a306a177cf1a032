//! Uploading a file from the browser with a progress bar: an `XMLHttpRequest`, because
//! `fetch` reports no upload progress. Only in the browser build.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{File, HtmlInputElement, ProgressEvent, XmlHttpRequest};

/// The first file chosen in a file input.
pub fn chosen_file(input: &HtmlInputElement) -> Option<File> {
    input.files().and_then(|files| files.get(0))
}

/// POSTs `file` as the raw request body to `url`. `progress` gets the fraction sent (0–1)
/// as it goes; `done` gets the HTTP status and the response text (status 0 when the request
/// could not be made).
pub fn post_file(
    url: &str,
    file: &File,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(u16, String) + 'static,
) {
    let xhr = match XmlHttpRequest::new() {
        Ok(x) => x,
        Err(_) => return done(0, "浏览器无法发起上传".to_owned()),
    };
    if xhr.open("POST", url).is_err() {
        return done(0, "浏览器无法发起上传".to_owned());
    }
    let _ = xhr.set_request_header("Content-Type", "application/octet-stream");
    if let Ok(upload) = xhr.upload() {
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(e.loaded() / e.total());
            }
        });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // The closure must live as long as the request; one small closure per upload.
        on_progress.forget();
    }
    let done = std::cell::RefCell::new(Some(done));
    let xhr_for_end = xhr.clone();
    let on_end = Closure::<dyn FnMut()>::new(move || {
        if let Some(done) = done.borrow_mut().take() {
            let status = xhr_for_end.status().unwrap_or(0);
            let text = xhr_for_end
                .response_text()
                .ok()
                .flatten()
                .unwrap_or_default();
            done(status, text);
        }
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    if xhr.send_with_opt_blob(Some(file)).is_err() {
        // onloadend still fires and reports status 0.
    }
}
