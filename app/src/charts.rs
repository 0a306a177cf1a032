//! Charts rendered on the server with plotters into SVG text, inlined into the page so they
//! read without JavaScript. plotters' SVG backend escapes every text it writes; a test below
//! keeps it that way.

use plotters::prelude::*;
use sanzhi_domain::Pm25TargetRow;

/// The national grade II annual limit for PM2.5 (GB 3095-2012), µg/m³.
pub const PM25_GRADE_II: f64 = 35.0;

/// PM2.5 annual-mean targets of one year, one bar per area, with the grade II line.
pub fn pm25_targets_svg(rows: &[Pm25TargetRow], year: i32) -> Result<String, String> {
    let bars: Vec<&Pm25TargetRow> = rows.iter().filter(|r| r.year == year).collect();
    if bars.is_empty() {
        return Err(format!("{year} 年没有 PM2.5 目标"));
    }
    let n = u32::try_from(bars.len()).map_err(|e| e.to_string())?;
    let top = bars.iter().map(|r| r.value).fold(PM25_GRADE_II, f64::max) * 1.2;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{year}年 PM2.5 年均浓度目标（微克/立方米）"),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n).into_segmented(), 0f64..top)
            .map_err(|e| e.to_string())?;
        let labels: Vec<String> = bars.iter().map(|r| r.area.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len())
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| labels.get(i))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc("µg/m³")
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(RGBColor(29, 111, 165).filled())
                    .margin(8)
                    .data(bars.iter().enumerate().map(|(i, r)| (i as u32, r.value))),
            )
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                [
                    (SegmentValue::Exact(0), PM25_GRADE_II),
                    (SegmentValue::Last, PM25_GRADE_II),
                ],
                RGBColor(180, 35, 24).stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("国家二级标准 {PM25_GRADE_II}"))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RGBColor(180, 35, 24)));
        chart
            .configure_series_labels()
            .border_style(BLACK.mix(0.2))
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(area: &str, year: i32, value: f64) -> Pm25TargetRow {
        Pm25TargetRow {
            area: area.to_owned(),
            year,
            value,
            qualifier: String::new(),
            raw: value.to_string(),
        }
    }

    #[test]
    fn one_bar_per_area_of_the_year_with_chinese_labels() {
        let rows = [
            row("柯城", 2018, 40.0),
            row("龙游", 2018, 43.0),
            row("柯城", 2019, 37.0),
        ];
        let svg = pm25_targets_svg(&rows, 2018).expect("svg");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("柯城") && svg.contains("龙游"));
        assert!(svg.contains("2018年 PM2.5 年均浓度目标"));
        assert!(svg.contains("国家二级标准"));
        assert!(pm25_targets_svg(&rows, 2021).is_err());
    }

    #[test]
    fn a_hostile_area_name_is_text_inside_the_svg() {
        let rows = [row("<script>alert(1)</script>&", 2018, 40.0)];
        let svg = pm25_targets_svg(&rows, 2018).expect("svg");
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
    }
}
