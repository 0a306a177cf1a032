//! Language: Chinese by default, English by a toggle remembered in a cookie. Every interface
//! string comes from the translation catalogue in `app/locales/` (leptos_i18n; keys are
//! checked at compile time, and each language must have every key of the Chinese one).
//!
//! The language of a page is decided on the server from the `sanzhi_lang` cookie alone (never
//! from the browser's Accept-Language: the product is Chinese first), written into
//! `<html lang>`, and read back from there by the browser bundle, so both render the same.
//! Switching sets the cookie and reloads the page.

#![allow(deprecated)]
leptos_i18n::load_locales!();

use i18n::td_string;
pub use i18n::Locale;
use leptos::prelude::*;

/// The cookie that remembers the language.
pub const COOKIE: &str = "sanzhi_lang";

/// The page's language, provided once at the top of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub Locale);

/// `zh` or `en` from a cookie header value or an `<html lang>`; Chinese otherwise.
pub fn parse(s: &str) -> Locale {
    if s.trim().to_ascii_lowercase().starts_with("en") {
        Locale::en
    } else {
        Locale::zh
    }
}

/// The value of the language cookie among a request's headers.
#[cfg(feature = "ssr")]
pub fn cookie_of(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

/// The value of the cookie `name` among a request's headers.
#[cfg(feature = "ssr")]
pub fn cookie_named(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The language of this request (server) or of this page (browser).
pub fn detect() -> Locale {
    #[cfg(feature = "ssr")]
    {
        let cookie =
            use_context::<axum::http::request::Parts>().and_then(|parts| cookie_of(&parts.headers));
        cookie.as_deref().map_or(Locale::zh, parse)
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            let lang = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"));
            lang.as_deref().map_or(Locale::zh, parse)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Locale::zh
        }
    }
}

/// Provides the page's language to every component below.
pub fn provide() -> Locale {
    let l = detect();
    provide_context(Lang(l));
    l
}

/// The page's language.
pub fn lang() -> Locale {
    use_context::<Lang>().map_or(Locale::zh, |l| l.0)
}

/// Fills `{0}`, `{1}`, … in a catalogue string with `args` (the catalogue keeps its own
/// `{{ }}` interpolation unused so that strings work in attributes and titles too).
pub fn fmt(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = template.to_owned();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), &a.to_string());
    }
    out
}

/// A role's name.
pub fn role(l: Locale, r: sanzhi_domain::Role) -> &'static str {
    use sanzhi_domain::Role;
    match r {
        Role::Admin => td_string!(l, common.role_admin),
        Role::Coordinator => td_string!(l, common.role_coordinator),
        Role::Reporter => td_string!(l, common.role_reporter),
        Role::Leader => td_string!(l, common.role_leader),
    }
}

/// A plan's short name in the page's language (the English one when the plan has one).
pub fn plan_name(l: Locale, p: &sanzhi_domain::PlanSummary) -> String {
    p.name(l == Locale::en).to_owned()
}

/// The short name of the plan `code` among `plans`, in the page's language; the code itself
/// for a plan not listed (one the reader may not see).
pub fn plan_by_code(l: Locale, plans: &[sanzhi_domain::PlanSummary], code: &str) -> String {
    plans
        .iter()
        .find(|p| p.code.as_str() == code)
        .map_or_else(|| code.to_owned(), |p| plan_name(l, p))
}

/// “张三（单位填报员 · 开化县政府）” / “张三 (Unit reporter · 开化县政府)”.
pub fn describe_user(l: Locale, u: &sanzhi_domain::User) -> String {
    use sanzhi_domain::Role;
    let scope = match (u.role, &u.plan, &u.unit) {
        (Role::Coordinator, Some(p), _) => match &u.plan_name {
            Some(name) => format!(" · {}", name.get(l == Locale::en)),
            None => format!(" · {p}"),
        },
        (Role::Reporter, _, Some(unit)) => format!(" · {unit}"),
        _ => String::new(),
    };
    fmt(
        td_string!(l, common.user_described),
        &[&u.display_name, &role(l, u.role), &scope],
    )
}

/// A computed status's name.
pub fn status(l: Locale, s: sanzhi_domain::Status) -> &'static str {
    use sanzhi_domain::Status;
    match s {
        Status::Overdue => td_string!(l, common.status_overdue),
        Status::Lapsed => td_string!(l, common.status_lapsed),
        Status::DueSoon => td_string!(l, common.status_due_soon),
        Status::InProgress => td_string!(l, common.status_in_progress),
        Status::NotStarted => td_string!(l, common.status_not_started),
        Status::DoneLate => td_string!(l, common.status_done_late),
        Status::Done => td_string!(l, common.status_done),
    }
}

/// What a report says: in progress / done.
pub fn report_state(l: Locale, s: sanzhi_domain::ReportState) -> &'static str {
    match s {
        sanzhi_domain::ReportState::InProgress => td_string!(l, common.state_in_progress),
        sanzhi_domain::ReportState::Done => td_string!(l, common.state_done),
    }
}

/// A review decision's name.
pub fn decision(l: Locale, d: sanzhi_domain::ReviewDecision) -> &'static str {
    match d {
        sanzhi_domain::ReviewDecision::Accepted => td_string!(l, common.review_accepted),
        sanzhi_domain::ReviewDecision::Returned => td_string!(l, common.review_returned),
    }
}

