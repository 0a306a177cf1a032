//! How reminders reach units: each plan's reminder settings, unit webhooks and e-mail
//! addresses, the outbox of what was sent (and retried).

use super::*;

/// Settings of a plan's reminders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanReminders {
    pub plan: String,
    pub plan_name: String,
    pub settings: ReminderSettings,
    pub may_edit: bool,
}

/// A robot webhook as shown to admins: the address masked, the secret never.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookView {
    pub id: i64,
    pub unit: String,
    pub kind: String,
    pub url_masked: String,
    pub signed: bool,
    pub active: bool,
    pub created_by: String,
    pub created_at: String,
}

/// A message of the outbox as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxView {
    pub id: i64,
    pub unit: String,
    pub day: NaiveDate,
    pub channel: String,
    pub target: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    /// China time, `YYYY-MM-DD HH:MM`, of the next attempt of a pending message.
    pub next_attempt: Option<String>,
}

/// The delivery page: webhooks and the newest messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub hooks: Vec<HookView>,
    pub outbox: Vec<OutboxView>,
    pub units: Vec<String>,
    /// Whether e-mail can be sent (SMTP configured) — told so that an admin knows why e-mails
    /// fail.
    pub last_day: Option<NaiveDate>,
}

/// A plan's reminder settings (anyone signed in may read them).
#[server(prefix = "/api", endpoint = "plan_reminders")]
pub async fn get_plan_reminders() -> Result<Vec<PlanReminders>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let stored = c.store.reminder_settings().await?;
    let plans = c.store.list_plans().await?;
    let english = crate::i18n::detect() == crate::i18n::Locale::en;
    Ok(plans
        .into_iter()
        // A draft's settings only to those who may see the draft.
        .filter(|p| sanzhi_domain::may_see_plan(Some(&c.user), p.code.as_str(), p.status))
        .map(|p| {
            let code = p.code.as_str().to_owned();
            PlanReminders {
                settings: stored.get(&code).cloned().unwrap_or_default(),
                may_edit: c
                    .may(&sanzhi_domain::Action::ManageReminders { plan: &code })
                    .is_ok(),
                plan_name: p.name(english).to_owned(),
                plan: code,
            }
        })
        .collect())
}

/// Sets a plan's lead times (days before a deadline, e.g. `7,3,0`) and the number of 催办 after
/// which a still-overdue assignment is 督办. Only the plan's coordinator or an admin.
#[server(prefix = "/api", endpoint = "set_plan_reminders")]
pub async fn set_plan_reminders(
    plan: String,
    lead_days: String,
    urge_limit: String,
) -> Result<ReminderSettings, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let plan = plan.trim().to_owned();
    c.may(&sanzhi_domain::Action::ManageReminders { plan: &plan })?;
    if !c
        .store
        .list_plans()
        .await?
        .iter()
        .any(|p| p.code.as_str() == plan)
    {
        return Err(AppError::NotFound(format!("方案“{plan}”")));
    }
    let settings = ReminderSettings::parse(&lead_days, &urge_limit)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    c.store
        .set_reminder_settings(&plan, &settings, &c.user.username, crate::api::now())
        .await?;
    Ok(settings)
}

/// Webhooks and the newest messages of the outbox (admins).
#[server(prefix = "/api", endpoint = "delivery")]
pub async fn get_delivery(#[server(default)] status: Option<String>) -> Result<Delivery, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageDelivery).await?;
    let status = status.filter(|s| !s.is_empty());
    if let Some(s) = status.as_deref() {
        if !["pending", "sent", "failed"].contains(&s) {
            return Err(AppError::BadRequest(format!(
                "status：“{s}”应为 pending、sent 或 failed"
            )));
        }
    }
    let hooks = c
        .store
        .unit_hooks()
        .await?
        .into_iter()
        .map(|h| HookView {
            id: h.id,
            unit: h.unit.clone(),
            kind: h.kind.clone(),
            url_masked: sanzhi_domain::remind::mask_url(&h.url),
            signed: h.secret.is_some(),
            active: h.active,
            created_by: h.created_by.clone(),
            created_at: sanzhi_domain::report::china_minute(h.created_at),
        })
        .collect();
    let outbox = c
        .store
        .outbox_list(status.as_deref(), 200)
        .await?
        .into_iter()
        .map(|o| OutboxView {
            id: o.id,
            unit: o.unit,
            day: o.day,
            channel: o.channel,
            target: o.target,
            next_attempt: (o.status == "pending")
                .then(|| {
                    sanzhi_domain::chrono::DateTime::from_timestamp(o.next_attempt_at, 0)
                        .map(sanzhi_domain::report::china_minute)
                })
                .flatten(),
            status: o.status,
            attempts: o.attempts,
            last_error: o.last_error,
            sent_at: o.sent_at.map(sanzhi_domain::report::china_minute),
        })
        .collect();
    let units = c.store.units().await?.into_iter().map(|u| u.name).collect();
    Ok(Delivery {
        hooks,
        outbox,
        units,
        last_day: c.store.last_reminder_day().await?,
    })
}

