//! `GET /api/plans/{code}/allocation.xlsx`: the allocation table as an Excel workbook, read
//! back with calamine (and, when it is installed, opened by LibreOffice) — on SQLite and
//! PostgreSQL.

#[macro_use]
mod common;
use common::*;

use sanzhi_domain::chrono::NaiveDate;
use sanzhi_exchange::allocation::{xlsx_first_sheet, DEMO_MARK, DEMO_NOTE, HEADERS, HEADER_ROW};
use sanzhi_store::TrackScope;

on_both_backends!(
    the_water_table_has_every_item_and_one_row_per_assignment,
    the_status_column_follows_an_accepted_report,
    demo_data_is_labelled_and_sets_the_default_day,
    unknown_plans_bad_days_and_anonymous_visitors_are_refused,
    the_page_filters_give_the_same_list,
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Columns of the table, by header.
const COL_ITEM: usize = 2;
const COL_TEXT: usize = 3;
const COL_UNIT: usize = 8;
const COL_STATUS: usize = 9;
const COL_REPORT: usize = 10;
const COL_ACHIEVED: usize = 11;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Downloads a plan's table with `client`; panics unless it is a 200 workbook.
async fn download(client: &reqwest::Client, app: &TestApp, query: &str) -> (String, Vec<u8>) {
    download_plan(client, app, "water", query).await
}

/// Downloads the table of `plan`; panics unless it is a 200 workbook.
async fn download_plan(
    client: &reqwest::Client,
    app: &TestApp,
    plan: &str,
    query: &str,
) -> (String, Vec<u8>) {
    let resp = client
        .get(format!(
            "{}/api/plans/{plan}/allocation.xlsx{query}",
            app.base
        ))
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200, "{:?}", resp.headers());
    assert_eq!(resp.headers()["content-type"], XLSX);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .expect("ascii header")
        .to_owned();
    let bytes = resp.bytes().await.expect("body").to_vec();
    (disposition, bytes)
}

/// The sheet's name and rows.
fn sheet(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    xlsx_first_sheet(bytes).unwrap_or_else(|e| panic!("not a readable workbook: {e}"))
}

/// The data rows (below the header).
fn data(rows: &[Vec<String>]) -> &[Vec<String>] {
    &rows[HEADER_ROW as usize + 1..]
}

/// The row of `unit` on item `number`.
fn row_of<'a>(rows: &'a [Vec<String>], number: i32, unit: &str) -> &'a Vec<String> {
    let n = number.to_string();
    let found: Vec<&Vec<String>> = data(rows)
        .iter()
        .filter(|r| r[COL_ITEM] == n && r[COL_UNIT] == unit)
        .collect();
    assert_eq!(found.len(), 1, "one row for ({number}) × {unit}");
    found[0]
}

async fn tracked(app: &TestApp, as_of: NaiveDate) -> Vec<sanzhi_domain::Tracked> {
    let scope = TrackScope {
        plan: Some("water".into()),
        ..TrackScope::default()
    };
    app.db
        .store
        .tracked(&scope, as_of, sanzhi_domain::status::DUE_SOON_DAYS)
        .await
        .expect("tracked")
}

