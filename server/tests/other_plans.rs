//! Other plans import as they are written (issue 23): a table in the shape of another
//! government work plan — a title and 文号 above a three-column header (工作任务 / 责任单位 /
//! 完成时限), collective unit phrases, and deadlines of every grammar class, one of them
//! unreadable — as .xlsx and as GBK CSV, through `POST /api/import/plan`. Nothing is refused
//! for the unreadable phrase: it is kept 待确认 until an admin or coordinator dates it.

#[macro_use]
mod common;
use common::*;

use rust_xlsxwriter::Workbook;
use sanzhi_domain::{Deadline, PlanCode, Recurrence, Within};
use serde_json::Value;

const TITLE: &str = "附件2 衢州市城乡环境整治提升行动重点任务分解表";
const DOC_NO: &str = "衢政办发〔2018〕88号";
const HEADERS: [&str; 3] = ["工作任务", "责任单位", "完成时限"];

/// (工作任务, 责任单位, 完成时限): one row per grammar class.
const ROWS: [[&str; 3]; 8] = [
    [
        "印发实施方案并组织动员",
        "市级有关部门",
        "文件印发后5个工作日内",
    ],
    [
        "建立工作台账，按季度报送进展",
        "各县(市、区)政府",
        "每季度首月10日前报送",
    ],
    [
        "编制专项规划并全面实施",
        "市环保",
        "方案制定:1月1日前；全面实施:年底前",
    ],
    ["执行新的排放标准", "市环保局", "待国家标准出台后"],
    ["排查山塘水库安全隐患", "各乡镇(街道)、开化县政府", "汛期前"],
    ["总结上半年整治成效", "市治水办", "半年总结时"],
    ["开展专项督查", "市环保局", "九月前后"],
    ["开展联合执法检查", "市环保局", "按省里统一部署"],
];

fn xlsx() -> Vec<u8> {
    xlsx_of(&ROWS)
}

