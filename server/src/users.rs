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

/// The demo accounts: an admin, a leader, a coordinator for each stored plan (`demo-<code>`,
/// named after the plan's office) and three unit reporters. Each start with `--demo` gives
/// them new random passwords, returned for printing.
pub async fn demo_accounts(store: &Store) -> anyhow::Result<Vec<(String, String, String)>> {
    struct Account {
        username: String,
        name: String,
        role: Role,
        plan: Option<String>,
        unit: Option<String>,
        scope: Option<String>,
    }
    let person = |username: &str, name: &str, role, unit: Option<&str>| Account {
        username: username.to_owned(),
        name: name.to_owned(),
        role,
        plan: None,
        unit: unit.map(str::to_owned),
        scope: unit.map(str::to_owned),
    };
    let mut accounts = vec![
        person("demo-admin", "【演示】系统管理员", Role::Admin, None),
        person("demo-leader", "【演示】市领导", Role::Leader, None),
    ];
    for p in store.list_plans().await.context("读取方案失败")? {
        accounts.push(Account {
            username: format!("demo-{}", p.code),
            name: format!("【演示】{}", p.owner_office),
            role: Role::Coordinator,
            plan: Some(p.code.as_str().to_owned()),
            unit: None,
            scope: Some(p.short_name.clone()),
        });
    }
    accounts.extend([
        person(
            "demo-kaihua",
            "【演示】开化县填报员",
            Role::Reporter,
            Some("开化县政府"),
        ),
        person(
            "demo-kecheng",
            "【演示】柯城区填报员",
            Role::Reporter,
            Some("柯城区政府"),
        ),
        person(
            "demo-hbj",
            "【演示】市环保局填报员",
            Role::Reporter,
            Some("市环保局"),
        ),
    ]);
    let mut out = Vec::new();
    for a in accounts {
        let password = random_password();
        add(
            store,
            &a.username,
            &a.name,
            a.role,
            a.plan,
            a.unit,
            &password,
            true,
            "sanzhi serve --demo",
        )
        .await?;
        let scope = a.scope.map_or(String::new(), |s| format!(" · {s}"));
        out.push((
            a.username,
            password,
            format!("{}{scope}", a.role.label_zh()),
        ));
    }
    Ok(out)
}
