//! The allocation-table import from CSV: any bytes give a table or a refusal.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|bytes: &[u8]| {
    // Not an xlsx (that is the other target): the CSV reader and the table rules.
    if bytes.starts_with(b"PK") {
        return;
    }
    let _ = sanzhi_exchange::plan_table::read_plan_table(bytes, &BTreeMap::new());
});
