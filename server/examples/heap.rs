//! How much heap an app server holds for what 总览 and 指标 show, on a database of any scale:
//! the live bytes after each step, counted by `stats_alloc` over the system allocator (the
//! structures' own size, without the allocator's slack or SQLite's page cache, which the
//! server's RSS also holds).
//!
//!   cargo run --release -p server --example heap -- sqlite:/path/bench.db [YYYY-MM-DD]
//!
//! (the day defaults to today). See BENCHMARKS.md, "Memory".

use app::cache::Caches;
use app::i18n::Locale;
use sanzhi_domain::chrono::{Datelike, NaiveDate};
use sanzhi_store::Store;
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated and not freed since the program started, in MB.
fn live_mb() -> f64 {
    let s = GLOBAL.stats();
    (s.bytes_allocated as f64 - s.bytes_deallocated as f64 + s.bytes_reallocated as f64)
        / 1_048_576.0
}

fn step(what: &str, since: &mut f64) {
    let now = live_mb();
    println!("{what:<58} {:>7.1} MB  (live {now:.1} MB)", now - *since);
    *since = now;
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        eprintln!("usage: heap DATABASE_URL [YYYY-MM-DD]");
        std::process::exit(2);
    };
    let today = match args.get(2) {
        Some(d) => d.parse::<NaiveDate>().expect("a day as YYYY-MM-DD"),
        None => app::api::today(),
    };
    let store = Store::connect(url).await.expect("connect");
    let caches = Caches::default();
    let mut at = live_mb();
    println!("connected: live {at:.1} MB");
    let month = format!("{}-{:02}", today.year(), today.month());
    let before = today
        .with_day0(0)
        .and_then(|d| d.pred_opt())
        .expect("a day before the month");
    let rows = caches
        .statuses
        .all_statuses_on_days(&store, &[before], 14)
        .await
        .expect("statuses");
    step(
        &format!(
            "status mirror: assignments and one day ({} rows)",
            rows[0].len()
        ),
        &mut at,
    );
    let copy: Vec<sanzhi_domain::Tracked> = rows[0].to_vec();
    step("  a deep copy of that day's rows (dropped after)", &mut at);
    drop(copy);
    at = live_mb();
    drop(rows);
    for l in [Locale::zh, Locale::en] {
        app::overview::inner::cached_overview(&caches, l, &store, Some(&month), None, false, today)
            .await
            .expect("总览");
        step(&format!("总览 of {month} ({l:?}), kept"), &mut at);
    }
    let readings = caches
        .readings
        .year_values(&store, today.year())
        .await
        .expect("readings");
    println!("  ({} readings held for {})", readings.len(), today.year());
    drop(readings);
    app::indicators::inner::cached_indicators(&caches, Locale::zh, &store, None, None, None, false)
        .await
        .expect("指标");
    let year = *app::indicators::inner::PLAN_YEARS.end();
    let held = caches
        .readings
        .year_values(&store, year)
        .await
        .expect("readings");
    step(
        &format!(
            "指标 of {year}, kept, its year's {} readings held",
            held.len()
        ),
        &mut at,
    );
    drop(held);
    println!("all held: {:.1} MB", live_mb());
}
