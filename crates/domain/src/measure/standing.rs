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
    let mut out = Vec::new();
    for d in indicators {
        let mut places: Vec<&str> = targets
            .iter()
            .filter(|t| t.indicator == d.code && t.year == year)
            .map(|t| t.place.as_str())
            .collect();
        let mine: Vec<&ReadingValue> = readings
            .iter()
            .filter(|r| {
                r.key.indicator == d.code && r.key.year == year && r.key.month <= through_month
            })
            .collect();
        for r in &mine {
            if !places.contains(&r.key.place.as_str()) {
                places.push(&r.key.place);
            }
        }
        for place in places {
            let months: Vec<&&ReadingValue> =
                mine.iter().filter(|r| r.key.place == place).collect();
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
