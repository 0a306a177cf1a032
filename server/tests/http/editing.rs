use super::*;

on_both_backends!(a_coordinator_edits_deadlines_units_and_targets_with_a_reason,);

fn edit_form<'a>(
    deadlines: &'a str,
    units: &'a str,
    targets: &'a str,
    reason: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("form[plan]", "water"),
        ("form[number]", "28"),
        ("form[deadlines]", deadlines),
        ("form[units]", units),
        ("form[targets]", targets),
        ("form[reason]", reason),
    ]
}

async fn a_coordinator_edits_deadlines_units_and_targets_with_a_reason(app: &TestApp) {
    let water = app.client_for("t-water").await;
    let url = format!("{}/api/item_edit", app.base);
    let target = "断面水质自动站 | 为 | 9 | 个 | 2018 | 完成9个国家“水十条”断面水质自动站建设";
    let ok = post_json(
        &water,
        url.clone(),
        &edit_form(
            "7月底前\n2019年6月底前",
            "市环保局\n开化县政府",
            target,
            "市治水办会议纪要第12号",
        ),
    )
    .await;
    assert!(ok.is_null(), "{ok}");
    let scope = sanzhi_store::TrackScope {
        plan: Some("water".into()),
        item: Some(28),
        ..Default::default()
    };
    // The edit is made today: a replay of 2019 still sees the item as it was then.
    let then = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2019, 7, 15).expect("date");
    let old = app
        .db
        .store
        .tracked(&scope, then, 15)
        .await
        .expect("tracked");
    let old_units: Vec<&str> = old.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(old_units, ["市环保局"]);
    assert_eq!(old[0].milestones.len(), 1);
    let d = sanzhi_domain::report::china_day(sanzhi_domain::chrono::Utc::now());
    let rows = app.db.store.tracked(&scope, d, 15).await.expect("tracked");
    let units: Vec<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(units, ["市环保局", "开化县政府"]);
    assert_eq!(rows[1].via, "协调员调整：市治水办会议纪要第12号");
    assert_eq!(rows[0].milestones.len(), 2);
    assert_eq!(
        rows[0].milestones[1]
            .deadline
            .due_date()
            .map(|d| d.to_string())
            .as_deref(),
        Some("2019-06-30")
    );
    let page = water
        .get(format!("{}/plans/water/items/28", app.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains("2019年6月底前") && page.contains("断面水质自动站"),
        "the item shows the edit"
    );
    assert!(page.contains("item.edit"), "on the item's audit trail");
    assert!(page.contains("item-edit"), "the coordinator sees the form");

    // Bad input names the field and line, and changes nothing.
    for (form, says) in [
        (edit_form("下个礼拜", "市环保局", "", "x"), "deadlines"),
        (
            edit_form("7月底前", "市环保局\n不存在的局", "", "x"),
            "没有单位“不存在的局”",
        ),
        (
            edit_form("7月底前", "市环保局", "a | 为 | 九 | 个 | 2018 | q", "x"),
            "targets",
        ),
        (edit_form("7月底前", "市环保局", "", " "), "reason"),
    ] {
        let e = post_json(&water, url.clone(), &form).await;
        assert_eq!(e["kind"], "bad_request", "{e}");
        assert!(
            e["message"].as_str().expect("msg").contains(says),
            "{says}: {e}"
        );
    }
    let unchanged = app.db.store.tracked(&scope, d, 15).await.expect("tracked");
    assert_eq!(unchanged, rows, "refused edits changed nothing");

    // A unit that has reported cannot be removed; the refusal changes nothing.
    let kaihua = rows[1].assignment_id;
    let kc = app.client_for("t-kaihua").await;
    let r = post_json(
        &kc,
        format!("{}/api/report", app.base),
        &[
            ("form[assignment_id]", kaihua.to_string().as_str()),
            ("form[expected_version]", "0"),
            ("form[state]", "in_progress"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", "2019-07-01"),
            ("form[achieved]", ""),
            ("form[narrative]", "开化已开工"),
            ("form[evidence]", ""),
            ("form[reporter]", ""),
            ("form[corrects_id]", ""),
        ],
    )
    .await;
    assert_eq!(r["version"], 1, "{r}");
    let e = post_json(
        &water,
        url.clone(),
        &edit_form("8月底前", "市环保局", "", "撤出开化"),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .expect("msg")
            .contains("开化县政府已有 1 份进展报告"),
        "{e}"
    );
    let still = app.db.store.tracked(&scope, d, 15).await.expect("tracked");
    assert_eq!(still.len(), 2);
    assert_eq!(still[0].milestones[0].phrase, "7月底前", "nothing changed");

    // Only the plan's coordinator: air's coordinator, a reporter, a leader and an admin
    // are refused.
    for who in ["t-air", "t-hbj", "t-leader", "t-admin"] {
        let c = app.client_for(who).await;
        let e = post_json(
            &c,
            url.clone(),
            &edit_form("8月底前", "市环保局\n开化县政府", "", "越权"),
        )
        .await;
        assert_eq!(e["kind"], "forbidden", "{who}: {e}");
    }
    let audit = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("item.edit".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1, "one accepted edit");
    assert_eq!(audit[0].entity_key, "water/28");
    assert!(audit[0]
        .before
        .as_deref()
        .is_some_and(|b| b.contains("7月底前") && !b.contains("2019年6月底前")));
    assert!(audit[0]
        .after
        .as_deref()
        .is_some_and(|a| a.contains("2019年6月底前") && a.contains("市治水办会议纪要第12号")));
}
