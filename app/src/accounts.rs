//! Account management in the browser, for admins: create an account (a password typed in or
//! generated and shown once), reset a password (shown once; the account's sessions end),
//! stop or allow an account's sign-in. Every change is audited in its own transaction.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::{Account, AccountForm, User};
use serde::{Deserialize, Serialize};

/// A created account and, when it was generated, its password — shown once, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub user: User,
    pub password: Option<String>,
}

#[server(prefix = "/api", endpoint = "accounts")]
pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    Ok(c.store.accounts().await?)
}

#[server(prefix = "/api", endpoint = "account_create")]
pub async fn create_account(form: AccountForm) -> Result<Created, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    let admin = c.user;
    inner::create(
        &c.store,
        &form,
        &crate::auth::signature(&admin),
        crate::api::now(),
    )
    .await
}

/// Sets a new random password, returned once; the account's sessions end.
#[server(prefix = "/api", endpoint = "account_reset_password")]
pub async fn reset_password(username: String) -> Result<String, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    let admin = c.user;
    let password = inner::random_password();
    let hash = crate::auth::inner::hash_password(&password)?;
    let found = c
        .store
        .set_password(
            &username,
            &hash,
            &crate::auth::signature(&admin),
            crate::api::now(),
        )
        .await?;
    if found {
        Ok(password)
    } else {
        Err(AppError::NotFound(format!("账号“{username}”")))
    }
}

/// Stops (`active = false`) or allows an account's sign-in. An admin cannot stop their own.
#[server(prefix = "/api", endpoint = "account_set_active")]
pub async fn set_account_active(username: String, active: bool) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUsers).await?;
    let admin = c.user;
    if !active && admin.username == username {
        return Err(AppError::BadRequest(
            "active：不能停用自己正在使用的账号".to_owned(),
        ));
    }
    c.store
        .set_active(
            &username,
            active,
            &crate::auth::signature(&admin),
            crate::api::now(),
        )
        .await?
        .ok_or_else(|| AppError::NotFound(format!("账号“{username}”")))
}

/// Adds a unit (admins only), so that reporters can be bound to it and coordinators can
/// assign work to it.
#[server(prefix = "/api", endpoint = "unit_add")]
pub async fn add_unit(form: sanzhi_domain::UnitForm) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUnits).await?;
    let admin = c.user;
    let unit =
        sanzhi_domain::NewUnit::parse(&form).map_err(|e| AppError::BadRequest(e.to_string()))?;
    match c
        .store
        .add_unit(&unit, &crate::auth::signature(&admin), crate::api::now())
        .await
    {
        Ok(_) => Ok(()),
        Err(sanzhi_store::StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
        Err(e) => Err(e.into()),
    }
}

/// A unit group as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnitGroupView {
    pub phrase: String,
    pub members: Vec<String>,
    pub provenance: String,
    pub updated_by: String,
}

/// The unit groups (phrases of allocation tables that stand for several units). Anyone
/// signed in may read them: they are the vocabulary of the plans' tables.
#[server(prefix = "/api", endpoint = "unit_groups")]
pub async fn get_unit_groups() -> Result<Vec<UnitGroupView>, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    Ok(c.store
        .unit_groups()
        .await?
        .into_iter()
        .map(|g| UnitGroupView {
            phrase: g.phrase,
            members: g.members,
            provenance: g.provenance,
            updated_by: g.updated_by,
        })
        .collect())
}

/// Makes or replaces a unit group (admins only): `members` names units or aliases separated
/// by 、，, or line breaks. Audited `unit_group.save`.
#[server(prefix = "/api", endpoint = "unit_group_save")]
pub async fn save_unit_group(
    phrase: String,
    members: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUnits).await?;
    let members = sanzhi_domain::unit::split_units(&members);
    match c
        .store
        .save_unit_group(
            &phrase,
            &members,
            &note,
            &crate::auth::signature(&c.user),
            crate::api::now(),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(sanzhi_store::StoreError::Invalid(msg)) => Err(AppError::BadRequest(msg)),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a unit group (admins only). Plans already loaded keep their units.
#[server(prefix = "/api", endpoint = "unit_group_delete")]
pub async fn delete_unit_group(phrase: String) -> Result<(), AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::ManageUnits).await?;
    if c.store
        .delete_unit_group(&phrase, &crate::auth::signature(&c.user), crate::api::now())
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("单位组“{phrase}”")))
    }
}

