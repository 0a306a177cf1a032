//! `units.toml`: units, their aliases, and group phrases that stand for several units.

use crate::{invalid, require_text, SeedError, UNITS_FILE};
use sanzhi_domain::{ParseError, UnitKind, UnitName};
use std::collections::BTreeMap;

/// A unit as the seed describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUnit {
    pub name: UnitName,
    pub kind: UnitKind,
    pub aliases: Vec<UnitName>,
    pub provenance: String,
}

/// A phrase of the tables that means several units (“各县(市、区)政府”).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedGroup {
    pub phrase: String,
    /// Canonical unit names.
    pub members: Vec<UnitName>,
    pub provenance: String,
}

mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        #[serde(default)]
        pub unit: Vec<Unit>,
        #[serde(default)]
        pub group: Vec<Group>,
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
    pub struct Group {
        pub phrase: String,
        pub members: Vec<String>,
        pub provenance: String,
    }
}

/// Resolves the unit phrases of the tables to canonical units.
#[derive(Debug, Clone, Default)]
pub struct UnitIndex {
    /// Every name and alias → canonical name.
    names: BTreeMap<String, UnitName>,
    /// Group phrase → canonical member names.
    groups: BTreeMap<String, Vec<UnitName>>,
}

impl UnitIndex {
    /// The canonical name for a unit's name or alias.
    pub fn resolve(&self, name: &str) -> Option<&UnitName> {
        self.names.get(name.trim())
    }

    /// The units a phrase stands for, each with the phrase that produced it.
    pub fn expand(&self, phrase: &str) -> Result<Vec<(UnitName, String)>, String> {
        let p = phrase.trim();
        if let Some(members) = self.groups.get(p) {
            return Ok(members.iter().map(|m| (m.clone(), p.to_owned())).collect());
        }
        self.resolve(p)
            .map(|u| vec![(u.clone(), p.to_owned())])
            .ok_or_else(|| format!("单位“{p}”不在 {UNITS_FILE} 中（既非单位名、别名，也非单位组）"))
    }
}

pub(crate) fn parse(text: &str) -> Result<(Vec<SeedUnit>, Vec<SeedGroup>, UnitIndex), SeedError> {
    let f: raw::File = crate::from_toml(UNITS_FILE, text)?;
    let mut index = UnitIndex::default();
    let mut units = Vec::with_capacity(f.unit.len());
    for (i, u) in f.unit.into_iter().enumerate() {
        let record = format!("第 {} 条 [[unit]] (name = \"{}\")", i + 1, u.name);
        let bad = |e: ParseError| invalid(UNITS_FILE, &record, e.field, e.reason);
        let name = UnitName::parse(&u.name).map_err(bad)?;
        let kind = UnitKind::parse(&u.kind).map_err(bad)?;
        let aliases = u
            .aliases
            .iter()
            .map(|a| UnitName::parse(a).map_err(|e| bad(ParseError::new("aliases", e.reason))))
            .collect::<Result<Vec<_>, _>>()?;
        require_text(UNITS_FILE, &record, "provenance", &u.provenance)?;
        for n in std::iter::once(&name).chain(&aliases) {
            if let Some(prev) = index.names.insert(n.as_str().to_owned(), name.clone()) {
                return Err(invalid(
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
    let mut groups = Vec::with_capacity(f.group.len());
    for (i, g) in f.group.into_iter().enumerate() {
        let record = format!("第 {} 条 [[group]] (phrase = \"{}\")", i + 1, g.phrase);
        require_text(UNITS_FILE, &record, "phrase", &g.phrase)?;
        require_text(UNITS_FILE, &record, "provenance", &g.provenance)?;
        if index.names.contains_key(g.phrase.trim()) || index.groups.contains_key(g.phrase.trim()) {
            return Err(invalid(
                UNITS_FILE,
                &record,
                "phrase",
                "与单位名、别名或其他单位组重复",
            ));
        }
        if g.members.is_empty() {
            return Err(invalid(UNITS_FILE, &record, "members", "单位组不能为空"));
        }
        let members = g
            .members
            .iter()
            .map(|m| {
                index.resolve(m).cloned().ok_or_else(|| {
                    invalid(UNITS_FILE, &record, "members", format!("单位“{m}”不存在"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        index
            .groups
            .insert(g.phrase.trim().to_owned(), members.clone());
        groups.push(SeedGroup {
            phrase: g.phrase.trim().to_owned(),
            members,
            provenance: g.provenance.trim().to_owned(),
        });
    }
    Ok((units, groups, index))
}
