//! Surface-water class of a section from its measured parameters: GB 3838-2002 Table 1 and the
//! single-factor rule of 地表水环境质量评价办法(试行) (环办〔2011〕22号), as summarised in
//! `shared/reference/standards.md`.
//!
//! - The section takes the worst class among its assessed parameters; worse than V is 劣V.
//! - A value equal to a limit belongs to that class.
//! - Water temperature, total nitrogen and fecal coliform are not assessed for the class.
//! - Lakes and reservoirs (铜山源水库) use the lake/reservoir total-phosphorus column.
//! - A section meets its target when its class is the target class or better; the parameters
//!   worse than the target class are its 超标项目.

use crate::WaterClass;
use serde::{Deserialize, Serialize};

/// A parameter that decides the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Parameter {
    /// 溶解氧, higher is better.
    DissolvedOxygen,
    /// 高锰酸盐指数.
    CodMn,
    /// 化学需氧量.
    Cod,
    /// 五日生化需氧量.
    Bod5,
    /// 氨氮.
    AmmoniaN,
    /// 总磷.
    TotalP,
}

impl Parameter {
    pub const ALL: [Parameter; 6] = [
        Parameter::DissolvedOxygen,
        Parameter::CodMn,
        Parameter::Cod,
        Parameter::Bod5,
        Parameter::AmmoniaN,
        Parameter::TotalP,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Parameter::DissolvedOxygen => "溶解氧",
            Parameter::CodMn => "高锰酸盐指数",
            Parameter::Cod => "化学需氧量",
            Parameter::Bod5 => "五日生化需氧量",
            Parameter::AmmoniaN => "氨氮",
            Parameter::TotalP => "总磷",
        }
    }

    /// Limits for classes I–V in mg/L (Table 1).
    fn limits(self, reservoir: bool) -> [f64; 5] {
        match self {
            Parameter::DissolvedOxygen => [7.5, 6.0, 5.0, 3.0, 2.0],
            Parameter::CodMn => [2.0, 4.0, 6.0, 10.0, 15.0],
            Parameter::Cod => [15.0, 15.0, 20.0, 30.0, 40.0],
            Parameter::Bod5 => [3.0, 3.0, 4.0, 6.0, 10.0],
            Parameter::AmmoniaN => [0.15, 0.5, 1.0, 1.5, 2.0],
            Parameter::TotalP if reservoir => [0.01, 0.025, 0.05, 0.1, 0.2],
            Parameter::TotalP => [0.02, 0.1, 0.2, 0.3, 0.4],
        }
    }

    /// The limit of `class` (I–V); `None` for 劣V, which has no limit.
    pub fn limit_for(self, class: WaterClass, reservoir: bool) -> Option<f64> {
        let i = match class {
            WaterClass::I => 0,
            WaterClass::II => 1,
            WaterClass::III => 2,
            WaterClass::IV => 3,
            WaterClass::V => 4,
            WaterClass::WorseThanV => return None,
        };
        Some(self.limits(reservoir)[i])
    }

    fn higher_is_better(self) -> bool {
        matches!(self, Parameter::DissolvedOxygen)
    }

    /// The class this one value falls in.
    pub fn class_of(self, value: f64, reservoir: bool) -> WaterClass {
        const CLASSES: [WaterClass; 5] = [
            WaterClass::I,
            WaterClass::II,
            WaterClass::III,
            WaterClass::IV,
            WaterClass::V,
        ];
        let limits = self.limits(reservoir);
        for (class, limit) in CLASSES.into_iter().zip(limits) {
            let within = if self.higher_is_better() {
                value >= limit
            } else {
                value <= limit
            };
            if within {
                return class;
            }
        }
        WaterClass::WorseThanV
    }
}

/// The result of classifying one sample (or one annual mean) of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// `None` when no assessed parameter was measured.
    pub class: Option<WaterClass>,
    /// Each measured parameter with the class it falls in, worst first.
    pub by_parameter: Vec<(Parameter, WaterClass)>,
    /// Parameters that were not measured: the class may be better than the truth.
    pub missing: Vec<Parameter>,
}

impl Classification {
    /// Whether the section meets `target`; `None` when there is no class.
    pub fn meets(&self, target: WaterClass) -> Option<bool> {
        self.class.map(|c| c.meets(target))
    }

    /// The 超标项目: parameters worse than `target`, worst first.
    pub fn exceeding(&self, target: WaterClass) -> Vec<Parameter> {
        self.by_parameter
            .iter()
            .filter(|(_, c)| !c.meets(target))
            .map(|(p, _)| *p)
            .collect()
    }

