//! Units ranked by their share of work done on time, with the red ends marked.

use super::*;

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
    let (shown, omitted) = ranking_rows(&ranked);
    let n = i32::try_from(shown.len()).map_err(err)?;
    let g = Geometry {
        left,
        top,
        bar_h,
        plot_w,
        n,
        width: left + plot_w + if narrow { 70 } else { 90 },
        narrow,
    };
    let height = top + n * bar_h + if narrow { 56 } else { 64 };
    let red_band = band.min(ranked.len() / 2);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(
            &mut svg,
            (
                u32::try_from(g.width).map_err(err)?,
                u32::try_from(height).map_err(err)?,
            ),
        )
        .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw_title(&root, &g, title)?;
        draw_scale(&root, &g)?;
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
            // Ties must not put a unit with nothing overdue on the 黑榜, nor one with overdue
            // work on the 红榜.
            let colour = if idx < red_band && r.counts.overdue == 0 {
                RGBColor(192, 57, 43)
            } else if idx >= ranked.len() - red_band && r.counts.overdue > 0 {
                RGBColor(33, 33, 33)
            } else {
                RGBColor(120, 144, 156)
            };
            draw_bar(&root, &g, l, y, r, colour)?;
        }
        draw_legend(&root, &g, l, red_band)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Where the ranking chart draws: the bars' left edge and width, the first bar's top, a
/// bar's height, how many rows, the picture's width, and whether it is the phone's.
struct Geometry {
    left: i32,
    top: i32,
    bar_h: i32,
    plot_w: i32,
    n: i32,
    width: i32,
    narrow: bool,
}

type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// The rows drawn, as (place in the ranking, unit); `None` is the line standing for the units
/// left out between the two ends (how many: the second value).
fn ranking_rows<'a>(ranked: &[&'a UnitRank]) -> (Vec<Option<(usize, &'a UnitRank)>>, usize) {
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
    (shown, omitted)
}

/// The title: on a phone in two lines, split before its parenthesis.
fn draw_title(root: &Root<'_>, g: &Geometry, title: &str) -> Result<()> {
    let (width, narrow) = (g.width, g.narrow);
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
    Ok(())
}

/// The 0–100 % scale with its grid lines.
fn draw_scale(root: &Root<'_>, g: &Geometry) -> Result<()> {
    let (left, top, plot_w, n, bar_h) = (g.left, g.top, g.plot_w, g.n, g.bar_h);
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
    Ok(())
}

/// One unit's bar at `y`: its name, the bar in its band's colour, its rate and counts.
fn draw_bar(
    root: &Root<'_>,
    g: &Geometry,
    l: Locale,
    y: i32,
    r: &UnitRank,
    colour: RGBColor,
) -> Result<()> {
    let (left, plot_w, bar_h) = (g.left, g.plot_w, g.bar_h);
    // Text sizes: the phone's chart is shown at its own size, not scaled down.
    let (rate_size, unit_size) = if g.narrow { (14, 15) } else { (11, 15) };
    let rate = r.rate.unwrap_or(0.0);
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
    Ok(())
}

/// The legend: the 红榜 and 黑榜 swatches and, on a wide chart, the note on who is ranked.
fn draw_legend(root: &Root<'_>, g: &Geometry, l: Locale, red_band: usize) -> Result<()> {
    let (left, top, n, bar_h, narrow) = (g.left, g.top, g.n, g.bar_h, g.narrow);
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
    Ok(())
}
