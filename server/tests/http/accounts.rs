use super::*;

on_both_backends!(
    an_admin_manages_accounts_in_the_browser_api,
    the_language_toggle_is_remembered_by_cookie,
    an_admin_adds_a_unit_that_can_then_be_used,
);

async fn an_admin_adds_a_unit_that_can_then_be_used(app: &TestApp) {
    let admin = app.client_for("t-admin").await;
    let add = |name: &'static str, aliases: &'static str, note: &'static str| {
        let admin = admin.clone();
        async move {
            post_json(
                &admin,
                format!("{}/api/unit_add", app.base),
                &[
                    ("form[name]", name),
                    ("form[kind]", "city_department"),
                    ("form[aliases]", aliases),
                    ("form[note]", note),
                ],
            )
            .await
        }
    };
    let ok = add("市数据管理局", "市数据局、数据局", "市政府机构改革通知").await;
    assert!(ok.is_null(), "{ok}");
    // Names and aliases already in use, and a missing basis, are refused by field.
    for (e, says) in [
        (add("市环保局", "", "重复").await, "已是单位“市环保局”"),
        (add("新单位", "柯城", "别名冲突").await, "aliases"),
        (add("另一新单位", "", " ").await, "note"),
    ] {
        assert_eq!(e["kind"], "bad_request", "{e}");
        assert!(
            e["message"].as_str().expect("msg").contains(says),
            "{says}: {e}"
        );
    }
    let units = app.db.store.units().await.expect("units");
    assert!(units.iter().any(|u| u.name == "市数据管理局"));
    assert!(!units
        .iter()
        .any(|u| u.name == "新单位" || u.name == "另一新单位"));
    // A reporter can be bound to it, and a coordinator can assign work to it by an alias.
    let made = post_json(
        &admin,
        format!("{}/api/account_create", app.base),
        &[
            ("form[username]", "jt"),
            ("form[display_name]", ""),
            ("form[role]", "reporter"),
            ("form[plan]", ""),
            ("form[unit]", "市数据管理局"),
            ("form[password]", ""),
        ],
    )
    .await;
    assert_eq!(made["user"]["unit"], "市数据管理局", "{made}");
    let water = app.client_for("t-water").await;
    let edit = post_json(
        &water,
        format!("{}/api/item_edit", app.base),
        &[
            ("form[plan]", "water"),
            ("form[number]", "28"),
            ("form[deadlines]", "7月底前"),
            ("form[units]", "市环保局\n市数据局"),
            ("form[targets]", ""),
            ("form[reason]", "数据局负责监测数据"),
        ],
    )
    .await;
    assert!(edit.is_null(), "{edit}");
    // Only admins add units.
    let e = post_json(
        &water,
        format!("{}/api/unit_add", app.base),
        &[
            ("form[name]", "协调员的单位"),
            ("form[kind]", "office"),
            ("form[aliases]", ""),
            ("form[note]", "x"),
        ],
    )
    .await;
    assert_eq!(e["kind"], "forbidden", "{e}");
    let audit = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("unit.add".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].entity_key, "市数据管理局");
}

async fn sign_in(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (reqwest::Client, serde_json::Value) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    let body = post_json(
        &c,
        format!("{}/api/login", app.base),
        &[("username", username), ("password", password)],
    )
    .await;
    (c, body)
}

