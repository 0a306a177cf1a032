//! Accounts from the command line and the demo accounts. There is no default password
//! anywhere: the first admin is made with `sanzhi user add --role admin`, and every password
//! not typed in is random and printed once.

use anyhow::Context;
use sanzhi_domain::Role;
use sanzhi_store::{NewUser, Store};

pub use app::accounts::inner::random_password;

/// Checks the fields a role needs and stores the user with an argon2id hash.
#[allow(clippy::too_many_arguments)]
pub async fn add(
    store: &Store,
    username: &str,
    display_name: &str,
    role: Role,
    plan: Option<String>,
    unit: Option<String>,
    password: &str,
    is_demo: bool,
    actor: &str,
) -> anyhow::Result<i64> {
    // The same checks as the browser's account form (field-named, in Chinese).
    let checked = sanzhi_domain::NewAccount::parse(&sanzhi_domain::AccountForm {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        role: role.as_str().to_owned(),
        plan: plan.unwrap_or_default(),
        unit: unit.unwrap_or_default(),
        password: password.to_owned(),
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(checked.password.is_some(), "password：请提供密码");
    let (username, display_name, plan, unit) = (
        checked.username.as_str(),
        checked.display_name.as_str(),
        checked.plan,
        checked.unit,
    );
    let password_hash =
        app::auth::inner::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = NewUser {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        password_hash,
        role,
        plan,
        unit,
        is_demo,
    };
    store
        .save_user(&user, actor, sanzhi_domain::chrono::Utc::now())
        .await
        .context("保存用户失败")
}

/// The demo accounts: one per role (three coordinators, three reporters). Each start with
/// `--demo` gives them new random passwords, returned for printing.
pub async fn demo_accounts(store: &Store) -> anyhow::Result<Vec<(String, String, String)>> {
    type Account = (
        &'static str,
        &'static str,
        Role,
        Option<&'static str>,
        Option<&'static str>,
    );
    let accounts: [Account; 8] = [
        ("demo-admin", "【演示】系统管理员", Role::Admin, None, None),
        ("demo-leader", "【演示】市领导", Role::Leader, None, None),
        (
            "demo-water",
            "【演示】市治水办",
            Role::Coordinator,
            Some("water"),
            None,
        ),
        (
            "demo-air",
            "【演示】市治气办",
            Role::Coordinator,
            Some("air"),
            None,
        ),
        (
            "demo-soil",
            "【演示】市治土办",
            Role::Coordinator,
            Some("soil"),
            None,
        ),
        (
            "demo-kaihua",
            "【演示】开化县填报员",
            Role::Reporter,
            None,
            Some("开化县政府"),
        ),
        (
            "demo-kecheng",
            "【演示】柯城区填报员",
            Role::Reporter,
            None,
            Some("柯城区政府"),
        ),
        (
            "demo-hbj",
            "【演示】市环保局填报员",
            Role::Reporter,
            None,
            Some("市环保局"),
        ),
    ];
    let mut out = Vec::new();
    for (username, name, role, plan, unit) in accounts {
        let password = random_password();
        add(
            store,
            username,
            name,
            role,
            plan.map(Into::into),
            unit.map(Into::into),
            &password,
            true,
            "sanzhi serve --demo",
        )
        .await?;
        let plan_zh = plan.map(|p| match p {
            "water" => "治水",
            "air" => "治气",
            _ => "治土",
        });
        let scope = plan_zh
            .or(unit)
            .map_or(String::new(), |s| format!(" · {s}"));
        out.push((
            username.to_owned(),
            password,
            format!("{}{scope}", role.label_zh()),
        ));
    }
    Ok(out)
}