async fn the_water_table_has_every_item_and_one_row_per_assignment(app: &TestApp) {
    // The plan page links to the export for the day it shows.
    let page = app
        .get("/plans/water?as_of=2019-03-31")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        page.contains(r#"href="/api/plans/water/allocation.xlsx?as_of=2019-03-31""#),
        "export link on the plan page"
    );
    assert!(page.contains("导出分工表（Excel）"));

    let (disposition, bytes) = download(&app.client, app, "?as_of=2019-03-31").await;
    // The file name: an ASCII fallback, and the Chinese name percent-encoded as UTF-8.
    assert!(
        disposition.starts_with("attachment; filename=\"water-allocation-2019-03-31.xlsx\""),
        "{disposition}"
    );
    let chinese = "衢州市治水长效战行动方案-分工表-2019-03-31.xlsx";
    let encoded: String = chinese
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        disposition.ends_with(&format!("; filename*=UTF-8''{encoded}")),
        "{disposition}"
    );

    let (name, rows) = sheet(&bytes);
    assert_eq!(name, "治水长效战分工表 2019-03-31");
    assert!(
        rows[0][0].contains("衢州市治水长效战行动方案"),
        "{:?}",
        rows[0]
    );
    assert!(rows[0][0].contains("2019-03-31"), "{:?}", rows[0]);
    assert!(
        !rows[1][0].contains(DEMO_NOTE),
        "no demo data: {:?}",
        rows[1]
    );
    assert_eq!(
        rows[HEADER_ROW as usize],
        HEADERS.map(str::to_owned).to_vec()
    );
    for h in [
        "行动",
        "任务",
        "工作要求",
        "牵头单位",
        "时限（原文）",
        "时限（日期）",
        "责任单位",
        "状态",
        "最近报告",
        "完成量",
    ] {
        assert!(HEADERS.contains(&h), "{h}");
    }

    // Every item number 1..=29, in order.
    let mut numbers: Vec<i32> = data(&rows)
        .iter()
        .map(|r| r[COL_ITEM].parse().expect("item number"))
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "plan order");
    numbers.dedup();
    assert_eq!(numbers, (1..=29).collect::<Vec<_>>());

    // One row per assignment, plus one for each item without responsible units.
    let t = tracked(app, day("2019-03-31")).await;
    let assigned: std::collections::BTreeSet<i32> = t.iter().map(|x| x.item_number).collect();
    let unassigned = (1..=29).filter(|n| !assigned.contains(n)).count();
    assert_eq!(data(&rows).len(), t.len() + unassigned);
    assert!(t.len() > 29, "several units per item: {}", t.len());
    for x in &t {
        let r = row_of(&rows, x.item_number, &x.unit);
        assert_eq!(r[COL_STATUS], x.assessment.status.label_zh(), "{r:?}");
        assert_eq!(r[COL_TEXT], *x.item_text, "the item's full text");
    }

    // The gazette's cells: an item's text, its lead, its deadline as written and as read.
    let tree = app
        .db
        .store
        .plan_tree(&sanzhi_domain::PlanCode::parse("water").expect("code"))
        .await
        .expect("tree")
        .expect("water");
    // Item (1) has no deadline; take the first item that has several.
    let (action, item) = tree
        .actions
        .iter()
        .flat_map(|a| {
            a.tasks
                .iter()
                .flat_map(move |t| t.items.iter().map(move |i| (a, i)))
        })
        .find(|(_, i)| i.milestones.len() > 1)
        .expect("an item with deadlines");
    let detail = app
        .db
        .store
        .item_detail(&tree.plan.summary.code, item.number)
        .await
        .expect("item")
        .expect("detail");
    let first = data(&rows)
        .iter()
        .find(|r| r[COL_ITEM] == item.number.to_string())
        .expect("its row");
    assert_eq!(
        first[0],
        format!(
            "（{}）{}",
            sanzhi_domain::chinese_number(action.seq),
            action.title
        )
    );
    assert!(first[1].ends_with(&detail.task_title), "{first:?}");
    assert_eq!(first[COL_TEXT], item.text);
    // The water table names no lead units.
    assert_eq!(
        first[4], detail.lead_text,
        "the lead as the table writes it"
    );
    assert_eq!(first[5], item.responsible_text);
    let phrases: Vec<&str> = item.milestones.iter().map(|m| m.phrase.as_str()).collect();
    assert_eq!(first[6], phrases.join("\n"));
    let read: Vec<String> = item
        .milestones
        .iter()
        .map(|m| m.deadline.describe_zh())
        .collect();
    assert_eq!(first[7], read.join("\n"));

    // The air table names lead units: they are in the 牵头单位 column of every row.
    let (disposition, air) = download_plan(&app.client, app, "air", "?as_of=2019-03-31").await;
    assert!(
        disposition.contains("air-allocation-2019-03-31.xlsx"),
        "{disposition}"
    );
    let (_, air) = sheet(&air);
    let code = sanzhi_domain::PlanCode::parse("air").expect("code");
    let air_tree = app
        .db
        .store
        .plan_tree(&code)
        .await
        .expect("tree")
        .expect("air");
    let led = air_tree
        .actions
        .iter()
        .flat_map(|a| &a.tasks)
        .flat_map(|t| &t.items)
        .find(|i| !i.leads.is_empty())
        .expect("an air item with a lead");
    let lead_text = app
        .db
        .store
        .item_detail(&code, led.number)
        .await
        .expect("item")
        .expect("detail")
        .lead_text;
    assert!(!lead_text.is_empty());
    let led_rows: Vec<&Vec<String>> = data(&air)
        .iter()
        .filter(|r| r[COL_ITEM] == led.number.to_string())
        .collect();
    assert!(!led_rows.is_empty());
    assert!(led_rows.iter().all(|r| r[4] == lead_text), "{led_rows:?}");
    assert!(air[0][0].contains("2019-03-31"));
}

