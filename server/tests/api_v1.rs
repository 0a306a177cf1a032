//! The JSON API under /api/v1 over HTTP, on SQLite and PostgreSQL: tokens (issue, scope,
//! revoke), pushing readings (idempotent, all or nothing), the reads, the gate, and the
//! responses checked against the OpenAPI document the server publishes.

#[macro_use]
mod common;
use common::*;
use reqwest::{Method, StatusCode};
use sanzhi_store::{AuditFilter, ReadingFilter};
use serde_json::{json, Value};

on_both_backends!(
    only_admins_issue_list_and_revoke_tokens,
    a_water_token_pushes_water_readings_idempotently,
    bad_or_foreign_rows_are_refused_whole,
    missing_unknown_and_revoked_tokens_get_401,
    the_reads_answer_plans_items_statuses_and_readings,
    unknown_paths_and_methods_get_json_errors,
    responses_match_the_openapi_document,
    a_bad_token_is_refused_before_the_body_is_read,
    a_read_only_token_is_refused_before_the_body_is_read,
    tokens_expire_and_record_their_last_use,
    an_expiry_in_the_past_is_refused,
    recording_the_last_use_never_holds_up_a_read,
    admins_see_the_tokens_on_the_accounts_page,
);

/// A made-up token with a body near the upload limit is refused as unauthorised (the gate
/// checks the token first), not parsed; a valid token with a body over the limit gets 413.
async fn a_bad_token_is_refused_before_the_body_is_read(app: &TestApp) {
    let big = format!("[{}0]", "0,".repeat(400_000));
    let c = reqwest::Client::new();
    let resp = c
        .post(format!("{}/api/v1/readings", app.base))
        .header(
            "authorization",
            "Bearer sz_0123456789abcdefghijklmnopqrstuv",
        )
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "invalid_token", "{body}");
    let (_, token) = issue(app, "大文件", &["water"]).await;
    let huge = format!("[{}0]", "0,".repeat(600_000));
    let resp = c
        .post(format!("{}/api/v1/readings", app.base))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 413, "over the limit");
}

// ---- Helpers ----

/// A client without cookies: what another system uses.
fn machine() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

/// Sends a request (optionally with a bearer token and a JSON body) and reads the JSON
/// answer, whatever the status.
async fn call(
    client: &reqwest::Client,
    method: Method,
    url: String,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut req = client.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status();
    let text = resp.text().await.expect("text");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({status}): {e}: {text}"));
    (status, value)
}

async fn get_with(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    call(
        &machine(),
        Method::GET,
        format!("{}{path}", app.base),
        Some(token),
        None,
    )
    .await
}

async fn push(app: &TestApp, token: &str, batch: &Value) -> (StatusCode, Value) {
    call(
        &machine(),
        Method::POST,
        format!("{}/api/v1/readings", app.base),
        Some(token),
        Some(batch),
    )
    .await
}

