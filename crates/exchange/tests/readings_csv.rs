//! The readings importer against good and bad files. What the database does with a parsed
//! file (preview, one-transaction commit) is tested in the server's HTTP tests.

use sanzhi_domain::Places;
use sanzhi_exchange::{decode, parse_readings_csv, Field, ImportProblems};

fn places() -> Places {
    Places {
        areas: vec!["柯城".into(), "衢江".into(), "衢州市区".into()],
        sections: vec!["东迹渡".into(), "铜山源水库".into()],
        drains: vec!["西排渠".into()],
        indicators: vec![],
    }
}

fn problems(bytes: &[u8]) -> Vec<String> {
    match parse_readings_csv(bytes, &places()) {
        Ok(p) => panic!("accepted: {:?}", p.rows),
        Err(ImportProblems::File(s)) => vec![s],
        Err(ImportProblems::Rows { problems, .. }) => {
            problems.iter().map(ToString::to_string).collect()
        }
    }
}

#[test]
fn a_good_file_with_bom_chinese_headers_and_a_unit_in_brackets() {
    let csv = "\u{feff}指标,地点,年份,月份,数值（µg/m³）,有效天数,暂定,备注,填报人\n\
               pm25,柯城,2018,1,52.3,31,否,,张三\n\
               PM2.5 月均浓度,衢江,2018,2,\"48.5\",28,是,\"含逗号, 的备注\",李四\n\
               \n\
               氨氮,东迹渡,2018,1,0.21,,,,王五\n";
    let p = parse_readings_csv(csv.as_bytes(), &places()).expect("valid");
    assert_eq!(p.encoding, "UTF-8");
    assert_eq!(p.columns.ignored, ["填报人"]);
    assert_eq!(p.rows.len(), 3);
    assert_eq!(p.rows[0].0, 2, "row numbers as a spreadsheet shows them");
    assert_eq!(p.rows[2].0, 5, "the blank line is skipped but counted");
    let r = &p.rows[1].1;
    assert_eq!(
        r.value, 48.5,
        "a quoted number, found by its Chinese indicator name"
    );
    assert_eq!(r.key.place, "衢江");
    assert!(r.provisional);
    assert_eq!(r.note, "含逗号, 的备注");
    assert_eq!(p.rows[2].1.key.indicator, "water.nh3n");
}

#[test]
fn english_headers_a_period_column_and_tabs() {
    let tsv = "indicator\tplace\tperiod\tvalue\n\
               pm25\t柯城\t2019-03\t41\n\
               pm25\t柯城\t2019年4月\t39.5\n\
               pm25\t柯城\t201905\t38\n";
    let p = parse_readings_csv(tsv.as_bytes(), &places()).expect("valid");
    let months: Vec<_> = p
        .rows
        .iter()
        .map(|(_, r)| (r.key.year, r.key.month))
        .collect();
    assert_eq!(months, [(2019, 3), (2019, 4), (2019, 5)]);
    assert!(p
        .columns
        .mapped
        .iter()
        .any(|(h, f)| h == "period" && *f == Field::Period));
}

#[test]
fn a_gbk_file_from_excel_is_read() {
    let text = "指标,地点,年份,月份,数值\npm25,柯城,2018,3,45\n";
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let p = parse_readings_csv(&gbk, &places()).expect("GBK is read");
    assert_eq!(p.encoding, "GBK");
    assert_eq!(p.rows[0].1.key.place, "柯城");
}

#[test]
fn a_utf16_file_with_bom_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "指标,地点,年份,月份,数值\npm25,柯城,2018,3,45\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(decode(&bytes).expect("utf-16").encoding, "UTF-16LE");
    assert!(parse_readings_csv(&bytes, &places()).is_ok());
}

#[test]
fn files_that_are_not_text_are_refused_with_a_reason() {
    assert!(problems(b"")[0].contains("空的"));
    assert!(problems(b"PK\x03\x04\x14\x00\x06\x00")[0].contains("Excel"));
    assert!(problems(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1])[0].contains(".xls"));
    // 0xFF can start neither a UTF-8 nor a GBK character.
    assert!(problems(&[0x61, 0xFF, 0xFF, 0x62])[0].contains("无法识别文件编码"));
    assert!(problems("指标,地点,年份,月份,数值\n".as_bytes())[0].contains("没有数据行"));
    assert!(problems(b"a\0b,c\n")[0].contains("空字符"));
}

#[test]
fn a_wrong_header_names_what_is_missing() {
    let p = problems("区域名称,时间段,浓度值\n柯城,2018-01,40\n".as_bytes());
    assert!(p[0].contains("表头缺少列"), "{p:?}");
    assert!(p[0].contains("“指标”"), "{p:?}");
    assert!(p[0].contains("“地点”"), "{p:?}");
    assert!(p[0].contains("区域名称, 时间段, 浓度值"), "{p:?}");
    let p = problems("指标,地点,数值,值\npm25,柯城,1,2\n".as_bytes());
    assert!(p[0].contains("都表示“数值”"), "{p:?}");
}

#[test]
fn every_bad_row_is_named_with_its_column_and_reason() {
    let csv = "指标,地点,年份,月份,数值,有效天数\n\
               pm25,柯城,2018,1,abc,31\n\
               pm25,柯城,2018,2,-3,28\n\
               pm25,柯城,2018,3,9999,31\n\
               pm25,柯城,2018,13,40,\n\
               pm10,柯城,2018,4,40,\n\
               pm25,东迹渡,2018,5,40,\n\
               pm25,柯城,2018,6,40,31\n\
               pm25,柯城,2018,7,40,31\n\
               pm25,柯城,2018,7,41,31\n\
               pm25,柯城,2018,8\n";
    let p = problems(csv.as_bytes());
    let want = [
        "第 2 行，列“数值”：数值“abc”不是数字",
        "第 3 行，列“数值”：数值 -3 不能为负",
        "第 4 行，列“数值”：数值 9999 µg/m³ 不可信",
        "第 5 行，列“月份”：月份 13 应在 1–12 之间",
        "第 6 行，列“指标”：没有指标“pm10”",
        "第 7 行，列“地点”：“东迹渡”不是“PM2.5 月均浓度”的区域",
        "第 8 行，列“有效天数”：有效天数 31 应在 0–30 之间（2018年6月有 30 天）",
        "第 10 行：与第 9 行重复",
        "第 11 行：有 4 列，表头有 6 列",
    ];
    assert_eq!(p.len(), want.len(), "{p:#?}");
    for (got, want) in p.iter().zip(want) {
        assert!(got.starts_with(want), "got {got:?}, want {want:?}");
    }
}

#[test]
fn a_bad_period_is_named_by_its_header() {
    let p = problems("indicator,place,period,value\npm25,柯城,March,40\n".as_bytes());
    assert!(
        p[0].starts_with("第 2 行，列“period”：“March”不是年月"),
        "{p:?}"
    );
}

#[test]
fn the_template_is_a_valid_file() {
    let all = Places {
        areas: vec!["柯城".into()],
        sections: vec!["东迹渡".into()],
        drains: vec![],
        indicators: vec![],
    };
    let p = parse_readings_csv(sanzhi_exchange::template_csv().as_bytes(), &all).expect("template");
    assert_eq!(p.rows.len(), 3);
}
