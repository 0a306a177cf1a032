//! Monitoring readings: places, reading back, writing in bulk or as a stream.
//!
//! This file is the facade ([`Store`]'s methods, compiled once); `queries.rs`, `write.rs`
//! beside it hold the queries, compiled per backend (see `src/queries.rs`).

use crate::{ReadingsWritten, Store, StoreError};
use sanzhi_domain::chrono::{DateTime, Utc};

mod mirror;
pub use mirror::{ReadingsMirror, Standings};

/// What a streamed readings write receives: readings, then `Finish` to commit.
#[derive(Debug)]
pub enum ReadingBatch {
    Rows(Vec<sanzhi_domain::NewReading>),
    Finish,
}

/// Which readings to list: years `from_year..=to_year`, an indicator code or code prefix
/// (`water.`), a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingFilter {
    pub from_year: i32,
    pub to_year: i32,
    pub indicator: Option<String>,
    pub place: Option<String>,
}

impl ReadingFilter {
    pub fn years(from_year: i32, to_year: i32) -> Self {
        Self {
            from_year,
            to_year,
            indicator: None,
            place: None,
        }
    }
}

impl Store {
    pub async fn reading_places(&self) -> Result<sanzhi_domain::Places, StoreError> {
        dispatch!(self, reading_places())
    }

    /// Stored readings matching `filter`.
    pub async fn readings(
        &self,
        filter: &ReadingFilter,
    ) -> Result<Vec<sanzhi_domain::Reading>, StoreError> {
        dispatch!(self, readings(filter))
    }

    /// The keys and values of the readings matching `filter`, without who recorded them
    /// (what standings read; a year of full rows was most of the overview's time).
    pub async fn reading_values(
        &self,
        filter: &ReadingFilter,
    ) -> Result<Vec<sanzhi_domain::ReadingValue>, StoreError> {
        dispatch!(self, reading_values(filter))
    }

    /// Writes readings in one transaction (all or nothing); a reading for a key that has one
    /// replaces it and the old value is kept in `reading_history`.
    #[tracing::instrument(skip(self, readings, now), fields(n = readings.len()))]
    pub async fn write_readings(
        &self,
        readings: &[sanzhi_domain::NewReading],
        source: sanzhi_domain::ReadingSource,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ReadingsWritten, StoreError> {
        dispatch!(self, write_readings(readings, source, by, now))
    }

    /// [`Store::write_readings`] of batches as they arrive, in one transaction: committed
    /// when [`ReadingBatch::Finish`] arrives, rolled back (and `None`) when the sender is
    /// dropped without it.
    pub async fn write_readings_streamed(
        &self,
        batches: &mut tokio::sync::mpsc::Receiver<ReadingBatch>,
        source: sanzhi_domain::ReadingSource,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ReadingsWritten>, StoreError> {
        dispatch!(self, write_readings_streamed(batches, source, by, now))
    }

    /// Removes demo readings (real readings stay).
    pub async fn clear_demo_readings(&self) -> Result<u64, StoreError> {
        dispatch!(self, clear_demo_readings())
    }

    /// How many readings are stored, and how many are demo data.
    pub async fn reading_counts(
        &self,
    ) -> Result<sanzhi_domain::reading::ReadingCounts, StoreError> {
        dispatch!(self, reading_counts())
    }
}
