//! The reference tables of the plans: `indicators.toml`, `enterprises.csv`, `stations.toml`.

use crate::units::UnitIndex;
use crate::{invalid, require_text, SeedError};
use chrono::NaiveDate;
use sanzhi_domain::{Direction, ParseError, Pollutant, WaterClass, WaterParameter};

pub use sanzhi_model::reference::{
    DrainLimit, DrainRelativeLimit, EmissionCut, Enterprise, Pm25Target, RateGoal, Reference,
    Station, WaterSection, YearlyGoal,
};

pub const INDICATORS_FILE: &str = "indicators.toml";
pub const ENTERPRISES_FILE: &str = "enterprises.csv";
pub const STATIONS_FILE: &str = "stations.toml";

mod raw {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Indicators {
        #[serde(default)]
        pub pm25_target: Vec<Pm25>,
        #[serde(default)]
        pub city_pm25_target: Vec<CityPm25>,
        #[serde(default)]
        pub emission_cut: Vec<Cut>,
        #[serde(default)]
        pub water_section: Vec<Section>,
        #[serde(default)]
        pub drain_limit: Vec<Drain>,
        #[serde(default)]
        pub drain_relative_limit: Vec<DrainRelative>,
        #[serde(default)]
        pub rate_goal: Vec<Rate>,
        #[serde(default)]
        pub yearly_goal: Vec<Yearly>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Pm25 {
        pub area: String,
        pub year: i32,
        pub value: f64,
        #[serde(default)]
        pub qualifier: String,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CityPm25 {
        pub area: String,
        pub year: i32,
        pub value: f64,
        #[serde(default)]
        pub comparator: String,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Cut {
        pub area: String,
        pub pollutant: String,
        pub percent: Option<f64>,
        pub raw: String,
        #[serde(default)]
        pub note: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Section {
        pub name: String,
        pub target_class: String,
        pub reservoir: bool,
        pub table_name: Option<String>,
        #[serde(default)]
        pub note: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Drain {
        pub drain: String,
        pub parameter: String,
        pub limit_mg_l: f64,
        pub effective_from: String,
        pub raw: String,
        #[serde(default)]
        pub note: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct DrainRelative {
        pub drain: String,
        #[serde(default)]
        pub area: String,
        pub parameters: Vec<String>,
        pub effective_from: String,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Rate {
        pub metric: String,
        pub year: i32,
        pub percent: f64,
        pub comparator: String,
        pub raw: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Yearly {
        pub plan: String,
        pub task: Option<i32>,
        pub year: i32,
        pub text: String,
        #[serde(default)]
        pub span: String,
        #[serde(default)]
        pub note: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Stations {
        #[serde(default)]
        pub station: Vec<Station>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Station {
        pub seq: i32,
        pub area: String,
        pub name: String,
        pub provenance: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct EnterpriseRow {
        pub seq: i32,
        pub town: String,
        pub name: String,
        pub responsible: String,
        pub provenance: String,
    }
}

fn date(file: &str, record: &str, field: &str, s: &str) -> Result<NaiveDate, SeedError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| invalid(file, record, field, format!("“{s}”不是 YYYY-MM-DD 日期")))
}

fn year(file: &str, record: &str, y: i32) -> Result<i32, SeedError> {
    if (1949..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(invalid(
            file,
            record,
            "year",
            format!("年份 {y} 超出 1949–2100"),
        ))
    }
}

fn number(file: &str, record: &str, field: &str, v: f64) -> Result<f64, SeedError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(invalid(file, record, field, format!("{v} 不是非负数")))
    }
}

/// Parses the three reference files. `plans` are the codes of the plans in `plans.toml`.
pub(crate) fn parse(
    indicators: &str,
    enterprises: &str,
    stations: &str,
    units: &UnitIndex,
    plans: &[&str],
) -> Result<Reference, SeedError> {
    let ind: raw::Indicators = crate::from_toml(INDICATORS_FILE, indicators)?;
    let mut out = Reference::default();
    air_tables(&ind, units, &mut out)?;
    water_tables(&ind, &mut out)?;
    goal_tables(&ind, plans, &mut out)?;
    parse_enterprises(enterprises, units, &mut out)?;
    parse_stations(stations, units, &mut out)?;
    Ok(out)
}

/// `indicators.toml`: the PM2.5 targets (by county, and for 衢州市区) and the emission cuts.
fn air_tables(
    ind: &raw::Indicators,
    units: &UnitIndex,
    out: &mut Reference,
) -> Result<(), SeedError> {
    let f = INDICATORS_FILE;
    let bad = |record: &str, e: ParseError| invalid(f, record, e.field, e.reason);
    for (i, r) in ind.pm25_target.iter().enumerate() {
        let record = format!("第 {} 条 [[pm25_target]] ({} {})", i + 1, r.area, r.year);
        require_text(f, &record, "raw", &r.raw)?;
        require_text(f, &record, "provenance", &r.provenance)?;
        let unit = Some(units.resolve(&r.area).cloned().ok_or_else(|| {
            invalid(
                f,
                &record,
                "area",
                format!("地区“{}”不是已知单位或别名", r.area),
            )
        })?);
        out.pm25_targets.push(Pm25Target {
            area: r.area.clone(),
            unit,
            year: year(f, &record, r.year)?,
            value: number(f, &record, "value", r.value)?,
            qualifier: r.qualifier.clone(),
            raw: r.raw.clone(),
            provenance: r.provenance.clone(),
        });
    }
    for (i, r) in ind.city_pm25_target.iter().enumerate() {
        let record = format!("第 {} 条 [[city_pm25_target]] ({})", i + 1, r.year);
        require_text(f, &record, "raw", &r.raw)?;
        out.pm25_targets.push(Pm25Target {
            area: r.area.clone(),
            unit: None,
            year: year(f, &record, r.year)?,
            value: number(f, &record, "value", r.value)?,
            qualifier: r.comparator.clone(),
            raw: r.raw.clone(),
            provenance: r.provenance.clone(),
        });
    }
    for (i, r) in ind.emission_cut.iter().enumerate() {
        let record = format!(
            "第 {} 条 [[emission_cut]] ({} {})",
            i + 1,
            r.area,
            r.pollutant
        );
        let pollutant = Pollutant::parse(&r.pollutant).map_err(|e| bad(&record, e))?;
        let percent = r
            .percent
            .map(|p| number(f, &record, "percent", p))
            .transpose()?;
        if percent.is_none() && r.note.trim().is_empty() {
            return Err(invalid(f, &record, "note", "无削减比例时须说明原因"));
        }
        out.emission_cuts.push(EmissionCut {
            area: r.area.clone(),
            unit: units.resolve(&r.area).cloned(),
            pollutant,
            percent,
            raw: r.raw.clone(),
            note: r.note.clone(),
            provenance: r.provenance.clone(),
        });
    }
    Ok(())
}

/// `indicators.toml`: the 水十条 sections, the drains' limits and their relative limits.
fn water_tables(ind: &raw::Indicators, out: &mut Reference) -> Result<(), SeedError> {
    let f = INDICATORS_FILE;
    let bad = |record: &str, e: ParseError| invalid(f, record, e.field, e.reason);
    for (i, r) in ind.water_section.iter().enumerate() {
        let record = format!("第 {} 条 [[water_section]] ({})", i + 1, r.name);
        require_text(f, &record, "name", &r.name)?;
        let target_class = WaterClass::parse(&r.target_class).map_err(|e| bad(&record, e))?;
        if out
            .water_sections
            .iter()
            .any(|s: &WaterSection| s.name == r.name)
        {
            return Err(invalid(f, &record, "name", "断面重复"));
        }
        out.water_sections.push(WaterSection {
            name: r.name.clone(),
            target_class,
            reservoir: r.reservoir,
            table_name: r.table_name.clone(),
            note: r.note.clone(),
            provenance: r.provenance.clone(),
        });
    }
    for (i, r) in ind.drain_limit.iter().enumerate() {
        let record = format!(
            "第 {} 条 [[drain_limit]] ({} {})",
            i + 1,
            r.drain,
            r.parameter
        );
        out.drain_limits.push(DrainLimit {
            drain: r.drain.clone(),
            parameter: WaterParameter::parse(&r.parameter).map_err(|e| bad(&record, e))?,
            limit_mg_l: number(f, &record, "limit_mg_l", r.limit_mg_l)?,
            effective_from: date(f, &record, "effective_from", &r.effective_from)?,
            raw: r.raw.clone(),
            note: r.note.clone(),
            provenance: r.provenance.clone(),
        });
    }
    for (i, r) in ind.drain_relative_limit.iter().enumerate() {
        let record = format!("第 {} 条 [[drain_relative_limit]] ({})", i + 1, r.drain);
        let parameters = r
            .parameters
            .iter()
            .map(|p| WaterParameter::parse(p).map_err(|e| bad(&record, e)))
            .collect::<Result<Vec<_>, _>>()?;
        out.drain_relative_limits.push(DrainRelativeLimit {
            drain: r.drain.clone(),
            area: r.area.clone(),
            parameters,
            effective_from: date(f, &record, "effective_from", &r.effective_from)?,
            raw: r.raw.clone(),
            provenance: r.provenance.clone(),
        });
    }
    Ok(())
}

/// `indicators.toml`: the rates' goals and the plans' yearly goals.
fn goal_tables(
    ind: &raw::Indicators,
    plans: &[&str],
    out: &mut Reference,
) -> Result<(), SeedError> {
    let f = INDICATORS_FILE;
    let bad = |record: &str, e: ParseError| invalid(f, record, e.field, e.reason);
    for (i, r) in ind.rate_goal.iter().enumerate() {
        let record = format!("第 {} 条 [[rate_goal]] ({} {})", i + 1, r.metric, r.year);
        let comparator = Direction::parse(&r.comparator)
            .map_err(|e| bad(&record, ParseError::new("comparator", e.reason)))?;
        let percent = number(f, &record, "percent", r.percent)?;
        if percent > 100.0 {
            return Err(invalid(f, &record, "percent", "百分比超过 100"));
        }
        out.rate_goals.push(RateGoal {
            metric: r.metric.clone(),
            year: year(f, &record, r.year)?,
            percent,
            comparator,
            raw: r.raw.clone(),
            provenance: r.provenance.clone(),
        });
    }
    for (i, r) in ind.yearly_goal.iter().enumerate() {
        let record = format!("第 {} 条 [[yearly_goal]]", i + 1);
        if !plans.contains(&r.plan.as_str()) {
            return Err(invalid(
                f,
                &record,
                "plan",
                format!("方案“{}”不存在", r.plan),
            ));
        }
        require_text(f, &record, "text", &r.text)?;
        out.yearly_goals.push(YearlyGoal {
            plan: r.plan.clone(),
            task: r.task,
            year: year(f, &record, r.year)?,
            text: r.text.clone(),
            span: r.span.clone(),
            note: r.note.clone(),
            provenance: r.provenance.clone(),
        });
    }

    Ok(())
}

/// `enterprises.csv`: the enterprises the plans name, in order, each with its answerable unit.
fn parse_enterprises(
    enterprises: &str,
    units: &UnitIndex,
    out: &mut Reference,
) -> Result<(), SeedError> {
    let f = ENTERPRISES_FILE;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(enterprises.as_bytes());
    for (i, row) in reader.deserialize::<raw::EnterpriseRow>().enumerate() {
        // Line numbers count the header as line 1.
        let record = format!("第 {} 行", i + 2);
        let r = row.map_err(|e| invalid(f, &record, "(整行)", e.to_string()))?;
        if r.seq != i32::try_from(i + 1).unwrap_or(i32::MAX) {
            return Err(invalid(
                f,
                &record,
                "seq",
                format!("序号应为 {}，实为 {}", i + 1, r.seq),
            ));
        }
        require_text(f, &record, "name", &r.name)?;
        let responsible = units.resolve(&r.responsible).cloned().ok_or_else(|| {
            invalid(
                f,
                &record,
                "responsible",
                format!("单位“{}”不存在", r.responsible),
            )
        })?;
        out.enterprises.push(Enterprise {
            seq: r.seq,
            town: r.town,
            name: r.name,
            responsible,
            responsible_text: r.responsible,
            provenance: r.provenance,
        });
    }

    Ok(())
}

/// `stations.toml`: the monitoring stations, in order.
fn parse_stations(stations: &str, units: &UnitIndex, out: &mut Reference) -> Result<(), SeedError> {
    let f = STATIONS_FILE;
    let st: raw::Stations = crate::from_toml(f, stations)?;
    for (i, r) in st.station.into_iter().enumerate() {
        let record = format!("第 {} 条 [[station]]", i + 1);
        if r.seq != i32::try_from(i + 1).unwrap_or(i32::MAX) {
            return Err(invalid(f, &record, "seq", format!("序号应为 {}", i + 1)));
        }
        require_text(f, &record, "name", &r.name)?;
        out.stations.push(Station {
            seq: r.seq,
            unit: units.resolve(&r.area).cloned(),
            area: r.area,
            name: r.name,
            provenance: r.provenance,
        });
    }
    Ok(())
}
