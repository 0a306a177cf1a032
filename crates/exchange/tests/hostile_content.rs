//! Hostile content in files going in and out: zip bombs posing as workbooks, huge cells
//! echoed back in error messages, and exported text that a spreadsheet would run as a
//! formula (CSV injection).

use sanzhi_domain::{AuditEntry, Places, Reading, ReadingKey, ReadingSource};
use sanzhi_exchange::guard::{check_workbook, MAX_UNPACKED_BYTES, QUOTE_MAX_CHARS};
use sanzhi_exchange::plan_table::read_plan_table;
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

// ---- Zip bombs ----

/// The first sheet of a small real workbook (two header cells and a row), as written by
/// rust_xlsxwriter; the bombs below replace it.
fn base_workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "工作要求").expect("cell");
    ws.write_string(0, 1, "责任单位").expect("cell");
    ws.write_string(1, 0, "开展巡河").expect("cell");
    ws.write_string(1, 1, "市治水办").expect("cell");
    wb.save_to_buffer().expect("workbook")
}

const SHEET: &str = "xl/worksheets/sheet1.xml";

/// The base workbook with its sheet replaced by one whose A2 cell holds `cell_bytes` bytes
/// of `a`, written to the zip a block at a time: the test never holds the expanded sheet.
fn bomb(cell_bytes: u64) -> Vec<u8> {
    let base = base_workbook();
    let mut archive = zip::ZipArchive::new(Cursor::new(base)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).expect("entry");
        if entry.name().expect("name") != SHEET {
            out.raw_copy_file(entry).expect("copy");
        }
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(cell_bytes > u64::from(u32::MAX) / 2);
    out.start_file(SHEET, options).expect("sheet");
    out.write_all(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>工作要求</t></is></c>"#,
            r#"<c r="B1" t="inlineStr"><is><t>责任单位</t></is></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#
        )
        .as_bytes(),
    )
    .expect("head");
    let block = vec![b'a'; 1024 * 1024];
    let mut left = cell_bytes;
    while left > 0 {
        let n = left.min(block.len() as u64);
        out.write_all(&block[..usize::try_from(n).expect("usize")])
            .expect("block");
        left -= n;
    }
    out.write_all(
        concat!(
            r#"</t></is></c><c r="B2" t="inlineStr"><is><t>市治水办</t></is></c></row>"#,
            r#"</sheetData></worksheet>"#
        )
        .as_bytes(),
    )
    .expect("tail");
    out.finish().expect("finish").into_inner()
}

#[test]
fn the_base_workbook_is_read_so_the_bombs_below_would_be_too() {
    let t = read_plan_table(&base_workbook(), &BTreeMap::new()).expect("a real workbook");
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].responsible, "市治水办");
}

#[test]
fn a_workbook_that_expands_to_200_mb_is_refused_before_it_is_read() {
    let file = bomb(200 * 1024 * 1024);
    assert!(
        file.len() < 1024 * 1024,
        "a small file: {} bytes",
        file.len()
    );
    let refused = read_plan_table(&file, &BTreeMap::new()).expect_err("refused");
    assert!(
        refused
            .reason
            .starts_with("file：工作簿解压后超过 64 MB（共 200 MB，压缩比 "),
        "{}",
        refused.reason
    );
    assert!(
        refused.reason.ends_with("疑为压缩炸弹，未导入"),
        "{}",
        refused.reason
    );
    let problem = sanzhi_exchange::allocation::xlsx_first_sheet(&file).expect_err("refused");
    assert_eq!(problem.0, refused.reason);
}

#[test]
fn one_entry_compressed_past_100_to_1_is_refused_even_under_the_total_cap() {
    let file = bomb(8 * 1024 * 1024);
    let reason = check_workbook(&file).expect_err("refused");
    assert!(
        reason.starts_with("file：工作簿中的“xl/worksheets/sheet1.xml”解压后 8 MB，压缩比 "),
        "{reason}"
    );
    assert!(
        reason.contains("超过 100:1，疑为压缩炸弹，未导入"),
        "{reason}"
    );
    let refused = read_plan_table(&file, &BTreeMap::new()).expect_err("refused");
    assert_eq!(refused.reason, reason);
}