async fn the_status_column_follows_an_accepted_report(app: &TestApp) {
    // No as_of and no demo data: today, as the tracking pages. Reviews are dated today, so
    // only today's table sees the acceptance.
    let (_, before) = download(&app.client, app, "").await;
    let (_, before) = sheet(&before);
    let old = row_of(&before, 28, "市环保局").clone();
    // Due in 2018 and not done by the end of the plan's period (2020): 未完成（期满）.
    assert_eq!(
        old[COL_STATUS], "未完成（期满）",
        "water (28) was due in 2018: {old:?}"
    );
    assert_eq!(old[COL_REPORT], "", "no report yet");

    // 市环保局 reports water (28) done …
    let scope = TrackScope {
        plan: Some("water".into()),
        unit: Some("市环保局".into()),
        item: Some(28),
    };
    let a = app
        .db
        .store
        .tracked(&scope, day("2018-06-01"), 15)
        .await
        .expect("tracked")[0]
        .assignment_id
        .to_string();
    let report: serde_json::Value = post_json(
        &app.client,
        format!("{}/api/report", app.base),
        &[
            ("form[assignment_id]", a.as_str()),
            ("form[expected_version]", "0"),
            ("form[state]", "done"),
            ("form[milestone_seq]", ""),
            ("form[reported_on]", "2018-07-20"),
            ("form[achieved]", "9"),
            ("form[narrative]", "已完成9个国家“水十条”断面水质自动站建设"),
            ("form[evidence]", ""),
            ("form[reporter]", ""),
            ("form[corrects_id]", ""),
        ],
    )
    .await;
    let id = report["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("report: {report}"));
    let (_, waiting) = download(&app.client, app, "").await;
    let (_, waiting) = sheet(&waiting);
    let w = row_of(&waiting, 28, "市环保局");
    assert_eq!(
        w[COL_STATUS], "未完成（期满）",
        "not done until accepted: {w:?}"
    );
    assert_eq!(
        w[COL_REPORT],
        "2018-07-20（补报） 已完成（待签收）：已完成9个国家“水十条”断面水质自动站建设"
    );
    assert_eq!(w[COL_ACHIEVED], "9");

    // … and the water coordinator accepts it.
    let water = app.client_for("t-water").await;
    let review: serde_json::Value = post_json(
        &water,
        format!("{}/api/review", app.base),
        &[
            ("report_id", id.to_string().as_str()),
            ("decision", "accepted"),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(review["decision"], "accepted", "{review}");

    let (_, after) = download(&app.client, app, "").await;
    let (_, after) = sheet(&after);
    let new = row_of(&after, 28, "市环保局");
    let today = tracked(
        app,
        review["reviewed_on"]
            .as_str()
            .map_or_else(|| panic!("reviewed_on: {review}"), day),
    )
    .await;
    let expected = today
        .iter()
        .find(|t| t.item_number == 28 && t.unit == "市环保局")
        .expect("assignment")
        .assessment
        .status;
    assert!(expected.is_done(), "{expected:?}");
    assert_eq!(new[COL_STATUS], expected.label_zh());
    assert_ne!(new[COL_STATUS], old[COL_STATUS], "the status changed");
    assert_eq!(
        new[COL_REPORT],
        "2018-07-20（补报） 已完成（已签收）：已完成9个国家“水十条”断面水质自动站建设"
    );
    // Other rows did not change.
    assert_eq!(before.len(), after.len());
    let changed = before
        .iter()
        .zip(&after)
        .skip(HEADER_ROW as usize + 1)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1);

    // A day before the report, the table is as it was.
    let (_, past) = download(&app.client, app, "?as_of=2018-07-19").await;
    let (_, past) = sheet(&past);
    assert_eq!(row_of(&past, 28, "市环保局")[COL_REPORT], "");
}

async fn demo_data_is_labelled_and_sets_the_default_day(app: &TestApp) {
    let loaded = server::demo::load(&app.db.store).await.expect("demo");
    assert!(loaded > 0);
    // Any signed-in role may export: here a coordinator of another plan.
    let air = app.client_for("t-air").await;
    let (disposition, bytes) = download(&air, app, "").await;
    assert!(
        disposition.contains("water-allocation-2019-03-31.xlsx"),
        "the demo day by default: {disposition}"
    );
    let (name, rows) = sheet(&bytes);
    assert!(name.ends_with("2019-03-31"), "{name}");
    assert!(rows[1][0].contains(DEMO_NOTE), "{:?}", rows[1]);
    let demo_rows = data(&rows)
        .iter()
        .filter(|r| r[COL_REPORT].starts_with(DEMO_MARK))
        .count();
    let with_reports = tracked(app, day("2019-03-31"))
        .await
        .iter()
        .filter(|t| t.last_report.as_ref().is_some_and(|r| r.is_demo))
        .count();
    assert!(with_reports > 0);
    assert_eq!(demo_rows, with_reports, "every demo report is marked");
}

async fn unknown_plans_bad_days_and_anonymous_visitors_are_refused(app: &TestApp) {
    let get = |path: &'static str| async move {
        let resp = app.get(path).await;
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.expect("json error");
        (status, body)
    };
    let (status, body) = get("/api/plans/nosuch/allocation.xlsx").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["kind"], "not_found");
    assert!(
        body["message"].as_str().expect("msg").contains("nosuch"),
        "{body}"
    );
    let (status, body) = get("/api/plans/Water!/allocation.xlsx").await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = get("/api/plans/water/allocation.xlsx?as_of=2019-13-45").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["kind"], "bad_request");
    let message = body["message"].as_str().expect("msg");
    assert!(
        message.contains("as_of") && message.contains("2019-13-45"),
        "{message}"
    );

    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let resp = anon
        .get(format!(
            "{}/api/plans/water/allocation.xlsx?as_of=2019-03-31",
            app.base
        ))
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["kind"], "unauthorized");
}

