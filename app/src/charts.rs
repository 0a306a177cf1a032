//! Charts rendered on the server with plotters into SVG text, inlined into the page so they
//! read without JavaScript. plotters' SVG backend escapes every text it writes; the tests
//! below feed hostile names to every chart and keep it that way, and snapshot each chart.

use crate::i18n::i18n::td_string;
use crate::i18n::{fmt, Locale};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sanzhi_domain::overview::UnitRank;
use sanzhi_domain::standing::{Pm25Standing, SectionStanding};
use sanzhi_domain::{Pm25TargetRow, Reading, WaterClass};

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

/// PM2.5 annual-mean targets of one year, one bar per area, with the grade II line.
pub fn pm25_targets_svg(l: Locale, rows: &[Pm25TargetRow], year: i32) -> Result<String> {
    let bars: Vec<&Pm25TargetRow> = rows.iter().filter(|r| r.year == year).collect();
    if bars.is_empty() {
        return Err(format!("{year} 年没有 PM2.5 目标"));
    }
    let n = u32::try_from(bars.len()).map_err(err)?;
    let top = bars.iter().map(|r| r.value).fold(PM25_GRADE_II, f64::max) * 1.2;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                fmt(td_string!(l, charts.pm25_targets_title), &[&year]),
                (FONT, 22),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0f64..top)
            .map_err(err)?;
        let labels: Vec<String> = bars.iter().map(|r| r.area.clone()).collect();
        place_mesh(&mut chart, &labels, "µg/m³")?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(BLUE.filled())
                    .margin(8)
                    .data(bars.iter().enumerate().map(|(i, r)| (i as u32, r.value))),
            )
            .map_err(err)?;
        grade_ii_line(l, &mut chart)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn segment_label(labels: &[String], x: &SegmentValue<u32>) -> String {
    match x {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    }
}

type SegmentedChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordu32>,
        plotters::coord::types::RangedCoordf64,
    >,
>;

fn grade_ii_line<'a>(l: Locale, chart: &mut SegmentedChart<'a, 'a>) -> Result<()> {
    chart
        .draw_series(LineSeries::new(
            [
                (SegmentValue::Exact(0), PM25_GRADE_II),
                (SegmentValue::Last, PM25_GRADE_II),
            ],
            MISSED.mix(0.6).stroke_width(1),
        ))
        .map_err(err)?
        .label(fmt(td_string!(l, charts.grade_ii), &[&PM25_GRADE_II]))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], MISSED.mix(0.6)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .border_style(BLACK.mix(0.2))
        .background_style(WHITE.mix(0.85))
        .label_font((FONT, 15))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// The mesh of a bar chart by place: each place's name under its bar, the unit, five faint
/// value lines and no minor lines (they made a dense grid).
fn place_mesh<'a>(chart: &mut SegmentedChart<'a, 'a>, labels: &[String], unit: &str) -> Result<()> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(labels.len())
        .x_label_formatter(&|x| segment_label(labels, x))
        .label_style((FONT, 14))
        .y_desc(unit)
        .y_labels(5)
        .bold_line_style(INK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(err)
}

