use super::*;

fn no_map() -> BTreeMap<String, String> {
    BTreeMap::new()
}

#[test]
fn a_cell_far_outside_any_allocation_table_is_refused_before_the_sheet_is_built() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "工作要求").expect("a1");
    ws.write_string(0, 1, "责任单位").expect("b1");
    ws.write_string(1, 0, "做甲").expect("a2");
    ws.write_string(1, 1, "市环保局").expect("b2");
    // One cell at the sheet's last row and column: a dense grid would be 17 billion cells.
    ws.write_string(1_048_575, 16_383, "x").expect("xfd");
    let bytes = wb.save_to_buffer().expect("xlsx");
    assert!(bytes.len() < 20_000, "a tiny file");
    let err = read_plan_table(&bytes, &no_map()).unwrap_err();
    assert!(err.reason.contains("第 1048576 行第 16384 列"), "{err}");
}

#[test]
fn a_csv_table_maps_headers_and_numbers_rows() {
    let csv = "附件：分工表\n序号,行动,任务,工作要求,牵头单位,责任单位,完成时限,备注\n1,行动一,任务一,做甲,市治水办,各县(市、区)政府,6月底前,\n\n2,,,做乙,,市环保局,年底前,x\n";
    let t = read_plan_table(csv.as_bytes(), &no_map()).unwrap();
    assert_eq!(t.header_row, 2);
    assert_eq!(t.unknown_headers, ["备注"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].row, 3);
    assert_eq!(t.rows[1].row, 5, "blank line counted");
    assert_eq!(t.rows[1].action, "行动一", "inherited");
    assert!(t.problems.is_empty(), "{:?}", t.problems);
}

#[test]
fn gbk_and_mapping_and_missing_columns() {
    let (gbk, _, _) = encoding_rs::GBK.encode("工作内容及要求,责任单位\n做甲,市环保局\n");
    let err = read_plan_table(&gbk, &no_map()).unwrap_err();
    assert!(
        err.reason.contains("缺少列") && err.reason.contains("工作要求"),
        "{err}"
    );
    assert_eq!(err.unknown_headers, ["工作内容及要求"]);
    let mut m = no_map();
    m.insert("工作内容及要求".into(), "item".into());
    let t = read_plan_table(&gbk, &m).unwrap();
    assert_eq!(t.format, "GBK");
    assert_eq!(t.rows[0].item, "做甲");
}

#[test]
fn empty_cells_are_named_by_row_and_column() {
    let t = read_plan_table(
        "工作要求,责任单位\n做甲,\n,市环保局\n".as_bytes(),
        &no_map(),
    )
    .unwrap();
    let p: Vec<String> = t.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        p,
        [
            "第 2 行，列“责任单位”：责任单位为空",
            "第 3 行，列“工作要求”：工作要求为空"
        ]
    );
}

#[test]
fn a_lead_with_no_responsible_unit_does_the_work_itself() {
    let t = read_plan_table(
        "工作要求,牵头单位,配合单位\n做甲,市环保局,\n做乙,市环保局,市住建局\n".as_bytes(),
        &no_map(),
    )
    .unwrap();
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    assert_eq!(t.rows[0].responsible, "市环保局");
    assert_eq!(t.rows[1].responsible, "市住建局");
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("第 2 行") && n.contains("由牵头单位承担")),
        "{:?}",
        t.notes
    );
}

#[test]
fn lists_split_outside_brackets() {
    assert_eq!(
        split_list("各县(市、区)政府、市环保局；市治水办"),
        ["各县(市、区)政府", "市环保局", "市治水办"]
    );
    assert_eq!(column_letters(0), "A");
    assert_eq!(column_letters(27), "AB");
}

fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    build(ws);
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_merged_rows_are_filled_down_and_formulas_refused() {
    use rust_xlsxwriter::{Format, Formula};
    let bytes = xlsx(|ws| {
        for (c, h) in ["序号", "行动", "工作要求", "责任单位", "时限"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.merge_range(1, 1, 2, 1, "行动一", &Format::new())
            .unwrap();
        ws.write_number(1, 0, 1.0).unwrap();
        ws.write_number(2, 0, 2.0).unwrap();
        ws.write_string(1, 2, "做甲").unwrap();
        ws.write_string(2, 2, "做乙").unwrap();
        ws.write_string(1, 3, "市环保局").unwrap();
        ws.write_string(2, 3, "市环保局").unwrap();
        ws.write_formula(2, 4, Formula::new("=\"年底前\"")).unwrap();
    });
    let t = read_plan_table(&bytes, &no_map()).unwrap();
    assert_eq!(t.format, "xlsx");
    assert_eq!(t.rows[1].action, "行动一");
    assert_eq!(t.rows[0].number, "1");
    assert!(t.notes.iter().any(|n| n.contains("B2:B3")), "{:?}", t.notes);
    assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
    assert_eq!(t.problems[0].row, 3);
    assert_eq!(t.problems[0].column, "时限");
    assert!(t.problems[0].reason.contains("E3") && t.problems[0].reason.contains("公式"));
}

#[test]
fn xlsx_merged_columns_and_empty_sheets_are_refused() {
    use rust_xlsxwriter::Format;
    let bytes = xlsx(|ws| {
        ws.write_string(0, 0, "工作要求").unwrap();
        ws.write_string(0, 1, "责任单位").unwrap();
        ws.merge_range(1, 0, 1, 1, "做甲", &Format::new()).unwrap();
    });
    let t = read_plan_table(&bytes, &no_map()).unwrap();
    assert!(
        t.problems
            .iter()
            .any(|p| p.row == 2 && p.reason.contains("A2:B2")),
        "{:?}",
        t.problems
    );
    let empty = xlsx(|_| {});
    let err = read_plan_table(&empty, &no_map()).unwrap_err();
    assert!(err.reason.contains("空"), "{err}");
}

#[test]
fn an_exported_allocation_table_reads_back() {
    use crate::allocation::{allocation_xlsx, AllocationRow, AllocationSheet, AssignmentCells};
    let row = |unit: &str| AllocationRow {
        action: "（一）水环境质量提升行动".into(),
        task: "1. 深化河长制".into(),
        item_number: 1,
        item_text: "6月底前做甲".into(),
        leads: "市治水办".into(),
        responsible: "各县(市、区)政府".into(),
        deadline_phrases: "6月底前\n年底前".into(),
        deadline_dates: "2018-06-30\n2018-12-31".into(),
        assignment: Some(AssignmentCells {
            unit: unit.into(),
            status: "进行中".into(),
            next_due: None,
            last_report: None,
        }),
    };
    let bytes = allocation_xlsx(&AllocationSheet {
        plan_title: "衢州市治水长效战行动方案".into(),
        plan_short_name: "治水长效战".into(),
        doc_no: "衢政办发〔2018〕43号".into(),
        as_of: chrono::NaiveDate::from_ymd_opt(2019, 3, 31).unwrap(),
        demo: false,
        filters: String::new(),
        rows: vec![row("柯城区政府"), row("衢江区政府")],
    })
    .unwrap();
    let t = read_plan_table(&bytes, &no_map()).unwrap();
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    assert_eq!(t.header_row, 3);
    // The title rows above the header are kept for the preview to offer.
    assert!(
        t.above_header
            .iter()
            .any(|r| r.contains("衢州市治水长效战行动方案")),
        "{:?}",
        t.above_header
    );
    let fields: Vec<&str> = t.columns.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        fields,
        [
            "行动",
            "任务",
            "序号",
            "工作要求",
            "牵头单位",
            "责任单位（原文）",
            "时限（原文）"
        ]
    );
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].responsible, "各县(市、区)政府");
    assert_eq!(split_list(&t.rows[0].deadline), ["6月底前", "年底前"]);
}
