use super::*;

#[test]
fn tokens_are_random_and_well_formed() {
    let a = new_token();
    let b = new_token();
    assert_ne!(a, b);
    for t in [&a, &b] {
        assert!(t.starts_with(TOKEN_PREFIX), "{t}");
        assert_eq!(t.len(), TOKEN_PREFIX.len() + TOKEN_CHARS, "{t}");
        assert!(t[TOKEN_PREFIX.len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric()));
    }
    assert_eq!(hash_token(&a).len(), 64);
    assert_ne!(hash_token(&a), hash_token(&b));
}

#[test]
fn the_last_use_is_tried_once_a_minute_per_token() {
    let a = hash_token(&new_token());
    let b = hash_token(&new_token());
    assert!(may_try_recording(&a));
    assert!(!may_try_recording(&a), "not again within the minute");
    assert!(may_try_recording(&b), "another token");
}

#[test]
fn bearer_tokens_are_read_from_the_authorization_header() {
    let mut h = HeaderMap::new();
    assert_eq!(bearer_token(&h), None);
    h.insert(header::AUTHORIZATION, "Bearer sz_abc".parse().expect("h"));
    assert_eq!(bearer_token(&h), Some("sz_abc"));
    h.insert(header::AUTHORIZATION, "bearer  sz_abc ".parse().expect("h"));
    assert_eq!(bearer_token(&h), Some("sz_abc"));
    h.insert(header::AUTHORIZATION, "Basic dXNlcg==".parse().expect("h"));
    assert_eq!(bearer_token(&h), None);
}

#[test]
fn a_row_with_wrong_types_names_every_field() {
    let mut problems = Vec::new();
    let row = serde_json::json!({
        "indicator": 1, "place": "x", "year": "2019", "month": 1.5, "value": "3",
        "colour": "red"
    });
    assert!(row_input(4, &row, &mut problems).is_none());
    let mut fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["colour", "indicator", "month", "value", "year"]);
    assert!(problems.iter().all(|p| p.index == Some(4)));
}

#[test]
fn the_documented_years_are_the_years_readings_take() {
    let doc = serde_json::to_value(ApiDoc::openapi()).expect("json");
    let years = sanzhi_domain::reading::YEARS;
    let (start, end) = (f64::from(*years.start()), f64::from(*years.end()));
    let push = &doc["components"]["schemas"]["PushReading"]["properties"]["year"];
    assert_eq!(push["minimum"].as_f64(), Some(start), "{push}");
    assert_eq!(push["maximum"].as_f64(), Some(end), "{push}");
    let list = doc["paths"]["/api/v1/readings"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "year")
        .expect("year")["schema"]
        .clone();
    assert_eq!(list["minimum"].as_f64(), Some(start), "{list}");
    assert_eq!(list["maximum"].as_f64(), Some(end), "{list}");
}
