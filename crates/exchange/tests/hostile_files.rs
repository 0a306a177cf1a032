//! Files found by fuzzing (`fuzz/`) that once made a reader panic: each must now be refused
//! with a message. Run in the test profile, where overflow checks are on.

use std::collections::BTreeMap;

/// A workbook whose sheet dimension is written backwards: calamine subtracts the ends and
/// overflows.
const REVERSED_DIMENSION: &[u8] = include_bytes!("data/reversed-dimension.xlsx");

#[test]
fn a_workbook_that_makes_calamine_panic_is_refused() {
    let refused =
        sanzhi_exchange::plan_table::read_plan_table(REVERSED_DIMENSION, &BTreeMap::new())
            .expect_err("refused");
    assert!(
        refused.reason.contains("无法读取 Excel 工作簿"),
        "{}",
        refused.reason
    );
    let problem =
        sanzhi_exchange::allocation::xlsx_first_sheet(REVERSED_DIMENSION).expect_err("refused");
    assert!(problem.0.contains("无法读取 Excel 文件"), "{}", problem.0);
}
