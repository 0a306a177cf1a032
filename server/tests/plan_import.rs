//! `POST /api/import/plan`: a plan from an allocation table (.xlsx or CSV), previewed, then
//! committed; re-imports change nothing; edits show as differences; bad files are refused by
//! row and column with nothing written; only admins may import.

#[macro_use]
mod common;
use common::*;

use rust_xlsxwriter::{Format, Formula, Workbook};
use sanzhi_domain::PlanCode;
use serde_json::Value;

const HEADERS: [&str; 7] = [
    "序号",
    "行动",
    "任务",
    "工作要求",
    "牵头单位",
    "责任单位",
    "时限",
];

/// One row of a test table: number, action, task, item, lead, responsible, deadline.
type Row<'a> = [&'a str; 7];

const WASTE: [Row<'static>; 4] = [
    [
        "1",
        "（一）垃圾分类行动",
        "1. 建设分类设施",
        "6月底前建成分类投放点200个",
        "市住建局",
        "各县(市、区)政府",
        "6月底前",
    ],
    [
        "2",
        "（一）垃圾分类行动",
        "1. 建设分类设施",
        "年底前建成餐厨垃圾处理厂",
        "市住建局",
        "柯城区政府、衢江区政府",
        "年底前",
    ],
    [
        "3",
        "（一）垃圾分类行动",
        "2. 运行与考核",
        "每月通报分类成效",
        "市住建局",
        "市住建局",
        "每月",
    ],
    [
        "4",
        "（二）垃圾执法行动",
        "3. 执法检查",
        "及时查处乱倒垃圾行为",
        "市综合执法局",
        "市综合执法局、市环保局",
        "及时",
    ],
];

/// An .xlsx with a title row, a header row and `rows`; the 行动 cells of rows 1–3 merged
/// like the gazette's tables.
fn waste_xlsx(rows: &[Row<'_>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "附件：衢州市垃圾治理工作任务分工表")
        .expect("title");
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(1, c as u16, *h).expect("header");
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 2 + i as u32;
        for (c, v) in r.iter().enumerate() {
            if c == 1 && (1..3).contains(&i) && rows[0][1] == r[1] {
                continue; // covered by the merged 行动 cell
            }
            ws.write_string(row, c as u16, *v).expect("cell");
        }
    }
    if rows.len() >= 3 && rows[0][1] == rows[2][1] {
        ws.merge_range(2, 1, 4, 1, rows[0][1], &Format::new())
            .expect("merge");
    }
    wb.save_to_buffer().expect("xlsx")
}

