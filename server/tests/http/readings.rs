use super::*;
use sanzhi_store::ReadingFilter;

on_both_backends!(
    an_import_is_previewed_then_committed_once,
    a_bad_file_is_rejected_whole_naming_rows_and_changes_nothing,
    files_of_other_encodings_and_kinds,
    an_oversized_upload_is_refused_with_a_clear_message,
    the_entry_form_saves_and_names_bad_fields,
    readings_export_as_csv,
    the_overview_of_a_demo_month_has_counts_red_list_ranking_and_charts,
    a_large_import_is_written_while_read_and_undone_by_a_late_problem,
    the_indicators_page_is_kept_and_follows_each_saved_reading,
);

const GOOD: &str = "指标,地点,年份,月份,数值,有效天数,暂定,备注\n\
                        pm25,柯城,2018,1,52.3,31,否,\n\
                        pm25,柯城,2018,2,47.0,28,是,初值\n\
                        water.nh3n,东迹渡,2018,1,0.21,,,\n";

async fn import(app: &TestApp, body: impl Into<reqwest::Body>, query: &str) -> reqwest::Response {
    import_as(app, "t-admin", body, query).await
}

async fn import_as(
    app: &TestApp,
    user: &str,
    body: impl Into<reqwest::Body>,
    query: &str,
) -> reqwest::Response {
    app.client_for(user)
        .await
        .post(format!("{}/api/import/readings?{query}", app.base))
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("POST import")
}

async fn stored(app: &TestApp) -> Vec<sanzhi_domain::Reading> {
    app.db
        .store
        .readings(&ReadingFilter::years(
            *sanzhi_domain::reading::YEARS.start(),
            *sanzhi_domain::reading::YEARS.end(),
        ))
        .await
        .expect("readings")
}

/// A readings CSV of every water indicator at every section, month by month over the
/// years readings may have (far more rows than one chunk the import writes at a time),
/// then `extra` lines.
async fn many_rows(app: &TestApp, extra: &str) -> (String, usize) {
    let places = app.db.store.reading_places().await.expect("places");
    let mut csv = String::from("指标,地点,年份,月份,数值,有效天数,暂定,备注\n");
    let mut rows = 0;
    for indicator in [
        "water.nh3n",
        "water.tp",
        "water.cod",
        "water.codmn",
        "water.do",
        "water.bod5",
    ] {
        for section in &places.sections {
            for year in sanzhi_domain::reading::YEARS {
                for month in 1..=12 {
                    csv.push_str(&format!("{indicator},{section},{year},{month},0.5,,否,\n"));
                    rows += 1;
                }
            }
        }
    }
    csv.push_str(extra);
    (csv, rows)
}

/// The import writes each chunk while it reads the next, in one transaction: a problem in
/// the last row, or a plan the importer may not write appearing after thousands of rows,
/// leaves the database as it was (no reading, no audit entry, the same data version);
/// the same file without them is committed, and importing it again changes nothing.
async fn a_large_import_is_written_while_read_and_undone_by_a_late_problem(app: &TestApp) {
    let store = &app.db.store;
    let version = store.data_version().await.expect("version");
    let audit = || async {
        store
            .audit_entries(&sanzhi_store::AuditFilter {
                limit: i64::MAX,
                ..Default::default()
            })
            .await
            .expect("audit")
            .len()
    };
    let entries = audit().await;

    let (bad, rows) = many_rows(app, "water.tp,东迹渡,2018,13,0.1,,,\n").await;
    assert!(rows > 5_000, "more than the first chunk: {rows} rows");
    let resp = import(app, bad, "commit=true").await;
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["problem_count"], 1, "{body}");
    assert_eq!(body["problems"][0]["row"], rows + 2, "{body}");
    assert_eq!(body["problems"][0]["column"], "月份", "{body}");
    assert!(stored(app).await.is_empty(), "nothing of the file is kept");
    assert_eq!(store.data_version().await.expect("version"), version);
    assert_eq!(audit().await, entries);

    // 治水办 may write water readings, not air: the PM2.5 row after the water rows
    // refuses the whole file.
    let (mixed, _) = many_rows(app, "pm25,柯城,2018,1,35.0,31,否,\n").await;
    let resp = import_as(app, "t-water", mixed, "commit=true").await;
    assert_eq!(resp.status(), 403);
    assert!(
        stored(app).await.is_empty(),
        "nothing of the refused file is kept"
    );
    assert_eq!(store.data_version().await.expect("version"), version);

    let (good, rows) = many_rows(app, "").await;
    let resp = import(app, good.clone(), "commit=true").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["written"]["inserted"], rows, "{body}");
    assert_eq!(stored(app).await.len(), rows);
    assert_eq!(audit().await, entries + 1, "one entry for the import");
    let resp = import(app, good, "commit=true").await;
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["written"]["unchanged"], rows, "{body}");
    assert_eq!(body["written"]["inserted"], 0, "{body}");
}

