//! The readings import: any bytes give parsed readings or problems naming rows.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sanzhi_domain::reading::Places;

fuzz_target!(|bytes: &[u8]| {
    let places = Places {
        areas: vec!["柯城".into(), "衢江".into(), "全市".into()],
        sections: vec!["东迹渡".into(), "铜山源水库".into()],
        drains: vec!["衢州市排污口".into()],
        // A plan's own indicator, as an imported plan brings one.
        indicators: vec![sanzhi_domain::PlanIndicator {
            code: "peer.1".into(),
            name_zh: "河道保洁达标率".into(),
            name_en: None,
            unit: "%".into(),
            better: sanzhi_domain::Better::Higher,
            place_kind: sanzhi_domain::PlaceKind::Area,
            plan: "peer".into(),
            plan_name: String::new(),
            aggregate: sanzhi_domain::Aggregate::Latest,
            max_plausible: 100.0,
        }],
    };
    let _ = sanzhi_exchange::parse_readings_csv(bytes, &places);
});
