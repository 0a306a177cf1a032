//! The first run: while no admin account exists, each server start prints a one-time address
//! `/setup?token=…`; that page creates the first admin (name, password typed twice, the same
//! rules as any account), signs them in and leads to the first steps. Once an admin exists
//! (made here or with `sanzhi user add --role admin`), every token opens nothing (404).

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::User;
use serde::{Deserialize, Serialize};

/// The setup form's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupForm {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// The password typed a second time.
    pub password_again: String,
}

/// What the first-steps page shows of the database: the plans loaded, the accounts by role,
/// the readings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstStepsFacts {
    /// (code, 文号, title, work items) of every plan.
    pub plans: Vec<(String, String, String, i64)>,
    /// (role, accounts) for every role, demo accounts not counted.
    pub accounts: Vec<(sanzhi_domain::Role, usize)>,
    /// All readings and the demo ones among them.
    pub readings: sanzhi_domain::reading::ReadingCounts,
}

/// Whether the first admin is still to be made (the sign-in page then says where the setup
/// address is). Anyone may ask.
#[server(prefix = "/api", endpoint = "setup_pending")]
pub async fn setup_pending() -> Result<bool, AppError> {
    crate::auth::setup_pending().await
}

/// Ok when `token` opens the setup page; “not found” otherwise (also once an admin exists).
#[server(prefix = "/api", endpoint = "setup_check")]
pub async fn setup_check(token: String) -> Result<(), AppError> {
    crate::auth::require_setup(&token).await.map(|_| ())
}

/// Creates the first admin with a setup token and signs them in.
#[server(prefix = "/api", endpoint = "setup_admin")]
pub async fn setup_admin(token: String, form: SetupForm) -> Result<User, AppError> {
    let store = crate::auth::require_setup(&token).await?;
    let user = inner::create_first_admin(&store, &token, &form, crate::api::now()).await?;
    crate::auth::inner::start_session(&user).await?;
    tracing::info!(user = %user.username, "first admin created and signed in");
    Ok(user)
}

/// The first-steps page's facts (admins).
#[server(prefix = "/api", endpoint = "first_steps")]
pub async fn first_steps() -> Result<FirstStepsFacts, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    let plans = c
        .store
        .list_plans()
        .await?
        .into_iter()
        .map(|p| (p.code.to_string(), p.doc_no, p.title, p.work_item_count))
        .collect();
    let accounts = c.store.accounts().await?;
    let accounts = sanzhi_domain::Role::ALL
        .into_iter()
        .map(|r| {
            let n = accounts
                .iter()
                .filter(|a| a.user.role == r && !a.user.is_demo)
                .count();
            (r, n)
        })
        .collect();
    Ok(FirstStepsFacts {
        plans,
        accounts,
        readings: c.store.reading_counts().await?,
    })
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, Utc};
    use sanzhi_domain::{AccountForm, NewAccount, Role};
    use sanzhi_store::{NewUser, Store};

    /// Checks the form with the rules of every account (a typed password is required here,
    /// and must be typed the same twice), then creates the admin if the token still opens
    /// setup — atomically, so two browsers racing with the same address make one admin.
    pub async fn create_first_admin(
        store: &Store,
        token: &str,
        form: &SetupForm,
        now: DateTime<Utc>,
    ) -> Result<User, AppError> {
        if form.password.is_empty() {
            return Err(AppError::BadRequest("password：请设置密码".to_owned()));
        }
        if form.password != form.password_again {
            return Err(AppError::BadRequest(
                "password_again：两次输入的密码不一致".to_owned(),
            ));
        }
        let a = NewAccount::parse(&AccountForm {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            role: Role::Admin.as_str().to_owned(),
            plan: String::new(),
            unit: String::new(),
            password: form.password.clone(),
        })
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let password = form.password.clone();
        let password_hash =
            tokio::task::spawn_blocking(move || crate::auth::inner::hash_password(&password))
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "hash task");
                    AppError::Internal
                })??;
        let new = NewUser {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            password_hash,
            role: Role::Admin,
            plan: None,
            unit: None,
            is_demo: false,
        };
        let id = match store.create_first_admin(token, &new, now).await {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Err(AppError::NotFound(
                    "设置地址无效或已失效（已有管理员时不再提供）".to_owned(),
                ))
            }
            Err(sanzhi_store::StoreError::Invalid(msg)) => return Err(AppError::BadRequest(msg)),
            Err(e) => return Err(e.into()),
        };
        Ok(User {
            id,
            username: a.username,
            display_name: a.display_name,
            role: Role::Admin,
            plan: None,
            unit: None,
            is_demo: false,
            plan_name: None,
        })
    }
}
