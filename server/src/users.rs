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
    let username = username.trim();
    anyhow::ensure!(
        !username.is_empty()
            && username
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c)),
        "用户名只能由字母、数字和 - _ . 组成"
    );
    anyhow::ensure!(password.chars().count() >= 10, "密码至少 10 个字符");
    match role {
        Role::Coordinator => anyhow::ensure!(
            matches!(plan.as_deref(), Some("water" | "air" | "soil")),
            "方案协调员需要 --plan water|air|soil"
        ),
        Role::Reporter => anyhow::ensure!(unit.is_some(), "单位填报员需要 --unit 单位名称"),
        Role::Admin | Role::Leader => {}
    }
    let plan = plan.filter(|_| role == Role::Coordinator);
    let unit = unit.filter(|_| role == Role::Reporter);
    let password_hash =
        app::auth::inner::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = NewUser {
        username: username.to_owned(),
        display_name: if display_name.trim().is_empty() {
            username.to_owned()
        } else {
            display_name.trim().to_owned()
        },
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
