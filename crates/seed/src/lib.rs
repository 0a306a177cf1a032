//! The `seed/` folder: structured, hand-checkable files that describe plans and units.
//!
//! Reading happens in two steps: TOML is deserialised into raw records (`raw`), then every
//! record is validated into domain types and cross-checked (names unique, references
//! resolve). Any problem is reported as a [`SeedError`] naming the file, the record and the
//! field, so a person can fix the line; nothing is loaded until the whole bundle is valid.

use sanzhi_domain::{ParseError, Period, PlanCode};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

mod body;
pub mod import;
pub mod reference;
mod units;

// The plan write model the seed is read into (its own crate: the store writes it without
// depending on TOML or CSV).
pub use sanzhi_model::{
    squeeze, PlanBody, SeedAction, SeedAssignment, SeedBundle, SeedItem, SeedMilestone, SeedNote,
    SeedPlan, SeedTarget, SeedTask, SourceDocument, SourceLines,
};
pub use sanzhi_model::{SeedGroup, SeedUnit};
pub use units::UnitIndex;

/// The file names inside `seed/`, in load order.
pub const UNITS_FILE: &str = "units.toml";
pub const PLANS_FILE: &str = "plans.toml";
/// The folder of per-plan files: `plans/<code>.toml`.
pub const PLAN_DIR: &str = "plans";
/// The folder of source documents (`source/<name>`), which `source_lines` refer to.
pub const SOURCE_DIR: &str = "source";

/// Why a seed folder cannot be loaded. Messages are in Chinese: they reach users as they are.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SeedError {
    #[error("{file}：无法读取：{reason}")]
    Io { file: String, reason: String },
    #[error("{file}：TOML 格式错误：{message}")]
    Syntax { file: String, message: String },
    #[error("{file}：{record}，字段 {field}：{reason}")]
    Invalid {
        file: String,
        /// e.g. `第 2 条 [[plan]] (code = "air")`.
        record: String,
        field: String,
        reason: String,
    },
}

mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PlansFile {
        #[serde(default)]
        pub plan: Vec<Plan>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Plan {
        pub code: String,
        pub doc_no: String,
        pub title: String,
        pub short_name: String,
        #[serde(default)]
        pub short_name_en: Option<String>,
        pub owner: String,
        pub start_year: i32,
        pub end_year: i32,
        pub issued_on: toml::value::Datetime,
        #[serde(default)]
        pub sort_order: i32,
        pub provenance: String,
        pub goals: Vec<String>,
        /// A file of `source/` the plan's `source_lines` refer to.
        #[serde(default)]
        pub source: Option<String>,
    }
}

/// Reads and validates the seed folder at `dir`.
pub fn load_dir(dir: &Path) -> Result<SeedBundle, SeedError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| SeedError::Io {
            file: name.to_owned(),
            reason: format!("{}：{e}", path.display()),
        })
    };
    let units = read(UNITS_FILE)?;
    let plans = read(PLANS_FILE)?;
    let (mut bundle, index) = parse_with_index(
        &units,
        &plans,
        |code| read(&format!("{PLAN_DIR}/{code}.toml")),
        |name| read(&format!("{SOURCE_DIR}/{name}")),
    )?;
    let codes: Vec<&str> = bundle.plans.iter().map(|p| p.code.as_str()).collect();
    bundle.reference = reference::parse(
        &read(reference::INDICATORS_FILE)?,
        &read(reference::ENTERPRISES_FILE)?,
        &read(reference::STATIONS_FILE)?,
        &index,
        &codes,
    )?;
    Ok(bundle)
}

/// Validates the units, plans and plan files already in memory; `plan_file(code)` gives
/// `plans/<code>.toml`. The reference tables are read by [`load_dir`].
pub fn parse(
    units_toml: &str,
    plans_toml: &str,
    plan_file: impl Fn(&str) -> Result<String, SeedError>,
) -> Result<SeedBundle, SeedError> {
    let no_sources = |name: &str| {
        Err(SeedError::Io {
            file: format!("{SOURCE_DIR}/{name}"),
            reason: "未提供原文文件".to_owned(),
        })
    };
    parse_with_index(units_toml, plans_toml, plan_file, no_sources).map(|(b, _)| b)
}

