//! Words the pages, the charts and the overview share: months and years as each language
//! writes them, water classes, the parameters that decide a class, a target's direction.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, Locale};
use sanzhi_domain::water::Parameter;
use sanzhi_domain::{Direction, WaterClass};

/// A month on its own: “6月” / “June”.
pub fn month(l: Locale, m: u32) -> String {
    fmt(td_string!(l, indicators.month), &[&month_arg(l, m)])
}

/// The month as the catalogue's strings take it: its number in Chinese, its name in English.
fn month_arg(l: Locale, m: u32) -> String {
    match l {
        Locale::zh => m.to_string(),
        Locale::en => u8::try_from(m)
            .ok()
            .and_then(|m| sanzhi_domain::chrono::Month::try_from(m).ok())
            .map_or_else(|| m.to_string(), |m| m.name().to_owned()),
    }
}

/// A year on its own: “2019年” / “2019”.
pub fn year(l: Locale, y: i32) -> String {
    fmt(td_string!(l, indicators.year), &[&y])
}

/// “2018年12月” / “December 2018”.
pub fn month_year(l: Locale, y: i32, m: u32) -> String {
    fmt(
        td_string!(l, indicators.month_year),
        &[&y, &month_arg(l, m)],
    )
}

/// “2019年1—6月” / “January–June 2019”.
pub fn months_through(l: Locale, y: i32, m: u32) -> String {
    fmt(
        td_string!(l, indicators.months_through),
        &[&y, &month_arg(l, m)],
    )
}

/// A water class: “Ⅲ类” / “Class III”.
pub fn water_class(l: Locale, c: WaterClass) -> &'static str {
    match c {
        WaterClass::I => td_string!(l, indicators.class_i),
        WaterClass::II => td_string!(l, indicators.class_ii),
        WaterClass::III => td_string!(l, indicators.class_iii),
        WaterClass::IV => td_string!(l, indicators.class_iv),
        WaterClass::V => td_string!(l, indicators.class_v),
        WaterClass::WorseThanV => td_string!(l, indicators.class_worse_than_v),
    }
}

/// A parameter that decides a section's class: “氨氮” / “Ammonia nitrogen”.
pub fn parameter(l: Locale, p: Parameter) -> &'static str {
    match p {
        Parameter::DissolvedOxygen => td_string!(l, indicators.param_dissolved_oxygen),
        Parameter::CodMn => td_string!(l, indicators.param_cod_mn),
        Parameter::Cod => td_string!(l, indicators.param_cod),
        Parameter::Bod5 => td_string!(l, indicators.param_bod5),
        Parameter::AmmoniaN => td_string!(l, indicators.param_ammonia_n),
        Parameter::TotalP => td_string!(l, indicators.param_total_p),
    }
}

/// A target's direction: “不少于” / “at least”.
pub fn direction(l: Locale, d: Direction) -> &'static str {
    match d {
        Direction::AtLeast => td_string!(l, indicators.dir_at_least),
        Direction::AtMost => td_string!(l, indicators.dir_at_most),
        Direction::Exactly => td_string!(l, indicators.dir_exactly),
        Direction::About => td_string!(l, indicators.dir_about),
    }
}