/// Adds a robot webhook to a unit (admins): `dingtalk` (钉钉 / 浙政钉), `wecom` (企业微信) or
/// `json`, with an optional signing secret that is never shown again.
#[server(prefix = "/api", endpoint = "hook_add")]
pub async fn add_hook(
    unit: String,
    kind: String,
    url: String,
    #[server(default)] secret: Option<String>,
) -> Result<HookView, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageDelivery).await?;
    let kind = kind.trim();
    if !["dingtalk", "wecom", "json"].contains(&kind) {
        return Err(AppError::BadRequest(format!(
            "kind：“{kind}”应为 dingtalk（钉钉/浙政钉）、wecom（企业微信）或 json"
        )));
    }
    let url = url.trim();
    if !web_address(url) {
        return Err(AppError::BadRequest(format!(
            "url：“{}”不是机器人地址（应以 https:// 开头）",
            sanzhi_domain::remind::mask_url(url)
        )));
    }
    if url.chars().count() > 1000 {
        return Err(AppError::BadRequest("url：地址过长".to_owned()));
    }
    let secret = secret
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if secret.as_ref().is_some_and(|s| s.chars().count() > 200) {
        return Err(AppError::BadRequest("secret：加签密钥过长".to_owned()));
    }
    let hook = c
        .store
        .add_unit_hook(
            unit.trim(),
            kind,
            url,
            secret.as_deref(),
            &c.user.username,
            crate::api::now(),
        )
        .await?
        .ok_or_else(|| AppError::NotFound(format!("单位“{}”", unit.trim())))?;
    Ok(HookView {
        id: hook.id,
        unit: hook.unit.clone(),
        kind: hook.kind.clone(),
        url_masked: sanzhi_domain::remind::mask_url(&hook.url),
        signed: hook.secret.is_some(),
        active: true,
        created_by: hook.created_by.clone(),
        created_at: sanzhi_domain::report::china_minute(hook.created_at),
    })
}

/// Stops a webhook (admins); what was not yet sent to it is not sent.
#[server(prefix = "/api", endpoint = "hook_stop")]
pub async fn stop_hook(id: i64) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageDelivery).await?;
    if c.store
        .stop_unit_hook(id, &c.user.username, crate::api::now())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("机器人地址 {id}")))
    }
}

/// Sends a given-up message again (admins).
#[server(prefix = "/api", endpoint = "outbox_retry")]
pub async fn retry_message(id: i64) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageDelivery).await?;
    if c.store
        .outbox_retry(id, crate::api::now().timestamp())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "id：消息 {id} 不是发送失败的消息"
        )))
    }
}

/// Sets the e-mail address of the signed-in account (`username` empty) or, for admins, of
/// any account. An empty address stops e-mails.
#[server(prefix = "/api", endpoint = "set_email")]
pub async fn set_email(
    #[server(default)] username: Option<String>,
    email: String,
) -> Result<Option<String>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let target = account_target(&c, username)?;
    let email = check_email(&email).map_err(AppError::BadRequest)?;
    if c.store
        .set_email(
            &target,
            email.as_deref(),
            &c.user.username,
            crate::api::now(),
        )
        .await?
    {
        Ok(email)
    } else {
        Err(AppError::NotFound(format!("账号“{target}”")))
    }
}

/// Every account's e-mail address, by username (admins).
#[server(prefix = "/api", endpoint = "emails")]
pub async fn get_emails() -> Result<std::collections::HashMap<String, String>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    Ok(c.store.emails().await?)
}

/// The account's e-mail address (its own; admins: anyone's).
#[server(prefix = "/api", endpoint = "email")]
pub async fn get_email(
    #[server(default)] username: Option<String>,
) -> Result<Option<String>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let target = account_target(&c, username)?;
    Ok(c.store.emails().await?.remove(&target))
}

/// The account a request names: the caller's own (none named, or itself), or — for admins
/// only — another.
#[cfg(feature = "ssr")]
fn account_target(c: &crate::auth::Checked, username: Option<String>) -> Result<String, AppError> {
    match username
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
    {
        Some(u) if u != c.user.username => {
            c.may(&sanzhi_domain::Action::ManageUsers)?;
            Ok(u)
        }
        _ => Ok(c.user.username.clone()),
    }
}

/// `http(s)://host…` without spaces.
pub fn web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.starts_with(':') && !s.chars().any(char::is_whitespace)
    })
}

/// An e-mail address as typed: empty (none), or a plausible address.
pub fn check_email(s: &str) -> Result<Option<String>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = s.chars().count() <= 200
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && s.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        });
    if ok {
        Ok(Some(s.to_owned()))
    } else {
        Err(format!("email：“{s}”不是有效的邮件地址"))
    }
}
