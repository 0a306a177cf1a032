//! Readings: the monthly values of the indicators. A list with filters, an entry form, and
//! the CSV import (preview, then commit) whose HTTP endpoint lives in the server crate and
//! calls [`inner::import_readings`].
//!
//! Access: readings are written by the plans' coordinators. Sign-in and roles arrive with the
//! roles issue; until then the writes here are open like the report form, and take the name
//! of whoever records them as typed.

use crate::error::AppError;
use leptos::prelude::*;
use sanzhi_domain::{Reading, ReadingInput, ReadingsWritten, RowProblem};
use serde::{Deserialize, Serialize};

/// An indicator as the page shows it, with the places it may be read at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorInfo {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub better: String,
    pub place_kind: String,
    pub plan: String,
    pub places: Vec<String>,
}

/// At most this many readings are listed on the page (the CSV export has them all).
pub const LIST_LIMIT: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadingsPage {
    pub catalogue: Vec<IndicatorInfo>,
    pub year: i32,
    pub indicator: Option<String>,
    pub place: Option<String>,
    pub rows: Vec<Reading>,
    /// How many matched; only the first [`LIST_LIMIT`] are in `rows`.
    pub matched: usize,
    pub total: i64,
    pub demo: i64,
    /// The plans whose readings the caller may enter or import: the entry and import forms
    /// are shown for these only (a leader's page has none).
    #[serde(default)]
    pub may_write: Vec<String>,
}

/// One row of an import preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: u64,
    pub indicator: String,
    pub place: String,
    pub period: String,
    pub value: f64,
    /// The stored value this row replaces.
    pub old: Option<f64>,
    pub old_is_demo: bool,
    /// 新增 / 替换 / 不变.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub encoding: String,
    /// (header as written, field it was read as).
    pub mapped: Vec<(String, String)>,
    pub ignored: Vec<String>,
    pub rows: u64,
    pub new: u64,
    pub replace: u64,
    pub unchanged: u64,
    /// Of `replace`, how many replace demo values.
    pub replaces_demo: u64,
    /// The first rows of the file.
    pub sample: Vec<PreviewRow>,
    /// The first rows that change a stored value.
    pub replacements: Vec<PreviewRow>,
}

/// What an import request did. `Rejected` changed nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    Preview(ImportPreview),
    Committed {
        encoding: String,
        written: ReadingsWritten,
    },
    Rejected {
        /// A problem with the whole file (encoding, header), or none.
        file: Option<String>,
        /// Problems by row, at most [`MAX_PROBLEMS_SHOWN`].
        problems: Vec<RowProblem>,
        /// How many problems there were in all.
        problem_count: usize,
        rows_read: u64,
    },
}

pub const MAX_PROBLEMS_SHOWN: usize = 500;

#[server(prefix = "/api", endpoint = "readings")]
pub async fn get_readings(
    year: Option<i32>,
    indicator: Option<String>,
    place: Option<String>,
) -> Result<ReadingsPage, AppError> {
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let mut page =
        inner::readings_page(&c.store, year, indicator, place, crate::api::today()).await?;
    // The plans the indicators belong to, that the caller may write readings of.
    let mut may_write: Vec<String> = Vec::new();
    let plans: Vec<String> = page.catalogue.iter().map(|d| d.plan.clone()).collect();
    for plan in plans.iter().map(String::as_str) {
        if !may_write.iter().any(|p| p == plan)
            && c.may(&sanzhi_domain::Action::WriteReadings { plan })
                .is_ok()
        {
            may_write.push(plan.to_owned());
        }
    }
    page.may_write = may_write;
    Ok(page)
}