fn parse_with_index(
    units_toml: &str,
    plans_toml: &str,
    plan_file: impl Fn(&str) -> Result<String, SeedError>,
    source_file: impl Fn(&str) -> Result<String, SeedError>,
) -> Result<(SeedBundle, UnitIndex), SeedError> {
    let (units, groups, index) = units::parse(units_toml)?;
    let plans_file: raw::PlansFile = from_toml(PLANS_FILE, plans_toml)?;

    let mut plans = Vec::with_capacity(plans_file.plan.len());
    let mut codes = BTreeSet::new();
    for (i, p) in plans_file.plan.into_iter().enumerate() {
        let record = format!("第 {} 条 [[plan]] (code = \"{}\")", i + 1, p.code);
        let bad = |e: ParseError| invalid(PLANS_FILE, &record, e.field, e.reason);
        let code = PlanCode::parse(&p.code).map_err(bad)?;
        if !codes.insert(code.clone()) {
            return Err(invalid(
                PLANS_FILE,
                &record,
                "code",
                format!("方案代码“{code}”重复"),
            ));
        }
        let period = Period::new(p.start_year, p.end_year).map_err(bad)?;
        let issued_on = chrono::NaiveDate::parse_from_str(&p.issued_on.to_string(), "%Y-%m-%d")
            .map_err(|_| invalid(PLANS_FILE, &record, "issued_on", "须为日期，如 2018-06-01"))?;
        for (field, value) in [
            ("doc_no", &p.doc_no),
            ("title", &p.title),
            ("short_name", &p.short_name),
            ("provenance", &p.provenance),
        ] {
            require_text(PLANS_FILE, &record, field, value)?;
        }
        let owner = index.resolve(&p.owner).cloned().ok_or_else(|| {
            invalid(
                PLANS_FILE,
                &record,
                "owner",
                format!("单位“{}”不在 {UNITS_FILE} 中", p.owner),
            )
        })?;
        if p.goals.is_empty() {
            return Err(invalid(
                PLANS_FILE,
                &record,
                "goals",
                "至少需要一段工作目标",
            ));
        }
        for (j, g) in p.goals.iter().enumerate() {
            require_text(PLANS_FILE, &record, &format!("goals[{}]", j + 1), g)?;
        }
        let source = match p.source.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) if name.contains('/') || name.contains('\\') || name.starts_with('.') => {
                return Err(invalid(
                    PLANS_FILE,
                    &record,
                    "source",
                    format!("“{name}”应为 {SOURCE_DIR}/ 中的文件名"),
                ))
            }
            Some(name) => Some(SourceDocument {
                name: name.to_owned(),
                text: source_file(name)?,
            }),
        };
        let body_file = format!("{PLAN_DIR}/{code}.toml");
        let body = body::parse(
            &body_file,
            &plan_file(code.as_str())?,
            code.as_str(),
            &index,
            source.as_ref(),
        )?;
        plans.push(SeedPlan {
            code,
            doc_no: p.doc_no.trim().to_owned(),
            title: p.title.trim().to_owned(),
            short_name: p.short_name.trim().to_owned(),
            short_name_en: p
                .short_name_en
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            status: sanzhi_domain::PlanStatus::Active,
            owner,
            period,
            issued_on,
            sort_order: p.sort_order,
            provenance: p.provenance.trim().to_owned(),
            goals: p.goals.iter().map(|g| g.trim().to_owned()).collect(),
            source,
            body,
            measures: None,
        });
    }

    Ok((
        SeedBundle {
            units,
            groups,
            plans,
            reference: reference::Reference::default(),
        },
        index,
    ))
}

pub(crate) fn from_toml<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
) -> Result<T, SeedError> {
    toml::from_str(text).map_err(|e| SeedError::Syntax {
        file: file.to_owned(),
        message: e.to_string(),
    })
}

pub(crate) fn invalid(
    file: &str,
    record: &str,
    field: &str,
    reason: impl Into<String>,
) -> SeedError {
    SeedError::Invalid {
        file: file.to_owned(),
        record: record.to_owned(),
        field: field.to_owned(),
        reason: reason.into(),
    }
}