async fn an_import_is_previewed_then_committed_once(app: &TestApp) {
    let resp = import(app, GOOD, "commit=false&by=").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["outcome"], "preview", "{body}");
    assert_eq!(body["rows"], 3);
    assert_eq!(body["new"], 3);
    assert_eq!(body["encoding"], "UTF-8");
    assert_eq!(body["sample"][0]["row"], 2);
    assert!(stored(app).await.is_empty(), "a preview writes nothing");

    let resp = import(
        app,
        GOOD,
        "commit=true&by=%E5%B8%82%E7%8E%AF%E4%BF%9D%E5%B1%80",
    )
    .await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["outcome"], "committed");
    assert_eq!(body["written"]["inserted"], 3);
    let rows = stored(app).await;
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .all(|r| r.recorded_by == "测试t-admin（t-admin）"));
    assert!(rows
        .iter()
        .all(|r| r.source == sanzhi_domain::ReadingSource::Imported));

    // The same file again: a preview says nothing changes, a commit changes nothing.
    let body: serde_json::Value = import(app, GOOD, "by=x").await.json().await.expect("json");
    assert_eq!(
        (body["new"].as_u64(), body["unchanged"].as_u64()),
        (Some(0), Some(3))
    );
    let body: serde_json::Value = import(app, GOOD, "commit=true&by=x")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["written"]["unchanged"], 3);
    // An edited value is previewed as a replacement with its old value.
    let edited = GOOD.replace("52.3", "50.1");
    let body: serde_json::Value = import(app, edited, "by=x")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["replace"], 1);
    assert_eq!(body["replacements"][0]["old"], 52.3);
    assert_eq!(body["replacements"][0]["value"], 50.1);
}

async fn a_bad_file_is_rejected_whole_naming_rows_and_changes_nothing(app: &TestApp) {
    let bad = "指标,地点,年份,月份,数值\n\
                   pm25,柯城,2018,1,41\n\
                   pm25,柯城,2018,2,四十\n\
                   pm25,柯城,2018,3,-2\n\
                   pm25,柯城,2018,4,8000\n\
                   pm25,柯城,2018,1,42\n";
    let resp = import(app, bad, "commit=true&by=x").await;
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["outcome"], "rejected");
    assert_eq!(body["problem_count"], 4);
    let problems = body["problems"].as_array().expect("problems");
    let at = |i: usize| (problems[i]["row"].as_u64(), problems[i]["column"].as_str());
    assert_eq!(at(0), (Some(3), Some("数值")));
    assert!(problems[0]["reason"]
        .as_str()
        .expect("r")
        .contains("“四十”不是数字"));
    assert_eq!(at(1), (Some(4), Some("数值")));
    assert_eq!(at(2), (Some(5), Some("数值")));
    assert_eq!(problems[3]["row"], 6);
    assert!(problems[3]["reason"]
        .as_str()
        .expect("r")
        .contains("与第 2 行重复"));
    assert!(
        stored(app).await.is_empty(),
        "the good first row was not written"
    );

    let resp = import(app, "地区,月份,浓度\n柯城,1,40\n", "commit=true&by=x").await;
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert!(body["file"].as_str().expect("file").contains("表头缺少列"));
    assert!(stored(app).await.is_empty());
}

async fn files_of_other_encodings_and_kinds(app: &TestApp) {
    let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
    let resp = import(app, gbk.into_owned(), "commit=true&by=x").await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["encoding"], "GBK");
    assert_eq!(
        stored(app).await[0].key.place,
        "柯城",
        "GBK text read right"
    );
    let resp = import(app, b"PK\x03\x04rest-of-a-zip".to_vec(), "by=x").await;
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert!(body["file"].as_str().expect("file").contains("另存为 CSV"));
    let resp = import(app, vec![0x61, 0xFF, 0xFE, 0xFF, 0x0A], "by=x").await;
    let body: serde_json::Value = resp.json().await.expect("json");
    assert!(body["file"].as_str().expect("file").contains("编码"));
}

