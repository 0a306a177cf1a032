//! Indicator vocabularies: surface-water classes, pollutants, water parameters.

use crate::ParseError;
use serde::{Deserialize, Serialize};

/// GB 3838-2002 surface-water class. Lower is better; 劣V is worse than V.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WaterClass {
    I,
    II,
    III,
    IV,
    V,
    /// 劣V类.
    WorseThanV,
}

impl WaterClass {
    pub const ALL: [WaterClass; 6] = [
        WaterClass::I,
        WaterClass::II,
        WaterClass::III,
        WaterClass::IV,
        WaterClass::V,
        WaterClass::WorseThanV,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaterClass::I => "I",
            WaterClass::II => "II",
            WaterClass::III => "III",
            WaterClass::IV => "IV",
            WaterClass::V => "V",
            WaterClass::WorseThanV => "worse_than_v",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            WaterClass::I => "Ⅰ类",
            WaterClass::II => "Ⅱ类",
            WaterClass::III => "Ⅲ类",
            WaterClass::IV => "Ⅳ类",
            WaterClass::V => "Ⅴ类",
            WaterClass::WorseThanV => "劣Ⅴ类",
        }
    }

    /// A section meets its target when its class is the target class or better.
    pub fn meets(self, target: WaterClass) -> bool {
        self <= target
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                ParseError::new(
                    "target_class",
                    format!("水质类别“{s}”无效，应为 I–V 或 worse_than_v"),
                )
            })
    }
}

/// Air pollutants whose 2020 emission cuts the air plan sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Pollutant {
    SO2,
    NOx,
    VOCs,
}

impl Pollutant {
    pub fn as_str(self) -> &'static str {
        match self {
            Pollutant::SO2 => "SO2",
            Pollutant::NOx => "NOx",
            Pollutant::VOCs => "VOCs",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        [Pollutant::SO2, Pollutant::NOx, Pollutant::VOCs]
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                ParseError::new(
                    "pollutant",
                    format!("污染物“{s}”无效，应为 SO2 / NOx / VOCs"),
                )
            })
    }
}

/// Water parameters the drain limits are set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WaterParameter {
    /// 化学需氧量.
    Cod,
    /// 氨氮.
    Nh3N,
}

impl WaterParameter {
    pub fn as_str(self) -> &'static str {
        match self {
            WaterParameter::Cod => "COD",
            WaterParameter::Nh3N => "NH3-N",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        [WaterParameter::Cod, WaterParameter::Nh3N]
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ParseError::new("parameter", format!("指标“{s}”无效，应为 COD / NH3-N")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn water_classes_order_from_best_to_worst() {
        assert!(WaterClass::II.meets(WaterClass::III));
        assert!(WaterClass::III.meets(WaterClass::III));
        assert!(!WaterClass::IV.meets(WaterClass::III));
        assert!(!WaterClass::WorseThanV.meets(WaterClass::V));
        for c in WaterClass::ALL {
            assert_eq!(WaterClass::parse(c.as_str()), Ok(c));
        }
        assert!(WaterClass::parse("VI").is_err());
    }
}
