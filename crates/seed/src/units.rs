//! `units.toml`: units, their aliases, and group phrases that stand for several units.

use crate::{invalid, require_text, SeedError, UNITS_FILE};
use sanzhi_domain::{ParseError, UnitKind, UnitName};
use sanzhi_model::{SeedGroup, SeedUnit};
use std::collections::BTreeMap;

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

    /// The existing unit a phrase most likely means when it names none: a truncated name
    /// (“市环保”, “衢州市环保局”) or one misspelt by a character or two (“市环宝局”). `None`
    /// when nothing is close.
    pub fn closest(&self, phrase: &str) -> Option<&UnitName> {
        let p = phrase.trim();
        let n = p.chars().count();
        if n < 2 {
            return None;
        }
        let allowed = if n <= 4 { 1 } else { 2 };
        self.names
            .iter()
            .filter_map(|(name, unit)| {
                let m = name.chars().count();
                // Cut at the end (“市环保” for “市环保局”), or a character more or less at
                // the start (“环保局”); never a short phrase inside a longer name (“市政府” is
                // not “江山市政府”).
                let truncated = n.min(m) >= 3
                    && ((name.starts_with(p) && m - n <= 3)
                        || ((name.ends_with(p) || p.ends_with(name.as_str()))
                            && m.abs_diff(n) <= 1));
                let distance = strsim::levenshtein(p, name);
                if truncated {
                    Some((0, name.len(), unit))
                } else if distance <= allowed {
                    Some((distance, name.len(), unit))
                } else {
                    None
                }
            })
            .min_by_key(|(d, len, _)| (*d, *len))
            .map(|(_, _, unit)| unit)
    }

    /// The group phrases the index knows.
    pub fn group_phrases(&self) -> impl Iterator<Item = &str> {
        self.groups.keys().map(String::as_str)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_is_offered_the_closest_unit() {
        let (_, _, index) = parse(
            r#"
[[unit]]
name = "市环保局"
kind = "city_department"
provenance = "测试"

[[unit]]
name = "市住建局"
kind = "city_department"
provenance = "测试"

[[unit]]
name = "江山市政府"
kind = "county_government"
aliases = ["江山市人民政府"]
provenance = "测试"
"#,
        )
        .expect("units");
        let closest = |p: &str| index.closest(p).map(UnitName::as_str);
        assert_eq!(closest("市环保"), Some("市环保局"), "cut at the end");
        assert_eq!(
            closest("环保局"),
            Some("市环保局"),
            "a character less at the start"
        );
        assert_eq!(closest("市环宝局"), Some("市环保局"), "one character wrong");
        assert_eq!(
            closest("江山市人民政付"),
            Some("江山市政府"),
            "an alias, misspelt"
        );
        assert_eq!(
            closest("市政府"),
            None,
            "not a short phrase inside a longer name"
        );
        assert_eq!(closest("市农业局"), None, "two characters off a short name");
        assert_eq!(closest("市"), None);
    }
}
