//! The deadline parser: any phrase, any plan year, must give a deadline or an error, and what
//! it gives must survive the store's columns and keep its own rules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sanzhi_domain::Deadline;

fuzz_target!(|input: (i16, &str)| {
    let (year, phrase) = input;
    if let Ok(d) = sanzhi_domain::parse_deadline(phrase, i32::from(year)) {
        // What is parsed can be described without panicking …
        let _ = d.describe_zh();
        // … is stored as columns and read back the same (the milestone table's round trip) …
        let back = Deadline::from_columns(&d.to_columns());
        assert_eq!(back.as_ref(), Some(&d), "columns round trip of {phrase:?}");
        // … a duty that waits on something other than the calendar never carries a due date …
        if d.is_undated() {
            assert_eq!(d.due_date(), None, "undated {phrase:?} has a date");
        }
        // … and an event or a contingency names what it waits on.
        match &d {
            Deadline::EventRelative { event, .. } => assert!(!event.trim().is_empty(), "{phrase:?}"),
            Deadline::Contingent { on } => assert!(!on.trim().is_empty(), "{phrase:?}"),
            _ => {}
        }
    }
});
