//! `POST /api/v1/readings`: a batch of readings, checked whole with the rules the entry form and
//! the CSV import use, written in one transaction.

use super::*;
use sanzhi_domain::reading::BatchCheck;
use sanzhi_domain::ReadingsWriter;

/// One reading to store. Keyed by indicator + place + year + month: the same key again
/// replaces the stored value (or changes nothing when it is the same).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushReading {
    /// An indicator code (`pm25`, `water.nh3n`, …) or its Chinese name.
    #[schema(min_length = 1, example = "pm25")]
    pub indicator: String,
    /// A place of the indicator's kind (see `/api/v1/indicators`).
    #[schema(min_length = 1)]
    pub place: String,
    #[schema(minimum = 2015, maximum = 2035)]
    pub year: i32,
    #[schema(minimum = 1, maximum = 12)]
    pub month: u32,
    /// Not negative, and at most the indicator's `max_plausible`.
    #[schema(minimum = 0)]
    pub value: f64,
    /// Valid daily values behind a monthly mean (at most the days of the month).
    #[schema(required = false, minimum = 0, maximum = 31)]
    pub valid_days: Option<u32>,
    /// A provisional value (default false).
    #[schema(required = false)]
    pub provisional: Option<bool>,
    /// At most 500 characters.
    #[schema(required = false, max_length = 500)]
    pub note: Option<String>,
}

/// What a push did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushResult {
    /// Rows in the batch.
    pub received: usize,
    /// New keys.
    pub inserted: u64,
    /// Keys whose stored value changed (the old value is kept in the history).
    pub replaced: u64,
    /// Keys whose stored value was the same: nothing was written.
    pub unchanged: u64,
}

pub(super) const PUSH_FIELDS: [&str; 8] = [
    "indicator",
    "place",
    "year",
    "month",
    "value",
    "valid_days",
    "provisional",
    "note",
];

