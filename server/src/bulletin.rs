//! `GET /api/bulletins/{YYYY-MM}.docx` — a closed month's 通报 as a Word document a clerk can
//! edit and print: title, 文号 line, summary paragraphs with the counts, the red list, the
//! 督办 list and the county ranking as tables, the indicators as a table of figures, the charts
//! of the page as pictures (图1…, drawn from the kept SVG by [`crate::chart_png`]), what was
//! recorded after closing, and who closed it. Written with `docx-rs` from the kept record (the
//! same figures as the page of that month), never recomputed. Anyone signed in may download it,
//! as anyone signed in may read 总览.

use crate::allocation_export::{attachment, error};
use app::error::AppError;
use app::overview::Overview;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use docx_rs::{
    AlignmentType, Docx, Paragraph, Pic, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/bulletins/{file}", get(download))
}

async fn download(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(file): Path<String>,
) -> Response {
    if let Err(e) =
        app::auth::inner::require_in_route(&state.store, &session, sanzhi_domain::Action::Read)
            .await
    {
        return error(e);
    }
    let Some((year, month)) = file
        .strip_suffix(".docx")
        .and_then(app::overview::parse_month)
    else {
        return error(AppError::NotFound(format!("通报“{file}”")));
    };
    let overview = match app::overview::inner::kept_month(&state.store, year, month).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return error(AppError::NotFound(format!(
                "{year}年{month}月的通报（该月尚未关闭）"
            )))
        }
        Err(e) => return error(e),
    };
    let bytes = match bulletin_docx(&overview) {
        Ok(b) => b,
        Err(problem) => {
            tracing::error!(%problem, year, month, "bulletin document");
            return error(AppError::Internal);
        }
    };
    let name = format!("三治工作通报-{year}年{month}月.docx");
    let fallback = format!("sanzhi-bulletin-{year}-{month:02}.docx");
    attachment(DOCX, &name, &fallback, bytes)
}

/// Text in 仿宋 (the body face of government documents), `size` in half-points.
fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(
        RunFonts::new()
            .east_asia("仿宋_GB2312")
            .ascii("Times New Roman"),
    )
}

fn para(text: &str) -> Paragraph {
    // 三号 (16 pt) body, first line indented by two characters.
    Paragraph::new().add_run(run(text, 32)).indent(
        None,
        Some(docx_rs::SpecialIndentType::FirstLine(640)),
        None,
        None,
    )
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(text)
            .size(32)
            .bold()
            .fonts(RunFonts::new().east_asia("黑体").ascii("Times New Roman")),
    )
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(run(text, 21)))
}

fn header_cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(run(text, 21).bold()))
}

fn table(headers: &[&str], rows: Vec<Vec<String>>) -> Table {
    let mut all = vec![TableRow::new(
        headers.iter().map(|h| header_cell(h)).collect(),
    )];
    all.extend(
        rows.into_iter()
            .map(|r| TableRow::new(r.iter().map(|c| cell(c)).collect())),
    );
    Table::new(all).width(9000, WidthType::Dxa)
}

/// Width of a chart on the page: 15 cm of the A4 text block, in EMU (360,000 per cm).
const FIGURE_WIDTH_EMU: u32 = 15 * 360_000;

/// `svg` as a centred picture with its caption (图N) below; a chart that cannot be drawn on
/// this machine (no Chinese font) is named in the caption instead, so that no picture is
/// silently missing.
fn figure(doc: Docx, svg: Option<&str>, n: &mut usize, caption: &str) -> Result<Docx, String> {
    let Some(svg) = svg else {
        return Ok(doc);
    };
    *n += 1;
    let caption = format!("图{n}　{caption}");
    match crate::chart_png::png(svg, 2.0)? {
        Some(png) => {
            let height =
                u64::from(FIGURE_WIDTH_EMU) * u64::from(png.height) / u64::from(png.width.max(1));
            let height = u32::try_from(height).map_err(|e| e.to_string())?;
            let pic = Pic::new_with_dimensions(png.bytes, png.width, png.height)
                .size(FIGURE_WIDTH_EMU, height);
            Ok(doc
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_image(pic)),
                )
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(run(&caption, 24)),
                ))
        }
        None => Ok(
            doc.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
                &format!("{caption}（服务器未安装中文字体，图未插入，请见系统页面的打印版）"),
                24,
            ))),
        ),
    }
}