async fn an_oversized_upload_is_refused_with_a_clear_message(app: &TestApp) {
    let mut big = String::from("指标,地点,年份,月份,数值\n");
    while big.len() <= UPLOAD_LIMIT {
        big.push_str("pm25,柯城,2018,1,41\n");
    }
    let resp = import(app, big, "commit=true&by=x").await;
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .expect("msg")
            .contains("文件超过上限 1 MB"),
        "{body}"
    );
    assert!(stored(app).await.is_empty());
}

/// The entry form of 衢州市区's PM2.5 of March 2019 with `value`.
fn march_pm25(value: &'static str, provisional: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("input[indicator]", "pm25"),
        ("input[place]", "衢州市区"),
        ("input[year]", "2019"),
        ("input[month]", "3"),
        ("input[value]", value),
        ("input[valid_days]", "30"),
        ("input[provisional]", provisional),
        ("input[note]", "快报"),
    ]
}

async fn the_entry_form_saves_and_names_bad_fields(app: &TestApp) {
    let form = |value: &'static str| march_pm25(value, "是");
    let air = app.client_for("t-air").await;
    let post = |form: Vec<(&'static str, &'static str)>| {
        let air = air.clone();
        let url = format!("{}/api/save_reading", app.base);
        async move { air.post(url).form(&form).send().await.expect("POST") }
    };
    let resp = post(form("36.4")).await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["inserted"], 1);
    let resp = post(form("35.9")).await;
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["replaced"], 1);
    let rows = stored(app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].value, 35.9);
    assert!(rows[0].provisional);
    assert_eq!(rows[0].source, sanzhi_domain::ReadingSource::Entered);

    let resp = post(form("abc")).await;
    assert!(!resp.status().is_success());
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["kind"], "bad_request");
    assert_eq!(body["message"], "value：数值“abc”不是数字");
    assert_eq!(stored(app).await[0].value, 35.9, "unchanged");
}

async fn readings_export_as_csv(app: &TestApp) {
    // The indicator catalogue, with the places each is read at.
    let cat = app.get("/api/indicators.csv").await;
    assert_eq!(cat.status(), 200);
    let cat = cat.text().await.expect("text");
    let lines: Vec<&str> = cat.lines().collect();
    assert!(
        lines[0].starts_with("\u{feff}代码,名称,单位"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + sanzhi_domain::CATALOGUE.len());
    let nh3n = lines
        .iter()
        .find(|l| l.starts_with("water.nh3n,"))
        .expect("NH3-N");
    assert!(
        nh3n.contains("东迹渡") && nh3n.contains(",water,"),
        "{nh3n}"
    );
    import(app, GOOD, "commit=true&by=x").await;
    let resp = app.get("/api/readings.csv?year=2018&indicator=pm25").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("text/csv"));
    let text = resp.text().await.expect("text");
    assert!(text.starts_with('\u{feff}'), "BOM for Excel");
    assert_eq!(text.lines().count(), 3, "header and two PM2.5 rows: {text}");
    assert!(
        text.contains("pm25,柯城,2018,2,47,28,是,初值,导入,否,测试t-admin（t-admin）"),
        "{text}"
    );
    // What is exported imports again without change.
    let body: serde_json::Value = import(app, text, "by=x").await.json().await.expect("json");
    assert_eq!(body["unchanged"], 2, "{body}");
    let template = app
        .get("/api/readings/template.csv")
        .await
        .text()
        .await
        .expect("t");
    assert!(template.contains("指标,地点,年份,月份,数值"));
}

