//! The readings import: any bytes give parsed readings or problems naming rows.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sanzhi_domain::reading::Places;

fuzz_target!(|bytes: &[u8]| {
    let places = Places {
        areas: vec!["柯城".into(), "衢江".into(), "全市".into()],
        sections: vec!["东迹渡".into(), "铜山源水库".into()],
        drains: vec!["衢州市排污口".into()],
    };
    let _ = sanzhi_exchange::parse_readings_csv(bytes, &places);
});