/// The 通报 of `o` (a kept record: `o.bulletin` is set) as .docx bytes.
pub fn bulletin_docx(o: &Overview) -> Result<Vec<u8>, String> {
    let b = o.bulletin.as_ref().ok_or("the month is not closed")?;
    let (year, month) = app::overview::parse_month(&o.month).ok_or("month")?;
    let mut figures = 0;
    let doc = title_part(o, b, year, month);
    let doc = progress_part(doc, o);
    let doc = red_list_part(doc, o);
    let doc = supervised_part(doc, o);
    let doc = counties_part(doc, o, &mut figures)?;
    let doc = indicators_part(doc, o, &mut figures)?;
    let mut doc = corrections_part(doc, o);
    doc = doc.add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(
        &format!("{} 于 {} 关闭本月通报", b.closed_by, b.closed_at),
        28,
    )));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| format!("docx: {e}"))?;
    Ok(out.into_inner())
}

/// The title, the 文号, the demo notice, the days compared.
fn title_part(o: &Overview, b: &app::overview::BulletinInfo, year: i32, month: u32) -> Docx {
    let mut doc = Docx::new();
    doc = doc.add_paragraph(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .add_text(format!("衢州市三治工作情况通报（{year}年{month}月）"))
                .size(44)
                .fonts(
                    RunFonts::new()
                        .east_asia("方正小标宋简体")
                        .ascii("Times New Roman"),
                ),
        ),
    );
    doc = doc.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(&b.doc_no, 32)),
    );
    if o.demo || b.is_demo {
        doc = doc.add_paragraph(para(
            "【演示数据】本通报由演示数据生成，仅供演示，并非衢州市的真实记录。",
        ));
    }
    doc = doc.add_paragraph(para(&format!(
        "本通报统计截至{}，与{}相比。",
        o.as_of.format("%Y年%-m月%-d日"),
        o.before.format("%Y年%-m月%-d日")
    )));
    doc
}

/// 一、总体进展: each plan's counts now and the overdue at the end of last month.
fn progress_part(mut doc: Docx, o: &Overview) -> Docx {
    doc = doc.add_paragraph(heading("一、总体进展"));
    for p in &o.plans {
        let c = &p.now;
        let b4 = &p.before;
        doc = doc.add_paragraph(para(&format!(
            "{}（{}）：共 {} 项分工，已完成 {} 项（其中逾期后完成 {} 项），推进中 {} 项，逾期 {} 项，未完成（期满）{} 项；上月末逾期 {} 项。",
            p.short_name,
            p.owner_office,
            c.total(),
            c.done + c.done_late,
            c.done_late,
            c.in_progress + c.due_soon + c.not_started,
            c.overdue,
            c.lapsed,
            b4.overdue,
        )));
    }
    doc
}

/// 二、逾期事项（红榜）.
fn red_list_part(mut doc: Docx, o: &Overview) -> Docx {
    doc = doc.add_paragraph(heading("二、逾期事项（红榜）"));
    if o.red_list.is_empty() {
        doc = doc.add_paragraph(para("本月没有逾期事项。"));
    } else {
        doc = doc.add_table(table(
            &["方案", "工作任务", "最长逾期", "逾期单位"],
            o.red_list
                .iter()
                .map(|r| {
                    vec![
                        r.plan_short_name.clone(),
                        format!(
                            "({}) {}",
                            r.item_number,
                            sanzhi_domain::remind::short(&r.item_text, 60)
                        ),
                        if r.days_late > 0 {
                            format!("{} 天", r.days_late)
                        } else {
                            "定期报送缺报".to_owned()
                        },
                        r.units
                            .iter()
                            .map(|u| u.label_zh())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ]
                })
                .collect(),
        ));
    }
    doc
}

/// 三、督办事项: overdue after repeated 催办.
fn supervised_part(mut doc: Docx, o: &Overview) -> Docx {
    doc = doc.add_paragraph(heading("三、督办事项"));
    if o.supervised.is_empty() {
        doc = doc.add_paragraph(para("本月没有经多次催办仍逾期的事项。"));
    } else {
        doc = doc.add_table(table(
            &["方案", "工作任务", "责任单位", "催办", "逾期"],
            o.supervised
                .iter()
                .map(|s| {
                    vec![
                        s.plan_short_name.clone(),
                        format!("({}) {}", s.item_number, s.item_text),
                        s.unit.clone(),
                        format!("{} 次，最近 {}", s.urges, s.last_urged),
                        s.days_late.map(|d| format!("{d} 天")).unwrap_or_default(),
                    ]
                })
                .collect(),
        ));
    }
    doc
}