/// Issues a token as t-admin; (id, secret).
async fn issue(app: &TestApp, name: &str, plans: &[&str]) -> (i64, String) {
    let admin = app.client_for("t-admin").await;
    let (status, body) = call(
        &admin,
        Method::POST,
        format!("{}/api/v1/tokens", app.base),
        None,
        Some(&json!({ "name": name, "plans": plans })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_i64().expect("id"),
        body["token"].as_str().expect("token").to_owned(),
    )
}

async fn all_readings(app: &TestApp) -> Vec<sanzhi_domain::Reading> {
    app.db
        .store
        .readings(&ReadingFilter::years(2000, 2100))
        .await
        .expect("readings")
}

async fn audit(app: &TestApp, actor: Option<&str>, action: &str) -> Vec<sanzhi_domain::AuditEntry> {
    app.db
        .store
        .audit_entries(&AuditFilter {
            actor: actor.map(str::to_owned),
            action: Some(action.to_owned()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .expect("audit")
}

/// The first place the API lists for an indicator.
async fn place_of(app: &TestApp, token: &str, code: &str) -> String {
    let (status, body) = get_with(app, "/api/v1/indicators", token).await;
    assert_eq!(status, 200, "{body}");
    body["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["code"] == code)
        .and_then(|i| i["places"][0].as_str())
        .unwrap_or_else(|| panic!("no place for {code}: {body}"))
        .to_owned()
}

fn reading(indicator: &str, place: &str, month: u32, value: f64) -> Value {
    json!({
        "indicator": indicator, "place": place, "year": 2019, "month": month, "value": value
    })
}

fn has_error(body: &Value, index: u64, field: &str) -> bool {
    body["errors"]
        .as_array()
        .is_some_and(|e| e.iter().any(|p| p["index"] == index && p["field"] == field))
}

// ---- Tokens ----

async fn only_admins_issue_list_and_revoke_tokens(app: &TestApp) {
    let url = format!("{}/api/v1/tokens", app.base);
    let request = json!({ "name": "市监测站", "plans": ["water", "air", "water"] });
    // Signed in, but not an admin: refused, and nothing issued.
    for user in ["t-leader", "t-water", "t-hbj"] {
        let c = app.client_for(user).await;
        let (status, body) = call(&c, Method::POST, url.clone(), None, Some(&request)).await;
        assert_eq!(status, 403, "{user}: {body}");
        assert_eq!(body["code"], "forbidden", "{user}");
        let (status, _) = call(&c, Method::GET, url.clone(), None, None).await;
        assert_eq!(status, 403, "{user} may not list tokens");
    }
    let (status, body) = call(&machine(), Method::POST, url.clone(), None, Some(&request)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "unauthorized");

    let admin = app.client_for("t-admin").await;
    // Bad names and plans: 422 naming them.
    let (status, body) = call(
        &admin,
        Method::POST,
        url.clone(),
        None,
        Some(&json!({ "name": "  ", "plans": ["water", "fire"] })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "invalid_token_request");
    assert!(has_error(&body, 1, "plans"), "{body}");
    assert!(
        body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["field"] == "name"),
        "{body}"
    );
    // A cross-site write with the admin's cookie is refused by the gate.
    let resp = admin
        .post(url.clone())
        .header("origin", "https://evil.example")
        .json(&request)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "cross_site");
    assert!(
        audit(app, None, "api_token.").await.is_empty(),
        "nothing issued yet"
    );

    let (status, created) = call(&admin, Method::POST, url.clone(), None, Some(&request)).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["token"].as_str().expect("token").to_owned();
    assert!(secret.starts_with("sz_") && secret.len() == 35, "{secret}");
    assert_eq!(created["plans"], json!(["air", "water"]));
    assert_eq!(created["name"], "市监测站");
    assert_eq!(created["active"], true);
    let id = created["id"].as_i64().expect("id");
    let (_, second) = call(&admin, Method::POST, url.clone(), None, Some(&request)).await;
    assert_ne!(second["token"], created["token"], "every token is new");

    // The list never shows a secret or its hash.
    let (status, list) = call(&admin, Method::GET, url.clone(), None, None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["tokens"].as_array().expect("tokens").len(), 2);
    let text = list.to_string();
    assert!(!text.contains(&secret));
    assert!(!text.contains(&server::api_v1::hash_token(&secret)));
    assert!(!text.contains("\"token\""), "{text}");

    // A token cannot manage tokens, even its own.
    let (status, body) = call(&machine(), Method::GET, url.clone(), Some(&secret), None).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "session_required");
    let (status, _) = call(
        &machine(),
        Method::DELETE,
        format!("{url}/{id}"),
        Some(&secret),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let leader = app.client_for("t-leader").await;
    let (status, _) = call(&leader, Method::DELETE, format!("{url}/{id}"), None, None).await;
    assert_eq!(status, 403);
    assert!(audit(app, None, "api_token.revoke").await.is_empty());

    // The admin revokes it; a second revoke changes nothing.
    let (status, revoked) = call(&admin, Method::DELETE, format!("{url}/{id}"), None, None).await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["active"], false);
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    let (status, again) = call(&admin, Method::DELETE, format!("{url}/{id}"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(again["revoked_at"], revoked["revoked_at"]);
    let (status, body) = call(&admin, Method::DELETE, format!("{url}/999999"), None, None).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "token_not_found");
    let (status, _) = call(&admin, Method::DELETE, format!("{url}/x"), None, None).await;
    assert_eq!(status, 404);

    // Issue and revoke are on the audit trail, by the admin, without the secret.
    let admin_sig = "测试t-admin（t-admin）";
    let issued = audit(app, Some(admin_sig), "api_token.issue").await;
    assert_eq!(issued.len(), 2);
    let revokes = audit(app, Some(admin_sig), "api_token.revoke").await;
    assert_eq!(revokes.len(), 1, "the second revoke wrote nothing");
    assert_eq!(revokes[0].entity_key, id.to_string());
    for e in issued.iter().chain(&revokes) {
        let after = e.after.as_deref().unwrap_or_default();
        assert!(
            !after.contains(&secret) && !after.contains("hash"),
            "{after}"
        );
    }
    let (_, list) = call(&admin, Method::GET, url, None, None).await;
    let listed = list["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
        .expect("listed");
    assert_eq!(listed["active"], false);
    assert_eq!(listed["created_by"], admin_sig);
}

// ---- Pushing readings ----

async fn a_water_token_pushes_water_readings_idempotently(app: &TestApp) {
    let (id, token) = issue(app, "水质平台", &["water"]).await;
    let section = place_of(app, &token, "water.nh3n").await;
    let batch = json!([
        reading("water.nh3n", &section, 1, 0.42),
        reading("water.nh3n", &section, 2, 0.38),
        {
            "indicator": "water.tp", "place": section, "year": 2019, "month": 1,
            "value": 0.08, "provisional": true, "note": "自动站"
        },
    ]);
    let (status, body) = push(app, &token, &batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "received": 3, "inserted": 3, "replaced": 0, "unchanged": 0 })
    );
    // The same batch again: nothing changes.
    let (status, body) = push(app, &token, &batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "received": 3, "inserted": 0, "replaced": 0, "unchanged": 3 })
    );
    // One changed value replaces the stored one, which goes to the history.
    let mut changed = batch.clone();
    changed[1]["value"] = json!(0.5);
    let (_, body) = push(app, &token, &changed).await;
    assert_eq!(
        body,
        json!({ "received": 3, "inserted": 0, "replaced": 1, "unchanged": 2 })
    );

    let by = format!("API 令牌 水质平台#{id}");
    let stored = all_readings(app).await;
    assert_eq!(stored.len(), 3);
    for r in &stored {
        assert_eq!(r.source, sanzhi_domain::ReadingSource::Api);
        assert_eq!(r.recorded_by, by);
    }
    let feb = stored
        .iter()
        .find(|r| r.key.indicator == "water.nh3n" && r.key.month == 2)
        .expect("feb");
    assert!((feb.value - 0.5).abs() < 1e-9);
    let tp = stored
        .iter()
        .find(|r| r.key.indicator == "water.tp")
        .expect("tp");
    assert!(tp.provisional);
    assert_eq!(tp.note, "自动站");
    // The push that added three readings is one audit entry with their count per indicator.
    let added = audit(app, Some(&by), "reading.add").await;
    assert_eq!(added.len(), 1, "{added:?}");
    let after: serde_json::Value =
        serde_json::from_str(added[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(after["inserted"], 3, "{after}");
    assert_eq!(after["source"], "api", "{after}");
    assert_eq!(audit(app, Some(&by), "reading.replace").await.len(), 1);

    // The API reads them back.
    let (status, body) = get_with(
        app,
        "/api/v1/readings?year=2019&indicator=water.nh3n",
        &token,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 2);
    assert_eq!(body["readings"][0]["source"], "api");
    assert_eq!(body["readings"][0]["recorded_by"], by.as_str());
    let (_, body) = get_with(app, "/api/v1/readings?indicator=water.", &token).await;
    assert_eq!(body["count"], 3);
    let (_, body) = get_with(app, "/api/v1/readings?year=2018", &token).await;
    assert_eq!(body["count"], 0);

    // A signed-in coordinator may push with the session (no token); a reporter may not.
    let coordinator = app.client_for("t-water").await;
    let (status, body) = call(
        &coordinator,
        Method::POST,
        format!("{}/api/v1/readings", app.base),
        None,
        Some(&json!([reading("water.nh3n", &section, 3, 0.3)])),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["inserted"], 1);
    let (status, body) = call(
        &app.client,
        Method::POST,
        format!("{}/api/v1/readings", app.base),
        None,
        Some(&json!([reading("water.nh3n", &section, 4, 0.3)])),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(all_readings(app).await.len(), 4);
}

async fn bad_or_foreign_rows_are_refused_whole(app: &TestApp) {
    let (_, water) = issue(app, "水质平台", &["water"]).await;
    let (_, read_only) = issue(app, "大屏", &[]).await;
    let section = place_of(app, &water, "water.nh3n").await;
    let area = place_of(app, &water, "pm25").await;
    let before_audit = audit(app, None, "reading.").await.len();

    // An air indicator with a water token: 403 naming the row, and nothing written (not even
    // the good water row).
    let (status, body) = push(
        app,
        &water,
        &json!([
            reading("water.nh3n", &section, 1, 0.4),
            reading("pm25", &area, 1, 35.0),
        ]),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "forbidden");
    assert!(has_error(&body, 1, "indicator"), "{body}");
    assert!(!has_error(&body, 0, "indicator"), "{body}");
    // A read-only token may not push at all.
    let (status, _) = push(
        app,
        &read_only,
        &json!([reading("water.nh3n", &section, 1, 0.4)]),
    )
    .await;
    assert_eq!(status, 403);

    // Bad rows: 422 naming every bad row with its field; nothing written.
    let (status, body) = push(
        app,
        &water,
        &json!([
            reading("water.nh3n", &section, 1, 0.4),
            reading("water.nh3n", &section, 2, -1.0),
            reading("water.nh3n", &section, 13, 0.4),
            reading("water.nh3n", "月球", 3, 0.4),
            { "indicator": "water.nh3n", "place": section, "month": 4, "value": 0.4 },
            { "indicator": "water.nh3n", "place": section, "year": 2019, "month": 5,
              "value": "0.4" },
            reading("water.nope", &section, 6, 0.4),
            reading("water.nh3n", &section, 1, 0.5),
            "not an object",
        ]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "invalid_readings");
    for (index, field) in [
        (1, "value"),
        (2, "month"),
        (3, "place"),
        (4, "year"),
        (5, "value"),
        (6, "indicator"),
        (7, "month"),
    ] {
        assert!(
            has_error(&body, index, field),
            "row {index} {field}: {body}"
        );
    }
    assert!(
        body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["index"] == 8),
        "{body}"
    );
    assert!(
        !body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["index"] == 0),
        "row 0 is good: {body}"
    );
    assert!(
        body["message"].as_str().expect("message").contains("8 条"),
        "{body}"
    );

    // Not a list, not JSON.
    let (status, body) = push(app, &water, &json!({ "indicator": "pm25" })).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_body");
    let resp = machine()
        .post(format!("{}/api/v1/readings", app.base))
        .bearer_auth(&water)
        .header("content-type", "application/json")
        .body("[{")
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "invalid_json");

    assert!(all_readings(app).await.is_empty(), "nothing was written");
    assert_eq!(audit(app, None, "reading.").await.len(), before_audit);
}

async fn missing_unknown_and_revoked_tokens_get_401(app: &TestApp) {
    let plans = format!("{}/api/v1/plans", app.base);
    let readings = format!("{}/api/v1/readings", app.base);
    // No token, no session.
    for (method, url) in [(Method::GET, &plans), (Method::POST, &readings)] {
        let (status, body) = call(&machine(), method, url.clone(), None, Some(&json!([]))).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["code"], "unauthorized");
        assert!(body["message"].is_string());
    }
    // Unknown and malformed tokens.
    let unknown = format!("sz_{}", "A".repeat(32));
    for t in [unknown.as_str(), "sz_short", "", "secret"] {
        let (status, body) = call(&machine(), Method::GET, plans.clone(), Some(t), None).await;
        assert_eq!(status, 401, "{t:?}: {body}");
        assert_eq!(body["code"], "invalid_token", "{t:?}");
    }
    // A valid token reads; once revoked it neither reads nor writes.
    let (id, token) = issue(app, "旧系统", &["water"]).await;
    let (status, _) = call(&machine(), Method::GET, plans.clone(), Some(&token), None).await;
    assert_eq!(status, 200);
    let section = place_of(app, &token, "water.nh3n").await;
    let admin = app.client_for("t-admin").await;
    let (status, _) = call(
        &admin,
        Method::DELETE,
        format!("{}/api/v1/tokens/{id}", app.base),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = call(&machine(), Method::GET, plans.clone(), Some(&token), None).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "token_revoked");
    let (status, _) = push(
        app,
        &token,
        &json!([reading("water.nh3n", &section, 1, 0.4)]),
    )
    .await;
    assert_eq!(status, 401);
    assert!(all_readings(app).await.is_empty());
    // A bad token is refused even next to a valid session cookie.
    let (status, body) = call(
        &app.client,
        Method::GET,
        plans.clone(),
        Some(&unknown),
        None,
    )
    .await;
    assert_eq!(status, 401, "{body}");
    // The session alone reads.
    let (status, _) = call(&app.client, Method::GET, plans, None, None).await;
    assert_eq!(status, 200);
}

// ---- Reads ----

async fn the_reads_answer_plans_items_statuses_and_readings(app: &TestApp) {
    let (_, token) = issue(app, "大屏", &[]).await;
    let (status, body) = get_with(app, "/api/v1/plans", &token).await;
    assert_eq!(status, 200, "{body}");
    let plans = body["plans"].as_array().expect("plans");
    assert_eq!(plans.len(), 3);
    let codes: Vec<&str> = plans.iter().filter_map(|p| p["code"].as_str()).collect();
    for code in ["water", "air", "soil"] {
        assert!(codes.contains(&code), "{codes:?}");
    }
    let water_count = plans
        .iter()
        .find(|p| p["code"] == "water")
        .and_then(|p| p["work_item_count"].as_u64())
        .expect("count");

    let (status, body) = get_with(app, "/api/v1/plans/water/items", &token).await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 29);
    assert_eq!(water_count, 29);
    assert!(items
        .iter()
        .all(|i| i["text"].as_str().is_some_and(|t| !t.is_empty())));
    assert!(
        items.iter().any(|i| i["milestones"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["due"].is_string()))),
        "some item has a dated milestone"
    );
    let (status, body) = get_with(app, "/api/v1/plans/nope/items", &token).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "plan_not_found");
    let (status, _) = get_with(app, "/api/v1/plans/Bad%20Code/assignments", &token).await;
    assert_eq!(status, 404);

    // Statuses as of a day: with no reports at the end of 2019, dated duties are overdue.
    let mut overdue_by_unit: std::collections::HashMap<String, Vec<i64>> = Default::default();
    for code in ["water", "air", "soil"] {
        let (status, body) = get_with(
            app,
            &format!("/api/v1/plans/{code}/assignments?as_of=2019-12-31"),
            &token,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["as_of"], "2019-12-31");
        let rows = body["assignments"].as_array().expect("assignments");
        assert_eq!(body["count"], rows.len());
        assert!(!rows.is_empty(), "{code}");
        for r in rows {
            assert_eq!(r["plan"], code);
            let status = r["status"].as_str().expect("status");
            assert!(
                [
                    "overdue",
                    "due_soon",
                    "in_progress",
                    "not_started",
                    "done_late",
                    "done"
                ]
                .contains(&status),
                "{status}"
            );
            if status == "overdue" {
                let late = r["days_left"].as_i64().is_some_and(|d| d < 0);
                let missed = r["missed_periods"].as_u64().is_some_and(|m| m > 0);
                assert!(late || missed, "overdue: late or periods missed: {r}");
                overdue_by_unit
                    .entry(r["unit"].as_str().expect("unit").to_owned())
                    .or_default()
                    .push(r["assignment_id"].as_i64().expect("id"));
            }
        }
    }
    // Early in 2018 fewer duties are late than at the end of 2019.
    let (_, early) = get_with(
        app,
        "/api/v1/plans/water/assignments?as_of=2018-01-02",
        &token,
    )
    .await;
    let overdue = |v: &Value| {
        v["assignments"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["status"] == "overdue")
            .count()
    };
    let (_, late) = get_with(
        app,
        "/api/v1/plans/water/assignments?as_of=2019-12-31",
        &token,
    )
    .await;
    assert!(
        overdue(&early) < overdue(&late),
        "{} vs {}",
        overdue(&early),
        overdue(&late)
    );
    let (status, body) = get_with(
        app,
        "/api/v1/plans/water/assignments?as_of=yesterday",
        &token,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalid_as_of");

    // The overdue list of a unit is exactly its overdue assignments across the plans.
    let (unit, mut expected) = overdue_by_unit
        .into_iter()
        .max_by_key(|(_, ids)| ids.len())
        .expect("some unit is overdue");
    let path = format!(
        "/api/v1/units/{}/overdue?as_of=2019-12-31",
        utf8_percent(&unit)
    );
    let (status, body) = get_with(app, &path, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["unit"], unit.as_str());
    let rows = body["assignments"].as_array().expect("rows");
    assert!(rows
        .iter()
        .all(|r| r["status"] == "overdue" && r["unit"] == unit.as_str()));
    let mut got: Vec<i64> = rows
        .iter()
        .map(|r| r["assignment_id"].as_i64().expect("id"))
        .collect();
    let days: Vec<i64> = rows
        .iter()
        .map(|r| r["days_left"].as_i64().unwrap_or(0))
        .collect();
    assert!(
        days.windows(2).all(|w| w[0] <= w[1]),
        "longest late first: {days:?}"
    );
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected);
    // The list is kept until the tracking changes: a demo report of 2019-06 on one of these
    // assignments, done and accepted (as any app server would store it), takes it off the
    // list of 2019-12-31 at the next poll.
    let gone = expected[0];
    let at = |d: u32| sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 6, d).expect("day");
    app.db
        .store
        .insert_demo_reports(&[sanzhi_store::DemoReport {
            report: sanzhi_domain::NewReport {
                assignment_id: gone,
                expected_version: 0,
                state: sanzhi_domain::ReportState::Done,
                milestone_seq: None,
                reported_on: at(1),
                achieved: None,
                narrative: "【演示】已完成".into(),
                evidence: vec![],
                reporter: "演示".into(),
                corrects_id: None,
                is_demo: true,
                submission_key: None,
                files: Vec::new(),
            },
            created_at: at(1).and_hms_opt(1, 0, 0).expect("time").and_utc(),
            review: Some(sanzhi_domain::NewReview {
                report_id: 0,
                decision: sanzhi_domain::ReviewDecision::Accepted,
                reason: String::new(),
                reviewer: "演示".into(),
                reviewed_on: at(5),
                is_demo: true,
                accepts_claimed_day: false,
            }),
        }])
        .await
        .expect("demo report");
    let (status, body) = get_with(app, &path, &token).await;
    assert_eq!(status, 200, "{body}");
    let now: Vec<i64> = body["assignments"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["assignment_id"].as_i64().expect("id"))
        .collect();
    assert!(!now.contains(&gone), "{gone} is done: {now:?}");
    assert_eq!(now.len(), expected.len() - 1);
    // Cleared, it is back at the next poll.
    app.db.store.clear_demo_reports().await.expect("clear");
    let (_, body) = get_with(app, &path, &token).await;
    assert_eq!(body["count"], expected.len(), "{body}");
    let (status, body) = get_with(app, "/api/v1/units/nobody/overdue", &token).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "unit_not_found");

    // The catalogue.
    let (status, body) = get_with(app, "/api/v1/indicators", &token).await;
    assert_eq!(status, 200);
    let indicators = body["indicators"].as_array().expect("indicators");
    assert_eq!(indicators.len(), sanzhi_domain::CATALOGUE.len());
    let pm25 = indicators
        .iter()
        .find(|i| i["code"] == "pm25")
        .expect("pm25");
    assert_eq!(pm25["plan"], "air");
    assert!(!pm25["places"].as_array().expect("places").is_empty());

    // Readings, filtered.
    let area = pm25["places"][0].as_str().expect("area").to_owned();
    let (_, air) = issue(app, "空气站", &["air"]).await;
    let (status, _) = push(
        app,
        &air,
        &json!([
            reading("pm25", &area, 1, 50.0),
            reading("pm25", &area, 2, 40.0),
            { "indicator": "pm25", "place": area, "year": 2020, "month": 1, "value": 30.0,
              "valid_days": 31 },
        ]),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = get_with(app, "/api/v1/readings?year=2019", &token).await;
    assert_eq!(body["count"], 2);
    let (_, body) = get_with(app, "/api/v1/readings", &token).await;
    assert_eq!(body["count"], 3);
    let (_, body) = get_with(
        app,
        &format!("/api/v1/readings?year=2020&place={}", utf8_percent(&area)),
        &token,
    )
    .await;
    assert_eq!(body["count"], 1);
    assert_eq!(body["readings"][0]["valid_days"], 31);
    let (_, body) = get_with(app, "/api/v1/readings?place=nowhere", &token).await;
    assert_eq!(body["count"], 0);
    for (query, code) in [
        ("year=1990", "invalid_year"),
        ("year=abc", "invalid_query"),
        ("indicator=nope", "unknown_indicator"),
    ] {
        let (status, body) = get_with(app, &format!("/api/v1/readings?{query}"), &token).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], code, "{query}");
    }
}