/// LibreOffice opens the file: its CSV has the title, the headers and an item's text.
#[tokio::test]
async fn libreoffice_opens_the_export() {
    let Some(office) = common::office() else {
        // ./scripts/test installs LibreOffice and sets SANZHI_REQUIRE_OFFICE: there, a missing
        // LibreOffice is a failure, not a skip.
        assert!(
            std::env::var_os("SANZHI_REQUIRE_OFFICE").is_none(),
            "SANZHI_REQUIRE_OFFICE is set but libreoffice is not on PATH"
        );
        println!("skipped: libreoffice not installed");
        return;
    };
    let app = TestApp::spawn(sanzhi_store::testing::TestDb::sqlite().await).await;
    let (_, bytes) = download(&app.client, &app, "?as_of=2019-03-31").await;
    let tree = app
        .db
        .store
        .plan_tree(&sanzhi_domain::PlanCode::parse("water").expect("code"))
        .await
        .expect("tree")
        .expect("water");
    let item_text = tree.actions[0].tasks[0].items[0].text.clone();
    app.finish().await;

    let dir = tempfile::tempdir().expect("tempdir");
    let file = "water-allocation.xlsx";
    std::fs::write(dir.path().join(file), &bytes).expect("write");
    // CSV: comma, double quotes, UTF-8 (76), from row 1.
    let csv = common::office_convert(
        &office,
        dir.path(),
        file,
        "csv:Text - txt - csv (StarCalc):44,34,76,1",
        "csv",
    );
    // LibreOffice quotes every text cell.
    let header_line = HEADERS.map(|h| format!("\"{h}\"")).join(",");
    assert!(
        csv.lines().any(|l| l == header_line),
        "headers in the CSV:\n{}",
        csv.lines().take(5).collect::<Vec<_>>().join("\n")
    );
    assert!(csv.contains("衢州市治水长效战行动方案 工作任务分工表（截至 2019-03-31）"));
    let first_line_of_text = item_text.lines().next().expect("text");
    assert!(csv.contains(first_line_of_text), "item text in the CSV");
    assert!(csv.contains("市环保局"));

    println!(
        "libreoffice converted the export to CSV ({} lines)",
        csv.lines().count()
    );
}