fn xlsx_of(rows: &[[&str; 3]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, TITLE).expect("title");
    ws.write_string(1, 0, DOC_NO).expect("doc no");
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(2, c as u16, *h).expect("header");
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            ws.write_string(3 + i as u32, c as u16, *v).expect("cell");
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

/// The same table as a CSV in GBK, the encoding Excel writes on a Chinese Windows.
fn gbk_csv() -> Vec<u8> {
    let mut text = format!("{TITLE}\n{DOC_NO}\n{}\n", HEADERS.join(","));
    for r in ROWS {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad, "the table is GBK-encodable");
    gbk.into_owned()
}

fn query(commit: bool, extra: &[(&str, String)]) -> String {
    let mut q = vec![
        format!("commit={commit}"),
        "code=renovation".to_owned(),
        format!("title={}", enc("衢州市城乡环境整治提升行动")),
        format!("short_name={}", enc("环境整治")),
        format!("doc_no={}", enc(DOC_NO)),
        format!("owner={}", enc("市环保局")),
        // A period around today, so that what falls due by date does so on the day tested.
        format!("start_year={}", this_year()),
        format!("end_year={}", this_year() + 1),
    ];
    q.extend(extra.iter().map(|(k, v)| format!("{k}={}", enc(v))));
    q.join("&")
}

async fn import(app: &TestApp, body: Vec<u8>, q: &str) -> (u16, Value) {
    import_plan_as(app, "t-admin", body, q).await
}

/// The choices a user makes in the preview: a set of units, a suggestion taken, a phrase
/// kept unassigned, and the set saved as a group.
fn choices() -> Vec<(&'static str, String)> {
    vec![
        (
            "unit_map",
            r#"{"市级有关部门":"市环保局、市住建局","市环保":"市环保局"}"#.to_owned(),
        ),
        ("unassigned", r#"["各乡镇(街道)"]"#.to_owned()),
        ("save_groups", r#"["市级有关部门"]"#.to_owned()),
    ]
}

async fn deadlines(app: &TestApp, number: i32) -> Vec<Deadline> {
    let code = PlanCode::parse("renovation").expect("code");
    app.db
        .store
        .item_detail(&code, number)
        .await
        .expect("read")
        .expect("item")
        .item
        .milestones
        .into_iter()
        .map(|m| m.deadline)
        .collect()
}

async fn a_table_of_another_shape_imports_with_every_phrase_kept(app: &TestApp) {
    // First look: nothing decided yet. Unknown phrases are listed (one with the unit it most
    // likely means); the unreadable deadline is 待确认, not a problem; the title and 文号
    // above the header are offered.
    for (body, format) in [(xlsx(), "xlsx"), (gbk_csv(), "GBK")] {
        let (status, v) = import(app, body, &query(false, &[])).await;
        assert_eq!(status, 422, "{v}");
        assert_eq!(v["format"], format, "{v}");
        let unknown: Vec<(String, Value)> = v["unknown_units"]
            .as_array()
            .expect("unknown units")
            .iter()
            .map(|u| {
                (
                    u["phrase"].as_str().unwrap_or("").to_owned(),
                    u["suggestion"].clone(),
                )
            })
            .collect();
        assert_eq!(
            unknown,
            [
                ("各乡镇(街道)".to_owned(), Value::Null),
                ("市环保".to_owned(), Value::from("市环保局")),
                ("市级有关部门".to_owned(), Value::Null),
            ],
            "{format}"
        );
        let problems = v["problems"].as_array().expect("problems");
        assert!(
            problems.iter().all(|p| p["column"] == "责任单位"),
            "only the units stop it: {problems:?}"
        );
        assert_eq!(v["unconfirmed"].as_array().map(Vec::len), Some(1), "{v}");
        assert_eq!(
            v["unconfirmed"][0]["row"], 10,
            "row as the spreadsheet shows it"
        );
        assert_eq!(v["unconfirmed"][0]["column"], "完成时限");
        assert_eq!(v["title_in_file"], "衢州市城乡环境整治提升行动", "{format}");
        assert_eq!(v["doc_no_in_file"], DOC_NO, "{format}");
    }
    // The choices made: the preview passes and writes nothing (no group saved yet either).
    let (status, v) = import(app, xlsx(), &query(false, &choices())).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcome"], "preview");
    assert!(app
        .db
        .store
        .unit_groups()
        .await
        .expect("groups")
        .iter()
        .all(|g| g.phrase != "市级有关部门"));
    // Committed.
    let (status, v) = import(app, xlsx(), &query(true, &choices())).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcome"], "committed");
    let notes = v["notes"].to_string();
    assert!(notes.contains("已存为单位组"), "{notes}");
    assert!(notes.contains("暂不分配"), "{notes}");

    // Every grammar class read as it means; none given a date it does not say.
    assert_eq!(
        deadlines(app, 1).await,
        [Deadline::EventRelative {
            event: "文件印发".into(),
            within: Some(Within::WorkingDays(5)),
        }]
    );
    assert_eq!(
        deadlines(app, 2).await,
        [Deadline::Recurring {
            every: Recurrence::Quarterly,
            from: None
        }]
    );
    let dated: Vec<Option<String>> = deadlines(app, 3)
        .await
        .iter()
        .map(|d| d.due_date().map(|d| d.to_string()))
        .collect();
    assert_eq!(
        dated,
        [
            Some(format!("{}-01-01", this_year())),
            Some(format!("{}-12-31", this_year()))
        ],
        "two labelled parts, the year from the plan"
    );
    assert_eq!(
        deadlines(app, 4).await,
        [Deadline::Contingent {
            on: "国家标准出台".into()
        }]
    );
    assert_eq!(
        deadlines(app, 5).await,
        [Deadline::EventRelative {
            event: "汛期".into(),
            within: None
        }]
    );
    assert_eq!(
        deadlines(app, 6).await,
        [Deadline::Recurring {
            every: Recurrence::HalfYearly,
            from: None
        }]
    );
    assert!(matches!(
        deadlines(app, 7).await.as_slice(),
        [Deadline::Unconfirmed { .. }]
    ));
    assert!(matches!(
        deadlines(app, 8).await.as_slice(),
        [Deadline::Contingent { .. }]
    ));

    // Units: the set, the suggestion taken, the phrase kept unassigned (its text stays).
    let code = PlanCode::parse("renovation").expect("code");
    let units = |d: sanzhi_domain::ItemDetail| -> Vec<String> {
        d.assignments.iter().map(|a| a.unit.clone()).collect()
    };
    let item = |n| {
        let code = code.clone();
        async move {
            app.db
                .store
                .item_detail(&code, n)
                .await
                .expect("read")
                .expect("item")
        }
    };
    let mut first = units(item(1).await);
    first.sort();
    assert_eq!(first, ["市住建局", "市环保局"]);
    assert_eq!(units(item(3).await), ["市环保局"]);
    let fifth = item(5).await;
    assert_eq!(fifth.item.responsible_text, "各乡镇(街道)、开化县政府");
    assert_eq!(units(fifth), ["开化县政府"]);

    // Undated duties are never overdue, however late the day.
    let rows = app
        .db
        .store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("renovation".into()),
                ..Default::default()
            },
            // Today (the assignments exist from the day of the import on).
            sanzhi_domain::report::china_day(sanzhi_domain::chrono::Utc::now()),
            15,
        )
        .await
        .expect("tracked");
    for n in [1, 4, 5, 7, 8] {
        assert!(
            rows.iter()
                .filter(|t| t.item_number == n)
                .all(|t| t.assessment.status != sanzhi_domain::Status::Overdue),
            "item ({n}) is not overdue by date"
        );
    }
    assert!(
        rows.iter()
            .any(|t| t.item_number == 3 && t.assessment.status == sanzhi_domain::Status::Overdue),
        "a dated milestone still falls due"
    );

    // The plan page lists the 待确认 item; the item page marks it.
    let admin = app.client_for("t-admin").await;
    let page = |path: String| {
        let admin = admin.clone();
        async move {
            admin
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .expect("GET")
                .text()
                .await
                .expect("text")
        }
    };
    let plan = page("/plans/renovation".into()).await;
    assert!(plan.contains("unconfirmed-list"), "the plan page lists it");
    assert!(plan.contains("/plans/renovation/items/7"));
    let seventh = page("/plans/renovation/items/7".into()).await;
    assert!(seventh.contains("时限待确认"));
    assert!(seventh.contains("九月前后"));

    // Dated by the plan's own coordinator on the item page (an imported plan has coordinators
    // like the seeded ones), audited; another plan's coordinator may not.
    let r = app
        .client_for("t-admin")
        .await
        .post(format!("{}/api/account_create", app.base))
        .form(&[
            ("form[username]", "t-reno"),
            ("form[display_name]", "整治办"),
            ("form[role]", "coordinator"),
            ("form[plan]", "renovation"),
            ("form[unit]", ""),
            ("form[password]", PASSWORD),
        ])
        .send()
        .await
        .expect("account");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let date_it = |who: &'static str| async move {
        app.client_for(who)
            .await
            .post(format!("{}/api/item_edit", app.base))
            .form(&[
                ("form[plan]", "renovation"),
                ("form[number]", "7"),
                ("form[deadlines]", "9月底前"),
                ("form[units]", "市环保局"),
                ("form[targets]", ""),
                ("form[reason]", "与牵头单位核实时限"),
            ])
            .send()
            .await
            .expect("POST")
    };
    assert_eq!(date_it("t-water").await.status(), 403);
    let r = date_it("t-reno").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    assert_eq!(
        deadlines(app, 7).await[0].due_date().map(|d| d.to_string()),
        Some(format!("{}-09-30", this_year()))
    );
    let audit = app
        .db
        .store
        .audit_entries(&sanzhi_store::AuditFilter {
            actor: Some("t-reno".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(!audit.is_empty(), "the dating is on the audit trail");
    let plan = page("/plans/renovation".into()).await;
    assert!(
        !plan.contains("unconfirmed-list"),
        "nothing left to confirm"
    );
    let water = app.client_for("t-water").await;
    let refused = post_json(
        &water,
        format!("{}/api/item_edit", app.base),
        &[
            ("form[plan]", "water"),
            ("form[number]", "28"),
            ("form[deadlines]", "九月前后"),
            ("form[units]", "市环保局"),
            ("form[targets]", ""),
            ("form[reason]", "测试"),
        ],
    )
    .await;
    assert!(
        refused.to_string().contains("deadlines") && refused.to_string().contains("九月前后"),
        "an edit names the phrase it cannot read: {refused}"
    );

    // The saved group reads in the next import without any choice.
    let groups = app.db.store.unit_groups().await.expect("groups");
    let saved = groups
        .iter()
        .find(|g| g.phrase == "市级有关部门")
        .expect("saved as a group");
    assert_eq!(saved.members, ["市住建局", "市环保局"]);
    let (status, v) = import(
        app,
        xlsx(),
        &query(
            false,
            &[
                ("unit_map", r#"{"市环保":"市环保局"}"#.to_owned()),
                ("unassigned", r#"["各乡镇(街道)"]"#.to_owned()),
            ],
        ),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["unknown_units"].as_array().map(Vec::len), Some(0));

    // Malformed choices are named; a group to save must be mapped.
    let (status, v) = import(app, xlsx(), &query(false, &[("unassigned", "x".into())])).await;
    assert_eq!(status, 400, "{v}");
    assert!(v.to_string().contains("unassigned"));
    let (status, v) = import(
        app,
        xlsx(),
        &query(false, &[("save_groups", r#"["各乡镇(街道)"]"#.into())]),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert!(v.to_string().contains("save_groups"));
}

async fn admins_keep_the_unit_groups(app: &TestApp) {
    let save = |who: &'static str, phrase: &'static str, members: &'static str| async move {
        app.client_for(who)
            .await
            .post(format!("{}/api/unit_group_save", app.base))
            .form(&[("phrase", phrase), ("members", members), ("note", "测试")])
            .send()
            .await
            .expect("POST")
    };
    for who in ["t-leader", "t-water", "t-kaihua"] {
        assert_eq!(
            save(who, "市直各部门", "市环保局").await.status(),
            403,
            "{who}"
        );
    }
    let r = save("t-admin", "市直各部门", "市环保局、市不存在局").await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .expect("text")
        .contains("members：单位“市不存在局”"));
    let r = save("t-admin", "市直各部门", "市环保局、市住建局").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    // Anyone signed in reads them (the tables' vocabulary); the page lists them for admins.
    let list: Value = app
        .client_for("t-leader")
        .await
        .post(format!("{}/api/unit_groups", app.base))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    assert!(list.to_string().contains("市直各部门"), "{list}");
    assert!(
        list.to_string().contains("各县(市、区)政府"),
        "the seed's group"
    );
    let page = app
        .client_for("t-admin")
        .await
        .get(format!("{}/admin/accounts", app.base))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert!(page.contains("unit-groups") && page.contains("市直各部门"));
    let r = app
        .client_for("t-admin")
        .await
        .post(format!("{}/api/unit_group_delete", app.base))
        .form(&[("phrase", "市直各部门")])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
}

/// A second shape, of a “重点工作任务清单” as a county office would send it: 序号 / 重点任务 /
/// 具体措施 / 牵头单位 / 配合单位 / 完成时间, as GBK CSV. 具体措施 is not a header the reader
/// knows: the table is refused naming it, then it is mapped to the item text and the table
/// imports with one grammar class per row.
async fn a_measures_table_reads_with_its_unknown_column_mapped(app: &TestApp) {
    let year = this_year();
    let rows: Vec<[String; 6]> = vec![
        [
            "1",
            "水源保护",
            "开展饮用水源地环境整治",
            "市环保局",
            "市住建局",
            "项目批复后一个月内",
        ],
        [
            "2",
            "水源保护",
            "交办问题整改",
            "市环保局",
            "各有关单位",
            "收到交办单后10日内办结",
        ],
        [
            "3",
            "污染防治",
            "执行新的排放标准",
            "市环保局",
            "",
            "视上级要求",
        ],
        [
            "4",
            "污染防治",
            "校园周边环境整治",
            "市住建局",
            "市环保局",
            "开学前",
        ],
        [
            "5",
            "长效管理",
            "报送工作进展",
            "市环保局",
            "市住建局",
            "每月5日前报送",
        ],
        // Dated in the plan's first year (set below).
        ["6", "长效管理", "完成年度评估", "市住建局", "", ""],
    ]
    .into_iter()
    .map(|r| r.map(str::to_owned))
    .collect();
    let mut rows = rows;
    rows[5][5] = format!("{year}年3月15日前");
    let mut text = "序号,重点任务,具体措施,牵头单位,配合单位,完成时间\n".to_owned();
    for r in &rows {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let body = gbk.into_owned();
    let q = |commit: bool, extra: &[(&str, String)]| {
        let mut q = vec![
            format!("commit={commit}"),
            "code=measures".to_owned(),
            format!("title={}", enc("衢州市重点工作任务清单")),
            format!("short_name={}", enc("重点工作")),
            format!("owner={}", enc("市环保局")),
            format!("start_year={year}"),
            format!("end_year={}", year + 1),
        ];
        q.extend(extra.iter().map(|(k, v)| format!("{k}={}", enc(v))));
        q.join("&")
    };
    // First look: without a column for the item text the table cannot be read; the unknown
    // header is named so that it can be mapped.
    let (status, v) = import(app, body.clone(), &q(false, &[])).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["unknown_headers"], serde_json::json!(["具体措施"]), "{v}");
    assert!(
        v["reason"]
            .as_str()
            .unwrap_or("")
            .contains("未识别的表头可在映射中指定"),
        "{v}"
    );
    let choices = [
        ("columns", r#"{"具体措施":"item"}"#.to_owned()),
        ("unassigned", r#"["各有关单位"]"#.to_owned()),
    ];
    let (status, v) = import(app, body.clone(), &q(false, &choices)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["format"], "GBK", "{v}");
    assert_eq!(v["unconfirmed"].as_array().map(Vec::len), Some(0), "{v}");
    let (status, v) = import(app, body, &q(true, &choices)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["outcome"], "committed");

    let code = PlanCode::parse("measures").expect("code");
    let first = |n: i32| {
        let code = code.clone();
        async move {
            app.db
                .store
                .item_detail(&code, n)
                .await
                .expect("read")
                .expect("item")
                .item
                .milestones
                .into_iter()
                .map(|m| m.deadline)
                .next()
                .expect("a milestone")
        }
    };
    // Item text from the mapped column; one grammar class per row.
    let detail = app
        .db
        .store
        .item_detail(&code, 1)
        .await
        .expect("read")
        .expect("item");
    assert!(
        detail.item.text.contains("开展饮用水源地环境整治"),
        "{}",
        detail.item.text
    );
    assert!(
        matches!(
            first(1).await,
            Deadline::EventRelative {
                within: Some(_),
                ..
            }
        ),
        "a duration after an event"
    );
    assert!(
        matches!(
            first(2).await,
            Deadline::EventRelative {
                within: Some(_),
                ..
            }
        ),
        "days after receiving the notice"
    );
    assert!(
        matches!(first(3).await, Deadline::Contingent { .. }),
        "waits on a higher level"
    );
    assert!(
        matches!(first(4).await, Deadline::EventRelative { within: None, .. }),
        "before an activity"
    );
    assert!(
        matches!(
            first(5).await,
            Deadline::Recurring {
                every: Recurrence::Monthly,
                ..
            }
        ),
        "a monthly report"
    );
    assert_eq!(
        first(6).await.due_date().map(|d| d.to_string()),
        Some(format!("{year}-03-15"))
    );
    // None of the undated ones is ever overdue.
    for n in 1..=4 {
        assert!(first(n).await.is_undated(), "({n})");
    }
}

on_both_backends!(
    a_table_of_another_shape_imports_with_every_phrase_kept,
    a_measures_table_reads_with_its_unknown_column_mapped,
    admins_keep_the_unit_groups,
);
