//! Where each place stands on a plan's own indicator in a year: the aggregate of its readings
//! against its target.

use super::*;

/// Where one place stands on a plan's own indicator in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorStanding {
    pub code: String,
    pub place: String,
    pub year: i32,
    pub through_month: u32,
    /// The annual mean so far, or the latest month's value, by the indicator's rule.
    pub value: Option<f64>,
    /// The month of the latest value (for a “latest” indicator).
    pub month: Option<u32>,
    pub annual: Option<AnnualMean>,
    pub target: Option<f64>,
    pub met: Option<bool>,
    pub any_demo: bool,
}

/// The standings of the plans' own indicators in `year`, up to `through_month`: one per
/// (indicator, place) with a target of that year or a reading, in the indicators' order and
/// then the targets' order.
pub fn plan_indicator_standings(
    indicators: &[PlanIndicator],
    targets: &[PlanTarget],
    readings: &[ReadingValue],
    year: i32,
    through_month: u32,
) -> Vec<IndicatorStanding> {
    standings_in(|_| readings, indicators, targets, year, through_month)
}

/// [`plan_indicator_standings`] of readings in [`crate::standing::reading_order`]: each
/// indicator's run found by a search, not by a pass over every reading of the year.
pub fn plan_indicator_standings_sorted(
    indicators: &[PlanIndicator],
    targets: &[PlanTarget],
    sorted: &[ReadingValue],
    year: i32,
    through_month: u32,
) -> Vec<IndicatorStanding> {
    standings_in(
        |code| crate::standing::indicator_range(sorted, code),
        indicators,
        targets,
        year,
        through_month,
    )
}

/// [`plan_indicator_standings`] over `rows(code)`: readings that hold every reading of that
/// indicator.
fn standings_in<'a>(
    rows: impl Fn(&str) -> &'a [ReadingValue],
    indicators: &[PlanIndicator],
    targets: &[PlanTarget],
    year: i32,
    through_month: u32,
) -> Vec<IndicatorStanding> {
    let mut out = Vec::new();
    for d in indicators {
        let mut places: Vec<&str> = Vec::new();
        let mut by_place: std::collections::HashMap<&str, Vec<&ReadingValue>> =
            std::collections::HashMap::new();
        for t in targets
            .iter()
            .filter(|t| t.indicator == d.code && t.year == year)
        {
            if !by_place.contains_key(t.place.as_str()) {
                by_place.insert(&t.place, Vec::new());
                places.push(&t.place);
            }
        }
        for r in rows(&d.code).iter().filter(|r| {
            r.key.indicator == d.code && r.key.year == year && r.key.month <= through_month
        }) {
            by_place
                .entry(&r.key.place)
                .or_insert_with(|| {
                    places.push(&r.key.place);
                    Vec::new()
                })
                .push(r);
        }
        for place in places {
            let months: Vec<&&ReadingValue> = by_place
                .get(place)
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            let target = targets
                .iter()
                .find(|t| t.indicator == d.code && t.year == year && t.place == place)
                .map(|t| t.value);
            let (value, month, annual) = match d.aggregate {
                Aggregate::Latest => {
                    let latest = months.iter().max_by_key(|r| r.key.month);
                    (latest.map(|r| r.value), latest.map(|r| r.key.month), None)
                }
                Aggregate::Mean => {
                    let values: Vec<MonthlyValue> =
                        months.iter().map(|r| MonthlyValue::from(**r)).collect();
                    let a = annual_mean(&values);
                    (a.mean, None, Some(a))
                }
            };
            out.push(IndicatorStanding {
                code: d.code.clone(),
                place: place.to_owned(),
                year,
                through_month,
                met: match (value, target) {
                    (Some(v), Some(t)) => Some(d.better.meets(v, t)),
                    _ => None,
                },
                value,
                month,
                annual,
                target,
                any_demo: months.iter().any(|r| r.is_demo),
            });
        }
    }
    out
}
