//! PM2.5 and any plan's yearly indicator: against its target by place (wide and narrow),
//! the monthly trend, the targets themselves.

use super::*;

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
