//! `/api/v1/tokens`: an admin, signed in with the browser session (never with a token), issues,
//! lists and revokes tokens.

use super::*;

/// A token to issue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Who uses it, e.g. “市监测站数据平台” (1–60 characters, not only spaces).
    #[schema(
        min_length = 1,
        max_length = 60,
        pattern = r"\S",
        example = "市监测站数据平台"
    )]
    pub name: String,
    /// The plans whose readings it may push: a subset of `water`, `air`, `soil`; empty or
    /// absent: read only.
    #[serde(default)]
    #[schema(required = false, inline, value_type = Vec<TokenPlan>)]
    pub plans: Vec<String>,
    /// When it stops working, RFC 3339 (`2027-01-01T00:00:00+08:00`); must be in the future
    /// and at most 3650 days away. Give this or `expires_in_days`, not both; neither: it
    /// never expires.
    #[serde(default)]
    #[schema(required = false, format = DateTime)]
    pub expires_at: Option<String>,
    /// It stops working this many days (1–3650) after it is issued.
    #[serde(default)]
    #[schema(required = false, minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

/// A plan a token may push readings for (documentation only: the request takes strings,
/// and names every bad one).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenPlan {
    Water,
    Air,
    Soil,
}

/// The longest a token may be issued for.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// When a token asked for at `now` expires (`None`: never), or why the request is refused
/// (400 `invalid_expiry`), in Chinese.
pub(super) fn token_expiry(
    req: &TokenRequest,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, String> {
    let at = req
        .expires_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let expires = match (at, req.expires_in_days) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err("expires_at 与 expires_in_days 只能填写其中一个".to_owned())
        }
        (Some(text), None) => {
            let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
                format!(
                    "到期时间“{text}”无效：应为 RFC 3339 格式的时间，如 2027-01-01T00:00:00+08:00"
                )
            })?;
            let at = parsed.with_timezone(&Utc);
            if at <= now {
                return Err(format!(
                    "到期时间 {} 已经过去，不能签发已过期的令牌；请填写将来的时间",
                    china_time(at)
                ));
            }
            at
        }
        (None, Some(days)) => {
            if days < 1 {
                return Err(format!(
                    "有效天数 expires_in_days 应至少为 1（现为 {days}，到期时间已经过去），不能签发已过期的令牌"
                ));
            }
            if days > MAX_TOKEN_DAYS {
                return Err(format!(
                    "有效天数 expires_in_days 至多为 {MAX_TOKEN_DAYS}（现为 {days}）"
                ));
            }
            now + Duration::days(days)
        }
    };
    if expires > now + Duration::days(MAX_TOKEN_DAYS) {
        return Err(format!(
            "到期时间 {} 太远：令牌的有效期至多为 {MAX_TOKEN_DAYS} 天",
            china_time(expires)
        ));
    }
    Ok(Some(expires))
}

/// An issued token: the secret is in `token`, shown this once and never again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenCreated {
    /// `sz_` and 32 letters and digits: send it as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub info: ApiToken,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<ApiToken>,
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    security(("session" = [])),
    request_body = TokenRequest,
    responses(
        (status = 201, description = "已签发；令牌明文仅此一次返回", body = TokenCreated),
        (status = 400, description = "请求体不是有效的 JSON（invalid_json），或到期时间无效、已经过去、太远（invalid_expiry）", body = ApiError),
        (status = 401, description = "未登录", body = ApiError),
        (status = 403, description = "不是系统管理员，或用 API 令牌调用，或跨站请求", body = ApiError),
        (status = 413, description = "请求体超过上限", body = ApiError),
        (status = 415, description = "请求体不是 application/json", body = ApiError),
        (status = 422, description = "名称或方案无效（invalid_token_request），或字段类型不对（invalid_body）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn create_token(
    State(state): State<AppState>,
    Admin(user): Admin,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<TokenCreated>), Response> {
    let Json(req) = body.map_err(|r| json_rejection(&r))?;
    let mut problems = Vec::new();
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        problems.push(FieldError {
            index: None,
            field: "name".to_owned(),
            reason: "名称须为 1–60 个字符".to_owned(),
        });
    }
    // Any stored plan (the plans table is the only list of plans).
    let stored: Vec<String> = state
        .store
        .list_plans()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| p.code.as_str().to_owned())
        .collect();
    let mut plans = Vec::new();
    for (i, plan) in req.plans.iter().enumerate() {
        let plan = plan.trim();
        if stored.iter().any(|s| s == plan) {
            if !plans.iter().any(|p| p == plan) {
                plans.push(plan.to_owned());
            }
        } else {
            problems.push(FieldError {
                index: Some(i),
                field: "plans".to_owned(),
                reason: format!("没有方案“{plan}”（方案代码见 GET /api/v1/plans）"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(error_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_token_request",
            "令牌的名称或方案无效",
            problems,
        ));
    }
    let now = Utc::now();
    let expires_at = token_expiry(&req, now)
        .map_err(|message| error(StatusCode::BAD_REQUEST, "invalid_expiry", message))?;
    let token = new_token();
    let row = state
        .store
        .api_token_create(
            name,
            &hash_token(&token),
            &plans,
            expires_at,
            &app::auth::signature(&user),
            now,
        )
        .await
        .map_err(internal)?;
    let info = ApiToken::from(row);
    tracing::info!(token = info.id, name = %info.name, expires_at = ?info.expires_at, "api token issued");
    Ok((StatusCode::CREATED, Json(TokenCreated { token, info })))
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    security(("session" = [])),
    responses(
        (status = 200, description = "全部令牌（不含明文与散列）", body = TokenList),
        (status = 401, description = "未登录", body = ApiError),
        (status = 403, description = "不是系统管理员，或用 API 令牌调用", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn list_tokens(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<TokenList>, Response> {
    let rows = state.store.api_tokens().await.map_err(internal)?;
    Ok(Json(TokenList {
        tokens: rows.into_iter().map(ApiToken::from).collect(),
    }))
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    security(("session" = [])),
    params(("id" = i64, Path, description = "令牌编号")),
    responses(
        (status = 200, description = "已吊销（已吊销的令牌原样返回）", body = ApiToken),
        (status = 400, description = "路径含控制字符等，在路由之前即被拒绝（invalid_path）", body = ApiError),
        (status = 401, description = "未登录", body = ApiError),
        (status = 403, description = "不是系统管理员，或用 API 令牌调用，或跨站请求", body = ApiError),
        (status = 404, description = "没有该令牌", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn revoke_token(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
) -> Result<Json<ApiToken>, Response> {
    let missing = || {
        error(
            StatusCode::NOT_FOUND,
            "token_not_found",
            format!("没有编号为“{id}”的令牌"),
        )
    };
    let Ok(number) = id.trim().parse::<i64>() else {
        return Err(missing());
    };
    let row = state
        .store
        .api_token_revoke(number, &app::auth::signature(&user), Utc::now())
        .await
        .map_err(internal)?
        .ok_or_else(missing)?;
    tracing::info!(token = number, "api token revoked");
    Ok(Json(ApiToken::from(row)))
}