#[test]
fn many_small_entries_adding_up_past_the_cap_are_refused() {
    // Each entry is under the size the ratio is checked from; together they are too much.
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let block = vec![b'a'; 1024 * 1024];
    let n = MAX_UNPACKED_BYTES / (1024 * 1024) + 2;
    for i in 0..n {
        out.start_file(format!("xl/media/part{i}.xml"), options)
            .expect("entry");
        out.write_all(&block).expect("write");
    }
    let file = out.finish().expect("zip").into_inner();
    let reason = check_workbook(&file).expect_err("refused");
    assert!(reason.contains("工作簿解压后超过 64 MB"), "{reason}");
}

#[test]
fn too_many_entries_are_refused() {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..1_001 {
        out.start_file(format!("x{i}"), options).expect("entry");
    }
    let file = out.finish().expect("zip").into_inner();
    let reason = check_workbook(&file).expect_err("refused");
    assert!(
        reason.contains("1001 个压缩条目，超过上限 1000 个"),
        "{reason}"
    );
}

/// Sets every declared uncompressed size of `name` (local header and central directory) to
/// `size`.
fn declare_size(zip_bytes: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 46 < zip_bytes.len() {
        let (offset, name_at) = match &zip_bytes[i..i + 4] {
            b"PK\x03\x04" => (22, 30),
            b"PK\x01\x02" => (24, 46),
            _ => {
                i += 1;
                continue;
            }
        };
        if zip_bytes[i + name_at..].starts_with(name) {
            zip_bytes[i + offset..i + offset + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        i += 4;
    }
    assert!(patched >= 2, "local header and directory patched");
}

#[test]
fn an_entry_that_lies_about_its_size_is_not_expanded_past_what_it_declares() {
    let mut file = bomb(8 * 1024 * 1024);
    declare_size(&mut file, SHEET, 4096);
    // The directory now looks harmless…
    assert_eq!(check_workbook(&file), Ok(()));
    // …but the zip reader stops at the declared size, so the workbook is refused unread.
    let mut archive = zip::ZipArchive::new(Cursor::new(&file)).expect("zip");
    let mut sheet = archive.by_name(SHEET).expect("sheet");
    let mut sink = Vec::new();
    let err = (&mut sheet)
        .take(64 * 1024 * 1024)
        .read_to_end(&mut sink)
        .expect_err("refused");
    assert!(sink.len() <= 4096 + 64 * 1024, "{} bytes read", sink.len());
    assert!(err.to_string().contains("declared"), "{err}");
    let refused = read_plan_table(&file, &BTreeMap::new()).expect_err("refused");
    assert!(refused.reason.contains("无法读取"), "{}", refused.reason);
}

#[test]
fn bytes_that_are_no_zip_are_left_to_the_workbook_reader() {
    assert_eq!(check_workbook(b"PK\x03\x04 not really a zip"), Ok(()));
    assert_eq!(check_workbook(b"plain text"), Ok(()));
    let exported = base_workbook();
    assert_eq!(check_workbook(&exported), Ok(()));
}

// ---- Huge cells in messages ----

fn places() -> Places {
    Places {
        areas: vec!["柯城".into()],
        sections: vec!["东迹渡".into()],
        drains: vec![],
        indicators: vec![],
    }
}

fn short(message: &str) {
    assert!(
        message.chars().count() < 700,
        "{} characters: {}…",
        message.chars().count(),
        message.chars().take(200).collect::<String>()
    );
}

#[test]
fn an_import_error_quoting_a_100_kb_cell_is_short() {
    let huge = "9x".repeat(50_000);
    let csv = format!("指标,地点,年份,月份,数值\npm25,柯城,2018,1,{huge}\npm25,{huge},2018,2,3\n");
    let problems = match sanzhi_exchange::parse_readings_csv(csv.as_bytes(), &places()) {
        Err(sanzhi_exchange::ImportProblems::Rows { problems, .. }) => problems,
        other => panic!("refused by row: {other:?}"),
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    for p in &problems {
        short(&p.reason);
        assert!(
            p.reason
                .contains(&format!("“{}…”", &huge[..QUOTE_MAX_CHARS])),
            "{}",
            p.reason
        );
    }
    // A huge period, and a huge unknown header listed back.
    let csv = format!("指标,地点,期间,数值,{huge}\npm25,柯城,{huge},3,x\n");
    let problems = match sanzhi_exchange::parse_readings_csv(csv.as_bytes(), &places()) {
        Err(sanzhi_exchange::ImportProblems::Rows { problems, .. }) => problems,
        other => panic!("refused by row: {other:?}"),
    };
    short(&problems[0].reason);
    let csv = format!("指标,地点,{huge}\n");
    match sanzhi_exchange::parse_readings_csv(csv.as_bytes(), &places()) {
        Err(sanzhi_exchange::ImportProblems::File(reason)) => short(&reason),
        other => panic!("refused: {other:?}"),
    }
    let csv = format!("指标,地点,年份,月份,数值,{huge}\npm25,柯城,2018,1,3,x\n");
    let parsed = sanzhi_exchange::parse_readings_csv(csv.as_bytes(), &places()).expect("valid");
    short(&parsed.columns.ignored[0]);
}

#[test]
fn a_plan_table_error_quoting_a_100_kb_cell_is_short() {
    let huge = "长".repeat(100_000);
    // A formula of 100 KB.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "工作要求").expect("cell");
    ws.write_string(0, 1, "责任单位").expect("cell");
    ws.write_formula(
        1,
        0,
        rust_xlsxwriter::Formula::new(format!("=\"{}\"", "x".repeat(30_000))),
    )
    .expect("formula");
    ws.write_string(1, 1, "市治水办").expect("cell");
    let t = read_plan_table(&wb.save_to_buffer().expect("xlsx"), &BTreeMap::new()).expect("read");
    assert!(!t.problems.is_empty());
    for p in &t.problems {
        short(&p.reason);
    }
    // A header row without the required columns, one header 100 KB long.
    let csv = format!("序号,{huge}\n1,x\n");
    let refused = read_plan_table(csv.as_bytes(), &BTreeMap::new()).expect_err("refused");
    short(&refused.reason);
    for h in &refused.unknown_headers {
        short(h);
    }
    // The cut header can still be mapped.
    let cut = refused.unknown_headers[0].clone();
    let csv = format!("{huge},责任单位\n巡河,市治水办\n");
    let mut mapping = BTreeMap::new();
    mapping.insert(cut, "item".to_owned());
    let t = read_plan_table(csv.as_bytes(), &mapping).expect("mapped by its cut form");
    assert_eq!(t.rows[0].item, "巡河");
}

// ---- CSV injection ----

const HOSTILE: [&str; 5] = [
    "=HYPERLINK(\"http://evil\")",
    "-2+3",
    "@SUM(A1)",
    "+1+cmd|' /C calc'!A0",
    "'=already quoted",
];

fn reading(month: u32, note: &str) -> Reading {
    Reading {
        id: i64::from(month),
        key: ReadingKey {
            indicator: "pm25".into(),
            place: "柯城".into(),
            year: 2018,
            month,
        },
        value: 41.5,
        valid_days: Some(28),
        provisional: false,
        source: ReadingSource::Imported,
        is_demo: false,
        note: note.into(),
        recorded_by: "=cmd（t-admin）".into(),
        recorded_at: "2019-01-02T03:04:05Z".into(),
    }
}

/// The cells of a CSV (after its BOM).
fn cells(csv: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn assert_no_formula(csv: &str) {
    for row in cells(csv) {
        for c in row {
            let plain_number = c.parse::<f64>().is_ok();
            assert!(
                plain_number || !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {c:?}"
            );
        }
    }
}

#[test]
fn exported_readings_cannot_run_as_formulas_and_import_back_unchanged() {
    let readings: Vec<Reading> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, n)| reading(u32::try_from(i).expect("month") + 1, n))
        .chain([reading(12, "初值")])
        .collect();
    let csv = sanzhi_exchange::readings_csv(&readings);
    assert_no_formula(&csv);
    let rows = cells(&csv);
    assert_eq!(rows[1][7], "'=HYPERLINK(\"http://evil\")");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "quoted as CSV requires: {csv}"
    );
    assert_eq!(rows[2][7], "'-2+3");
    assert_eq!(rows[3][7], "'@SUM(A1)");
    assert_eq!(rows[5][7], "''=already quoted");
    assert_eq!(rows[6][7], "初值", "plain text untouched");
    assert_eq!(rows[1][10], "'=cmd（t-admin）", "every text column");
    assert_eq!(rows[1][4], "41.5", "numbers stay numbers");

    // What is exported imports again with the notes as they were.
    let parsed = sanzhi_exchange::parse_readings_csv(csv.as_bytes(), &places()).expect("imports");
    let notes: Vec<&str> = parsed.rows.iter().map(|(_, r)| r.note.as_str()).collect();
    let mut expected: Vec<&str> = HOSTILE.to_vec();
    expected.push("初值");
    assert_eq!(notes, expected);
}

#[test]
fn negative_numbers_stay_numbers_in_every_export() {
    let entry = AuditEntry {
        id: 7,
        at: "2019-01-02T03:04:05Z".into(),
        actor: "@admin".into(),
        action: "reading.replace".into(),
        entity: "-reading".into(),
        entity_key: "=1+1".into(),
        before: Some("-1.5".into()),
        after: Some("=HYPERLINK(\"http://evil\")".into()),
        object: Some("+治水 (5)".into()),
    };
    let csv = sanzhi_exchange::audit_csv(&[entry]);
    assert_no_formula(&csv);
    let rows = cells(&csv);
    assert_eq!(
        rows[1],
        [
            "7",
            "2019-01-02T03:04:05Z",
            "'@admin",
            "reading.replace",
            "'-reading",
            "'=1+1",
            "'+治水 (5)",
            "-1.5",
            "'=HYPERLINK(\"http://evil\")"
        ]
    );
    let mut negative = reading(1, "");
    negative.value = -1.5;
    let rows = cells(&sanzhi_exchange::readings_csv(&[negative]));
    assert_eq!(rows[1][4], "-1.5");
    let places = Places {
        areas: vec!["=evil".into(), "柯城".into()],
        sections: vec![],
        drains: vec![],
        // A plan's own indicator, named by whoever wrote its import's sheet.
        indicators: vec![sanzhi_domain::PlanIndicator {
            code: "peer.1".into(),
            name_zh: "=HYPERLINK(\"http://x\")".into(),
            name_en: None,
            unit: "+1".into(),
            better: sanzhi_domain::Better::Higher,
            place_kind: sanzhi_domain::PlaceKind::Area,
            plan: "peer".into(),
            plan_name: String::new(),
            aggregate: sanzhi_domain::Aggregate::Latest,
            max_plausible: 100.0,
        }],
    };
    assert_no_formula(&sanzhi_exchange::indicators_csv(&places));
}

#[test]
fn the_allocation_workbook_stores_formula_like_text_as_text() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use sanzhi_exchange::allocation::{allocation_xlsx, AllocationRow, AllocationSheet};
    let sheet = AllocationSheet {
        plan_title: "=HYPERLINK(\"http://evil\")".into(),
        plan_short_name: "治水".into(),
        doc_no: String::new(),
        as_of: chrono::NaiveDate::from_ymd_opt(2019, 3, 31).expect("day"),
        demo: false,
        filters: "=1+1".into(),
        rows: vec![AllocationRow {
            action: "@SUM(A1)".into(),
            task: "-2+3".into(),
            item_number: 1,
            item_text: "=HYPERLINK(\"http://evil\")".into(),
            leads: "+cmd".into(),
            responsible: "市治水办".into(),
            deadline_phrases: String::new(),
            deadline_dates: String::new(),
            assignment: None,
        }],
    };
    let bytes = allocation_xlsx(&sheet).expect("xlsx");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("open");
    let name = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&name).expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula in the workbook"
    );
    let range = book.worksheet_range(&name).expect("range");
    let row = sanzhi_exchange::allocation::HEADER_ROW + 1;
    for (col, text) in [
        (0, "@SUM(A1)"),
        (1, "-2+3"),
        (3, "=HYPERLINK(\"http://evil\")"),
        (4, "+cmd"),
    ] {
        assert_eq!(
            range.get_value((row, col)),
            Some(&Data::String(text.to_owned())),
            "a text cell, as written"
        );
    }
}