async fn an_admin_manages_accounts_in_the_browser_api(app: &TestApp) {
    let admin = app.client_for("t-admin").await;
    let create = |form: Vec<(&'static str, &'static str)>| {
        let admin = admin.clone();
        async move { post_json(&admin, format!("{}/api/account_create", app.base), &form).await }
    };
    let form = |username: &'static str,
                role: &'static str,
                plan: &'static str,
                unit: &'static str,
                password: &'static str| {
        vec![
            ("form[username]", username),
            ("form[display_name]", "王五"),
            ("form[role]", role),
            ("form[plan]", plan),
            ("form[unit]", unit),
            ("form[password]", password),
        ]
    };
    // A reporter of 开化 with a generated password, shown once.
    let made = create(form("wang.wu", "reporter", "", "开化县政府", "")).await;
    assert_eq!(made["user"]["unit"], "开化县政府", "{made}");
    let password = made["password"].as_str().expect("generated").to_owned();
    assert_eq!(password.len(), 16);
    let (wang, me) = sign_in(app, "wang.wu", &password).await;
    assert_eq!(me["role"], "reporter", "{me}");

    // Bad forms name the field and store nothing.
    for (bad, field) in [
        (form("李四", "leader", "", "", ""), "username"),
        (form("x1", "coordinator", "fire", "", ""), "plan"),
        (form("x2", "reporter", "", "没有这个单位", ""), "unit"),
        (form("x3", "leader", "", "", "short"), "password"),
        (form("wang.wu", "leader", "", "", ""), "username"),
    ] {
        let e = create(bad).await;
        assert_eq!(e["kind"], "bad_request", "{e}");
        assert!(
            e["message"].as_str().expect("msg").contains(field),
            "{field}: {e}"
        );
    }
    let accounts: serde_json::Value =
        post_json(&admin, format!("{}/api/accounts", app.base), &[]).await;
    let names: Vec<&str> = accounts
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["user"]["username"].as_str())
        .collect();
    assert!(
        names.contains(&"wang.wu") && !names.iter().any(|n| n.starts_with('x')),
        "{names:?}"
    );
    assert!(!accounts.to_string().contains("argon2"), "no hashes");

    // Only admins: a leader and a coordinator are refused, and nothing is made.
    for who in ["t-leader", "t-water"] {
        let c = app.client_for(who).await;
        let e = post_json(
            &c,
            format!("{}/api/account_create", app.base),
            &form("by.other", "leader", "", "", ""),
        )
        .await;
        assert_eq!(e["kind"], "forbidden", "{who}: {e}");
        for path in [
            "/api/accounts",
            "/api/account_reset_password",
            "/api/account_set_active",
        ] {
            let e = post_json(
                &c,
                format!("{}{path}", app.base),
                &[("username", "wang.wu"), ("active", "false")],
            )
            .await;
            assert_eq!(e["kind"], "forbidden", "{who} {path}: {e}");
        }
    }

    // A reset gives a new password, ends the account's sessions, and the old one fails.
    let new: serde_json::Value = post_json(
        &admin,
        format!("{}/api/account_reset_password", app.base),
        &[("username", "wang.wu")],
    )
    .await;
    let new = new.as_str().expect("password").to_owned();
    assert_ne!(new, password);
    let me: serde_json::Value = post_json(&wang, format!("{}/api/whoami", app.base), &[]).await;
    assert!(me.is_null(), "the session ended: {me}");
    assert_eq!(
        sign_in(app, "wang.wu", &password).await.1["kind"],
        "forbidden"
    );
    let (wang, me) = sign_in(app, "wang.wu", &new).await;
    assert_eq!(me["username"], "wang.wu");

    // Stopping the account ends its session and its sign-in; allowing it again restores it.
    let stop = post_json(
        &admin,
        format!("{}/api/account_set_active", app.base),
        &[("username", "wang.wu"), ("active", "false")],
    )
    .await;
    assert!(stop.is_null(), "{stop}");
    let me: serde_json::Value = post_json(&wang, format!("{}/api/whoami", app.base), &[]).await;
    assert!(me.is_null(), "stopped: {me}");
    assert_eq!(sign_in(app, "wang.wu", &new).await.1["kind"], "forbidden");
    post_json(
        &admin,
        format!("{}/api/account_set_active", app.base),
        &[("username", "wang.wu"), ("active", "true")],
    )
    .await;
    assert_eq!(sign_in(app, "wang.wu", &new).await.1["username"], "wang.wu");
    // An admin cannot stop their own account.
    let e = post_json(
        &admin,
        format!("{}/api/account_set_active", app.base),
        &[("username", "t-admin"), ("active", "false")],
    )
    .await;
    assert_eq!(e["kind"], "bad_request", "{e}");

    // Every change is on the audit trail, never with a password or hash.
    let audit = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("user.".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for want in [
        "user.add",
        "user.reset_password",
        "user.deactivate",
        "user.activate",
    ] {
        assert!(actions.contains(&want), "{want}: {actions:?}");
    }
    let text = format!("{audit:?}");
    assert!(!text.contains(&new) && !text.contains(&password) && !text.contains("argon2"));
    // The page itself renders for the admin.
    let page = admin
        .get(format!("{}/admin/accounts", app.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains("账号管理") && page.contains("wang.wu"),
        "page"
    );
}

async fn the_language_toggle_is_remembered_by_cookie(app: &TestApp) {
    let zh = app.get("/my").await.text().await.expect("text");
    assert!(zh.contains(r#"<html lang="zh-CN""#), "Chinese by default");
    assert!(zh.contains("我的任务"));
    // The browser's Accept-Language does not switch it: the product is Chinese first.
    let resp = app
        .client
        .get(format!("{}/my", app.base))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .expect("GET");
    assert!(resp
        .text()
        .await
        .expect("text")
        .contains(r#"<html lang="zh-CN""#));
    // The toggle's cookie does.
    let en = in_english(app, "t-hbj", &format!("{}/my", app.base)).await;
    assert!(en.contains(r#"<html lang="en""#), "English");
    assert!(
        en.contains("My tasks") && en.contains("Overview"),
        "nav in English"
    );
    assert!(!en.contains(">我的任务<"), "no Chinese nav label");
    assert!(
        en.contains("<h2>市环保局</h2>"),
        "signed in: the reporter's own unit, not the sign-in page"
    );
}
