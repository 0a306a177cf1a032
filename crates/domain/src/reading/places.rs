//! The places readings are taken at, and the indicators (the catalogue's and the plans' own)
//! with their places, looked up by code or name.

use super::*;

/// The places each kind of indicator may be read at (from the reference tables), and the
/// indicators the plans in effect define beside the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Places {
    pub areas: Vec<String>,
    pub sections: Vec<String>,
    pub drains: Vec<String>,
    /// The plans' own indicators (not the catalogue's) that readings may be taken of.
    #[serde(default)]
    pub indicators: Vec<crate::measure::PlanIndicator>,
}

/// An indicator readings may be taken of: the catalogue's or a plan's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorRef<'a> {
    pub code: &'a str,
    pub name_zh: &'a str,
    pub unit: &'a str,
    pub better: Better,
    pub place_kind: PlaceKind,
    /// The plan that defines it (whose coordinators enter its readings).
    pub plan: &'a str,
    pub max_plausible: f64,
}

impl<'a> IndicatorRef<'a> {
    fn of_plan(d: &'a crate::measure::PlanIndicator) -> Self {
        IndicatorRef {
            code: &d.code,
            name_zh: &d.name_zh,
            unit: &d.unit,
            better: d.better,
            place_kind: d.place_kind,
            plan: &d.plan,
            max_plausible: d.max_plausible,
        }
    }
}

impl Places {
    /// The indicator with this code or Chinese name: the catalogue's first, then the plans'.
    pub fn indicator(&self, code_or_name: &str) -> Option<IndicatorRef<'_>> {
        if let Some(d) = indicator(code_or_name) {
            return Some(d.into());
        }
        let s = code_or_name.trim();
        self.indicators
            .iter()
            .find(|d| d.code.eq_ignore_ascii_case(s) || d.name_zh == s)
            .map(IndicatorRef::of_plan)
    }

    /// Every indicator readings may be taken of: the catalogue, then the plans' own.
    pub fn all_indicators(&self) -> Vec<IndicatorRef<'_>> {
        let catalogue = CATALOGUE.iter().map(|d| -> IndicatorRef<'_> { d.into() });
        catalogue
            .chain(self.indicators.iter().map(IndicatorRef::of_plan))
            .collect()
    }

    pub fn of(&self, kind: PlaceKind) -> Vec<String> {
        match kind {
            PlaceKind::Area => self.areas.clone(),
            PlaceKind::Section => self.sections.clone(),
            PlaceKind::Drain => self.drains.clone(),
            PlaceKind::City => vec![CITY.to_owned()],
        }
    }

    /// A lookup over these places: build it once when checking many readings (a file of a
    /// million rows against thousands of sections).
    pub fn index(&self) -> PlaceIndex<'_> {
        fn set(v: &[String]) -> rustc_hash::FxHashSet<&str> {
            v.iter().map(String::as_str).collect()
        }
        PlaceIndex {
            areas: set(&self.areas),
            sections: set(&self.sections),
            drains: set(&self.drains),
        }
    }

    /// The places of `kind` for an error message: all of them, or the first 30 and a count.
    pub(super) fn listed(&self, kind: PlaceKind) -> String {
        const SHOWN: usize = 30;
        let all = self.of(kind);
        if all.len() <= SHOWN {
            all.join("、")
        } else {
            format!(
                "{} 等 {} 个（全部见 /api/indicators.csv）",
                all[..SHOWN].join("、"),
                all.len()
            )
        }
    }
}

/// [`Places`] as sets, for checking many readings.
#[derive(Debug, Clone, Default)]
pub struct PlaceIndex<'a> {
    areas: rustc_hash::FxHashSet<&'a str>,
    sections: rustc_hash::FxHashSet<&'a str>,
    drains: rustc_hash::FxHashSet<&'a str>,
}

impl PlaceIndex<'_> {
    pub(super) fn contains(&self, kind: PlaceKind, place: &str) -> bool {
        match kind {
            PlaceKind::Area => self.areas.contains(place),
            PlaceKind::Section => self.sections.contains(place),
            PlaceKind::Drain => self.drains.contains(place),
            PlaceKind::City => place == CITY,
        }
    }
}
