//! Units (单位): who leads and who is responsible for work.

use crate::ParseError;
use serde::{Deserialize, Serialize};

/// The raw fields of the admin's new-unit form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitForm {
    pub name: String,
    pub kind: String,
    /// Other spellings, one per line or separated by 、 or commas.
    pub aliases: String,
    /// Why the unit is added (kept as its provenance).
    pub note: String,
}

/// A unit to add, checked by [`NewUnit::parse`] (the store checks the name is free).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub aliases: Vec<String>,
    pub note: String,
}

impl NewUnit {
    pub fn parse(f: &UnitForm) -> Result<NewUnit, ParseError> {
        let name = f.name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(ParseError::new("name", "单位名称须为 1–60 个字"));
        }
        let kind = UnitKind::parse(f.kind.trim())?;
        let mut aliases: Vec<String> = Vec::new();
        for a in f
            .aliases
            .split(['\n', ',', '，', '、'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            if a == name || aliases.iter().any(|x| x == a) {
                return Err(ParseError::new("aliases", format!("别名“{a}”重复")));
            }
            aliases.push(a.to_owned());
        }
        let note = f.note.trim();
        if note.is_empty() {
            return Err(ParseError::new(
                "note",
                "请写明添加依据（如文件、会议纪要）",
            ));
        }
        Ok(NewUnit {
            name: name.to_owned(),
            kind,
            aliases,
            note: note.to_owned(),
        })
    }
}

/// What kind of body a unit is. Stored as text (`as_str`) with a CHECK constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 县(市、区)政府: the six county-level governments.
    CountyGovernment,
    /// 市级部门: 市环保局, 市住建局, …
    CityDepartment,
    /// 办公室 of a coordinating body: 市治水办, 市治气办, 市治土办, …
    Office,
    /// An enterprise such as 巨化集团公司.
    Enterprise,
    /// A management zone that the plans treat as an area: 集聚区, 市西区.
    ManagementZone,
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] = [
        UnitKind::CountyGovernment,
        UnitKind::CityDepartment,
        UnitKind::Office,
        UnitKind::Enterprise,
        UnitKind::ManagementZone,
    ];

    /// The stored form, also used as a CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::CountyGovernment => "county_government",
            UnitKind::CityDepartment => "city_department",
            UnitKind::Office => "office",
            UnitKind::Enterprise => "enterprise",
            UnitKind::ManagementZone => "management_zone",
        }
    }

    /// The Chinese label shown in the interface.
    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::CountyGovernment => "县级政府",
            UnitKind::CityDepartment => "市级部门",
            UnitKind::Office => "办公室",
            UnitKind::Enterprise => "企业",
            UnitKind::ManagementZone => "管委会",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ParseError::new(
                    "kind",
                    format!(
                        "未知的单位类型“{s}”，应为 {}",
                        Self::ALL.map(UnitKind::as_str).join(" / ")
                    ),
                )
            })
    }
}

/// A unit's name as written in the plans, trimmed, never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitName(String);

impl UnitName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ParseError::new("name", "单位名称不能为空"));
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::new(
                "name",
                format!("单位名称超过 {} 个字", Self::MAX_CHARS),
            ));
        }
        if t.chars().any(char::is_control) {
            return Err(ParseError::new("name", "单位名称含有控制字符"));
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UnitName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// “市环保局、市住建局” → both; brackets keep their commas (“各县(市、区)政府”).
pub fn split_units(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth -= 1,
            _ => {}
        }
        if depth <= 0 && matches!(c, '、' | '，' | ',' | '；' | ';' | '\n') {
            if !cur.trim().is_empty() {
                out.push(cur.trim().to_owned());
            }
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_unit_names_its_bad_field() {
        let good = UnitForm {
            name: " 市交通运输局 ".into(),
            kind: "city_department".into(),
            aliases: "市交通局、交通局\n".into(),
            note: "市政府办公室通知".into(),
        };
        let u = NewUnit::parse(&good).expect("good");
        assert_eq!(u.name, "市交通运输局");
        assert_eq!(u.aliases, ["市交通局", "交通局"]);
        for (f, field) in [
            (
                UnitForm {
                    name: " ".into(),
                    ..good.clone()
                },
                "name",
            ),
            (
                UnitForm {
                    kind: "club".into(),
                    ..good.clone()
                },
                "kind",
            ),
            (
                UnitForm {
                    aliases: "交通局,交通局".into(),
                    ..good.clone()
                },
                "aliases",
            ),
            (
                UnitForm {
                    note: String::new(),
                    ..good.clone()
                },
                "note",
            ),
        ] {
            assert_eq!(NewUnit::parse(&f).unwrap_err().field, field);
        }
    }

    #[test]
    fn unit_kind_round_trips_through_its_stored_form() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Ok(k));
        }
        let err = UnitKind::parse("ministry").unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.reason.contains("ministry"));
    }

    #[test]
    fn unit_names_are_trimmed_and_never_empty() {
        assert_eq!(UnitName::parse(" 市环保局 ").unwrap().as_str(), "市环保局");
        assert!(UnitName::parse("   ").is_err());
        assert!(UnitName::parse("市\u{7}局").is_err());
        assert!(UnitName::parse(&"局".repeat(61)).is_err());
    }
}