/// The signed-in user changes their own password: the current one, and the new one typed
/// twice (the account rules: at least [`sanzhi_domain::NewAccount::MIN_PASSWORD`]
/// characters). Every other session of the account ends; this one goes on, renewed.
#[server(prefix = "/api", endpoint = "password_change")]
pub async fn change_password(
    current: String,
    new_password: String,
    repeat: String,
) -> Result<(), AppError> {
    // Any signed-in account may change its own password, and only its own.
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    inner::change_own_password(
        &c.store,
        &c.user,
        &current,
        &new_password,
        &repeat,
        crate::api::now(),
    )
    .await?;
    crate::auth::inner::start_session(&c.user).await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, Utc};
    use sanzhi_domain::NewAccount;
    use sanzhi_store::{NewUser, Store};

    /// Checks `current` against the stored hash and the new password against the account
    /// rules, then stores its hash (which ends the account's sessions). Errors name the field.
    pub async fn change_own_password(
        store: &Store,
        user: &sanzhi_domain::User,
        current: &str,
        new_password: &str,
        repeat: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let min = sanzhi_domain::NewAccount::MIN_PASSWORD;
        if new_password.chars().count() < min {
            return Err(AppError::BadRequest(format!(
                "new_password：新密码至少 {min} 个字符"
            )));
        }
        if new_password.chars().count() > 200 {
            return Err(AppError::BadRequest(
                "new_password：新密码不超过 200 个字符".to_owned(),
            ));
        }
        if new_password != repeat {
            return Err(AppError::BadRequest(
                "repeat：两次输入的新密码不一致".to_owned(),
            ));
        }
        if new_password == current {
            return Err(AppError::BadRequest(
                "new_password：新密码不能与当前密码相同".to_owned(),
            ));
        }
        let Some(sanzhi_store::Credentials {
            password_hash: hash,
            ..
        }) = store
            .user_credentials(&user.username)
            .await?
            .filter(|c| c.active)
        else {
            return Err(AppError::Forbidden("账号已停用".to_owned()));
        };
        let given = current.to_owned();
        let ok =
            tokio::task::spawn_blocking(move || crate::auth::inner::verify_password(&given, &hash))
                .await
                .unwrap_or(false);
        if !ok {
            tracing::warn!(
                security = "password_change_refused",
                user = %user.username,
                "current password wrong"
            );
            return Err(AppError::Forbidden("current：当前密码不正确".to_owned()));
        }
        let new_password = new_password.to_owned();
        let hash =
            tokio::task::spawn_blocking(move || crate::auth::inner::hash_password(&new_password))
                .await
                .map_err(|_| AppError::Internal)??;
        store
            .set_password(&user.username, &hash, &crate::auth::signature(user), now)
            .await?;
        Ok(())
    }

    /// A random password of 16 letters and digits (no look-alikes), from the OS's generator.
    pub fn random_password() -> String {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect()
    }

    /// Checks the form, hashes the password (typed or generated) and stores the account.
    pub async fn create(
        store: &Store,
        form: &AccountForm,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Created, AppError> {
        let a = NewAccount::parse(form).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let generated = a.password.is_none().then(random_password);
        let password = a
            .password
            .clone()
            .or_else(|| generated.clone())
            .unwrap_or_default();
        let new = NewUser {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            password_hash: crate::auth::inner::hash_password(&password)?,
            role: a.role,
            plan: a.plan.clone(),
            unit: a.unit.clone(),
            is_demo: false,
        };
        let id = match store.save_user(&new, actor, now).await {
            Ok(id) => id,
            Err(sanzhi_store::StoreError::Invalid(msg)) => return Err(AppError::BadRequest(msg)),
            Err(e) => return Err(e.into()),
        };
        let plan_name = match &a.plan {
            Some(code) => store
                .list_plans()
                .await?
                .into_iter()
                .find(|p| p.code.as_str() == code)
                .map(|p| p.label()),
            None => None,
        };
        Ok(Created {
            user: User {
                id,
                username: a.username,
                display_name: a.display_name,
                role: a.role,
                plan: a.plan,
                unit: a.unit,
                is_demo: false,
                plan_name,
            },
            password: generated,
        })
    }
}
