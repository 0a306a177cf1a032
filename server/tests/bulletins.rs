//! The monthly 通报, closed and kept (issue 22), on SQLite and PostgreSQL: a coordinator or an
//! admin closes a month that is over, once; the month's 总览 is then the kept record, and what
//! is recorded later for the month is listed beside it as 通报后更正, never mixed in; the .docx
//! of the closed month opens in LibreOffice with the 通报's text.

mod common;

use common::TestApp;
use sanzhi_domain::chrono::{NaiveDate, Utc};
use sanzhi_domain::{NewReport, ReportState};

on_both_backends!(a_closed_month_is_kept_and_later_entries_listed_beside_it);

const KAIHUA: &str = "开化县政府";

async fn close(app: &TestApp, who: &str, month: &str, doc_no: &str) -> reqwest::Response {
    app.client_for(who)
        .await
        .post(format!("{}/api/close_month", app.base))
        .form(&[("month", month), ("doc_no", doc_no)])
        .send()
        .await
        .expect("close")
}

async fn overview_json(app: &TestApp, month: &str) -> serde_json::Value {
    app.client
        .post(format!("{}/api/overview", app.base))
        .form(&[("month", month)])
        .send()
        .await
        .expect("overview")
        .json()
        .await
        .expect("json")
}

async fn a_closed_month_is_kept_and_later_entries_listed_beside_it(app: &TestApp) {
    // Who may close, and what.
    assert_eq!(close(app, "t-kaihua", "2018-12", "x").await.status(), 403);
    assert_eq!(close(app, "t-leader", "2018-12", "x").await.status(), 403);
    let this_month = (Utc::now() + sanzhi_domain::chrono::Duration::hours(8))
        .format("%Y-%m")
        .to_string();
    let r = close(app, "t-water", &this_month, "衢三治办〔2026〕1号").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("尚未结束"));
    let r = close(app, "t-water", "2018-12", "  ").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("doc_no"));
    let before = overview_json(app, "2018-12").await;
    assert!(before["bulletin"].is_null());
    let r = close(app, "t-water", "2018-12", "衢三治办〔2019〕1号").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    // Once only: the refusal names who closed it.
    let again = close(app, "t-admin", "2018-12", "衢三治办〔2019〕2号").await;
    assert_eq!(again.status(), 400);
    let text = again.text().await.expect("text");
    assert!(
        text.contains("测试t-water") && text.contains("〔2019〕1号"),
        "{text}"
    );

    // A report for a December day, recorded now, and a December reading.
    let store = &app.db.store;
    let rows = store
        .tracked(
            &sanzhi_store::TrackScope {
                plan: Some("water".into()),
                unit: Some(KAIHUA.into()),
                item: None,
            },
            NaiveDate::from_ymd_opt(2018, 12, 31).expect("day"),
            15,
        )
        .await
        .expect("tracked");
    let t = &rows[0];
    let report = NewReport {
        assignment_id: t.assignment_id,
        expected_version: t.report_count,
        state: ReportState::InProgress,
        milestone_seq: None,
        reported_on: NaiveDate::from_ymd_opt(2018, 12, 20).expect("day"),
        achieved: None,
        narrative: "迟报的12月进展".into(),
        evidence: Vec::new(),
        reporter: "测试t-kaihua（t-kaihua）".into(),
        corrects_id: None,
        is_demo: false,
        submission_key: None,
        files: Vec::new(),
    };
    store
        .add_report(&report, Utc::now())
        .await
        .expect("store")
        .expect("added");
    let after = overview_json(app, "2018-12").await;
    // The kept figures did not move; the late report is listed beside them.
    assert_eq!(after["plans"], before["plans"]);
    assert_eq!(after["bulletin"]["doc_no"], "衢三治办〔2019〕1号");
    let corrections = after["corrections"].as_array().expect("corrections");
    assert_eq!(corrections.len(), 1, "{corrections:?}");
    let what = corrections[0]["what"].as_str().expect("what");
    assert!(
        what.contains(KAIHUA) && what.contains("2018-12-20"),
        "{what}"
    );
    // A month not closed is computed as ever: November has no corrections and no record.
    let november = overview_json(app, "2018-11").await;
    assert!(november["bulletin"].is_null());
    // The page says so, and offers the document.
    let page = app.get("/?month=2018-12").await.text().await.expect("page");
    assert!(page.contains("衢三治办〔2019〕1号"));
    assert!(page.contains("/api/bulletins/2018-12.docx"));
    assert!(page.contains("correction-report"));

    // The document: anyone signed in; a month not closed is 404; nobody anonymous.
    let anonymous = reqwest::Client::new()
        .get(format!("{}/api/bulletins/2018-12.docx", app.base))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(anonymous.status(), 401);
    let missing = app.get("/api/bulletins/2018-11.docx").await;
    assert_eq!(missing.status(), 404);
    let doc = app.get("/api/bulletins/2018-12.docx").await;
    assert_eq!(doc.status(), 200);
    assert_eq!(
        doc.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let bytes = doc.bytes().await.expect("bytes").to_vec();
    assert!(bytes.starts_with(b"PK"), "a zip package");
    let pictures = pictures_in(&bytes);
    if server::chart_png::available() {
        // The ranking chart of the page is in the document as a picture (this test's month
        // has no readings, so no indicator charts).
        assert_eq!(pictures.len(), 1, "{pictures:?}");
        assert!(pictures[0].1 > 10_000, "a drawn chart: {pictures:?}");
    } else {
        assert!(
            std::env::var_os("SANZHI_REQUIRE_OFFICE").is_none(),
            "no Chinese font installed (fonts-wqy-zenhei)"
        );
    }
    check_in_libreoffice(&bytes, pictures.len());
}

