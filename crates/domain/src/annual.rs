//! Annual means from monthly values, with the completeness rule of GB 3095-2012 Table 4 /
//! HJ 663-2013 (as in `shared/reference/standards.md`): an annual mean is valid with at least
//! 324 daily values in the year and at least 27 in each month (25 in February). Completeness is
//! reported beside the mean, never hidden: a mean of too few days is still shown, marked.

use serde::{Deserialize, Serialize};

/// One month's mean and, when known, how many valid daily values it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthlyValue {
    /// 1–12.
    pub month: u32,
    pub value: f64,
    pub valid_days: Option<u32>,
}

impl From<&crate::reading::ReadingValue> for MonthlyValue {
    /// A monthly reading's month, value and valid days.
    fn from(r: &crate::reading::ReadingValue) -> Self {
        Self {
            month: r.key.month,
            value: r.value,
            valid_days: r.valid_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualMean {
    /// Weighted by valid days when every month says how many; else the mean of the months.
    pub mean: Option<f64>,
    pub months: u32,
    pub valid_days: Option<u32>,
    /// True only when the rule is met.
    pub complete: bool,
    /// Why not, in Chinese: missing months, months under their minimum, days unknown.
    pub gaps: Vec<String>,
}

/// The minimum valid days of a month for an annual mean.
pub fn min_days(month: u32) -> u32 {
    if month == 2 {
        25
    } else {
        27
    }
}

pub const MIN_DAYS_IN_YEAR: u32 = 324;

pub fn annual_mean(values: &[MonthlyValue]) -> AnnualMean {
    let mut by_month: Vec<MonthlyValue> = values
        .iter()
        .copied()
        .filter(|v| (1..=12).contains(&v.month) && v.value.is_finite() && v.value >= 0.0)
        .collect();
    by_month.sort_by_key(|v| v.month);
    by_month.dedup_by_key(|v| v.month);
    let months = u32::try_from(by_month.len()).unwrap_or(0);
    let mut gaps = Vec::new();
    let missing: Vec<String> = (1..=12u32)
        .filter(|m| !by_month.iter().any(|v| v.month == *m))
        .map(|m| format!("{m}月"))
        .collect();
    if !missing.is_empty() {
        gaps.push(format!("缺少 {} 的数据", missing.join("、")));
    }
    let all_days_known = by_month.iter().all(|v| v.valid_days.is_some());
    let valid_days = all_days_known.then(|| by_month.iter().filter_map(|v| v.valid_days).sum());
    if !all_days_known {
        gaps.push("部分月份未注明有效日数".to_owned());
    }
    for v in &by_month {
        if let Some(d) = v.valid_days {
            if d < min_days(v.month) {
                gaps.push(format!(
                    "{}月有效日数 {d} 天，少于 {} 天",
                    v.month,
                    min_days(v.month)
                ));
            }
        }
    }
    if let Some(total) = valid_days {
        if total < MIN_DAYS_IN_YEAR {
            gaps.push(format!(
                "全年有效日数 {total} 天，少于 {MIN_DAYS_IN_YEAR} 天"
            ));
        }
    }
    let mean = if by_month.is_empty() {
        None
    } else if let Some(total) = valid_days.filter(|t| *t > 0) {
        let weighted: f64 = by_month
            .iter()
            .map(|v| v.value * f64::from(v.valid_days.unwrap_or(0)))
            .sum();
        Some(weighted / f64::from(total))
    } else {
        Some(by_month.iter().map(|v| v.value).sum::<f64>() / f64::from(months))
    };
    AnnualMean {
        mean,
        months,
        valid_days,
        complete: gaps.is_empty(),
        gaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_year(value: impl Fn(u32) -> f64, days: impl Fn(u32) -> u32) -> Vec<MonthlyValue> {
        (1..=12)
            .map(|m| MonthlyValue {
                month: m,
                value: value(m),
                valid_days: Some(days(m)),
            })
            .collect()
    }

    #[test]
    fn a_complete_year_is_weighted_by_valid_days() {
        // 11 months of 30 days at 40, February 28 days at 54: (330·40 + 28·54) / 358.
        let y = full_year(
            |m| if m == 2 { 54.0 } else { 40.0 },
            |m| if m == 2 { 28 } else { 30 },
        );
        let a = annual_mean(&y);
        assert!(a.complete, "{:?}", a.gaps);
        assert_eq!(a.valid_days, Some(358));
        let want = (330.0 * 40.0 + 28.0 * 54.0) / 358.0;
        assert!((a.mean.unwrap() - want).abs() < 1e-9);
    }

    #[test]
    fn the_boundaries_of_the_rule() {
        // Exactly 27 days a month (25 in February) gives 322 < 324: incomplete.
        let y = full_year(|_| 35.0, min_days);
        let a = annual_mean(&y);
        assert_eq!(a.valid_days, Some(322));
        assert!(!a.complete);
        assert!(a.gaps.iter().any(|g| g.contains("少于 324 天")));
        // Two more days anywhere makes it complete.
        let y = full_year(|_| 35.0, |m| min_days(m) + u32::from(m == 3) * 2);
        assert!(annual_mean(&y).complete);
        // February with 24 days is short even when the year has enough.
        let y = full_year(|_| 35.0, |m| if m == 2 { 24 } else { 31 });
        let a = annual_mean(&y);
        assert!(!a.complete);
        assert!(a.gaps.iter().any(|g| g.contains("2月有效日数 24 天")));
    }

    #[test]
    fn missing_months_and_unknown_days_are_shown_not_hidden() {
        let y: Vec<_> = full_year(|_| 30.0, |_| 30)
            .into_iter()
            .filter(|v| v.month != 7 && v.month != 8)
            .collect();
        let a = annual_mean(&y);
        assert_eq!(a.months, 10);
        assert_eq!(a.mean, Some(30.0), "the mean of what there is");
        assert!(!a.complete);
        assert!(a.gaps[0].contains("7月、8月"));
        let unknown = [MonthlyValue {
            month: 1,
            value: 50.0,
            valid_days: None,
        }];
        let a = annual_mean(&unknown);
        assert_eq!(a.valid_days, None);
        assert!(a.gaps.iter().any(|g| g.contains("未注明有效日数")));
        assert_eq!(annual_mean(&[]).mean, None);
    }
}
