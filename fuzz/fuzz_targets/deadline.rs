//! The deadline parser: any phrase, any plan year, must give a deadline or an error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (i16, &str)| {
    let (year, phrase) = input;
    if let Ok(d) = sanzhi_domain::parse_deadline(phrase, i32::from(year)) {
        // What is parsed can be described and stored (as the store does) without panicking.
        let _ = d.describe_zh();
        let _ = d.due_date();
    }
});