fn utf8_percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ---- The gate and errors ----

async fn unknown_paths_and_methods_get_json_errors(app: &TestApp) {
    let (_, token) = issue(app, "外部系统", &["water"]).await;
    let base = &app.base;
    for path in ["/api/v1/nope", "/api/v1/plans/water", "/api/v1", "/api/v1/"] {
        let (status, body) = call(
            &machine(),
            Method::GET,
            format!("{base}{path}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["code"], "not_found", "{path}");
        // Signed in (session): the same.
        let (status, body) = call(
            &app.client,
            Method::POST,
            format!("{base}{path}"),
            None,
            None,
        )
        .await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["code"], "not_found");
        // Neither: the gate answers 401, in the API's format.
        let (status, body) =
            call(&machine(), Method::GET, format!("{base}{path}"), None, None).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert_eq!(body["code"], "unauthorized");
    }
    let (status, body) = call(
        &machine(),
        Method::PUT,
        format!("{base}/api/v1/plans"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(body["code"], "method_not_allowed");

    // A bearer request is not cookie-authenticated: the cross-site check does not apply.
    let section = place_of(app, &token, "water.nh3n").await;
    let resp = machine()
        .post(format!("{base}/api/v1/readings"))
        .bearer_auth(&token)
        .header("origin", "https://other-system.example")
        .json(&json!([reading("water.nh3n", &section, 1, 0.4)]))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200);
    // A session write from another site is refused, and writes nothing.
    let coordinator = app.client_for("t-water").await;
    let resp = coordinator
        .post(format!("{base}/api/v1/readings"))
        .header("origin", "https://evil.example")
        .json(&json!([reading("water.nh3n", &section, 2, 0.4)]))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "cross_site");
    assert_eq!(all_readings(app).await.len(), 1);

    // The rest of the site keeps its own gate and error format.
    let resp = machine()
        .get(format!("{base}/api/readings.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 401, "a token opens /api/v1 only");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["kind"], "unauthorized");
}

// ---- The OpenAPI contract ----

/// Follows `$ref`s (`#/components/schemas/X`) to the schema itself.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
            return schema;
        };
        let name = r.strip_prefix("#/components/schemas/").expect("local ref");
        schema = &doc["components"]["schemas"][name];
        assert!(!schema.is_null(), "dangling $ref {r}");
    }
    panic!("$ref loop")
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

/// Checks a JSON value against a schema of the document: types, required properties (and
/// the properties present, recursively), array items, `allOf` / `oneOf` / `anyOf`, `enum`.
/// Returns what does not match, each with where.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut out = Vec::new();
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            out.extend(check(doc, s, value, at));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(any) = schema.get(key).and_then(Value::as_array) {
            if !any.iter().any(|s| check(doc, s, value, at).is_empty()) {
                out.push(format!("{at}: matches none of {key}: {value}"));
            }
        }
    }
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(t) => type_matches(t, value),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(t, value)),
            _ => true,
        };
        if !ok {
            out.push(format!("{at}: {value} is not {t}"));
            return out;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            out.push(format!("{at}: {value} not in {allowed:?}"));
        }
    }
    if let Some(obj) = value.as_object() {
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(req) {
                out.push(format!("{at}: required property `{req}` is missing"));
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, v) in obj {
                if let Some(s) = props.get(name) {
                    out.extend(check(doc, s, v, &format!("{at}.{name}")));
                }
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            out.extend(check(doc, items, v, &format!("{at}[{i}]")));
        }
    }
    out
}

