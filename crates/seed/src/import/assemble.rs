//! Assembling a plan from an allocation table's rows: actions, tasks and items numbered, unit
//! phrases resolved (or asked about), deadlines read, every problem named by row and column.

use super::*;

/// A deadline phrase longer than this is not kept 待确认 but refused: no real 完成时限 cell is
/// this long, and the phrase would be stored as written.
pub const MAX_DEADLINE_CHARS: usize = 200;

/// Assembles the plan; see the module docs.
///
/// `unassigned` lists unit phrases the user keeps without units for now (“市级有关部门” until
/// the coordinator says who): the item keeps the phrase in its text, with no assignment for it.
pub fn assemble(
    header: &PlanHeader,
    rows: &[ImportRow],
    columns: &ColumnNames,
    units: &UnitIndex,
    unit_map: &BTreeMap<String, String>,
    unassigned: &std::collections::BTreeSet<String>,
) -> Assembled {
    let (head, form_problems) = read_header(header, units, unit_map);
    let plan_year = head.period.map_or(2018, |p| p.start_year());
    let mut body = Body {
        columns,
        units,
        unit_map,
        unassigned,
        plan_year,
        actions: Vec::new(),
        tasks: Vec::new(),
        items: Vec::new(),
        seen: BTreeMap::new(),
        merged: 0,
        problems: Vec::new(),
        unconfirmed: Vec::new(),
        kept_unassigned: Default::default(),
        unknown: BTreeMap::new(),
    };
    for (i, r) in rows.iter().enumerate() {
        body.add_row(i, r);
    }
    let mut notes = Vec::new();
    let mut problems = body.problems;
    if body.merged > 0 {
        notes.push(format!(
            "{} 行与前面同序号的行内容相同（导出的分工表每个责任单位一行），已合并",
            body.merged
        ));
    }
    if rows.is_empty() {
        problems.push(RowProblem {
            row: 0,
            column: String::new(),
            reason: "表格没有数据行".to_owned(),
        });
    }
    let mut items = body.items;
    items.sort_by_key(|i| i.number);
    problems.sort_by_key(|p| p.row);
    let unknown_units: Vec<UnknownUnit> = body
        .unknown
        .into_iter()
        .map(|(phrase, places)| UnknownUnit {
            suggestion: units.closest(&phrase).map(|u| u.as_str().to_owned()),
            phrase,
            places,
        })
        .collect();
    if !body.kept_unassigned.is_empty() {
        notes.push(format!(
            "{} 个单位词组暂不分配（{}）：事项保留原文，导入后由协调员在事项页指定责任单位",
            body.kept_unassigned.len(),
            body.kept_unassigned
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    let plan = if form_problems.is_empty() && problems.is_empty() {
        head.plan(header, body.actions, body.tasks, items)
    } else {
        None
    };
    if !body.unconfirmed.is_empty() {
        notes.push(format!(
            "{} 个时限无法识别，按原文保留并标为“待确认”（不计逾期），导入后由协调员确认",
            body.unconfirmed.len()
        ));
    }
    Assembled {
        plan,
        form_problems,
        problems,
        unknown_units,
        notes,
        unconfirmed: body.unconfirmed,
    }
}

/// The plan's header as read from the form: `None` where a field has a problem.
struct Header {
    code: Option<PlanCode>,
    status: PlanStatus,
    period: Option<Period>,
    issued_on: Option<chrono::NaiveDate>,
    owner: Option<UnitName>,
}

impl Header {
    /// The plan, when every field of the header was read.
    fn plan(
        &self,
        header: &PlanHeader,
        actions: Vec<SeedAction>,
        tasks: Vec<SeedTask>,
        items: Vec<SeedItem>,
    ) -> Option<SeedPlan> {
        let (Some(code), Some(period), Some(issued_on), Some(owner)) = (
            self.code.clone(),
            self.period,
            self.issued_on,
            self.owner.clone(),
        ) else {
            return None;
        };
        Some(SeedPlan {
            code,
            doc_no: header.doc_no.trim().to_owned(),
            title: header.title.trim().to_owned(),
            short_name: header.short_name.trim().to_owned(),
            short_name_en: Some(header.short_name_en.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            status: self.status,
            owner,
            period,
            issued_on,
            sort_order: 0,
            provenance: "导入的分工表".to_owned(),
            goals: header
                .goals
                .iter()
                .map(|g| g.trim().to_owned())
                .filter(|g| !g.is_empty())
                .collect(),
            source: None,
            body: PlanBody {
                table_year: period.start_year(),
                table_responsible: Vec::new(),
                actions,
                tasks,
                items,
                notes: Vec::new(),
            },
            measures: None,
        })
    }
}

/// Reads the form's header: code, names, status, period, issue day, owner; every problem
/// names its field.
fn read_header(
    header: &PlanHeader,
    units: &UnitIndex,
    unit_map: &BTreeMap<String, String>,
) -> (Header, Vec<FieldProblem>) {
    let mut form_problems = Vec::new();
    let mut form = |field: &str, reason: String| {
        form_problems.push(FieldProblem {
            field: field.to_owned(),
            reason,
        })
    };
    let code = PlanCode::parse(header.code.trim())
        .map_err(|e| form("code", e.reason))
        .ok();
    for (field, value, label) in [
        ("title", &header.title, "方案标题"),
        ("short_name", &header.short_name, "简称"),
    ] {
        if value.trim().is_empty() {
            form(field, format!("{label}不能为空"));
        } else if value.trim().chars().count() > 200 {
            form(field, format!("{label}不能超过 200 个字"));
        }
    }
    if header.short_name_en.trim().chars().count() > 200 {
        form("short_name_en", "英文简称不能超过 200 个字符".to_owned());
    }
    let status = match header.status.trim() {
        "" | "draft" => PlanStatus::Draft,
        "active" => PlanStatus::Active,
        other => {
            form(
                "status",
                format!("导入的方案状态“{other}”无效，应为 draft（草稿）或 active（实施中）"),
            );
            PlanStatus::Draft
        }
    };
    let year = |field: &str, s: &str, form: &mut dyn FnMut(&str, String)| -> Option<i32> {
        match s.trim().trim_end_matches('年').parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                form(field, format!("“{}”不是年份，应写作 2018", s.trim()));
                None
            }
        }
    };
    let start = year("start_year", &header.start_year, &mut form);
    let end = year("end_year", &header.end_year, &mut form);
    let period = match (start, end) {
        (Some(s), Some(e)) => Period::new(s, e)
            .map_err(|e| form("end_year", e.reason))
            .ok(),
        _ => None,
    };
    let issued_on = if header.issued_on.trim().is_empty() {
        period.and_then(|p| chrono::NaiveDate::from_ymd_opt(p.start_year(), 1, 1))
    } else {
        chrono::NaiveDate::parse_from_str(header.issued_on.trim(), "%Y-%m-%d")
            .map_err(|_| {
                form(
                    "issued_on",
                    format!("“{}”不是日期，应写作 2018-06-01", header.issued_on.trim()),
                )
            })
            .ok()
    };
    let owner = if header.owner.trim().is_empty() {
        form("owner", "牵头（主管）单位不能为空".to_owned());
        None
    } else {
        match expand(units, unit_map, &header.owner) {
            Some(found) if found.len() == 1 => Some(found[0].0.clone()),
            Some(_) => {
                form(
                    "owner",
                    format!("“{}”是一组单位，主管单位须为一个单位", header.owner.trim()),
                );
                None
            }
            None => {
                form(
                    "owner",
                    format!("单位“{}”不在单位表中", header.owner.trim()),
                );
                None
            }
        }
    };
    (
        Header {
            code,
            status,
            period,
            issued_on,
            owner,
        },
        form_problems,
    )
}

/// The plan's body as the rows build it, and what the rows had wrong.
struct Body<'a> {
    columns: &'a ColumnNames,
    units: &'a UnitIndex,
    unit_map: &'a BTreeMap<String, String>,
    unassigned: &'a std::collections::BTreeSet<String>,
    plan_year: i32,
    actions: Vec<SeedAction>,
    tasks: Vec<SeedTask>,
    items: Vec<SeedItem>,
    /// Item number → (row it came from, the row's content) for repeats.
    seen: BTreeMap<i32, (u64, ImportRow)>,
    /// Rows that repeat an earlier row of the same number exactly (one per unit, as exported).
    merged: usize,
    problems: Vec<RowProblem>,
    unconfirmed: Vec<RowProblem>,
    kept_unassigned: std::collections::BTreeSet<String>,
    unknown: BTreeMap<String, Vec<(u64, String)>>,
}

impl Body<'_> {
    fn col(c: &Option<String>, fallback: &str) -> String {
        c.clone().unwrap_or_else(|| fallback.to_owned())
    }

    /// Row `i` (from 0) of the table: its item, under its action and task.
    fn add_row(&mut self, i: usize, r: &ImportRow) {
        let columns = self.columns;
        let col = Self::col;
        let Some(number) = self.number_of(i, r) else {
            // A row without a number is a problem already; its cells are still checked.
            self.action_and_task(r);
            self.units_of(r);
            self.milestones_of(r);
            self.check_text(r);
            return;
        };
        if let Some((first, was)) = self.seen.get(&number) {
            if same_row(was, r) {
                self.merged += 1;
            } else {
                self.problems.push(RowProblem {
                    row: r.row,
                    column: col(&columns.number, "序号"),
                    reason: format!("序号 {number} 与第 {first} 行重复，且两行内容不同"),
                });
            }
            return;
        }
        self.seen.insert(number, (r.row, r.clone()));
        let task = self.action_and_task(r);
        let (leads, assignments) = self.units_of(r);
        let milestones = self.milestones_of(r);
        self.check_text(r);
        self.items.push(SeedItem {
            number,
            task,
            text: r.item.trim().to_owned(),
            lead_text: r.lead.iter().map(|s| s.trim().to_owned()).collect(),
            responsible_text: r.responsible.iter().map(|s| s.trim().to_owned()).collect(),
            leads,
            assignments,
            milestones,
            targets: Vec::new(),
            provenance: format!("导入的分工表 ({number})"),
            source_lines: None,
        });
    }

    /// The row's item number: its 序号, or its place when the table has none.
    fn number_of(&mut self, i: usize, r: &ImportRow) -> Option<i32> {
        let (columns, problems) = (self.columns, &mut self.problems);
        match &columns.number {
            None => i32::try_from(i + 1).ok(),
            Some(h) => match item_number(&r.number) {
                Some(n) => Some(n),
                None => {
                    problems.push(RowProblem {
                        row: r.row,
                        column: h.clone(),
                        reason: if r.number.trim().is_empty() {
                            "序号为空".to_owned()
                        } else {
                            format!("序号“{}”不是正整数（可写作 1、(1) 或 1.）", r.number.trim())
                        },
                    });
                    None
                }
            },
        }
    }

    /// The row's action and task, numbered by first appearance; the task's number.
    fn action_and_task(&mut self, r: &ImportRow) -> i32 {
        let (columns, col) = (self.columns, Self::col);
        let (actions, tasks, problems) = (&mut self.actions, &mut self.tasks, &mut self.problems);
        let action_title = match &columns.action {
            None => "工作任务".to_owned(),
            Some(_) => strip_heading_number(&r.action),
        };
        if columns.action.is_some() && r.action.trim().is_empty() {
            problems.push(RowProblem {
                row: r.row,
                column: col(&columns.action, "行动"),
                reason: "行动为空（上方也没有可沿用的行动）".to_owned(),
            });
        }
        let seq = match actions.iter().find(|a| a.title == action_title) {
            Some(a) => a.seq,
            None => {
                let seq = i32::try_from(actions.len() + 1).unwrap_or(i32::MAX);
                actions.push(SeedAction {
                    seq,
                    title: action_title.clone(),
                    provenance: format!("导入的分工表 行动 {seq}"),
                    source_lines: None,
                });
                seq
            }
        };
        let task_title = match &columns.task {
            Some(_) if !r.task.trim().is_empty() => strip_heading_number(&r.task),
            _ => action_title.clone(),
        };
        match tasks
            .iter()
            .find(|t| t.action == seq && t.title == task_title)
        {
            Some(t) => t.number,
            None => {
                let number = i32::try_from(tasks.len() + 1).unwrap_or(i32::MAX);
                tasks.push(SeedTask {
                    number,
                    action: seq,
                    title: task_title.clone(),
                    paragraph: task_title.clone(),
                    provenance: format!("导入的分工表 任务 {number}"),
                    source_lines: None,
                });
                number
            }
        }
    }

    /// The row's lead units, and its responsible units with the phrase each came from.
    fn units_of(&mut self, r: &ImportRow) -> (Vec<UnitName>, Vec<SeedAssignment>) {
        let (columns, col) = (self.columns, Self::col);
        let (units, unit_map, unassigned) = (self.units, self.unit_map, self.unassigned);
        let (problems, unknown, kept_unassigned) = (
            &mut self.problems,
            &mut self.unknown,
            &mut self.kept_unassigned,
        );
        let mut resolve = |phrases: &[String], column: String| -> Vec<(UnitName, String)> {
            let mut out: Vec<(UnitName, String)> = Vec::new();
            for p in phrases {
                if unassigned.contains(p.trim()) {
                    kept_unassigned.insert(p.trim().to_owned());
                    continue;
                }
                match expand(units, unit_map, p) {
                    Some(found) => {
                        for (u, via) in found {
                            if !out.iter().any(|(x, _)| *x == u) {
                                out.push((u, via));
                            }
                        }
                    }
                    None => {
                        let places = unknown.entry(p.trim().to_owned()).or_default();
                        places.push((r.row, column.clone()));
                        let mapped = unit_map.get(p.trim());
                        problems.push(RowProblem {
                        row: r.row,
                        column: column.clone(),
                        reason: match mapped {
                            Some(m) => format!("单位“{}”被映射到“{m}”，但其中有不是已有单位或单位组的名称", p.trim()),
                            None => format!(
                                "单位“{}”不在单位表中：请把它对应到一个已有单位，或请管理员先在“账号与单位”中添加",
                                p.trim()
                            ),
                        },
                    });
                    }
                }
            }
            out
        };
        let leads: Vec<UnitName> = resolve(&r.lead, col(&columns.lead, "牵头单位"))
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        let assignments: Vec<SeedAssignment> = resolve(&r.responsible, columns.responsible.clone())
            .into_iter()
            .map(|(unit, via)| SeedAssignment { unit, via })
            .collect();
        (leads, assignments)
    }

    /// The row's deadlines: a phrase the grammar cannot read is kept as written, 待确认.
    fn milestones_of(&mut self, r: &ImportRow) -> Vec<SeedMilestone> {
        let (columns, col, plan_year) = (self.columns, Self::col, self.plan_year);
        let (problems, unconfirmed) = (&mut self.problems, &mut self.unconfirmed);
        let mut milestones = Vec::new();
        for phrase in &r.deadlines {
            if phrase.trim().chars().count() > MAX_DEADLINE_CHARS {
                problems.push(RowProblem {
                    row: r.row,
                    column: col(&columns.deadline, "时限"),
                    reason: format!(
                        "时限“{}”超过 {MAX_DEADLINE_CHARS} 个字，不像一个时限",
                        phrase.trim()
                    ),
                });
                continue;
            }
            let deadline = match parse_deadline(phrase, plan_year) {
                Ok(deadline) => deadline,
                Err(e) => {
                    unconfirmed.push(RowProblem {
                        row: r.row,
                        column: col(&columns.deadline, "时限"),
                        reason: e.to_string(),
                    });
                    sanzhi_domain::Deadline::Unconfirmed { reason: e.reason }
                }
            };
            milestones.push(SeedMilestone {
                phrase: phrase.trim().to_owned(),
                deadline,
            });
        }
        milestones
    }

    /// The item's text is not too long.
    fn check_text(&mut self, r: &ImportRow) {
        if r.item.trim().chars().count() > 4000 {
            self.problems.push(RowProblem {
                row: r.row,
                column: self.columns.item.clone(),
                reason: "工作要求超过 4000 个字".to_owned(),
            });
        }
    }
}

/// Whether two rows of the same number say the same (an export repeats an item per unit).
fn same_row(a: &ImportRow, b: &ImportRow) -> bool {
    (
        &a.action,
        &a.task,
        &a.item,
        &a.lead,
        &a.responsible,
        &a.deadlines,
    ) == (
        &b.action,
        &b.task,
        &b.item,
        &b.lead,
        &b.responsible,
        &b.deadlines,
    )
}