/// 四、各县（市、区）按时完成情况, with the ranking chart.
fn counties_part(mut doc: Docx, o: &Overview, figures: &mut usize) -> Result<Docx, String> {
    doc = doc.add_paragraph(heading("四、各县（市、区）按时完成情况"));
    doc = doc.add_table(table(
        &[
            "名次",
            "单位",
            "按时完成率",
            "分工",
            "已完成",
            "逾期",
            "催办/答复",
        ],
        o.counties
            .iter()
            .map(|u| {
                vec![
                    u.place.map_or("—".to_owned(), |p| p.to_string()),
                    u.unit.clone(),
                    match u.rate {
                        Some(r) => format!("{:.1}%（{}/{}）", r * 100.0, u.on_time, u.due),
                        None => format!(
                            "不足 {} 项到期，不排名",
                            sanzhi_domain::overview::MIN_DUE_TO_RANK
                        ),
                    },
                    u.assignments.to_string(),
                    u.done().to_string(),
                    u.counts.overdue.to_string(),
                    format!("{}/{}", u.urged, u.answered),
                ]
            })
            .collect(),
    ));
    doc = figure(doc, o.ranking_svg.as_deref(), figures, "各单位按时完成率")?;
    Ok(doc)
}

/// 五、环境质量指标: PM2.5 by area against its target, the sections' classes.
fn indicators_part(mut doc: Docx, o: &Overview, figures: &mut usize) -> Result<Docx, String> {
    doc = doc.add_paragraph(heading("五、环境质量指标"));
    let ind = &o.indicators;
    if ind.readings == 0 {
        doc = doc.add_paragraph(para("本月尚无读数。"));
    } else {
        let (pm_met, pm_n) = ind.pm25_met();
        let (sec_met, sec_n) = ind.sections_met();
        doc = doc.add_paragraph(para(&format!(
            "{}年1—{}月，PM2.5 达到年度目标的地区 {pm_met} 个（可评价 {pm_n} 个）；水十条断面达到目标水质的 {sec_met} 个（可评价 {sec_n} 个）。",
            ind.year, ind.through_month
        )));
        if ind.pm25_unreachable > 0 {
            doc = doc.add_paragraph(para(&format!(
                "其中 {} 个地区全年目标已无法实现。",
                ind.pm25_unreachable
            )));
        }
        doc = doc.add_table(table(
            &["地区", "PM2.5 均值（µg/m³）", "年度目标", "是否达标"],
            ind.pm25
                .iter()
                .map(|p| {
                    vec![
                        p.area.clone(),
                        p.annual
                            .mean
                            .map(|m| format!("{m:.1}"))
                            .unwrap_or_else(|| "—".into()),
                        p.target
                            .map(|t| format!("{t:.0}"))
                            .unwrap_or_else(|| "—".into()),
                        match p.met {
                            Some(true) => "达标".to_owned(),
                            Some(false) => "未达标".to_owned(),
                            None => "无法评价".to_owned(),
                        },
                    ]
                })
                .collect(),
        ));
        doc = figure(
            doc,
            ind.pm25_svg.as_deref(),
            figures,
            "各地 PM2.5 年均浓度与年度目标",
        )?;
        doc = figure(
            doc,
            ind.matrix_svg.as_deref(),
            figures,
            "水十条断面逐月水质类别",
        )?;
    }
    Ok(doc)
}

/// 六、通报后更正: what was recorded for the month after it closed.
fn corrections_part(mut doc: Docx, o: &Overview) -> Docx {
    if !o.corrections.is_empty() {
        doc = doc.add_paragraph(heading("六、通报后更正"));
        doc = doc.add_paragraph(para(
            "以下报告、签收和读数在通报关闭后录入，属于本月或之前，不改动上述数据，列此供核对：",
        ));
        for c in &o.corrections {
            let when = sanzhi_domain::report::china_minute(c.at);
            doc = doc.add_paragraph(para(&format!("{}（{}，{when}）", c.what, c.by)));
        }
    }
    doc
}