/// The schema the document declares for a response.
fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let s = &doc["paths"][path][method]["responses"][status.to_string()]["content"]
        ["application/json"]["schema"];
    assert!(!s.is_null(), "{method} {path} {status} is not documented");
    s
}

/// Asserts a live answer matches what the document says of it.
fn conforms(doc: &Value, path: &str, method: &str, status: StatusCode, body: &Value) {
    let schema = response_schema(doc, path, method, status.as_u16());
    let problems = check(doc, schema, body, "$");
    assert!(
        problems.is_empty(),
        "{method} {path} {status}: {problems:#?}\n{body}"
    );
}

/// Every route the API serves: (documented path, method).
const SERVED: [(&str, &str); 11] = [
    ("/api/v1/openapi.json", "get"),
    ("/api/v1/plans", "get"),
    ("/api/v1/plans/{code}/items", "get"),
    ("/api/v1/plans/{code}/assignments", "get"),
    ("/api/v1/units/{unit}/overdue", "get"),
    ("/api/v1/indicators", "get"),
    ("/api/v1/readings", "get"),
    ("/api/v1/readings", "post"),
    ("/api/v1/tokens", "get"),
    ("/api/v1/tokens", "post"),
    ("/api/v1/tokens/{id}", "delete"),
];

async fn responses_match_the_openapi_document(app: &TestApp) {
    // Public: no token, no session.
    let (status, doc) = call(
        &machine(),
        Method::GET,
        format!("{}/api/v1/openapi.json", app.base),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{doc}");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // Every route served is documented, and nothing else is.
    let mut documented = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("ops").keys() {
            documented.push((path.clone(), method.clone()));
        }
    }
    for (path, method) in SERVED {
        assert!(
            documented.iter().any(|(p, m)| p == path && m == method),
            "{method} {path} is not documented"
        );
    }
    assert_eq!(documented.len(), SERVED.len(), "{documented:?}");

    // The checker itself catches a missing required property, a wrong type and a bad enum.
    let error_schema = json!({ "$ref": "#/components/schemas/ApiError" });
    assert!(check(
        &doc,
        &error_schema,
        &json!({ "code": "x", "message": "y" }),
        "$"
    )
    .is_empty());
    assert!(!check(&doc, &error_schema, &json!({ "code": "x" }), "$").is_empty());
    assert!(!check(
        &doc,
        &error_schema,
        &json!({ "code": 1, "message": "y" }),
        "$"
    )
    .is_empty());
    let assignment = json!({ "$ref": "#/components/schemas/ApiAssignment" });
    let mut sample = json!({
        "assignment_id": 1, "plan": "water", "task_number": 1, "item_number": 1,
        "item_text": "t", "unit": "u", "via": "v", "status": "overdue", "status_label": "逾期",
        "next_due": "2019-06-30", "days_left": -3, "missed_periods": 0, "report_count": 0,
        "last_reported_on": null, "last_report_late_filed": false, "awaiting_review": false
    });
    assert!(
        check(&doc, &assignment, &sample, "$").is_empty(),
        "{:?}",
        check(&doc, &assignment, &sample, "$")
    );
    sample["status"] = json!("late");
    assert!(!check(&doc, &assignment, &sample, "$").is_empty());

    // Live answers against their documented schemas.
    let (_, token) = issue(app, "契约测试", &["water"]).await;
    let section = place_of(app, &token, "water.nh3n").await;
    for (path, doc_path) in [
        ("/api/v1/plans", "/api/v1/plans"),
        ("/api/v1/plans/water/items", "/api/v1/plans/{code}/items"),
        (
            "/api/v1/plans/air/assignments?as_of=2019-12-31",
            "/api/v1/plans/{code}/assignments",
        ),
        (
            "/api/v1/units/%E5%BC%80%E5%8C%96%E5%8E%BF%E6%94%BF%E5%BA%9C/overdue?as_of=2019-12-31",
            "/api/v1/units/{unit}/overdue",
        ),
        ("/api/v1/indicators", "/api/v1/indicators"),
    ] {
        let (status, body) = get_with(app, path, &token).await;
        assert_eq!(status, 200, "{path}: {body}");
        conforms(&doc, doc_path, "get", status, &body);
    }
    let (status, body) = push(
        app,
        &token,
        &json!([reading("water.nh3n", &section, 1, 0.4)]),
    )
    .await;
    conforms(&doc, "/api/v1/readings", "post", status, &body);
    let (status, body) = get_with(app, "/api/v1/readings?year=2019", &token).await;
    assert_eq!(body["count"], 1);
    conforms(&doc, "/api/v1/readings", "get", status, &body);

    // Errors: every documented error has `code` and `message`, live ones included.
    let (status, body) = push(
        app,
        &token,
        &json!([reading("water.nh3n", &section, 13, 0.4)]),
    )
    .await;
    assert_eq!(status, 422);
    conforms(&doc, "/api/v1/readings", "post", status, &body);
    assert!(has_error(&body, 0, "month"));
    let area = place_of(app, &token, "pm25").await;
    let (status, body) = push(app, &token, &json!([reading("pm25", &area, 1, 30.0)])).await;
    assert_eq!(status, 403, "{body}");
    conforms(&doc, "/api/v1/readings", "post", status, &body);
    let (status, body) = get_with(app, "/api/v1/plans", "sz_nope").await;
    assert_eq!(status, 401);
    conforms(&doc, "/api/v1/plans", "get", status, &body);
    let (status, body) = get_with(app, "/api/v1/plans/nope/items", &token).await;
    assert_eq!(status, 404);
    conforms(&doc, "/api/v1/plans/{code}/items", "get", status, &body);
    let (status, body) = get_with(app, "/api/v1/readings?year=1", &token).await;
    assert_eq!(status, 400);
    conforms(&doc, "/api/v1/readings", "get", status, &body);
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("ops") {
            for (status, resp) in op["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &resp["content"]["application/json"]["schema"];
                    let err = resolve(&doc, schema);
                    let required = err["required"].as_array().expect("required");
                    assert!(
                        required.contains(&json!("code")) && required.contains(&json!("message")),
                        "{method} {path} {status}: {err}"
                    );
                }
            }
        }
    }

    // Token management, as the admin's session.
    let admin = app.client_for("t-admin").await;
    let url = format!("{}/api/v1/tokens", app.base);
    let (status, body) = call(
        &admin,
        Method::POST,
        url.clone(),
        None,
        Some(&json!({ "name": "另一个", "plans": ["soil"] })),
    )
    .await;
    assert_eq!(status, 201);
    conforms(&doc, "/api/v1/tokens", "post", status, &body);
    let id = body["id"].as_i64().expect("id");
    let (status, body) = call(
        &admin,
        Method::POST,
        url.clone(),
        None,
        Some(&json!({ "name": "" })),
    )
    .await;
    assert_eq!(status, 422);
    conforms(&doc, "/api/v1/tokens", "post", status, &body);
    let (status, body) = call(&admin, Method::GET, url.clone(), None, None).await;
    conforms(&doc, "/api/v1/tokens", "get", status, &body);
    let (status, body) = call(&admin, Method::DELETE, format!("{url}/{id}"), None, None).await;
    assert_eq!(status, 200);
    conforms(&doc, "/api/v1/tokens/{id}", "delete", status, &body);
    let (status, body) = call(&app.client, Method::GET, url, None, None).await;
    assert_eq!(status, 403);
    conforms(&doc, "/api/v1/tokens", "get", status, &body);
}