async fn the_overview_of_a_demo_month_has_counts_red_list_ranking_and_charts(app: &TestApp) {
    server::demo::load(&app.db.store)
        .await
        .expect("demo reports");
    let n = server::demo::load_readings(&app.db.store)
        .await
        .expect("demo readings");
    assert!(n > 2000, "{n}");
    let resp = app.get("/?month=2018-12").await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.expect("text");
    for want in [
        "总览 · 2018年12月",
        "截至 2018-12-31，对比上月底 2018-11-30",
        "衢州市治水长效战行动方案",
        "红色清单：逾期最久的工作",
        "2018年12月底 责任单位按时完成率（红黑榜）",
        "2018年 PM2.5 年均与目标",
        "2018年 国家“水十条”断面逐月水质类别（演示数据）",
        "【演示】",
        "本月变化：",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(
        html.matches("<svg").count() >= 3,
        "ranking, PM2.5 and matrix charts"
    );
    assert!(html.contains("red-list-table"), "overdue items are listed");
    let bad = app.get("/?month=2018-13").await.text().await.expect("text");
    assert!(bad.contains("month：“2018-13”不是月份"));
    // A replayed day carried in by the navigation: its month, up to that day, and the
    // links on the page keep the day.
    let replay = app
        .get("/?as_of=2018-12-15")
        .await
        .text()
        .await
        .expect("text");
    assert!(replay.contains("总览 · 2018年12月"), "the day's month");
    assert!(
        replay.contains("截至 2018-12-15，对比上月底 2018-11-30"),
        "as of the day itself"
    );
    assert!(replay.contains("as_of=2018-12-15"), "links keep the day");
    let day: serde_json::Value = app
        .post_form("/api/overview", &[("as_of", "2018-12-15")])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(day["month"], "2018-12", "{}", day["month"]);
    assert_eq!(day["as_of"], "2018-12-15");
    // `month` still decides when both are given; a bad day is named.
    let both: serde_json::Value = app
        .post_form(
            "/api/overview",
            &[("month", "2018-11"), ("as_of", "2018-12-15")],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(both["as_of"], "2018-11-30");
    let bad = app
        .get("/?as_of=2018-02-30")
        .await
        .text()
        .await
        .expect("text");
    assert!(bad.contains("as_of：“2018-02-30”不是日期"));
    // A month with no demo readings yet says so instead of judging.
    let early = app.get("/?month=2017-06").await.text().await.expect("text");
    assert!(early.contains("本期尚无读数"));
}

/// 指标 is kept between requests (issue 26) and computed from the server's readings mirror:
/// each saved reading must show on the next request, a replaced value must be gone, and the
/// filters asked for (the month, everything listed) must not be mixed up between pages.
async fn the_indicators_page_is_kept_and_follows_each_saved_reading(app: &TestApp) {
    let air = app.client_for("t-air").await;
    let page = "/indicators?year=2019&month=3&area=%E8%A1%A2%E5%B7%9E%E5%B8%82%E5%8C%BA";
    let before = app.page_as(&air, page).await;
    assert!(before.contains("本期尚无读数"), "{before}");
    let save = |value: &'static str| {
        let air = air.clone();
        let url = format!("{}/api/save_reading", app.base);
        async move {
            let form = march_pm25(value, "否");
            let resp = air.post(url).form(&form).send().await.expect("POST");
            assert_eq!(resp.status(), 200, "{value}");
        }
    };
    save("41.7").await;
    let after = app.page_as(&air, page).await;
    assert!(!after.contains("本期尚无读数"), "the reading counts now");
    assert!(after.contains("41.7"), "{after}");
    // The same page again is the kept one, and still right.
    assert_eq!(app.page_as(&air, page).await, after);
    save("43.9").await;
    let replaced = app.page_as(&air, page).await;
    assert!(replaced.contains("43.9") && !replaced.contains("41.7"));
    // February has no reading yet: another month is another page.
    let february = app.page_as(&air, "/indicators?year=2019&month=2").await;
    assert!(february.contains("本期尚无读数"));
    // Everything listed: the box stays ticked; a city has fewer places than are listed
    // anyway, so nothing is left out either way.
    let full = app
        .page_as(&air, "/indicators?year=2019&month=3&full=true")
        .await;
    assert!(
        full.contains(r#"name="full" value="true" checked"#),
        "ticked"
    );
    assert!(
        !replaced.contains(r#"name="full" value="true" checked"#),
        "not ticked"
    );
    assert!(!full.contains("此处列出") && !replaced.contains("此处列出"));
    let bad = app.page_as(&air, "/indicators?year=2019&month=13").await;
    assert!(bad.contains("month：13 应在 1–12 之间"), "{bad}");
}
