//! The allocation-table import from .xlsx: any zip-like bytes give a table or a refusal.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|bytes: &[u8]| {
    let mut file = b"PK\x03\x04".to_vec();
    file.extend_from_slice(bytes.strip_prefix(b"PK\x03\x04").unwrap_or(bytes));
    let _ = sanzhi_exchange::plan_table::read_plan_table(&file, &BTreeMap::new());
    let _ = sanzhi_exchange::allocation::xlsx_first_sheet(&file);
});