/// One place's bar at segment `i` (its value to one decimal, the figure above the bar or the
/// target mark, whichever is higher) and its target as a black mark across the segment.
fn bar_with_target<'a>(
    root: &DrawingArea<SVGBackend<'a>, plotters::coord::Shift>,
    chart: &mut SegmentedChart<'a, 'a>,
    i: u32,
    value: Option<f64>,
    target: Option<f64>,
    colour: RGBColor,
) -> Result<()> {
    if let Some(v) = value {
        let v = sanzhi_domain::standing::round1(v);
        chart
            .draw_series(
                Histogram::vertical(chart)
                    .style(colour.filled())
                    .margin(10)
                    .data([(i, v)]),
            )
            .map_err(err)?;
        // Above the bar and above the target mark, whichever is higher, so that the figure
        // never sits on the mark.
        let top_value = target.map_or(v, |t| t.max(v));
        let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(i), top_value));
        root.draw(&Text::new(
            format!("{v:.1}"),
            (x, y - 5),
            (FONT, 14)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(err)?;
    }
    if let Some(t) = target {
        let (x0, y) = chart.backend_coord(&(SegmentValue::Exact(i), t));
        let (x1, _) = chart.backend_coord(&(SegmentValue::Exact(i + 1), t));
        root.draw(&PathElement::new(
            [(x0 + 4, y), (x1 - 4, y)],
            INK.stroke_width(3),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// PM2.5 by area for a year (or the year so far): the mean of each area as a bar, green when
/// at or under the area's target and red when over, grey without readings; the target of
/// each area as a black mark across its bar; the grade II line.
pub fn pm25_vs_target_svg(
    l: Locale,
    standings: &[Pm25Standing],
    year: i32,
    through_month: u32,
) -> Result<String> {
    if standings.is_empty() {
        return Err(format!("{year} 年没有 PM2.5 数据或目标"));
    }
    let n = u32::try_from(standings.len()).map_err(err)?;
    let top = standings
        .iter()
        .flat_map(|s| [s.annual.mean.unwrap_or(0.0), s.target.unwrap_or(0.0)])
        .fold(PM25_GRADE_II, f64::max)
        * 1.5;
    let demo = standings.iter().any(|s| s.any_demo);
    let span = pm25_span(l, through_month);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                fmt(
                    td_string!(l, charts.pm25_vs_target_title),
                    &[&year, &span, &demo_suffix(l, demo)],
                ),
                (FONT, 22),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0f64..top)
            .map_err(err)?;
        let labels: Vec<String> = standings.iter().map(|s| s.area.clone()).collect();
        place_mesh(&mut chart, &labels, "µg/m³")?;
        for (i, s) in (0u32..).zip(standings) {
            let colour = match s.met {
                Some(true) => MET,
                Some(false) => MISSED,
                None => NO_DATA,
            };
            bar_with_target(&root, &mut chart, i, s.annual.mean, s.target, colour)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                Vec::<(SegmentValue<u32>, f64)>::new(),
                INK,
            )))
            .map_err(err)?
            .label(td_string!(l, charts.legend_target))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], INK.stroke_width(3)));
        chart
            .draw_series(std::iter::once(PathElement::new(
                Vec::<(SegmentValue<u32>, f64)>::new(),
                MET,
            )))
            .map_err(err)?
            .label(td_string!(l, charts.legend_met))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], MET.filled()));
        chart
            .draw_series(std::iter::once(PathElement::new(
                Vec::<(SegmentValue<u32>, f64)>::new(),
                MISSED,
            )))
            .map_err(err)?
            .label(td_string!(l, charts.legend_missed))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], MISSED.filled()));
        grade_ii_line(l, &mut chart)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A plan's own indicator by place for a year (or the year so far): each place's value (the
/// mean, or the latest month, by the indicator's rule) as a bar, green when it meets the
/// place's target and red when not, grey without a target; the target as a black mark. Every
/// name is the plan's import's text: plotters escapes it.
pub fn indicator_vs_target_svg(
    l: Locale,
    def: &sanzhi_domain::PlanIndicator,
    standings: &[sanzhi_domain::IndicatorStanding],
    year: i32,
    through_month: u32,
) -> Result<String> {
    let drawn: Vec<&sanzhi_domain::IndicatorStanding> =
        standings.iter().filter(|s| s.code == def.code).collect();
    if drawn.is_empty() {
        return Err(format!("{year} 年“{}”没有数据或目标", def.name_zh));
    }
    let n = u32::try_from(drawn.len()).map_err(err)?;
    let top = drawn
        .iter()
        .flat_map(|s| [s.value.unwrap_or(0.0), s.target.unwrap_or(0.0)])
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.3;
    let demo = drawn.iter().any(|s| s.any_demo);
    let span = match def.aggregate {
        sanzhi_domain::Aggregate::Mean => pm25_span(l, through_month),
        sanzhi_domain::Aggregate::Latest => fmt(
            td_string!(l, charts.span_latest),
            &[&month_abbr(l, through_month)],
        ),
    };
    let english = matches!(l, Locale::en);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                fmt(
                    td_string!(l, charts.indicator_vs_target_title),
                    &[
                        &year,
                        &def.name(english),
                        &span,
                        &def.unit,
                        &demo_suffix(l, demo),
                    ],
                ),
                (FONT, 20),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0f64..top)
            .map_err(err)?;
        let labels: Vec<String> = drawn.iter().map(|s| s.place.clone()).collect();
        place_mesh(&mut chart, &labels, def.unit.as_str())?;
        for (i, s) in (0u32..).zip(&drawn) {
            let colour = match s.met {
                Some(true) => MET,
                Some(false) => MISSED,
                None => NO_DATA,
            };
            bar_with_target(&root, &mut chart, i, s.value, s.target, colour)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Width of the phone's charts: drawn at a phone's width, their text reads without scaling.
pub const NARROW_WIDTH: u32 = 380;

/// [`pm25_vs_target_svg`] for a phone: one row per area — its name, a horizontal bar of its
/// mean, the target as a mark across the row, the figure past whichever ends later — and the
/// grade II line; 380 px wide, its text 14–18 px as drawn.
pub fn pm25_vs_target_narrow_svg(
    l: Locale,
    standings: &[Pm25Standing],
    year: i32,
    through_month: u32,
) -> Result<String> {
    if standings.is_empty() {
        return Err(format!("{year} 年没有 PM2.5 数据或目标"));
    }
    let width = i32::try_from(NARROW_WIDTH).map_err(err)?;
    let (left, right, top, row_h) = (70i32, 44i32, 64i32, 30i32);
    let n = i32::try_from(standings.len()).map_err(err)?;
    let height = top + n * row_h + 58;
    let max = standings
        .iter()
        .flat_map(|s| [s.annual.mean.unwrap_or(0.0), s.target.unwrap_or(0.0)])
        .fold(PM25_GRADE_II, f64::max)
        * 1.05;
    let plot_w = f64::from(width - left - right);
    #[allow(clippy::cast_possible_truncation)]
    let x_of = |v: f64| left + (plot_w * v / max).round() as i32;
    let demo = standings.iter().any(|s| s.any_demo);
    let span = pm25_span(l, through_month);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(
            &mut svg,
            (NARROW_WIDTH, u32::try_from(height).map_err(err)?),
        )
        .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        // The title on two lines: what and when, then the unit.
        let title = fmt(
            td_string!(l, charts.pm25_vs_target_title),
            &[&year, &span, &demo_suffix(l, demo)],
        );
        let (first, second) = match title.find('（').or_else(|| title.find(" (")) {
            Some(i) => (title[..i].to_owned(), title[i..].trim().to_owned()),
            None => (title.clone(), String::new()),
        };
        root.draw(&text(&first, (width / 2, 14), 18, HPos::Center))
            .map_err(err)?;
        root.draw(&text(&second, (width / 2, 36), 15, HPos::Center))
            .map_err(err)?;
        let grade = x_of(PM25_GRADE_II);
        root.draw(&PathElement::new(
            [(grade, top - 6), (grade, top + n * row_h)],
            MISSED.mix(0.6).stroke_width(1),
        ))
        .map_err(err)?;
        for (i, s) in (0i32..).zip(standings) {
            let y = top + i * row_h;
            let mid = y + row_h / 2;
            root.draw(&text(&s.area, (left - 6, mid), 16, HPos::Right))
                .map_err(err)?;
            let colour = match s.met {
                Some(true) => MET,
                Some(false) => MISSED,
                None => NO_DATA,
            };
            let target_x = s.target.map(x_of);
            match s.annual.mean.map(sanzhi_domain::standing::round1) {
                Some(mean) => {
                    let end = x_of(mean);
                    root.draw(&Rectangle::new(
                        [(left, y + 6), (end.max(left + 1), y + row_h - 6)],
                        colour.filled(),
                    ))
                    .map_err(err)?;
                    let after = target_x.map_or(end, |t| t.max(end)) + 5;
                    root.draw(&text(&format!("{mean:.1}"), (after, mid), 15, HPos::Left))
                        .map_err(err)?;
                }
                None => {
                    root.draw(&text("—", (left + 4, mid), 15, HPos::Left))
                        .map_err(err)?;
                }
            }
            if let Some(t) = target_x {
                root.draw(&PathElement::new(
                    [(t, y + 2), (t, y + row_h - 2)],
                    INK.stroke_width(3),
                ))
                .map_err(err)?;
            }
        }
        // The legend under the rows, one entry a line pair.
        let ly = top + n * row_h + 16;
        root.draw(&PathElement::new(
            [(left, ly - 7), (left, ly + 7)],
            INK.stroke_width(3),
        ))
        .map_err(err)?;
        root.draw(&text(
            td_string!(l, charts.legend_target),
            (left + 8, ly),
            14,
            HPos::Left,
        ))
        .map_err(err)?;
        for (k, (colour, label)) in [
            (MET, td_string!(l, charts.legend_met)),
            (MISSED, td_string!(l, charts.legend_missed)),
        ]
        .into_iter()
        .enumerate()
        {
            let x = left + 70 + i32::try_from(k).map_err(err)? * 80;
            root.draw(&Rectangle::new(
                [(x, ly - 6), (x + 12, ly + 6)],
                colour.filled(),
            ))
            .map_err(err)?;
            root.draw(&text(label, (x + 16, ly), 14, HPos::Left))
                .map_err(err)?;
        }
        root.draw(&PathElement::new(
            [(left, ly + 22), (left + 16, ly + 22)],
            MISSED.mix(0.6),
        ))
        .map_err(err)?;
        root.draw(&text(
            &fmt(td_string!(l, charts.grade_ii), &[&PM25_GRADE_II]),
            (left + 22, ly + 22),
            14,
            HPos::Left,
        ))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Monthly PM2.5 of one area over `years`, with each year's target as a step line.
pub fn pm25_trend_svg(
    l: Locale,
    area: &str,
    readings: &[Reading],
    targets: &[Pm25TargetRow],
    years: std::ops::RangeInclusive<i32>,
) -> Result<String> {
    let first = *years.start();
    let months = u32::try_from((years.end() - first + 1) * 12).map_err(err)?;
    let index = |y: i32, m: u32| u32::try_from(y - first).ok().map(|d| d * 12 + m - 1);
    let mut points: Vec<(u32, f64)> = readings
        .iter()
        .filter(|r| r.key.indicator == "pm25" && r.key.place == area && years.contains(&r.key.year))
        .filter_map(|r| index(r.key.year, r.key.month).map(|i| (i, r.value)))
        .collect();
    points.sort_by_key(|p| p.0);
    let steps: Vec<(i32, f64)> = years
        .clone()
        .filter_map(|y| {
            targets
                .iter()
                .find(|t| t.area == area && t.year == y)
                .map(|t| (y, t.value))
        })
        .collect();
    let top = points
        .iter()
        .map(|p| p.1)
        .chain(steps.iter().map(|s| s.1))
        .fold(PM25_GRADE_II, f64::max)
        * 1.2;
    let demo = readings
        .iter()
        .any(|r| r.is_demo && r.key.indicator == "pm25" && r.key.place == area);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                fmt(
                    td_string!(l, charts.trend_title),
                    &[&area, &first, years.end(), &demo_suffix(l, demo)],
                ),
                (FONT, 22),
            )
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..f64::from(months), 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(0)
            .disable_x_mesh()
            .label_style((FONT, 14))
            .y_desc("µg/m³")
            // Five value lines, faint; no minor lines (they made a dense grid).
            .y_labels(5)
            .bold_line_style(INK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(err)?;
        // Month labels every half year and a rule at each new year, placed by hand: plotters
        // picks its own tick positions on a numeric axis.
        for i in (0..months).step_by(6) {
            let (x, y) = chart.backend_coord(&(f64::from(i), 0.0));
            let label = format!(
                "{}-{:02}",
                first + i32::try_from(i / 12).unwrap_or(0),
                i % 12 + 1
            );
            root.draw(&Text::new(
                label,
                (x, y + 6),
                (FONT, 14)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(err)?;
            if i % 12 == 0 {
                let (_, y_top) = chart.backend_coord(&(f64::from(i), top));
                root.draw(&PathElement::new([(x, y), (x, y_top)], BLACK.mix(0.15)))
                    .map_err(err)?;
            }
        }
        let mut step_line = Vec::new();
        for (y, v) in &steps {
            let start = f64::from(u32::try_from(y - first).unwrap_or(0) * 12);
            step_line.push((start, *v));
            step_line.push((start + 12.0, *v));
        }
        chart
            .draw_series(LineSeries::new(step_line, INK.stroke_width(2)))
            .map_err(err)?
            .label(td_string!(l, charts.legend_annual_target))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], INK.stroke_width(2)));
        let centred: Vec<(f64, f64)> = points
            .iter()
            .map(|(i, v)| (f64::from(*i) + 0.5, *v))
            .collect();
        chart
            .draw_series(LineSeries::new(centred.clone(), BLUE.stroke_width(2)))
            .map_err(err)?
            .label(td_string!(l, charts.legend_monthly_mean))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLUE.stroke_width(2)));
        chart
            .draw_series(centred.iter().map(|p| Circle::new(*p, 2, BLUE.filled())))
            .map_err(err)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .border_style(BLACK.mix(0.2))
            .background_style(WHITE.mix(0.85))
            .label_font((FONT, 15))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Sections × months of one year, each cell coloured by the month's class (I … 劣V, grey when
/// not measured) and outlined in red when the month missed the section's target.
pub fn section_matrix_svg(l: Locale, standings: &[SectionStanding], year: i32) -> Result<String> {
    if standings.is_empty() {
        return Err("没有断面".to_owned());
    }
    let (left, top, cell_w, cell_h) = (150i32, 50i32, 44i32, 26i32);
    let rows = i32::try_from(standings.len()).map_err(err)?;
    let width = left + 12 * cell_w + 20;
    let height = top + rows * cell_h + 60;
    let demo = standings.iter().any(|s| s.any_demo);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(
            &mut svg,
            (
                u32::try_from(width).map_err(err)?,
                u32::try_from(height).map_err(err)?,
            ),
        )
        .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        root.draw(&text(
            &fmt(
                td_string!(l, charts.matrix_title),
                &[&year, &demo_suffix(l, demo)],
            ),
            (width / 2, 16),
            18,
            HPos::Center,
        ))
        .map_err(err)?;
        for m in 1..=12i32 {
            root.draw(&text(
                &fmt(
                    td_string!(l, charts.month_short),
                    &[&month_abbr(l, m.unsigned_abs())],
                ),
                (left + (m - 1) * cell_w + cell_w / 2, top - 12),
                12,
                HPos::Center,
            ))
            .map_err(err)?;
        }
        for (r, s) in (0i32..).zip(standings) {
            let y = top + r * cell_h;
            root.draw(&text(
                &fmt(
                    td_string!(l, charts.section_target),
                    &[&s.section, &roman(l, s.target)],
                ),
                (left - 8, y + cell_h / 2),
                12,
                HPos::Right,
            ))
            .map_err(err)?;
            for m in 1..=12u32 {
                let x = left + (i32::try_from(m).map_err(err)? - 1) * cell_w;
                let month = s.months.iter().find(|x| x.month == m);
                let class = month.and_then(|x| x.classification.class);
                root.draw(&Rectangle::new(
                    [(x + 1, y + 1), (x + cell_w - 1, y + cell_h - 1)],
                    class_colour(class).filled(),
                ))
                .map_err(err)?;
                if class.is_some_and(|c| !c.meets(s.target)) {
                    root.draw(&Rectangle::new(
                        [(x + 2, y + 2), (x + cell_w - 2, y + cell_h - 2)],
                        INK.stroke_width(2),
                    ))
                    .map_err(err)?;
                }
                if let Some(c) = class {
                    root.draw(&text(
                        roman(l, c),
                        (x + cell_w / 2, y + cell_h / 2),
                        12,
                        HPos::Center,
                    ))
                    .map_err(err)?;
                }
            }
        }
        // Legend. The English class names are longer: they start at the left edge, spaced wider.
        let ly = top + rows * cell_h + 24;
        let (legend_x, legend_step) = match l {
            Locale::zh => (left, 70),
            Locale::en => (12, 96),
        };
        let classes = WaterClass::ALL.map(Some);
        for (i, c) in (0i32..).zip(classes.iter().chain(std::iter::once(&None))) {
            let x = legend_x + i * legend_step;
            root.draw(&Rectangle::new(
                [(x, ly - 8), (x + 16, ly + 8)],
                class_colour(*c).filled(),
            ))
            .map_err(err)?;
            let label = c.map_or(td_string!(l, charts.no_data), |c| {
                crate::components::indicator_views::water_class(l, c)
            });
            root.draw(&text(label, (x + 20, ly), 15, HPos::Left))
                .map_err(err)?;
        }
        root.draw(&text(
            td_string!(l, charts.bold_outline),
            (legend_x, ly + 22),
            15,
            HPos::Left,
        ))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// How many units the ranking chart draws at each end when there are many.
pub const RANKING_ENDS: usize = 20;

/// On-time completion rate by responsible unit, ranked (红黑榜): of the first `band` units
/// those with nothing overdue form the 红榜, of the last `band` those with overdue work the
/// 黑榜. Units with too little due to rank are left out (the note says how few). More than `2 × RANKING_ENDS` units: the first and the
/// last `RANKING_ENDS` are drawn, with a line saying how many are left out between them.
pub fn unit_ranking_svg(l: Locale, ranks: &[UnitRank], title: &str, band: usize) -> Result<String> {
    ranking_svg(l, ranks, title, band, false)
}

/// [`unit_ranking_svg`] for a phone: 380 px wide, the title on two lines, the rate's
/// definition left to the table's note under it.
pub fn unit_ranking_narrow_svg(
    l: Locale,
    ranks: &[UnitRank],
    title: &str,
    band: usize,
) -> Result<String> {
    ranking_svg(l, ranks, title, band, true)
}

fn ranking_svg(
    l: Locale,
    ranks: &[UnitRank],
    title: &str,
    band: usize,
    narrow: bool,
) -> Result<String> {
    let ranked: Vec<&UnitRank> = ranks.iter().filter(|r| r.rate.is_some()).collect();
    if ranked.is_empty() {
        return Err("尚无到期的工作".to_owned());
    }
    let (left, top, bar_h, plot_w) = if narrow {
        (104i32, 58i32, 24i32, 206i32)
    } else {
        (170i32, 44i32, 20i32, 480i32)
    };
    // (place in the ranking, unit); `None` is the line standing for the units left out.
    let omitted = ranked.len().saturating_sub(2 * RANKING_ENDS);
    let shown: Vec<Option<(usize, &UnitRank)>> = if omitted == 0 {
        ranked.iter().copied().enumerate().map(Some).collect()
    } else {
        let head = ranked
            .iter()
            .copied()
            .enumerate()
            .take(RANKING_ENDS)
            .map(Some);
        let tail = ranked
            .iter()
            .copied()
            .enumerate()
            .skip(ranked.len() - RANKING_ENDS)
            .map(Some);
        head.chain(std::iter::once(None)).chain(tail).collect()
    };
    let n = i32::try_from(shown.len()).map_err(err)?;
    let width = left + plot_w + if narrow { 70 } else { 90 };
    let height = top + n * bar_h + if narrow { 56 } else { 64 };
    // Text sizes: the phone's chart is shown at its own size, not scaled down.
    let (rate_size, unit_size) = if narrow { (14, 15) } else { (11, 15) };
    let red_band = band.min(ranked.len() / 2);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(
            &mut svg,
            (
                u32::try_from(width).map_err(err)?,
                u32::try_from(height).map_err(err)?,
            ),
        )
        .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        if narrow {
            let (first, second) = match title.find('（').or_else(|| title.find(" (")) {
                Some(i) => (&title[..i], title[i..].trim()),
                None => (title, ""),
            };
            root.draw(&text(first, (width / 2, 14), 16, HPos::Center))
                .map_err(err)?;
            root.draw(&text(second, (width / 2, 32), 14, HPos::Center))
                .map_err(err)?;
        } else {
            root.draw(&text(title, (width / 2, 16), 22, HPos::Center))
                .map_err(err)?;
        }
        for pct in [0, 25, 50, 75, 100] {
            let x = left + plot_w * pct / 100;
            root.draw(&PathElement::new(
                [(x, top - 4), (x, top + n * bar_h)],
                BLACK.mix(0.15),
            ))
            .map_err(err)?;
            root.draw(&text(&format!("{pct}%"), (x, top - 12), 14, HPos::Center))
                .map_err(err)?;
        }
        for (i, row) in (0i32..).zip(&shown) {
            let y = top + i * bar_h;
            let Some((idx, r)) = *row else {
                root.draw(&text(
                    &fmt(td_string!(l, charts.ranking_omitted), &[&omitted]),
                    (left + plot_w / 2, y + bar_h / 2),
                    13,
                    HPos::Center,
                ))
                .map_err(err)?;
                continue;
            };
            let rate = r.rate.unwrap_or(0.0);
            // Ties must not put a unit with nothing overdue on the 黑榜, nor one with overdue
            // work on the 红榜.
            let colour = if idx < red_band && r.counts.overdue == 0 {
                RGBColor(192, 57, 43)
            } else if idx >= ranked.len() - red_band && r.counts.overdue > 0 {
                RGBColor(33, 33, 33)
            } else {
                RGBColor(120, 144, 156)
            };
            root.draw(&text(
                &r.unit,
                (left - 8, y + bar_h / 2),
                unit_size,
                HPos::Right,
            ))
            .map_err(err)?;
            let w = (f64::from(plot_w) * rate).round() as i32;
            root.draw(&Rectangle::new(
                [(left, y + 3), (left + w.max(1), y + bar_h - 3)],
                colour.filled(),
            ))
            .map_err(err)?;
            root.draw(&text(
                &fmt(
                    td_string!(l, charts.rate_bar),
                    &[&format!("{:.0}", rate * 100.0), &r.on_time, &r.due],
                ),
                (left + w + 6, y + bar_h / 2),
                rate_size,
                HPos::Left,
            ))
            .map_err(err)?;
        }
        let ly = top + n * bar_h + 22;
        // Where the black list's swatch and the note start: the English labels are longer.
        // On a phone the black list goes on a line of its own.
        let (bx, by) = match (l, narrow) {
            (_, true) => (left, ly + 20),
            (Locale::zh, false) => (left + 130, ly),
            (Locale::en, false) => (left + 150, ly),
        };
        root.draw(&Rectangle::new(
            [(left, ly - 7), (left + 14, ly + 7)],
            RGBColor(192, 57, 43).filled(),
        ))
        .map_err(err)?;
        root.draw(&text(
            &fmt(td_string!(l, charts.honour_list), &[&red_band]),
            (left + 20, ly),
            12,
            HPos::Left,
        ))
        .map_err(err)?;
        root.draw(&Rectangle::new(
            [(bx, by - 7), (bx + 14, by + 7)],
            RGBColor(33, 33, 33).filled(),
        ))
        .map_err(err)?;
        root.draw(&text(
            &fmt(td_string!(l, charts.black_list), &[&red_band]),
            (bx + 20, by),
            12,
            HPos::Left,
        ))
        .map_err(err)?;
        if !narrow {
            root.draw(&text(
                &fmt(
                    td_string!(l, charts.completion_note),
                    &[&sanzhi_domain::overview::MIN_DUE_TO_RANK],
                ),
                (left, ly + 20),
                12,
                HPos::Left,
            ))
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanzhi_domain::annual::AnnualMean;
    use sanzhi_domain::standing::SectionMonth;
    use sanzhi_domain::water::{classify, Parameter};
    use sanzhi_domain::{IndicatorStanding, ReadingKey, ReadingSource, StatusCounts};

    /// The text contents of an SVG's `<text>` elements, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split_once("</text>")?.0.trim().to_owned())
            })
            .collect()
    }

    const HOSTILE: &str = "<script>alert(1)</script>&\"'";
    const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;";

    fn row(area: &str, year: i32, value: f64) -> Pm25TargetRow {
        Pm25TargetRow {
            area: area.to_owned(),
            year,
            value,
            qualifier: String::new(),
            raw: value.to_string(),
        }
    }

    fn standing(area: &str, mean: Option<f64>, target: Option<f64>) -> Pm25Standing {
        Pm25Standing {
            needed_rest: None,
            area: area.into(),
            year: 2018,
            annual: AnnualMean {
                mean,
                months: 12,
                valid_days: Some(360),
                complete: true,
                gaps: vec![],
            },
            through_month: 12,
            target,
            met: mean.zip(target).map(|(m, t)| m <= t),
            any_demo: false,
            any_provisional: false,
        }
    }

    fn reading(place: &str, year: i32, month: u32, value: f64) -> Reading {
        Reading {
            id: 0,
            key: ReadingKey {
                indicator: "pm25".into(),
                place: place.into(),
                year,
                month,
            },
            value,
            valid_days: None,
            provisional: false,
            source: ReadingSource::Demo,
            is_demo: true,
            note: String::new(),
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    fn section(name: &str) -> SectionStanding {
        let months: Vec<SectionMonth> = (1..=12)
            .map(|m| SectionMonth {
                month: m,
                classification: classify(
                    &[(Parameter::AmmoniaN, 0.1 + f64::from(m) * 0.15)],
                    false,
                ),
            })
            .collect();
        SectionStanding {
            section: name.into(),
            target: WaterClass::III,
            reservoir: false,
            year: 2018,
            months,
            annual: classify(&[(Parameter::AmmoniaN, 1.0)], false),
            through_month: 12,
            months_measured: 12,
            met: Some(true),
            exceeding: vec![],
            months_missed: 6,
            any_demo: false,
        }
    }

    /// A unit with `done` milestones met on time and `overdue` missed (one per assignment).
    fn rank(unit: &str, done: u32, overdue: u32) -> UnitRank {
        let counts = StatusCounts {
            done,
            overdue,
            ..StatusCounts::default()
        };
        let due = done + overdue;
        UnitRank {
            unit: unit.into(),
            assignments: due,
            counts,
            due,
            on_time: done,
            rate: (due > 0).then(|| f64::from(done) / f64::from(due)),
            place: None,
            before: None,
            urged: 0,
            answered: 0,
        }
    }

    #[test]
    fn one_bar_per_area_of_the_year_with_chinese_labels() {
        let rows = [
            row("柯城", 2018, 40.0),
            row("龙游", 2018, 43.0),
            row("柯城", 2019, 37.0),
        ];
        let svg = pm25_targets_svg(Locale::zh, &rows, 2018).expect("svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("柯城") && svg.contains("龙游"));
        assert!(svg.contains("2018年 PM2.5 年均浓度目标"));
        assert!(svg.contains("国家二级标准"));
        assert!(pm25_targets_svg(Locale::zh, &rows, 2021).is_err());
    }

    #[test]
    fn pm25_against_targets_colours_met_and_missed() {
        let s = [
            standing("柯城", Some(38.04), Some(40.0)),
            standing("龙游", Some(45.0), Some(43.0)),
            standing("西区", None, Some(40.0)),
        ];
        let svg = pm25_vs_target_svg(Locale::zh, &s, 2018, 12).expect("svg");
        assert!(svg.contains("2018年 PM2.5 年均与目标"));
        assert!(
            texts(&svg).contains(&"38.0".to_owned()),
            "the value is printed on its bar"
        );
        assert!(
            svg.contains("#2E7D32") || svg.contains("#2e7d32"),
            "a green bar"
        );
        assert!(
            svg.contains("#C62828") || svg.contains("#c62828"),
            "a red bar"
        );
        insta::assert_snapshot!("pm25_vs_target", svg);
        let ytd = pm25_vs_target_svg(Locale::zh, &s, 2018, 6).expect("svg");
        assert!(ytd.contains("1—6月均值"));
    }

    #[test]
    fn the_pm25_chart_reads_in_english() {
        let s = [
            standing("柯城", Some(38.04), Some(40.0)),
            standing("龙游", Some(45.0), Some(43.0)),
            standing("西区", None, Some(40.0)),
        ];
        let svg = pm25_vs_target_svg(Locale::en, &s, 2018, 12).expect("svg");
        let t = texts(&svg);
        assert!(svg.contains("2018 PM2.5 annual mean against target (µg/m³)"));
        for label in ["Target", "Met", "Missed", "Grade II limit 35"] {
            assert!(t.contains(&label.to_owned()), "{label}: {t:?}");
        }
        assert!(
            t.contains(&"柯城".to_owned()),
            "area names are data, not translated"
        );
        assert!(
            !t.iter().any(|x| x.contains("目标") || x.contains("达标")),
            "no Chinese interface text: {t:?}"
        );
        insta::assert_snapshot!("pm25_vs_target_en", svg);
        let ytd = pm25_vs_target_svg(Locale::en, &s, 2018, 6).expect("svg");
        assert!(ytd.contains("2018 PM2.5 Jan–Jun mean against target"));
    }

    #[test]
    fn the_other_charts_read_in_english() {
        let matrix = section_matrix_svg(Locale::en, &[section("东迹渡")], 2018).expect("matrix");
        let t = texts(&matrix);
        for label in ["Jan", "Dec", "东迹渡 (target Ⅲ)", "Class III", "No data"] {
            assert!(t.contains(&label.to_owned()), "{label}: {t:?}");
        }
        assert!(matrix.contains("water class by month"));
        let ranks = [rank("市环保局", 9, 1), rank("开化县政府", 1, 9)];
        let ranking = unit_ranking_svg(Locale::en, &ranks, "title", 1).expect("ranking");
        let t = texts(&ranking);
        for label in ["90% (9/10)", "Honour list (top 1)", "Black list (bottom 1)"] {
            assert!(t.contains(&label.to_owned()), "{label}: {t:?}");
        }
        let rs = [reading("衢州市区", 2018, 1, 40.0)];
        let trend = pm25_trend_svg(Locale::en, "衢州市区", &rs, &[], 2018..=2020).expect("trend");
        assert!(trend.contains("衢州市区 PM2.5 monthly mean 2018–2020 (µg/m³) (demo data)"));
        let targets = pm25_targets_svg(Locale::en, &[row("柯城", 2018, 40.0)], 2018).expect("t");
        assert!(targets.contains("2018 PM2.5 annual mean targets (µg/m³)"));
    }

    #[test]
    fn the_trend_has_a_point_per_month_and_a_step_per_year() {
        let rs: Vec<Reading> = (2018..=2020)
            .flat_map(|y| (1..=12).map(move |m| reading("衢州市区", y, m, 30.0 + f64::from(m))))
            .collect();
        let t = [
            row("衢州市区", 2018, 40.0),
            row("衢州市区", 2019, 37.0),
            row("衢州市区", 2020, 35.0),
        ];
        let svg = pm25_trend_svg(Locale::zh, "衢州市区", &rs, &t, 2018..=2020).expect("svg");
        assert_eq!(svg.matches("<circle").count(), 36);
        assert!(svg.contains("2018-01") && svg.contains("2020-07"));
        assert!(svg.contains("（演示数据）"), "demo readings are labelled");
        insta::assert_snapshot!("pm25_trend", svg);
    }

    #[test]
    fn the_section_matrix_colours_each_month_by_class() {
        let svg = section_matrix_svg(
            Locale::zh,
            &[section("东迹渡"), section("铜山源水库")],
            2018,
        )
        .expect("svg");
        // NH3-N 0.25 (II), 0.4 (II), 0.55 (III) … 1.9 (V): all five classes appear.
        for c in ["Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"] {
            assert!(texts(&svg).contains(&c.to_owned()), "{c}");
        }
        assert!(texts(&svg).contains(&"东迹渡（目标Ⅲ）".to_owned()));
        insta::assert_snapshot!("section_matrix", svg);
    }

    #[test]
    fn the_ranking_puts_the_best_first_and_marks_the_bands() {
        let ranks = [
            rank("市环保局", 9, 1),
            rank("柯城区政府", 5, 5),
            rank("开化县政府", 1, 9),
            rank("市水利局", 0, 0),
        ];
        let svg = unit_ranking_svg(Locale::zh, &ranks, "责任单位完成率", 1).expect("svg");
        assert!(svg.contains("90%（9/10）"));
        assert!(!svg.contains("市水利局"), "nothing due: not ranked");
        assert!(svg.contains("红榜（前1）") && svg.contains("黑榜（后1）"));
        insta::assert_snapshot!("unit_ranking", svg);
        assert!(unit_ranking_svg(Locale::zh, &ranks[3..], "x", 5).is_err());
    }

    #[test]
    fn hostile_names_are_text_inside_every_svg() {
        let check = |svg: String| {
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(svg.contains(ESCAPED), "{svg}");
        };
        for l in [Locale::zh, Locale::en] {
            check(pm25_targets_svg(l, &[row(HOSTILE, 2018, 40.0)], 2018).expect("targets"));
            check(
                pm25_vs_target_svg(l, &[standing(HOSTILE, Some(30.0), Some(35.0))], 2018, 12)
                    .expect("vs target"),
            );
            check(
                pm25_trend_svg(
                    l,
                    HOSTILE,
                    &[reading(HOSTILE, 2018, 1, 40.0)],
                    &[row(HOSTILE, 2018, 40.0)],
                    2018..=2020,
                )
                .expect("trend"),
            );
            check(section_matrix_svg(l, &[section(HOSTILE)], 2018).expect("matrix"));
            check(unit_ranking_svg(l, &[rank(HOSTILE, 1, 1)], HOSTILE, 1).expect("ranking"));
            check(
                unit_ranking_narrow_svg(l, &[rank(HOSTILE, 1, 1)], HOSTILE, 1)
                    .expect("narrow ranking"),
            );
            check(
                pm25_vs_target_narrow_svg(
                    l,
                    &[standing(HOSTILE, Some(30.0), Some(35.0))],
                    2018,
                    12,
                )
                .expect("narrow vs target"),
            );
            // A plan's own indicator: its name, unit and places come from an import's sheet.
            let (def, standings) = own_indicator(HOSTILE);
            check(indicator_vs_target_svg(l, &def, &standings, 2021, 12).expect("own indicator"));
        }
    }

    fn own_indicator(name: &str) -> (sanzhi_domain::PlanIndicator, Vec<IndicatorStanding>) {
        let def = sanzhi_domain::PlanIndicator {
            code: "peer.1".into(),
            name_zh: name.into(),
            name_en: Some(name.into()),
            unit: name.into(),
            better: sanzhi_domain::Better::Higher,
            place_kind: sanzhi_domain::PlaceKind::Area,
            plan: "peer".into(),
            plan_name: String::new(),
            aggregate: sanzhi_domain::Aggregate::Latest,
            max_plausible: 100.0,
        };
        let at = |place: &str, value: Option<f64>, target: Option<f64>| IndicatorStanding {
            code: "peer.1".into(),
            place: place.into(),
            year: 2021,
            through_month: 12,
            value,
            month: value.map(|_| 12),
            annual: None,
            met: value.zip(target).map(|(v, t)| v >= t),
            target,
            any_demo: false,
        };
        (
            def,
            vec![
                at(name, Some(97.0), Some(95.0)),
                at("柯城", Some(80.0), Some(90.0)),
                at("衢江", None, Some(90.0)),
            ],
        )
    }

    /// A plan's own indicator: a bar per place in the met / missed colours (grey without a
    /// value), the figure to one decimal, the target as a mark; none without standings.
    #[test]
    fn a_plans_own_indicator_is_drawn_against_its_targets() {
        let (def, standings) = own_indicator("河道保洁达标率");
        let svg = indicator_vs_target_svg(Locale::zh, &def, &standings, 2021, 12).expect("svg");
        for t in ["河道保洁达标率", "柯城", "衢江", "97.0", "80.0"] {
            assert!(svg.contains(t), "{t} in the chart");
        }
        let colour = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        assert!(
            svg.contains(&colour(MET)) && svg.contains(&colour(MISSED)),
            "{svg}"
        );
        assert!(indicator_vs_target_svg(Locale::zh, &def, &[], 2021, 12).is_err());
    }

    /// The phone's drawings: 380 px wide (shown at their own size on a phone), no text smaller
    /// than 14 px as drawn (plotters writes 11.3), every area on its own row with its figure.
    #[test]
    fn the_phone_charts_read_at_a_phone_width() {
        let s = [
            standing("柯城", Some(38.04), Some(40.0)),
            standing("龙游", Some(45.0), Some(43.0)),
            standing("西区", None, Some(40.0)),
        ];
        let svg = pm25_vs_target_narrow_svg(Locale::zh, &s, 2018, 3).expect("svg");
        assert!(svg.starts_with(r#"<svg width="380""#), "{}", &svg[..80]);
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .filter_map(|r| r.split('"').next()?.parse().ok())
            .collect();
        assert!(sizes.iter().all(|s| *s >= 11.2), "{sizes:?}");
        for t in ["柯城", "龙游", "西区", "38.0", "45.0", "—"] {
            assert!(texts(&svg).contains(&t.to_owned()), "{t}");
        }
        insta::assert_snapshot!("pm25_vs_target_narrow", svg);
        let ranks = [
            rank("市环保局", 9, 1),
            rank("柯城区政府", 5, 5),
            rank("开化县政府", 1, 9),
        ];
        let svg = unit_ranking_narrow_svg(
            Locale::zh,
            &ranks,
            "2018年12月底 责任单位按时完成率（红黑榜）",
            1,
        )
        .expect("svg");
        assert!(svg.starts_with(r#"<svg width="380""#), "{}", &svg[..80]);
        assert!(svg.contains("90%（9/10）"));
        assert!(
            texts(&svg).contains(&"（红黑榜）".to_owned()),
            "the title's second line"
        );
        insta::assert_snapshot!("unit_ranking_narrow", svg);
    }
}
