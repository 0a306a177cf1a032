//! The indicators' targets: PM2.5 by area and year (with a chart), the 水十条 sections and
//! their target classes, the drain limits that step down each July, and the rate goals.
//! Readings and met / not-met come with the readings themselves.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::IndicatorTargets;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorsPage {
    pub year: i32,
    pub targets: IndicatorTargets,
    /// The PM2.5 chart of `year`, SVG text rendered on the server (text escaped by plotters).
    pub pm25_svg: String,
}

#[server(prefix = "/api", endpoint = "indicators")]
pub async fn get_indicators(year: Option<i32>) -> Result<IndicatorsPage, AppError> {
    inner::indicators(&crate::api::store()?, year).await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_store::Store;

    pub async fn indicators(store: &Store, year: Option<i32>) -> Result<IndicatorsPage, AppError> {
        let targets = store.indicator_targets().await?;
        let years: Vec<i32> = targets.pm25.iter().map(|r| r.year).collect();
        let (Some(first), Some(last)) = (years.iter().min(), years.iter().max()) else {
            return Err(AppError::NotFound("PM2.5 目标".to_owned()));
        };
        let year = year.unwrap_or(*last);
        if !(*first..=*last).contains(&year) {
            return Err(AppError::BadRequest(format!(
                "year：{year} 年没有目标，应在 {first}–{last} 之间"
            )));
        }
        let pm25_svg = crate::charts::pm25_targets_svg(&targets.pm25, year).map_err(|e| {
            tracing::error!(error = %e, "PM2.5 chart");
            AppError::Internal
        })?;
        Ok(IndicatorsPage {
            year,
            targets,
            pm25_svg,
        })
    }
}
