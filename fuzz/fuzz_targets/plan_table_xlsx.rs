//! The allocation-table import from .xlsx: any zip-like bytes give a table or a refusal.
//!
//! calamine (the xlsx reader) panics on some malformed files (an overflow on a sheet
//! dimension written backwards, found here); the importer contains panics inside calamine and
//! refuses the file (`read_xlsx` in `crates/exchange/src/plan_table.rs`). libfuzzer-sys aborts on every
//! panic, before anything can contain it, so this target keeps that only for panics outside
//! calamine: a panic in Sanzhi's own code, or one calamine's containment would miss, is still
//! a crash.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fn abort_unless_inside_calamine() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort_hook(info);
            }
        }));
    });
}

fuzz_target!(|bytes: &[u8]| {
    abort_unless_inside_calamine();
    let mut file = b"PK\x03\x04".to_vec();
    file.extend_from_slice(bytes.strip_prefix(b"PK\x03\x04").unwrap_or(bytes));
    let _ = sanzhi_exchange::plan_table::read_plan_table(&file, &BTreeMap::new());
    let _ = sanzhi_exchange::allocation::xlsx_first_sheet(&file);
});