/// Records one reading typed into the entry form (replacing the stored value of that
/// indicator, place and month, which is kept in the history).
#[server(prefix = "/api", endpoint = "save_reading")]
pub async fn save_reading(input: ReadingInput) -> Result<ReadingsWritten, AppError> {
    // The indicator's plan decides who may write it: the catalogue's, or a plan's own.
    let c = crate::auth::require(sanzhi_domain::Action::Read).await?;
    let places = c.store.reading_places().await?;
    inner::save_reading(
        &c.store,
        &places,
        sanzhi_domain::ReadingsWriter::User(&c.user),
        input,
        &crate::auth::signature(&c.user),
        crate::api::now(),
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod inner {
    use super::*;
    use sanzhi_domain::chrono::{DateTime, Datelike, NaiveDate, Utc};
    use sanzhi_domain::{ReadingKey, ReadingSource};
    use sanzhi_exchange::ImportProblems;
    use sanzhi_store::{ReadingFilter, Store};
    use std::collections::HashMap;

    /// Refuses a writer who may write readings of no plan at all.
    pub fn refuse_non_writer(writer: &sanzhi_domain::ReadingsWriter<'_>) -> Result<(), AppError> {
        if writer.may_write_some() {
            return Ok(());
        }
        Err(AppError::Forbidden(match writer {
            sanzhi_domain::ReadingsWriter::User(u) => {
                format!("{}不能录入或导入读数", u.role.label_zh())
            }
            sanzhi_domain::ReadingsWriter::Token { .. } => "此 API 令牌只能读取".to_owned(),
        }))
    }

    /// Every indicator readings may be taken of, with its places.
    pub fn catalogue(places: &sanzhi_domain::Places) -> Vec<IndicatorInfo> {
        places
            .all_indicators()
            .into_iter()
            .map(|d| IndicatorInfo {
                code: d.code.to_owned(),
                name: d.name_zh.to_owned(),
                unit: d.unit.to_owned(),
                better: d.better.label_zh().to_owned(),
                place_kind: d.place_kind.label_zh().to_owned(),
                plan: d.plan.to_owned(),
                places: places.of(d.place_kind),
            })
            .collect()
    }

    pub async fn readings_page(
        store: &Store,
        year: Option<i32>,
        indicator: Option<String>,
        place: Option<String>,
        today: NaiveDate,
    ) -> Result<ReadingsPage, AppError> {
        let year = year.unwrap_or_else(|| today.year().clamp(2018, 2020));
        if !sanzhi_domain::reading::YEARS.contains(&year) {
            return Err(AppError::BadRequest(format!("year：{year} 超出范围")));
        }
        let indicator = indicator.filter(|s| !s.trim().is_empty());
        let places = store.reading_places().await?;
        if let Some(code) = &indicator {
            if places.indicator(code).is_none() && !code.ends_with('.') {
                return Err(AppError::BadRequest(format!("indicator：没有指标“{code}”")));
            }
        }
        let place = place.filter(|s| !s.trim().is_empty());
        let mut rows = store
            .readings(&ReadingFilter {
                indicator: indicator.clone(),
                place: place.clone(),
                ..ReadingFilter::years(year, year)
            })
            .await?;
        let matched = rows.len();
        rows.truncate(LIST_LIMIT);
        let sanzhi_domain::reading::ReadingCounts { total, demo } = store.reading_counts().await?;
        Ok(ReadingsPage {
            catalogue: catalogue(&places),
            year,
            indicator,
            place,
            rows,
            matched,
            total,
            demo,
            may_write: Vec::new(),
        })
    }

    fn recorder(by: &str) -> Result<String, AppError> {
        let by = by.trim();
        if by.is_empty() {
            return Err(AppError::BadRequest("by：请填写记录人".into()));
        }
        if by.chars().count() > 50 {
            return Err(AppError::BadRequest("by：记录人不能超过 50 字".into()));
        }
        Ok(by.to_owned())
    }

    /// One reading of the entry form, checked as a batch of one: the writer may write readings
    /// at all (before the input is read), the row's own rules, then the indicator's plan.
    pub async fn save_reading(
        store: &Store,
        places: &sanzhi_domain::Places,
        writer: sanzhi_domain::ReadingsWriter<'_>,
        input: ReadingInput,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ReadingsWritten, AppError> {
        refuse_non_writer(&writer)?;
        let by = recorder(by)?;
        let reading = input
            .parse(places)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        sanzhi_domain::reading::BatchCheck::new(places, Some(writer))
            .may_write(&reading.key)
            .map_err(|(_, denied)| denied)?;
        Ok(store
            .write_readings(&[reading], ReadingSource::Entered, &by, now)
            .await?)
    }

    /// The answer for a refused file: the file's reason, or its row problems (at most
    /// [`MAX_PROBLEMS_SHOWN`] of them, with the count).
    fn rejected(problems: ImportProblems) -> ImportOutcome {
        match problems {
            ImportProblems::File(reason) => ImportOutcome::Rejected {
                file: Some(reason),
                problems: vec![],
                problem_count: 0,
                rows_read: 0,
            },
            ImportProblems::Rows {
                mut problems,
                rows_read,
            } => {
                let problem_count = problems.len();
                problems.truncate(MAX_PROBLEMS_SHOWN);
                ImportOutcome::Rejected {
                    file: None,
                    problems,
                    problem_count,
                    rows_read,
                }
            }
        }
    }

    /// Why reading the file stopped before its end.
    enum Stop {
        File(ImportProblems),
        Refused(AppError),
    }

    /// A committed import: the file is read a chunk at a time on a blocking thread and each
    /// chunk written while the next is read, all in one transaction that is committed only
    /// when the whole file was read without a problem and every plan it touches is `user`'s
    /// to write. Anything else rolls the transaction back: a refused file changes nothing.
    async fn commit_streamed(
        store: &Store,
        user: Option<&sanzhi_domain::User>,
        bytes: axum::body::Bytes,
        places: sanzhi_domain::Places,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, AppError> {
        use sanzhi_store::ReadingBatch;
        let (sender, mut batches) = tokio::sync::mpsc::channel::<ReadingBatch>(4);
        let user = user.cloned();
        let reader = tokio::task::spawn_blocking(move || -> Result<&'static str, Stop> {
            let decoded = sanzhi_exchange::decode(&bytes)
                .map_err(|e| Stop::File(ImportProblems::File(e.0)))?;
            let mut parser =
                sanzhi_exchange::ReadingsParser::new(&decoded.text, &places).map_err(Stop::File)?;
            let mut batch = sanzhi_domain::reading::BatchCheck::new(
                &places,
                user.as_ref().map(sanzhi_domain::ReadingsWriter::User),
            );
            loop {
                let chunk = parser.next_chunk(5_000).map_err(Stop::File)?;
                if chunk.is_empty() {
                    break;
                }
                for (_, r) in &chunk {
                    batch
                        .may_write(&r.key)
                        .map_err(|(_, denied)| Stop::Refused(denied.into()))?;
                }
                let rows = chunk.into_iter().map(|(_, r)| r).collect();
                if sender.blocking_send(ReadingBatch::Rows(rows)).is_err() {
                    // The writer stopped: its error is the answer.
                    return Ok(decoded.encoding);
                }
            }
            parser.finish().map_err(Stop::File)?;
            // Dropped unsent (the writer stopped), the transaction is rolled back.
            let _ = sender.blocking_send(ReadingBatch::Finish);
            Ok(decoded.encoding)
        });
        let written = store
            .write_readings_streamed(&mut batches, ReadingSource::Imported, by, now)
            .await;
        // A reader still sending must not wait for a writer that is gone.
        drop(batches);
        let read = reader.await.map_err(|e| {
            tracing::error!(error = %e, "the import's reader failed");
            AppError::Internal
        })?;
        match (read, written) {
            (Err(Stop::Refused(e)), _) => Err(e),
            (Err(Stop::File(problems)), _) => Ok(rejected(problems)),
            (Ok(_), Err(e)) => Err(e.into()),
            (Ok(encoding), Ok(Some(written))) => {
                tracing::info!(?written, "readings imported");
                Ok(ImportOutcome::Committed {
                    encoding: encoding.to_owned(),
                    written,
                })
            }
            (Ok(_), Ok(None)) => {
                tracing::error!("the readings writer stopped without an error");
                Err(AppError::Internal)
            }
        }
    }

    fn period(k: &ReadingKey) -> String {
        format!("{}-{:02}", k.year, k.month)
    }

    /// Reads an uploaded CSV; previews it (`commit == false`) or writes all its rows in one
    /// transaction. A file with any problem is rejected whole and changes nothing.
    /// `user`: who imports; every plan the file's indicators belong to must be theirs to
    /// write (checked before anything is written). `None` only for trusted callers (tests of
    /// the file rules).
    pub async fn import_readings(
        store: &Store,
        user: Option<&sanzhi_domain::User>,
        bytes: axum::body::Bytes,
        commit: bool,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, AppError> {
        let places = store.reading_places().await?;
        if commit {
            let by = recorder(by)?;
            return commit_streamed(store, user, bytes, places, &by, now).await;
        }
        let parsed = match sanzhi_exchange::parse_readings_csv(&bytes, &places) {
            Ok(p) => p,
            Err(problems) => return Ok(rejected(problems)),
        };
        let mut batch = sanzhi_domain::reading::BatchCheck::new(
            &places,
            user.map(sanzhi_domain::ReadingsWriter::User),
        );
        for (_, r) in &parsed.rows {
            batch.may_write(&r.key).map_err(|(_, denied)| denied)?;
        }
        // Preview: compare with what is stored for the years in the file.
        let (from, to) = parsed
            .rows
            .iter()
            .fold((i32::MAX, i32::MIN), |(a, b), (_, r)| {
                (a.min(r.key.year), b.max(r.key.year))
            });
        let stored: HashMap<ReadingKey, Reading> = store
            .readings(&ReadingFilter::years(from, to))
            .await?
            .into_iter()
            .map(|r| (r.key.clone(), r))
            .collect();
        let mut preview = ImportPreview {
            encoding: parsed.encoding.to_owned(),
            mapped: parsed
                .columns
                .mapped
                .iter()
                .map(|(h, f)| (h.clone(), f.label_zh().to_owned()))
                .collect(),
            ignored: parsed.columns.ignored.clone(),
            rows: parsed.rows.len() as u64,
            new: 0,
            replace: 0,
            unchanged: 0,
            replaces_demo: 0,
            sample: vec![],
            replacements: vec![],
        };
        for (row, r) in &parsed.rows {
            let old = stored.get(&r.key);
            let same = old.is_some_and(|o| {
                o.value == r.value
                    && o.valid_days == r.valid_days
                    && o.provisional == r.provisional
                    && o.note == r.note
                    && !o.is_demo
            });
            let action = match old {
                None => {
                    preview.new += 1;
                    "新增"
                }
                Some(_) if same => {
                    preview.unchanged += 1;
                    "不变"
                }
                Some(o) => {
                    preview.replace += 1;
                    if o.is_demo {
                        preview.replaces_demo += 1;
                    }
                    "替换"
                }
            };
            let shown = PreviewRow {
                row: *row,
                indicator: r.key.indicator.clone(),
                place: r.key.place.clone(),
                period: period(&r.key),
                value: r.value,
                old: old.map(|o| o.value),
                old_is_demo: old.is_some_and(|o| o.is_demo),
                action: action.to_owned(),
            };
            if action == "替换" && preview.replacements.len() < 50 {
                preview.replacements.push(shown.clone());
            }
            if preview.sample.len() < 20 {
                preview.sample.push(shown);
            }
        }
        Ok(ImportOutcome::Preview(preview))
    }
}
