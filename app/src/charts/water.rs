//! The 水十条 sections: each month's water class against the section's target class.

use super::*;

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
                crate::labels::water_class(l, c)
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