// ---- Reading rights before the body, expiry and last use (security review) ----

/// A token without any plan to write (and a user who may not write readings) is refused
/// before the body is read: a body over the upload limit gets 403, not 413, and a body that
/// never finishes arriving is not waited for.
async fn a_read_only_token_is_refused_before_the_body_is_read(app: &TestApp) {
    let (_, read_only) = issue(app, "只读大屏", &[]).await;
    let big = format!("[{}0]", "0,".repeat(UPLOAD_LIMIT / 2 + 100_000));
    assert!(big.len() > UPLOAD_LIMIT);
    let url = format!("{}/api/v1/readings", app.base);
    let resp = machine()
        .post(url.clone())
        .bearer_auth(&read_only)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 403, "refused before the body is read");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "forbidden", "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("只能读取"),
        "{body}"
    );
    // A signed-in reporter may not write readings: the same, by session.
    let resp = app
        .client
        .post(url.clone())
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 403);

    // A body announced as 8 MiB of which only 64 KiB ever arrive: the answer comes at once
    // (a handler that read the body first would wait for the rest).
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/readings HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {read_only}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        8 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&vec![b' '; 64 * 1024])
        .await
        .expect("part of the body");
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered without waiting for the body")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(all_readings(app).await.is_empty());

    // A token that may write still gets its body read (and refused over the limit).
    let (_, water) = issue(app, "水质平台", &["water"]).await;
    let resp = machine()
        .post(url)
        .bearer_auth(&water)
        .header("content-type", "application/json")
        .body(format!("[{}0]", "0,".repeat(UPLOAD_LIMIT)))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "payload_too_large", "{body}");
}