pub(crate) fn require_text(
    file: &str,
    record: &str,
    field: &str,
    value: &str,
) -> Result<(), SeedError> {
    if value.trim().is_empty() {
        Err(invalid(file, record, field, "不能为空"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &str = r#"
[[unit]]
name = "市治水办"
kind = "office"
aliases = ["市治水办(河长办)"]
provenance = "正文"

[[unit]]
name = "柯城区政府"
kind = "county_government"
aliases = ["柯城区人民政府"]
provenance = "表"

[[unit]]
name = "衢江区政府"
kind = "county_government"
provenance = "表"

[[group]]
phrase = "各县(市、区)政府"
members = ["柯城区政府", "衢江区政府"]
provenance = "抬头"
"#;

    const BODY: &str = r#"
plan = "water"
table_year = 2018

[[action]]
seq = 1
title = "行动一"
provenance = "正文 (一)"

[[task]]
number = 1
action = 1
title = "任务一"
paragraph = "段落"
provenance = "正文 1."

[[item]]
number = 1
task = 1
text = "6月底前新建165公里管网，年底前完成验收"
lead = ["市治水办(河长办)"]
responsible = ["各县(市、区)政府", "柯城区人民政府"]
deadlines = ["6月底前", "年底前"]
provenance = "分工表 (1)"

[[target]]
item = 1
metric = "新建管网"
value = 165.0
unit = "公里"
direction = "at_least"
year = 2018
quote = "新建165公里管网"
"#;

    fn plan(owner: &str, code: &str) -> String {
        format!(
            r#"
[[plan]]
code = "{code}"
doc_no = "衢政办发〔2018〕43号"
title = "衢州市治水长效战行动方案"
short_name = "治水长效战"
owner = "{owner}"
start_year = 2018
end_year = 2020
issued_on = 2018-06-01
provenance = "正文"
goals = ["目标"]
"#
        )
    }

    fn with_body(body: &str) -> impl Fn(&str) -> Result<String, SeedError> + '_ {
        move |code| Ok(body.replace("plan = \"water\"", &format!("plan = \"{code}\"")))
    }

    #[test]
    fn a_valid_bundle_resolves_aliases_groups_and_deadlines() {
        let b = parse(UNITS, &plan("市治水办(河长办)", "water"), with_body(BODY)).unwrap();
        let p = &b.plans[0];
        assert_eq!(p.owner.as_str(), "市治水办");
        let item = &p.body.items[0];
        assert_eq!(item.leads[0].as_str(), "市治水办");
        let units: Vec<_> = item.assignments.iter().map(|a| a.unit.as_str()).collect();
        assert_eq!(
            units,
            ["柯城区政府", "衢江区政府"],
            "group expanded, repeat dropped"
        );
        assert_eq!(item.assignments[0].via, "各县(市、区)政府");
        let dues: Vec<_> = item
            .milestones
            .iter()
            .map(|m| m.deadline.due_date().unwrap().to_string())
            .collect();
        assert_eq!(dues, ["2018-06-30", "2018-12-31"]);
        assert_eq!(item.targets[0].value, 165.0);
    }

    #[test]
    fn an_unknown_owner_names_file_record_and_field() {
        let err = parse(UNITS, &plan("市治气办", "water"), with_body(BODY)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("plans.toml"), "{msg}");
        assert!(msg.contains("第 1 条 [[plan]]"), "{msg}");
        assert!(msg.contains("owner"), "{msg}");
        assert!(msg.contains("市治气办"), "{msg}");
    }

    #[test]
    fn bad_codes_duplicates_and_unknown_fields_are_rejected() {
        let err = parse(UNITS, &plan("市治水办", "Water"), with_body(BODY)).unwrap_err();
        assert!(matches!(err, SeedError::Invalid { ref field, .. } if field == "code"));

        let twice = format!("{}{}", plan("市治水办", "water"), plan("市治水办", "water"));
        let err = parse(UNITS, &twice, with_body(BODY)).unwrap_err();
        assert!(err.to_string().contains("第 2 条"), "{err}");

        let extra = plan("市治水办", "water") + "colour = 1\n";
        let err = parse(UNITS, &extra, with_body(BODY)).unwrap_err();
        assert!(matches!(err, SeedError::Syntax { .. }), "{err}");
    }

    #[test]
    fn a_unit_name_used_twice_is_rejected() {
        let dup = format!(
            "{UNITS}\n[[unit]]\nname = \"市治水办(河长办)\"\nkind = \"office\"\nprovenance = \"x\"\n"
        );
        let err = parse(&dup, &plan("市治水办", "water"), with_body(BODY)).unwrap_err();
        assert!(err.to_string().contains("已被单位“市治水办”使用"), "{err}");
    }

    fn body_error(from: &str, to: &str) -> String {
        let body = BODY.replace(from, to);
        assert_ne!(body, BODY, "the replacement must change the body");
        parse(UNITS, &plan("市治水办", "water"), with_body(&body))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn plan_files_name_the_record_and_field_that_is_wrong() {
        let e = body_error("\"柯城区人民政府\"", "\"柯城区人民法院\"");
        assert!(e.contains("plans/water.toml"), "{e}");
        assert!(e.contains("第 1 条 [[item]] (number = 1)"), "{e}");
        assert!(
            e.contains("responsible") && e.contains("柯城区人民法院"),
            "{e}"
        );

        let e = body_error(
            "deadlines = [\"6月底前\", \"年底前\"]",
            "deadlines = [\"9月底前\"]",
        );
        assert!(e.contains("deadlines") && e.contains("9月底前"), "{e}");

        let e = body_error("quote = \"新建165公里管网\"", "quote = \"新建156公里管网\"");
        assert!(e.contains("[[target]]") && e.contains("quote"), "{e}");

        let e = body_error("task = 1\ntext", "task = 7\ntext");
        assert!(e.contains("任务 7 不存在"), "{e}");

        let e = body_error("[[item]]\nnumber = 1", "[[item]]\nnumber = 2");
        assert!(e.contains("编号应为 1"), "{e}");

        let e = body_error("direction = \"at_least\"", "direction = \"more\"");
        assert!(e.contains("direction"), "{e}");
    }
}