/// The plan page's filters, carried by its export link, give the same list in the workbook:
/// 开化县政府 + 逾期 on 2018-08-15 lists the items where 开化's own assignment is overdue, one
/// row each, and the note says which filters made it.
async fn the_page_filters_give_the_same_list(app: &TestApp) {
    let kaihua = "%E5%BC%80%E5%8C%96%E5%8E%BF%E6%94%BF%E5%BA%9C";
    let query = format!("?as_of=2018-08-15&unit={kaihua}&status=overdue");
    let (_, bytes) = download(&app.client, app, &query).await;
    let (_, rows) = xlsx_first_sheet(&bytes).expect("sheet");
    let note = &rows[1][0];
    assert!(
        note.contains("筛选：单位：开化县政府 · 状态：逾期"),
        "{note}"
    );
    let data = &rows[usize::try_from(HEADER_ROW).expect("row") + 1..];
    assert!(!data.is_empty());
    for r in data {
        assert_eq!(r[COL_UNIT], "开化县政府", "{r:?}");
        assert_eq!(r[COL_STATUS], "逾期", "{r:?}");
    }
    let mut items: Vec<&str> = data.iter().map(|r| r[COL_ITEM].as_str()).collect();
    items.dedup();
    // The page with the same filters lists the same items.
    let html = app
        .get(&format!("/plans/water{query}"))
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(
        html.matches(r#"<li data-item=""#).count(),
        items.len(),
        "the page and the workbook list the same items: {items:?}"
    );
    // And the page's export link carries its filters.
    assert!(
        html.contains(&format!(
            "/api/plans/water/allocation.xlsx?as_of=2018-08-15&amp;unit={kaihua}&amp;status=overdue"
        )),
        "the export link keeps the filters"
    );
}

/// LibreOffice prints the export as the offices print it: A4 landscape, every page with the
/// header row, and no wrapped text cut off by a short row (the end of the longest 工作要求
/// is on paper).
#[tokio::test]
async fn libreoffice_prints_the_export_on_a4_landscape() {
    let (Some(office), Some(pdftotext)) = (common::office(), common::tool("pdftotext")) else {
        assert!(
            std::env::var_os("SANZHI_REQUIRE_OFFICE").is_none(),
            "SANZHI_REQUIRE_OFFICE is set but libreoffice or pdftotext is not on PATH"
        );
        println!("skipped: libreoffice or poppler-utils not installed");
        return;
    };
    let app = TestApp::spawn(sanzhi_store::testing::TestDb::sqlite().await).await;
    let (_, bytes) = download(&app.client, &app, "?as_of=2019-03-31").await;
    let tree = app
        .db
        .store
        .plan_tree(&sanzhi_domain::PlanCode::parse("water").expect("code"))
        .await
        .expect("tree")
        .expect("water");
    app.finish().await;
    let longest = tree
        .actions
        .iter()
        .flat_map(|a| &a.tasks)
        .flat_map(|t| &t.items)
        .map(|i| i.text.clone())
        .max_by_key(|t| t.chars().count())
        .expect("items");
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let tail: String = {
        let t: Vec<char> = squeeze(&longest).chars().collect();
        t[t.len() - 8..].iter().collect()
    };

    let dir = tempfile::tempdir().expect("tempdir");
    let file = "water-allocation.xlsx";
    std::fs::write(dir.path().join(file), &bytes).expect("write");
    let pdf = common::office_convert_file(&office, dir.path(), file, "pdf", "pdf");
    let info = std::process::Command::new(common::tool("pdfinfo").expect("pdfinfo"))
        .arg(&pdf)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let size = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .expect("page size");
    assert!(size.contains("(A4)"), "{size}");
    let dims: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(dims[0] > dims[1], "landscape: {size}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pages");
    assert!(pages >= 2, "{pages} pages");
    let text = std::process::Command::new(pdftotext)
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let per_page: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(per_page.len(), pages);
    for (i, page) in per_page.iter().enumerate() {
        assert!(
            page.contains("工作要求"),
            "page {} has the header row",
            i + 1
        );
        assert!(
            page.contains(&format!("{} / {pages}", i + 1)),
            "page {} / {pages}",
            i + 1
        );
    }
    assert!(
        squeeze(&text).contains(&tail),
        "the end of the longest item text (…{tail}) is printed"
    );
    println!("libreoffice printed the export on {pages} A4 landscape pages");
}