/// Reads one row of a batch into the raw fields of a reading; every field with the wrong
/// type, a missing required field or an unknown field is a problem.
pub(super) fn row_input(
    index: usize,
    row: &Value,
    problems: &mut Vec<FieldError>,
) -> Option<ReadingInput> {
    let before = problems.len();
    let mut problem = |field: &str, reason: &str| {
        problems.push(FieldError {
            index: Some(index),
            field: field.to_owned(),
            reason: reason.to_owned(),
        });
    };
    let Some(obj) = row.as_object() else {
        problem("", "每条读数应为 JSON 对象");
        return None;
    };
    for key in obj.keys() {
        if !PUSH_FIELDS.contains(&key.as_str()) {
            problem(key, "未知字段");
        }
    }
    let get = |f: &str| obj.get(f).filter(|v| !v.is_null());
    let mut text = |f: &str, required: bool| match get(f) {
        None if required => {
            problem(f, "不能为空");
            String::new()
        }
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            problem(f, "应为字符串");
            String::new()
        }
    };
    let indicator = text("indicator", true);
    let place = text("place", true);
    let note = text("note", false);
    let mut number = |f: &str, required: bool, whole: bool| match get(f) {
        None if required => {
            problem(f, "不能为空");
            String::new()
        }
        None => String::new(),
        Some(Value::Number(n)) if !whole || n.is_i64() || n.is_u64() => n.to_string(),
        Some(_) if whole => {
            problem(f, "应为整数");
            String::new()
        }
        Some(_) => {
            problem(f, "应为数字");
            String::new()
        }
    };
    let year = number("year", true, true);
    let month = number("month", true, true);
    let value = number("value", true, false);
    let valid_days = number("valid_days", false, true);
    let provisional = match get("provisional") {
        None => String::new(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(_) => {
            problem("provisional", "应为 true 或 false");
            String::new()
        }
    };
    (problems.len() == before).then_some(ReadingInput {
        indicator,
        place,
        year,
        month,
        value,
        valid_days,
        provisional,
        note,
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/readings",
    tag = "readings",
    request_body(content = [PushReading], description = "一批读数（同一事务写入）"),
    responses(
        (status = 200, description = "已写入：新增、替换、未变的条数", body = PushResult),
        (status = 400, description = "请求体不是 JSON 数组", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 403, description = "无权写入任何方案的读数（只读令牌等；不读取请求体），或无权写入某些指标所属方案的读数；未写入任何读数", body = ApiError),
        (status = 413, description = "请求体超过上限", body = ApiError),
        (status = 415, description = "请求体不是 application/json", body = ApiError),
        (status = 422, description = "有读数无效（errors 列出每条：index、field、reason），或一次超过 10000 条；未写入任何读数", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn push_readings(
    State(state): State<AppState>,
    who: Caller,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<PushResult>, Response> {
    // The checks every way of writing readings makes (see `BatchCheck`), for this caller.
    let writer = match &who {
        Caller::Token(t) => ReadingsWriter::Token { plans: &t.plans },
        Caller::User(u) => ReadingsWriter::User(u),
    };
    // Whether the caller may write readings of any plan at all, before a byte of the body is
    // read: a read-only token (or a user who may not write readings) never gets a body
    // buffered or parsed. Which plans the rows need is checked after parsing, below.
    if !writer.may_write_some() {
        return Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            match &who {
                Caller::Token(_) => "此 API 令牌只能读取，不能推送读数；未写入任何读数",
                Caller::User(_) => "当前账号无权写入读数；未写入任何读数",
            },
        ));
    }
    let body = read_json(&headers, body, state.upload_limit.min(MAX_PUSH_BYTES)).await?;
    let Value::Array(rows) = body else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "请求体应为读数的 JSON 数组",
        ));
    };
    if rows.len() > MAX_BATCH {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_too_large",
            format!("一次最多推送 {MAX_BATCH} 条读数，本次 {} 条", rows.len()),
        ));
    }
    let places = state.store.reading_places().await.map_err(internal)?;
    let place_index = places.index();
    let mut batch = BatchCheck::new(&places, Some(writer));
    let mut problems = Vec::new();
    let mut readings = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let Some(input) = row_input(index, row, &mut problems) else {
            continue;
        };
        match input.parse_indexed(&places, &place_index) {
            Ok(reading) => {
                if let Some(first) = batch.repeated(&reading.key, index as u64) {
                    problems.push(FieldError {
                        index: Some(index),
                        field: "month".to_owned(),
                        reason: format!("与第 {first} 条（从 0 起）的指标、地点、年月相同"),
                    });
                }
                readings.push((index, reading));
            }
            Err(e) => problems.push(FieldError {
                index: Some(index),
                field: e.field.to_owned(),
                reason: e.reason,
            }),
        }
    }
    if !problems.is_empty() {
        let bad_rows = {
            let mut rows: Vec<_> = problems.iter().filter_map(|p| p.index).collect();
            rows.dedup();
            rows.len()
        };
        return Err(error_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_readings",
            format!("{bad_rows} 条读数无效，未写入任何读数"),
            problems,
        ));
    }
    // Every indicator's plan must be the caller's to write.
    let mut refused = Vec::new();
    for (index, r) in &readings {
        if let Err((plan, _)) = batch.may_write(&r.key) {
            refused.push(FieldError {
                index: Some(*index),
                field: "indicator".to_owned(),
                reason: format!("无权写入方案“{plan}”的指标“{}”", r.key.indicator),
            });
        }
    }
    if !refused.is_empty() {
        return Err(error_with(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "{} 条读数的指标不属于可写入的方案，未写入任何读数",
                refused.len()
            ),
            refused,
        ));
    }
    let by = match &who {
        Caller::Token(t) => t.signature(),
        Caller::User(u) => app::auth::signature(u),
    };
    let readings: Vec<_> = readings.into_iter().map(|(_, r)| r).collect();
    let written = state
        .store
        .write_readings(&readings, ReadingSource::Api, &by, Utc::now())
        .await
        .map_err(|e| match e {
            sanzhi_store::StoreError::Invalid(m) => {
                error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_readings", m)
            }
            other => internal(other),
        })?;
    Ok(Json(PushResult {
        received: rows.len(),
        inserted: written.inserted,
        replaced: written.replaced,
        unchanged: written.unchanged,
    }))
}

/// Reads a JSON body of at most `limit` bytes, as the `Json` extractor would (415 without a
/// JSON content type, 413 over the limit, 400 for JSON that does not parse) — but only when
/// the handler asks, after its checks.
pub(super) async fn read_json(
    headers: &HeaderMap,
    mut body: axum::body::Body,
    limit: usize,
) -> Result<Value, Response> {
    use axum::body::HttpBody;
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        });
    if !json_type {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体应为 JSON（Content-Type: application/json）",
        ));
    }
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "请求体过大：超过 {} KB 的上限；请分批推送（每批至多 {MAX_BATCH} 条）",
                limit / 1024
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|e| {
            error(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("请求体未能完整读取：{e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("请求体不是有效的 JSON：{e}"),
        )
    })
}