/// The PNG pictures packed in a .docx: (name, bytes).
fn pictures_in(docx: &[u8]) -> Vec<(String, usize)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("entry name").into_owned();
        if name.starts_with("word/media/") && !name.ends_with('/') {
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read");
            assert!(data.starts_with(&[137, 80, 78, 71]), "{name} is a PNG");
            out.push((name, data.len()));
        }
    }
    out
}

/// Opens the document in LibreOffice (headless) and reads its text back, and prints it to PDF
/// to count the pictures LibreOffice placed; skipped only where LibreOffice is not installed
/// and `SANZHI_REQUIRE_OFFICE` is not set (CI sets it).
fn check_in_libreoffice(bytes: &[u8], pictures: usize) {
    let Some(office) = common::office() else {
        assert!(
            std::env::var_os("SANZHI_REQUIRE_OFFICE").is_none(),
            "SANZHI_REQUIRE_OFFICE is set but libreoffice is not on PATH"
        );
        println!("skipped: libreoffice not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bulletin.docx"), bytes).expect("write");
    if let Some(keep) = std::env::var_os("SANZHI_KEEP_DOCX") {
        std::fs::write(keep, bytes).expect("keep");
    }
    let text = common::office_convert(
        &office,
        dir.path(),
        "bulletin.docx",
        "txt:Text (encoded):UTF8",
        "txt",
    );
    for expected in [
        "衢州市三治工作情况通报（2018年12月）",
        "衢三治办〔2019〕1号",
        "一、总体进展",
        "二、逾期事项（红榜）",
        "四、各县（市、区）按时完成情况",
        "开化县政府",
        "六、通报后更正",
        "迟报",
        "图1　各单位按时完成率",
    ] {
        assert!(
            text.contains(expected) || (expected == "迟报" && text.contains("报告日 2018-12-20")),
            "{expected} in the document's text:\n{}",
            text.chars().take(1500).collect::<String>()
        );
    }
    let Some(pdfimages) = common::tool("pdfimages") else {
        assert!(
            std::env::var_os("SANZHI_REQUIRE_OFFICE").is_none(),
            "SANZHI_REQUIRE_OFFICE is set but pdfimages (poppler-utils) is not on PATH"
        );
        return;
    };
    let pdf = common::office_convert_file(
        &office,
        dir.path(),
        "bulletin.docx",
        "pdf:writer_pdf_Export",
        "pdf",
    );
    let list = std::process::Command::new(pdfimages)
        .arg("-list")
        .arg(&pdf)
        .output()
        .expect("pdfimages");
    let list = String::from_utf8_lossy(&list.stdout);
    // Two heading lines, then a line per image (`page num type …`; a mask is type `smask`).
    let images = list
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count();
    assert_eq!(images, pictures, "pictures LibreOffice placed:\n{list}");
}
