//! The API tokens of the JSON API (`/api/v1`) as admins see them in the browser: read only
//! (they are issued and revoked through `/api/v1/tokens`). Shown on 账号管理 with the plans
//! each may push readings for, who issued it and when, when it expires, when it was last
//! used and whether it was revoked. Never a secret or its hash: the store does not hand
//! those out.

use crate::error::AppError;
use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, lang};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One token, its times in Beijing time (UTC+8), to the minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The codes of the plans it may push readings for; empty: read only.
    pub plans: Vec<String>,
    /// Their names, in the same order.
    pub plan_names: Vec<sanzhi_domain::PlanLabel>,
    pub created_by: String,
    pub created_at: String,
    /// `None`: it never expires.
    pub expires_at: Option<String>,
    /// `None`: never used.
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Its expiry has passed.
    pub expired: bool,
}

/// Every API token, oldest first. Admins only.
#[server(prefix = "/api", endpoint = "api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    let now = crate::api::now();
    let plans = c.store.list_plans().await?;
    Ok(c.store
        .api_tokens()
        .await?
        .into_iter()
        .map(|t| inner::info(t, now, &plans))
        .collect())
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::TokenInfo;
    use sanzhi_domain::chrono::{DateTime, Utc};

    /// `2026-12-05 14:30`, Beijing time.
    pub fn beijing(t: DateTime<Utc>) -> String {
        sanzhi_domain::report::china_minute(t)
    }

    pub fn info(
        t: sanzhi_store::ApiTokenRecord,
        now: DateTime<Utc>,
        stored: &[sanzhi_domain::PlanSummary],
    ) -> TokenInfo {
        let plan_names = t
            .plans
            .iter()
            .map(|code| {
                stored.iter().find(|p| p.code.as_str() == code).map_or_else(
                    || sanzhi_domain::PlanLabel {
                        zh: code.clone(),
                        en: None,
                    },
                    |p| p.label(),
                )
            })
            .collect();
        TokenInfo {
            id: t.id,
            name: t.name,
            plans: t.plans,
            plan_names,
            created_by: t.created_by,
            created_at: beijing(t.created_at),
            expired: t.expires_at.is_some_and(|at| at <= now),
            expires_at: t.expires_at.map(beijing),
            last_used_at: t.last_used_at.map(beijing),
            revoked_at: t.revoked_at.map(beijing),
        }
    }
}

/// The section of 账号管理 that lists the tokens.
#[component]
pub fn ApiTokensSection() -> impl IntoView {
    let l = lang();
    let tokens = Resource::new(|| (), |()| list_api_tokens());
    view! {
        <section class="card api-tokens">
            <h2>{td_string!(l, accounts.tokens_title)}</h2>
            <p class="muted">{td_string!(l, accounts.tokens_intro)}</p>
            <Suspense fallback=move || view! { <p class="loading">{td_string!(l, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(rows) if rows.is_empty() => {
                            view! { <p class="muted">{td_string!(l, accounts.tokens_none)}</p> }
                                .into_any()
                        }
                        Ok(rows) => view! { <TokenTable rows /> }.into_any(),
                        Err(error) => {
                            view! { <crate::components::error_box::ErrorBox error /> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn TokenTable(rows: Vec<TokenInfo>) -> impl IntoView {
    let l = lang();
    view! {
        <table class="grid api-tokens">
            <thead>
                <tr>
                    <th>{td_string!(l, accounts.col_token_name)}</th>
                    <th>{td_string!(l, accounts.col_token_plans)}</th>
                    <th>{td_string!(l, accounts.col_token_created)}</th>
                    <th>{td_string!(l, accounts.col_token_expires)}</th>
                    <th>{td_string!(l, accounts.col_token_last_used)}</th>
                    <th>{td_string!(l, accounts.col_token_revoked)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|t| {
                        let plans = if t.plans.is_empty() {
                            td_string!(l, accounts.token_read_only).to_owned()
                        } else {
                            t.plan_names
                                .iter()
                                .map(|p| p.get(l == crate::i18n::Locale::en).to_owned())
                                .collect::<Vec<_>>()
                                .join("、")
                        };
                        let class = if t.revoked_at.is_some() || t.expired { "inactive" } else { "" };
                        let expires = match &t.expires_at {
                            None => td_string!(l, accounts.token_never_expires).to_owned(),
                            Some(at) if t.expired => {
                                fmt(td_string!(l, accounts.token_expired_at), &[at])
                            }
                            Some(at) => at.clone(),
                        };
                        view! {
                            <tr data-token=t.id.to_string() class=class>
                                <td>{format!("{}#{}", t.name, t.id)}</td>
                                <td>{plans}</td>
                                <td>{fmt(td_string!(l, accounts.token_created), &[&t.created_at, &t.created_by])}</td>
                                <td class="expires">{expires}</td>
                                <td class="last-used">
                                    {t
                                        .last_used_at
                                        .clone()
                                        .unwrap_or_else(|| td_string!(l, accounts.token_never_used).to_owned())}
                                </td>
                                <td class="revoked">
                                    {t
                                        .revoked_at
                                        .clone()
                                        .unwrap_or_else(|| td_string!(l, accounts.token_not_revoked).to_owned())}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