/// The token's record in the store, by id.
async fn token_record(app: &TestApp, id: i64) -> sanzhi_store::ApiTokenRecord {
    app.db
        .store
        .api_tokens()
        .await
        .expect("tokens")
        .into_iter()
        .find(|t| t.id == id)
        .expect("token")
}

async fn tokens_expire_and_record_their_last_use(app: &TestApp) {
    use sanzhi_domain::chrono::{DateTime, Duration, Utc};
    let admin = app.client_for("t-admin").await;
    let url = format!("{}/api/v1/tokens", app.base);
    let before = Utc::now();
    let (status, created) = call(
        &admin,
        Method::POST,
        url.clone(),
        None,
        Some(&json!({ "name": "一天", "plans": ["air"], "expires_in_days": 1 })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    let secret = created["token"].as_str().expect("token").to_owned();
    let expires: DateTime<Utc> = created["expires_at"]
        .as_str()
        .expect("expires_at")
        .parse()
        .expect("RFC 3339");
    assert!(
        expires >= before + Duration::days(1) && expires <= Utc::now() + Duration::days(1),
        "{created}"
    );
    assert!(created["last_used_at"].is_null(), "{created}");
    assert_eq!(created["active"], true);
    // An explicit time is kept as given.
    let (status, at) = call(
        &admin,
        Method::POST,
        url.clone(),
        None,
        Some(&json!({ "name": "到年底", "expires_at": "2999-12-31T23:59:00+08:00" })),
    )
    .await;
    assert_eq!(status, 400, "more than 3650 days away: {at}");
    let far: DateTime<Utc> = (Utc::now() + Duration::days(30)).trunc_to_secs();
    let (status, at) = call(
        &admin,
        Method::POST,
        url.clone(),
        None,
        Some(&json!({ "name": "一个月", "expires_at": far.to_rfc3339() })),
    )
    .await;
    assert_eq!(status, 201, "{at}");
    assert_eq!(
        at["expires_at"]
            .as_str()
            .expect("expires_at")
            .parse::<DateTime<Utc>>()
            .expect("time"),
        far
    );

    // Not used yet: the list says so. A use records when.
    assert!(token_record(app, id).await.last_used_at.is_none());
    let used_from = Utc::now() - Duration::seconds(1);
    let (status, _) = get_with(app, "/api/v1/plans", &secret).await;
    assert_eq!(status, 200);
    let first = token_record(app, id)
        .await
        .last_used_at
        .expect("the use is recorded");
    assert!(first >= used_from && first <= Utc::now(), "{first}");
    let (_, list) = call(&admin, Method::GET, url.clone(), None, None).await;
    let listed = list["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
        .expect("listed");
    assert_eq!(
        listed["last_used_at"]
            .as_str()
            .expect("last_used_at")
            .parse::<DateTime<Utc>>()
            .expect("time"),
        first,
        "{listed}"
    );
    assert_eq!(listed["expires_at"], created["expires_at"], "{listed}");
    // Used again within the minute: nothing is written.
    let (status, _) = get_with(app, "/api/v1/indicators", &secret).await;
    assert_eq!(status, 200);
    assert_eq!(token_record(app, id).await.last_used_at, Some(first));
    // The store writes at most once a minute, whoever asks.
    let store = &app.db.store;
    let minute = Duration::seconds(60);
    assert!(!store
        .api_token_touch(id, first + Duration::seconds(30), minute)
        .await
        .expect("touch"));
    assert_eq!(token_record(app, id).await.last_used_at, Some(first));
    let later = first + Duration::seconds(61);
    assert!(store
        .api_token_touch(id, later, minute)
        .await
        .expect("touch"));
    assert_eq!(token_record(app, id).await.last_used_at, Some(later));

    // A token past its expiry: 401 token_expired for reads and pushes, and its use is not
    // recorded. (Stored directly: the API never issues one already expired.)
    let expired_secret = format!("sz_{}", "E".repeat(32));
    let now = Utc::now();
    let expired = store
        .api_token_create(
            "过期",
            &server::api_v1::hash_token(&expired_secret),
            &["water".to_owned()],
            Some(now - Duration::seconds(1)),
            "test",
            now - Duration::days(2),
        )
        .await
        .expect("create");
    let (status, body) = get_with(app, "/api/v1/plans", &expired_secret).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "token_expired", "{body}");
    assert!(
        body["message"].as_str().expect("message").contains("过期"),
        "{body}"
    );
    let (status, body) = push(app, &expired_secret, &json!([])).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "token_expired");
    assert!(token_record(app, expired.id).await.last_used_at.is_none());
    let (_, list) = call(&admin, Method::GET, url, None, None).await;
    let listed = list["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["id"] == expired.id)
        .cloned()
        .expect("listed");
    assert_eq!(listed["active"], false, "{listed}");
    assert!(listed["revoked_at"].is_null());
    assert!(listed["expires_at"].is_string());
    // The document names the code and the fields.
    let (_, doc) = call(
        &machine(),
        Method::GET,
        format!("{}/api/v1/openapi.json", app.base),
        None,
        None,
    )
    .await;
    let codes = doc["components"]["schemas"]["ApiError"]["properties"]["code"].to_string();
    assert!(codes.contains("token_expired"), "{codes}");
    let described = doc["paths"]["/api/v1/plans"]["get"]["responses"]["401"]["description"]
        .as_str()
        .expect("401");
    assert!(described.contains("token_expired"), "{described}");
    for field in ["expires_at", "last_used_at"] {
        assert!(
            !doc["components"]["schemas"]["ApiToken"]["properties"][field].is_null(),
            "ApiToken.{field}"
        );
    }
    for field in ["expires_at", "expires_in_days"] {
        assert!(
            !doc["components"]["schemas"]["TokenRequest"]["properties"][field].is_null(),
            "TokenRequest.{field}"
        );
    }
}

trait TruncToSecs {
    fn trunc_to_secs(self) -> Self;
}

impl TruncToSecs for sanzhi_domain::chrono::DateTime<sanzhi_domain::chrono::Utc> {
    fn trunc_to_secs(self) -> Self {
        sanzhi_domain::chrono::SubsecRound::trunc_subsecs(self, 0)
    }
}

async fn an_expiry_in_the_past_is_refused(app: &TestApp) {
    let admin = app.client_for("t-admin").await;
    let url = format!("{}/api/v1/tokens", app.base);
    let (_, doc) = call(
        &machine(),
        Method::GET,
        format!("{}/api/v1/openapi.json", app.base),
        None,
        None,
    )
    .await;
    for (request, says) in [
        (
            json!({ "name": "旧", "expires_at": "2020-01-01T00:00:00+08:00" }),
            "已经过去",
        ),
        (json!({ "name": "旧", "expires_in_days": 0 }), "已经过去"),
        (json!({ "name": "旧", "expires_in_days": -3 }), "已经过去"),
        (json!({ "name": "旧", "expires_in_days": 3651 }), "3650"),
        (json!({ "name": "旧", "expires_at": "下个月" }), "RFC 3339"),
        (
            json!({ "name": "旧", "expires_at": "2999-01-01T00:00:00Z", "expires_in_days": 3 }),
            "只能填写其中一个",
        ),
    ] {
        let (status, body) = call(&admin, Method::POST, url.clone(), None, Some(&request)).await;
        assert_eq!(status, 400, "{request}: {body}");
        assert_eq!(body["code"], "invalid_expiry", "{request}");
        assert!(
            body["message"].as_str().expect("message").contains(says),
            "{request}: {body}"
        );
        conforms(&doc, "/api/v1/tokens", "post", status, &body);
    }
    assert!(
        audit(app, None, "api_token.issue").await.is_empty(),
        "nothing issued"
    );
    let (_, list) = call(&admin, Method::GET, url, None, None).await;
    assert_eq!(list["tokens"], json!([]));
}

/// Recording a token's last use never makes a read wait for the database or fail: with the
/// token's row (SQLite: the whole database) locked by another writer, the read answers at
/// once, and the use is recorded once the lock is gone.
async fn recording_the_last_use_never_holds_up_a_read(app: &TestApp) {
    use sqlx::Connection;
    let (id, token) = issue(app, "忙时读取", &[]).await;
    enum Lock {
        Sqlite(sqlx::SqliteConnection),
        Postgres(sqlx::PgConnection),
    }
    let lock = match app.db.store.backend() {
        sanzhi_store::Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.db.url)
                .await
                .expect("connect");
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut c)
                .await
                .expect("lock");
            Lock::Sqlite(c)
        }
        sanzhi_store::Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.db.url)
                .await
                .expect("connect");
            sqlx::query("BEGIN").execute(&mut c).await.expect("begin");
            sqlx::query("SELECT id FROM api_tokens WHERE id = $1 FOR UPDATE")
                .bind(id)
                .execute(&mut c)
                .await
                .expect("lock");
            Lock::Postgres(c)
        }
    };
    let started = std::time::Instant::now();
    let (status, body) = get_with(app, "/api/v1/plans", &token).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the read waited {:?} for the write",
        started.elapsed()
    );
    assert!(token_record(app, id).await.last_used_at.is_none());
    match lock {
        Lock::Sqlite(mut c) => {
            sqlx::query("ROLLBACK")
                .execute(&mut c)
                .await
                .expect("unlock");
        }
        Lock::Postgres(mut c) => {
            sqlx::query("ROLLBACK")
                .execute(&mut c)
                .await
                .expect("unlock");
        }
    }
    for _ in 0..100 {
        if token_record(app, id).await.last_used_at.is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the last use was not recorded after the lock was released");
}