fn csv_of(rows: &[Row<'_>]) -> String {
    let mut out = HEADERS.join(",") + "\n";
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

const HEADER_QUERY: &str = "code=waste&title=%E8%A1%A2%E5%B7%9E%E5%B8%82%E5%9E%83%E5%9C%BE%E6%B2%BB%E7%90%86%E8%A1%8C%E5%8A%A8%E6%96%B9%E6%A1%88&short_name=%E5%9E%83%E5%9C%BE%E6%B2%BB%E7%90%86&doc_no=&owner=%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80&start_year=2019&end_year=2021&issued_on=2019-03-01";

async fn import_as(app: &TestApp, user: &str, body: Vec<u8>, query: &str) -> (u16, Value) {
    import_plan_as(app, user, body, query).await
}

async fn import(app: &TestApp, body: Vec<u8>, query: &str) -> (u16, Value) {
    import_as(app, "t-admin", body, query).await
}

fn q(commit: bool) -> String {
    format!("commit={commit}&{HEADER_QUERY}")
}

async fn import_audits(app: &TestApp) -> usize {
    app.db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            action: Some("plan.import".into()),
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .len()
}

async fn plan_codes(app: &TestApp) -> Vec<String> {
    app.db
        .store
        .list_plans()
        .await
        .expect("plans")
        .into_iter()
        .map(|p| p.code.as_str().to_owned())
        .collect()
}

async fn items_of(app: &TestApp, code: &str) -> Vec<sanzhi_domain::ItemSummary> {
    let tree = app
        .db
        .store
        .plan_tree(&PlanCode::parse(code).expect("code"))
        .await
        .expect("tree")
        .expect("plan exists");
    tree.actions
        .into_iter()
        .flat_map(|a| a.tasks)
        .flat_map(|t| t.items)
        .collect()
}

fn problems(v: &Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    format!(
                        "{}|{}|{}",
                        p["row"],
                        p["column"].as_str().unwrap_or(""),
                        p["reason"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn a_new_plan_is_previewed_committed_reimported_and_edited(app: &TestApp) {
    let file = waste_xlsx(&WASTE);

    // Preview: everything would be created, nothing is written.
    let (status, v) = import(app, file.clone(), &q(false)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcome"], "preview", "{v}");
    assert_eq!(v["format"], "xlsx");
    assert_eq!(v["report"]["created"], 4, "{v}");
    assert_eq!(v["report"]["plan_created"], true);
    assert_eq!(v["report"]["committed"], false);
    assert!(
        v["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n.as_str().unwrap_or("").contains("B3:B5")),
        "the merged 行动 cell is filled down and said so: {v}"
    );
    assert!(
        !plan_codes(app).await.contains(&"waste".to_owned()),
        "a preview writes nothing"
    );
    assert_eq!(import_audits(app).await, 0);

    // Commit.
    let (status, v) = import(app, file.clone(), &q(true)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcome"], "committed", "{v}");
    assert_eq!(v["report"]["committed"], true);
    assert_eq!(import_audits(app).await, 1);
    let items = items_of(app, "waste").await;
    assert_eq!(items.len(), 4);
    assert_eq!(
        items[0].units.len(),
        6,
        "各县(市、区)政府 expanded: {:?}",
        items[0].units
    );
    assert_eq!(items[0].leads, ["市住建局"]);
    assert_eq!(items[1].units, ["柯城区政府", "衢江区政府"]);
    assert_eq!(
        items[0].milestones[0]
            .deadline
            .due_date()
            .map(|d| d.to_string())
            .as_deref(),
        Some("2019-06-30"),
        "read with the plan's start year"
    );
    let tree = app
        .db
        .store
        .plan_tree(&PlanCode::parse("waste").expect("c"))
        .await
        .expect("t")
        .expect("p");
    let actions: Vec<&str> = tree.actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(actions, ["垃圾分类行动", "垃圾执法行动"]);
    assert_eq!(tree.actions[0].tasks.len(), 2);
    // Imported as a draft: a unit's reporter does not see it until an admin puts it into
    // effect.
    assert_eq!(app.get("/plans/waste").await.status(), 404, "a draft");
    let r = app
        .client_for("t-admin")
        .await
        .post(format!("{}/api/plan_lifecycle", app.base))
        .form(&[("code", "waste"), ("status", "active")])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
    let page = app.get("/plans/waste").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("年底前建成餐厨垃圾处理厂"),
        "the plan page shows the items"
    );
    assert!(html.contains("垃圾治理"));

    // The same file again: all unchanged, nothing written.
    let (status, v) = import(app, file, &q(true)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["report"]["unchanged"], 4, "{v}");
    assert_eq!(v["report"]["created"], 0);
    assert_eq!(v["report"]["updated"], 0);
    assert_eq!(v["report"]["rows_inserted"], 0);
    assert_eq!(v["report"]["rows_updated"], 0);
    assert_eq!(v["report"]["committed"], false, "nothing to write");
    assert_eq!(import_audits(app).await, 1, "no audit entry for a no-op");

    // An edited file: item 2's deadline, item 4's units.
    let mut edited = WASTE;
    edited[1][6] = "9月底前";
    edited[3][5] = "市综合执法局、市公安局";
    let file = waste_xlsx(&edited);
    let (status, v) = import(app, file.clone(), &q(false)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["report"]["updated"], 2, "{v}");
    assert_eq!(v["report"]["unchanged"], 2);
    let changed: Vec<&Value> = v["report"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["change"] == "updated")
        .collect();
    assert_eq!(changed[0]["number"], 2);
    assert_eq!(changed[0]["fields"], serde_json::json!(["deadlines"]));
    assert_eq!(changed[0]["before"]["deadlines"][0], "年底前（2019-12-31）");
    assert_eq!(changed[0]["after"]["deadlines"][0], "9月底前（2019-09-30）");
    assert_eq!(changed[1]["number"], 4);
    assert_eq!(changed[1]["fields"], serde_json::json!(["units"]));
    assert_eq!(
        changed[1]["before"]["units"],
        serde_json::json!(["市环保局", "市综合执法局"])
    );
    assert_eq!(
        changed[1]["after"]["units"],
        serde_json::json!(["市公安局", "市综合执法局"])
    );
    assert_eq!(
        items_of(app, "waste").await[1].milestones[0].phrase,
        "年底前",
        "preview wrote nothing"
    );

    let (status, v) = import(app, file, &q(true)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["report"]["committed"], true);
    assert_eq!(import_audits(app).await, 2);
    let items = items_of(app, "waste").await;
    assert_eq!(items[1].milestones[0].phrase, "9月底前");
    assert_eq!(items[3].units, ["市综合执法局", "市公安局"]);
    assert_eq!(items[0].units.len(), 6, "the others stay");
}

async fn csv_files_in_utf8_and_gbk_are_read(app: &TestApp) {
    let rows: [Row<'_>; 2] = [
        [
            "1",
            "行动一",
            "任务一",
            "做甲",
            "市治水办",
            "柯城区人民政府",
            "2019年6月底前",
        ],
        [
            "2",
            "行动一",
            "任务一",
            "做乙",
            "",
            "各县（市、区）政府",
            "每季度",
        ],
    ];
    let text = csv_of(&rows);
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let query = HEADER_QUERY.replace("code=waste", "code=gbk-plan");
    let (status, v) = import(app, gbk.into_owned(), &format!("commit=true&{query}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["format"], "GBK");
    assert_eq!(v["report"]["created"], 2);
    let items = items_of(app, "gbk-plan").await;
    assert_eq!(items[0].units, ["柯城区政府"], "alias resolved");
    assert_eq!(
        items[1].units.len(),
        6,
        "full-width brackets of the group phrase"
    );

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let query = HEADER_QUERY.replace("code=waste", "code=utf8-plan");
    let (status, v) = import(app, bom, &format!("commit=true&{query}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["format"], "UTF-8");
    assert_eq!(items_of(app, "utf8-plan").await.len(), 2);
}

async fn bad_files_are_refused_by_row_and_column_and_change_nothing(app: &TestApp) {
    let before_plans = plan_codes(app).await;

    // Missing columns.
    let (status, v) = import(
        app,
        "序号,内容说明,单位\n1,做甲,市环保局\n".into(),
        &q(true),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["outcome"], "rejected");
    let reason = v["reason"].as_str().expect("reason");
    assert!(
        reason.contains("缺少列") && reason.contains("工作要求") && reason.contains("责任单位"),
        "{reason}"
    );
    assert_eq!(
        v["unknown_headers"],
        serde_json::json!(["内容说明", "单位"])
    );
    // … which a mapping fixes.
    let mapping = "%7B%22%E5%86%85%E5%AE%B9%E8%AF%B4%E6%98%8E%22%3A%22item%22%2C%22%E5%8D%95%E4%BD%8D%22%3A%22responsible%22%7D";
    let (status, v) = import(
        app,
        "序号,内容说明,单位\n1,做甲,市环保局\n".into(),
        &format!("{}&columns={mapping}", q(false)),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["report"]["created"], 1);

    // An empty sheet.
    let mut wb = Workbook::new();
    wb.add_worksheet();
    let (status, v) = import(app, wb.save_to_buffer().expect("xlsx"), &q(true)).await;
    assert_eq!(status, 422, "{v}");
    assert!(v["reason"].as_str().expect("reason").contains("空"), "{v}");

    // A formula, named by its cell.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("h");
    }
    for (c, v) in WASTE[0].iter().enumerate() {
        ws.write_string(1, c as u16, *v).expect("c");
    }
    ws.write_formula(1, 6, Formula::new("=\"6月底前\""))
        .expect("formula");
    let (status, v) = import(app, wb.save_to_buffer().expect("xlsx"), &q(true)).await;
    assert_eq!(status, 422, "{v}");
    let p = problems(&v);
    assert!(
        p.iter()
            .any(|p| p.starts_with("2|时限|") && p.contains("G2") && p.contains("公式")),
        "{p:?}"
    );

    // Cells merged across columns lose which column they belong to.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("h");
    }
    for (c, v) in WASTE[0].iter().enumerate() {
        ws.write_string(1, c as u16, *v).expect("c");
    }
    ws.merge_range(1, 3, 1, 4, "做甲", &Format::new())
        .expect("merge");
    let (status, v) = import(app, wb.save_to_buffer().expect("xlsx"), &q(true)).await;
    assert_eq!(status, 422, "{v}");
    let p = problems(&v);
    assert!(
        p.iter()
            .any(|p| p.starts_with("2|工作要求|") && p.contains("D2:E2") && p.contains("合并")),
        "{p:?}"
    );

    // Undecodable bytes.
    let mut bytes = "工作要求,责任单位\n".as_bytes().to_vec();
    bytes.extend_from_slice(&[0xFF, 0x80, 0xFF, b'\n']);
    let (status, v) = import(app, bytes, &q(true)).await;
    assert_eq!(status, 422, "{v}");
    assert!(
        v["reason"]
            .as_str()
            .expect("reason")
            .contains("无法识别文件编码"),
        "{v}"
    );

    // An unknown unit: named by row and column, listed, and mappable.
    let rows: [Row<'_>; 2] = [
        [
            "1",
            "行动",
            "任务",
            "做甲",
            "市垃圾办",
            "市环保局",
            "6月底前",
        ],
        [
            "2",
            "行动",
            "任务",
            "做乙",
            "",
            "市垃圾办、市住建局",
            "九月前后",
        ],
    ];
    let (status, v) = import(app, csv_of(&rows).into_bytes(), &q(true)).await;
    assert_eq!(status, 422, "{v}");
    let p = problems(&v);
    assert!(
        p.iter()
            .any(|p| p.starts_with("2|牵头单位|单位“市垃圾办”不在单位表中")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|p| p.starts_with("3|责任单位|单位“市垃圾办”")),
        "{p:?}"
    );
    // An unreadable deadline is not a problem: it is listed as 待确认 by row and column.
    assert!(!p.iter().any(|p| p.contains("九月前后")), "{p:?}");
    assert_eq!(v["unconfirmed"][0]["row"], 3, "{v}");
    assert_eq!(v["unconfirmed"][0]["column"], "时限");
    assert!(v["unconfirmed"][0]["reason"]
        .as_str()
        .is_some_and(|r| r.contains("九月前后")));
    assert_eq!(v["unknown_units"][0]["phrase"], "市垃圾办");
    assert_eq!(
        v["unknown_units"][0]["places"]
            .as_array()
            .expect("places")
            .len(),
        2
    );
    // Mapped, the file previews (the phrase still 待确认).
    let fixed = rows;
    let unit_map = "%7B%22%E5%B8%82%E5%9E%83%E5%9C%BE%E5%8A%9E%22%3A%22%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80%22%7D";
    let (status, v) = import(
        app,
        csv_of(&fixed).into_bytes(),
        &format!("{}&unit_map={unit_map}", q(false)),
    )
    .await;
    assert_eq!(status, 200, "mapped to 市住建局: {v}");
    assert_eq!(v["unconfirmed"].as_array().map(Vec::len), Some(1), "{v}");

    // A bad form field is named.
    let (status, v) = import(
        app,
        csv_of(&fixed).into_bytes(),
        &q(true).replace("code=waste", "code=Waste"),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["form_problems"][0]["field"], "code");

    // Over the limit.
    let big = vec![b'a'; UPLOAD_LIMIT + 10];
    let (status, v) = import(app, big, &q(true)).await;
    assert_eq!(status, 413, "{v}");
    assert!(v.to_string().contains("文件超过上限"), "{v}");

    assert_eq!(plan_codes(app).await, before_plans, "nothing was written");
    assert_eq!(import_audits(app).await, 0);
}

async fn only_admins_may_import(app: &TestApp) {
    // A malformed query is a JSON error naming the query, not axum's plain text.
    let (status, v) = import(
        app,
        waste_xlsx(&WASTE),
        &format!("commit=yes&{HEADER_QUERY}"),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert!(v["message"].as_str().unwrap_or("").contains("query"), "{v}");
    let file = waste_xlsx(&WASTE);
    for user in ["t-water", "t-leader", "t-hbj"] {
        let (status, v) = import_as(app, user, file.clone(), &q(true)).await;
        assert_eq!(status, 403, "{user}: {v}");
    }
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/import/plan?{}", app.base, q(true)))
        .body(file)
        .send()
        .await
        .expect("POST");
    assert!(
        matches!(anonymous.status().as_u16(), 401 | 403 | 303 | 302),
        "{}",
        anonymous.status()
    );
    assert!(!plan_codes(app).await.contains(&"waste".to_owned()));
}

async fn an_exported_allocation_table_imports_as_the_same_plan(app: &TestApp) {
    let resp = app
        .client_for("t-admin")
        .await
        .get(format!("{}/api/plans/water/allocation.xlsx", app.base))
        .send()
        .await
        .expect("GET export");
    assert_eq!(resp.status(), 200);
    let file = resp.bytes().await.expect("xlsx").to_vec();
    let water = app
        .db
        .store
        .plan_detail(&PlanCode::parse("water").expect("c"))
        .await
        .expect("detail")
        .expect("water");
    let query = format!(
        "commit=true&code=water-copy&title=x&short_name=x&doc_no=&owner=%E5%B8%82%E6%B2%BB%E6%B0%B4%E5%8A%9E&start_year={}&end_year={}",
        water.summary.period.start_year(),
        water.summary.period.end_year()
    );
    let (status, v) = import(app, file.clone(), &query).await;
    assert_eq!(status, 200, "{v}");

    // Onto water itself: no item changes (targets and source notes are kept as stored).
    let (status, same) = import(
        app,
        file,
        &query.replace("commit=true&code=water-copy", "commit=false&code=water"),
    )
    .await;
    assert_eq!(status, 200, "{same}");
    assert_eq!(same["report"]["updated"], 0, "{same}");
    assert_eq!(same["report"]["created"], 0, "{same}");
    assert_eq!(same["report"]["blocked"], serde_json::json!([]), "{same}");

    let original = items_of(app, "water").await;
    let copy = items_of(app, "water-copy").await;
    assert_eq!(v["report"]["created"], original.len(), "{v}");
    assert_eq!(copy.len(), original.len());
    for (a, b) in original.iter().zip(&copy) {
        assert_eq!(a.number, b.number);
        assert_eq!(a.text, b.text, "item {}", a.number);
        assert_eq!(a.responsible_text, b.responsible_text, "item {}", a.number);
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        assert_eq!(sorted(&a.leads), sorted(&b.leads), "item {}", a.number);
        assert_eq!(sorted(&a.units), sorted(&b.units), "item {}", a.number);
        assert_eq!(a.milestones, b.milestones, "item {}", a.number);
    }
    let tree = |code: &'static str| async move {
        app.db
            .store
            .plan_tree(&PlanCode::parse(code).expect("c"))
            .await
            .expect("t")
            .expect("p")
    };
    let (a, b) = (tree("water").await, tree("water-copy").await);
    let titles = |t: &sanzhi_domain::PlanTree| -> Vec<(String, Vec<String>)> {
        t.actions
            .iter()
            .map(|a| {
                (
                    a.title.clone(),
                    a.tasks.iter().map(|t| t.title.clone()).collect(),
                )
            })
            .collect()
    };
    assert_eq!(
        titles(&a),
        titles(&b),
        "actions and tasks keep their titles"
    );
}

async fn the_import_page_renders_the_form_and_links_the_readings_import(app: &TestApp) {
    let resp = app
        .client_for("t-admin")
        .await
        .get(format!("{}/admin/import", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.expect("html");
    assert!(html.contains("从分工表导入方案"), "the plan import form");
    assert!(html.contains("name=\"code\""));
    assert!(html.contains("确认导入"));
    assert!(
        html.contains("href=\"/readings\""),
        "links the readings import"
    );
    // A coordinator or a leader is told who imports plans, not shown the form.
    for who in ["t-water", "t-leader"] {
        let html = app
            .client_for(who)
            .await
            .get(format!("{}/admin/import", app.base))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("html");
        assert!(html.contains("方案由系统管理员导入"), "{who}");
        assert!(!html.contains("name=\"code\""), "{who} sees no form");
    }
}

/// The plan's structure: (action title, task title, item numbers).
async fn structure(app: &TestApp, code: &str) -> Vec<(String, String, Vec<i32>)> {
    let tree = app
        .db
        .store
        .plan_tree(&PlanCode::parse(code).expect("code"))
        .await
        .expect("tree")
        .expect("plan exists");
    tree.actions
        .into_iter()
        .flat_map(|a| {
            let at = a.title.clone();
            a.tasks.into_iter().map(move |t| {
                (
                    at.clone(),
                    t.title.clone(),
                    t.items.iter().map(|i| i.number).collect(),
                )
            })
        })
        .collect()
}

/// A file with only some of a plan's items, or with its rows in another order, changes
/// nothing else: actions and tasks are matched by title, not by their order in the file.
async fn a_partial_or_reordered_file_leaves_the_rest_of_the_plan_alone(app: &TestApp) {
    let (status, v) = import(app, waste_xlsx(&WASTE), &q(true)).await;
    assert_eq!(status, 200, "{v}");
    let before = structure(app, "waste").await;
    assert_eq!(before.len(), 3, "{before:?}");

    // Only items 3 and 4: the first task in the file is the plan's second.
    let (status, v) = import(app, csv_of(&WASTE[2..]).into_bytes(), &q(true)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(structure(app, "waste").await, before, "nothing moved: {v}");
    assert_eq!(v["report"]["updated"], 0, "{v}");

    // All four, last row first: the preview changes nothing.
    let reversed: Vec<Row<'_>> = WASTE.iter().rev().copied().collect();
    let (status, v) = import(app, csv_of(&reversed).into_bytes(), &q(false)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["report"]["updated"], 0, "{v}");
    assert_eq!(v["report"]["created"], 0, "{v}");
    let (status, _) = import(app, csv_of(&reversed).into_bytes(), &q(true)).await;
    assert_eq!(status, 200);
    assert_eq!(structure(app, "waste").await, before, "nothing moved");
}

on_both_backends!(
    a_partial_or_reordered_file_leaves_the_rest_of_the_plan_alone,
    a_new_plan_is_previewed_committed_reimported_and_edited,
    csv_files_in_utf8_and_gbk_are_read,
    bad_files_are_refused_by_row_and_column_and_change_nothing,
    only_admins_may_import,
    an_exported_allocation_table_imports_as_the_same_plan,
    the_import_page_renders_the_form_and_links_the_readings_import,
);
