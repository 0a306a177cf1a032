//! The `seed/` folder: structured, hand-checkable files that describe plans and units.
//!
//! Reading happens in two steps: TOML is deserialised into raw records (`raw`), then every
//! record is validated into domain types and cross-checked (names unique, references
//! resolve). Any problem is reported as a [`SeedError`] naming the file, the record and the
//! field, so a person can fix the line; nothing is loaded until the whole bundle is valid.

use sanzhi_domain::{ParseError, Period, PlanCode, UnitKind, UnitName};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The file names inside `seed/`, in load order.
pub const UNITS_FILE: &str = "units.toml";
pub const PLANS_FILE: &str = "plans.toml";

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

/// A unit as the seed describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUnit {
    pub name: UnitName,
    pub kind: UnitKind,
    pub aliases: Vec<UnitName>,
    pub provenance: String,
}

/// A plan as the seed describes it. `owner` is the canonical name of an existing unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedPlan {
    pub code: PlanCode,
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    pub owner: UnitName,
    pub period: Period,
    pub sort_order: i32,
    pub provenance: String,
    pub goals: Vec<String>,
}

/// Everything in `seed/`, validated and cross-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedBundle {
    pub units: Vec<SeedUnit>,
    pub plans: Vec<SeedPlan>,
}

mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct UnitsFile {
        #[serde(default)]
        pub unit: Vec<Unit>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Unit {
        pub name: String,
        pub kind: String,
        #[serde(default)]
        pub aliases: Vec<String>,
        pub provenance: String,
    }

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
        pub owner: String,
        pub start_year: i32,
        pub end_year: i32,
        #[serde(default)]
        pub sort_order: i32,
        pub provenance: String,
        pub goals: Vec<String>,
    }
}

/// Reads and validates the seed folder at `dir`.
pub fn load_dir(dir: &Path) -> Result<SeedBundle, SeedError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| SeedError::Io {
            file: path.display().to_string(),
            reason: e.to_string(),
        })
    };
    parse(&read(UNITS_FILE)?, &read(PLANS_FILE)?)
}

/// Validates seed text already in memory (what `load_dir` reads).
pub fn parse(units_toml: &str, plans_toml: &str) -> Result<SeedBundle, SeedError> {
    let units_file: raw::UnitsFile = from_toml(UNITS_FILE, units_toml)?;
    let plans_file: raw::PlansFile = from_toml(PLANS_FILE, plans_toml)?;

    let mut units = Vec::with_capacity(units_file.unit.len());
    // Every name and alias, pointing at the canonical name it stands for.
    let mut names: BTreeMap<String, UnitName> = BTreeMap::new();
    for (i, u) in units_file.unit.into_iter().enumerate() {
        let record = format!("第 {} 条 [[unit]] (name = \"{}\")", i + 1, u.name);
        let invalid = |e: ParseError| invalid(UNITS_FILE, &record, e.field, e.reason);
        let name = UnitName::parse(&u.name).map_err(invalid)?;
        let kind = UnitKind::parse(&u.kind).map_err(invalid)?;
        let aliases = u
            .aliases
            .iter()
            .map(|a| UnitName::parse(a).map_err(|e| invalid(ParseError::new("aliases", e.reason))))
            .collect::<Result<Vec<_>, _>>()?;
        require_text(UNITS_FILE, &record, "provenance", &u.provenance)?;
        for n in std::iter::once(&name).chain(&aliases) {
            if let Some(prev) = names.insert(n.as_str().to_owned(), name.clone()) {
                return Err(self::invalid(
                    UNITS_FILE,
                    &record,
                    "name",
                    format!("名称“{n}”已被单位“{prev}”使用"),
                ));
            }
        }
        units.push(SeedUnit {
            name,
            kind,
            aliases,
            provenance: u.provenance.trim().to_owned(),
        });
    }

    let mut plans = Vec::with_capacity(plans_file.plan.len());
    let mut codes = BTreeSet::new();
    for (i, p) in plans_file.plan.into_iter().enumerate() {
        let record = format!("第 {} 条 [[plan]] (code = \"{}\")", i + 1, p.code);
        let invalid = |e: ParseError| invalid(PLANS_FILE, &record, e.field, e.reason);
        let code = PlanCode::parse(&p.code).map_err(invalid)?;
        if !codes.insert(code.clone()) {
            return Err(self::invalid(
                PLANS_FILE,
                &record,
                "code",
                format!("方案代码“{code}”重复"),
            ));
        }
        let period = Period::new(p.start_year, p.end_year).map_err(invalid)?;
        for (field, value) in [
            ("doc_no", &p.doc_no),
            ("title", &p.title),
            ("short_name", &p.short_name),
            ("provenance", &p.provenance),
        ] {
            require_text(PLANS_FILE, &record, field, value)?;
        }
        let owner = names.get(p.owner.trim()).cloned().ok_or_else(|| {
            self::invalid(
                PLANS_FILE,
                &record,
                "owner",
                format!("单位“{}”不在 {UNITS_FILE} 中", p.owner),
            )
        })?;
        if p.goals.is_empty() {
            return Err(self::invalid(
                PLANS_FILE,
                &record,
                "goals",
                "至少需要一段工作目标",
            ));
        }
        for (j, g) in p.goals.iter().enumerate() {
            require_text(PLANS_FILE, &record, &format!("goals[{}]", j + 1), g)?;
        }
        plans.push(SeedPlan {
            code,
            doc_no: p.doc_no.trim().to_owned(),
            title: p.title.trim().to_owned(),
            short_name: p.short_name.trim().to_owned(),
            owner,
            period,
            sort_order: p.sort_order,
            provenance: p.provenance.trim().to_owned(),
            goals: p.goals.iter().map(|g| g.trim().to_owned()).collect(),
        });
    }

    Ok(SeedBundle { units, plans })
}