async fn admins_see_the_tokens_on_the_accounts_page(app: &TestApp) {
    let (_, used) = issue(app, "监测站平台", &["water", "air"]).await;
    let (revoked, _) = issue(app, "旧大屏", &[]).await;
    let admin = app.client_for("t-admin").await;
    let (status, _) = call(
        &admin,
        Method::DELETE,
        format!("{}/api/v1/tokens/{revoked}", app.base),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = get_with(app, "/api/v1/plans", &used).await;
    assert_eq!(status, 200);

    // The server function: admins only.
    let resp = admin
        .post(format!("{}/api/api_tokens", app.base))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200);
    let rows: Value = resp.json().await.expect("json");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0]["last_used_at"].is_string(), "{rows:?}");
    assert!(rows[1]["last_used_at"].is_null(), "{rows:?}");
    assert!(rows[1]["revoked_at"].is_string(), "{rows:?}");
    assert!(!Value::Array(rows.clone()).to_string().contains(&used));
    let leader = app.client_for("t-leader").await;
    let resp = leader
        .post(format!("{}/api/api_tokens", app.base))
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 403);

    // The page.
    let page = admin
        .get(format!("{}/admin/accounts", app.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    for text in [
        "API 令牌",
        "监测站平台",
        "旧大屏",
        "从未使用",
        "只读",
        "不过期",
    ] {
        assert!(page.contains(text), "the accounts page lacks “{text}”");
    }
    assert!(!page.contains(&used), "never the secret");
    let english = in_english(app, "t-admin", &format!("{}/admin/accounts", app.base)).await;
    for text in ["API tokens", "Never used", "Read only"] {
        assert!(english.contains(text), "the English page lacks “{text}”");
    }
}