/// `<html lang>` for a language.
pub fn html_lang(l: Locale) -> &'static str {
    match l {
        Locale::zh => "zh-CN",
        Locale::en => "en",
    }
}

/// A date as the language writes it: 2018-08-15 in Chinese (as in the plans' tables), 15 Aug
/// 2018 in English.
pub fn date(l: Locale, d: sanzhi_domain::chrono::NaiveDate) -> String {
    match l {
        Locale::zh => d.format("%Y-%m-%d").to_string(),
        Locale::en => d.format("%-d %b %Y").to_string(),
    }
}

/// A number with digit grouping and at most `decimals` decimals, trailing zeros dropped:
/// 1,234.5 (both languages group by thousands; Chinese adds 万 above 100,000).
pub fn number(l: Locale, v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let (v, suffix) = match l {
        Locale::zh if v.abs() >= 100_000.0 => (v / 10_000.0, "万"),
        _ => (v, ""),
    };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}{suffix}"),
        None => format!("{sign}{grouped}{suffix}"),
    }
}

/// The toggle: sets the cookie for a year and reloads the page in the other language.
#[component]
pub fn LanguageToggle() -> impl IntoView {
    let l = lang();
    let other = match l {
        Locale::zh => "en",
        Locale::en => "zh",
    };
    let switch = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(doc) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            {
                let _ = doc.set_cookie(&format!(
                    "{COOKIE}={other}; Path=/; Max-Age=31536000; SameSite=Lax"
                ));
            }
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    };
    view! {
        <button
            type="button"
            class="lang-toggle"
            data-lang=other
            title=td_string!(l, common.switch_language_title)
            on:click=switch
        >
            {td_string!(l, common.switch_language)}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_with_chinese_as_the_default() {
        assert_eq!(parse("en"), Locale::en);
        assert_eq!(parse("en-US"), Locale::en);
        assert_eq!(parse("zh"), Locale::zh);
        assert_eq!(parse("fr"), Locale::zh);
        assert_eq!(parse(""), Locale::zh);
    }

    #[test]
    fn dates_and_numbers_per_language() {
        let d = sanzhi_domain::chrono::NaiveDate::from_ymd_opt(2018, 8, 5).expect("date");
        assert_eq!(date(Locale::zh, d), "2018-08-05");
        assert_eq!(date(Locale::en, d), "5 Aug 2018");
        assert_eq!(number(Locale::en, 1234.5, 1), "1,234.5");
        assert_eq!(number(Locale::zh, 1234.5, 1), "1,234.5");
        assert_eq!(number(Locale::en, 1_000_000.0, 0), "1,000,000");
        assert_eq!(number(Locale::zh, 1_000_000.0, 0), "100万");
        assert_eq!(number(Locale::zh, 35.0, 1), "35");
        assert_eq!(number(Locale::en, -0.25, 2), "-0.25");
        assert_eq!(number(Locale::en, f64::NAN, 1), "—");
    }

    #[test]
    fn the_catalogue_translates_by_language() {
        assert_eq!(td_string!(Locale::zh, common.nav_my), "我的任务");
        assert_eq!(td_string!(Locale::en, common.nav_my), "My tasks");
        assert_eq!(
            fmt(td_string!(Locale::en, common.days_late), &[&3]),
            "3 days late"
        );
        assert_eq!(
            fmt(td_string!(Locale::zh, common.days_late), &[&3]),
            "逾期 3 天"
        );
    }

    /// Every language has exactly the keys of the Chinese catalogue, and every placeholder
    /// `{0}`… of a Chinese string appears in its translation.
    #[test]
    fn every_language_has_every_key_and_placeholder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let read = |lang: &str, ns: &str| -> serde_json::Map<String, serde_json::Value> {
            let text = std::fs::read_to_string(dir.join(lang).join(format!("{ns}.json")))
                .unwrap_or_else(|e| panic!("{lang}/{ns}: {e}"));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{lang}/{ns}: {e}"))
        };
        let namespaces: Vec<String> = std::fs::read_dir(dir.join("zh"))
            .expect("zh")
            .filter_map(|e| {
                e.ok()?
                    .file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(str::to_owned)
            })
            .collect();
        assert!(!namespaces.is_empty());
        for ns in &namespaces {
            let zh = read("zh", ns);
            let en = read("en", ns);
            let keys = |m: &serde_json::Map<String, serde_json::Value>| {
                m.keys().cloned().collect::<std::collections::BTreeSet<_>>()
            };
            assert_eq!(keys(&zh), keys(&en), "{ns}: the same keys");
            for (k, v) in &zh {
                let zh_s = v.as_str().unwrap_or_default();
                let en_s = en[k].as_str().unwrap_or_default();
                assert!(!en_s.trim().is_empty(), "{ns}.{k}: empty translation");
                for i in 0..10 {
                    let p = format!("{{{i}}}");
                    assert_eq!(
                        zh_s.contains(&p),
                        en_s.contains(&p),
                        "{ns}.{k}: placeholder {p}"
                    );
                }
            }
        }
    }
}