fn from_toml<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, SeedError> {
    toml::from_str(text).map_err(|e| SeedError::Syntax {
        file: file.to_owned(),
        message: e.to_string(),
    })
}

fn invalid(file: &str, record: &str, field: &str, reason: impl Into<String>) -> SeedError {
    SeedError::Invalid {
        file: file.to_owned(),
        record: record.to_owned(),
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn require_text(file: &str, record: &str, field: &str, value: &str) -> Result<(), SeedError> {
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
provenance = "正文"
goals = ["目标"]
"#
        )
    }

    #[test]
    fn a_valid_bundle_resolves_owner_aliases_to_the_canonical_unit() {
        let b = parse(UNITS, &plan("市治水办(河长办)", "water")).unwrap();
        assert_eq!(b.units.len(), 1);
        assert_eq!(b.plans[0].owner.as_str(), "市治水办");
        assert_eq!(b.plans[0].period.start_year(), 2018);
    }

    #[test]
    fn an_unknown_owner_names_file_record_and_field() {
        let err = parse(UNITS, &plan("市治气办", "water")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("plans.toml"), "{msg}");
        assert!(msg.contains("第 1 条 [[plan]]"), "{msg}");
        assert!(msg.contains("owner"), "{msg}");
        assert!(msg.contains("市治气办"), "{msg}");
    }

    #[test]
    fn bad_codes_duplicates_and_unknown_fields_are_rejected() {
        let err = parse(UNITS, &plan("市治水办", "Water")).unwrap_err();
        assert!(matches!(err, SeedError::Invalid { ref field, .. } if field == "code"));

        let twice = format!("{}{}", plan("市治水办", "water"), plan("市治水办", "water"));
        let err = parse(UNITS, &twice).unwrap_err();
        assert!(err.to_string().contains("第 2 条"), "{err}");

        let extra = plan("市治水办", "water").replace("sort_order", "x") + "colour = 1\n";
        let err = parse(UNITS, &extra).unwrap_err();
        assert!(matches!(err, SeedError::Syntax { .. }), "{err}");
    }

    #[test]
    fn a_unit_name_used_twice_is_rejected() {
        let dup = format!("{UNITS}\n[[unit]]\nname = \"市治水办(河长办)\"\nkind = \"office\"\nprovenance = \"x\"\n");
        let err = parse(&dup, &plan("市治水办", "water")).unwrap_err();
        assert!(err.to_string().contains("已被单位“市治水办”使用"), "{err}");
    }

    #[test]
    fn the_shipped_seed_folder_is_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed");
        let b = load_dir(&dir).unwrap();
        let codes: Vec<_> = b.plans.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["water", "air", "soil"]);
        assert!(b.plans.iter().all(|p| p.doc_no == "衢政办发〔2018〕43号"));
        assert_eq!(b.plans[2].goals.len(), 2);
        assert!(b.plans[1].goals[0].contains("2018年,衢州市区PM2.5平均浓度控制在40微克/立方米以下"));
    }
}
