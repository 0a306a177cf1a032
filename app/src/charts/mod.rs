//! Charts rendered on the server with plotters into SVG text, inlined into the page so they
//! read without JavaScript. plotters' SVG backend escapes every text it writes; the tests
//! below feed hostile names to every chart and keep it that way, and snapshot each chart.
//!
//! Files: `pm25.rs` (PM2.5 and yearly indicators), `water.rs` (sections), `ranking.rs` (units).

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, Locale};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sanzhi_domain::overview::UnitRank;
use sanzhi_domain::standing::{Pm25Standing, SectionStanding};
use sanzhi_domain::{Pm25TargetRow, Reading, WaterClass};

mod pm25;
mod ranking;
#[cfg(test)]
mod tests;
mod water;

pub use pm25::*;
pub use ranking::*;
pub use water::*;

/// The national grade II annual limit for PM2.5 (GB 3095-2012), µg/m³.
pub const PM25_GRADE_II: f64 = 35.0;

const BLUE: RGBColor = RGBColor(29, 111, 165);

const MET: RGBColor = RGBColor(46, 125, 50);

const MISSED: RGBColor = RGBColor(198, 40, 40);

const NO_DATA: RGBColor = RGBColor(189, 189, 189);

const INK: RGBColor = RGBColor(33, 33, 33);

const FONT: &str = "sans-serif";

type Result<T> = std::result::Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The colour of a water class (I blue … 劣V red), and grey for no data.
pub fn class_colour(c: Option<WaterClass>) -> RGBColor {
    match c {
        Some(WaterClass::I) => RGBColor(30, 136, 229),
        Some(WaterClass::II) => RGBColor(0, 172, 193),
        Some(WaterClass::III) => RGBColor(67, 160, 71),
        Some(WaterClass::IV) => RGBColor(253, 216, 53),
        Some(WaterClass::V) => RGBColor(251, 140, 0),
        Some(WaterClass::WorseThanV) => RGBColor(211, 47, 47),
        None => RGBColor(224, 224, 224),
    }
}

fn roman(l: Locale, c: WaterClass) -> &'static str {
    match c {
        WaterClass::I => "Ⅰ",
        WaterClass::II => "Ⅱ",
        WaterClass::III => "Ⅲ",
        WaterClass::IV => "Ⅳ",
        WaterClass::V => "Ⅴ",
        WaterClass::WorseThanV => td_string!(l, charts.worse_than_v),
    }
}

fn demo_suffix(l: Locale, demo: bool) -> &'static str {
    if demo {
        td_string!(l, charts.demo_suffix)
    } else {
        ""
    }
}

/// A month as the charts label it: its number in Chinese (“6”, for “6月”), its abbreviated
/// name in English (“Jun”).
fn month_abbr(l: Locale, m: u32) -> String {
    match l {
        Locale::zh => m.to_string(),
        Locale::en => u8::try_from(m)
            .ok()
            .and_then(|m| sanzhi_domain::chrono::Month::try_from(m).ok())
            .map_or_else(|| m.to_string(), |m| m.name()[..3].to_owned()),
    }
}

/// What a PM2.5 mean covers in a chart's title: the year, or January to `through_month`.
fn pm25_span(l: Locale, through_month: u32) -> String {
    if through_month >= 12 {
        td_string!(l, charts.span_year).to_owned()
    } else {
        fmt(
            td_string!(l, charts.span_through),
            &[&month_abbr(l, through_month)],
        )
    }
}

/// A label at pixel `at`, vertically centred, in ink.
fn text(s: &str, at: (i32, i32), size: u32, h: HPos) -> Text<'static, (i32, i32), String> {
    Text::new(
        s.to_owned(),
        at,
        (FONT, size)
            .into_font()
            .color(&INK)
            .pos(Pos::new(h, VPos::Center)),
    )
}