    /// Main pollutants, reported for sections worse than III: the three worst parameters
    /// that are worse than III.
    pub fn main_pollutants(&self) -> Vec<Parameter> {
        self.exceeding(WaterClass::III)
            .into_iter()
            .take(3)
            .collect()
    }
}

/// Classifies a section from measured values (mg/L). Values that are not finite or negative
/// are treated as not measured.
pub fn classify(values: &[(Parameter, f64)], reservoir: bool) -> Classification {
    let mut by_parameter: Vec<(Parameter, WaterClass)> = Vec::new();
    for p in Parameter::ALL {
        if let Some((_, v)) = values
            .iter()
            .find(|(q, v)| *q == p && v.is_finite() && *v >= 0.0)
        {
            by_parameter.push((p, p.class_of(*v, reservoir)));
        }
    }
    // Worst first; ties in the order of Table 1.
    by_parameter.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let missing = Parameter::ALL
        .into_iter()
        .filter(|p| !by_parameter.iter().any(|(q, _)| q == p))
        .collect();
    Classification {
        class: by_parameter.first().map(|(_, c)| *c),
        by_parameter,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Parameter::*;

    #[test]
    fn a_value_equal_to_a_limit_belongs_to_that_class() {
        assert_eq!(AmmoniaN.class_of(0.5, false), WaterClass::II);
        assert_eq!(AmmoniaN.class_of(0.5001, false), WaterClass::III);
        assert_eq!(AmmoniaN.class_of(2.0, false), WaterClass::V);
        assert_eq!(AmmoniaN.class_of(2.01, false), WaterClass::WorseThanV);
        // COD: I and II share 15.
        assert_eq!(Cod.class_of(15.0, false), WaterClass::I);
        assert_eq!(Cod.class_of(15.1, false), WaterClass::III);
        // Dissolved oxygen: higher is better.
        assert_eq!(DissolvedOxygen.class_of(7.5, false), WaterClass::I);
        assert_eq!(DissolvedOxygen.class_of(5.9, false), WaterClass::III);
        assert_eq!(DissolvedOxygen.class_of(1.9, false), WaterClass::WorseThanV);
    }

    #[test]
    fn limits_by_class() {
        assert_eq!(Cod.limit_for(WaterClass::II, false), Some(15.0));
        assert_eq!(TotalP.limit_for(WaterClass::III, true), Some(0.05));
        assert_eq!(DissolvedOxygen.limit_for(WaterClass::III, false), Some(5.0));
        assert_eq!(AmmoniaN.limit_for(WaterClass::WorseThanV, false), None);
    }

    #[test]
    fn reservoirs_use_the_stricter_phosphorus_column() {
        assert_eq!(TotalP.class_of(0.05, false), WaterClass::II);
        assert_eq!(TotalP.class_of(0.05, true), WaterClass::III);
        assert_eq!(TotalP.class_of(0.15, true), WaterClass::V);
    }

    #[test]
    fn the_worst_parameter_decides_and_exceedances_are_listed() {
        // A hand-computed case: DO 6.5 (II), CODMn 3.1 (II), COD 18 (III), BOD5 2.5 (I),
        // NH3-N 1.2 (IV), TP 0.12 (III) → IV; against a III target NH3-N exceeds.
        let v = [
            (DissolvedOxygen, 6.5),
            (CodMn, 3.1),
            (Cod, 18.0),
            (Bod5, 2.5),
            (AmmoniaN, 1.2),
            (TotalP, 0.12),
        ];
        let c = classify(&v, false);
        assert_eq!(c.class, Some(WaterClass::IV));
        assert_eq!(c.meets(WaterClass::III), Some(false));
        assert_eq!(c.exceeding(WaterClass::III), [AmmoniaN]);
        assert_eq!(c.exceeding(WaterClass::II), [AmmoniaN, Cod, TotalP]);
        assert_eq!(c.main_pollutants(), [AmmoniaN]);
        assert!(c.missing.is_empty());
    }

    #[test]
    fn missing_parameters_are_reported_not_guessed() {
        let c = classify(&[(AmmoniaN, 0.3), (TotalP, f64::NAN)], false);
        assert_eq!(c.class, Some(WaterClass::II));
        assert_eq!(c.missing.len(), 5);
        assert!(c.missing.contains(&TotalP));
        let none = classify(&[], true);
        assert_eq!(none.class, None);
        assert_eq!(none.meets(WaterClass::III), None);
    }
}
