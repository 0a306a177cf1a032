//! Units, their aliases, and group phrases that stand for several units.

use sanzhi_domain::{UnitKind, UnitName};

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
