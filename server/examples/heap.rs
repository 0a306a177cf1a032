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

/// Bytes allocated and not freed since the program started, in MB. (`stats_alloc` already
/// adds a reallocation's growth to `bytes_allocated` and its shrinking to
/// `bytes_deallocated`; until session 22 this also added `bytes_reallocated`, counting each
/// vector's growth twice — a year of readings read and dropped seemed to keep 20 MB.)
fn live_mb() -> f64 {
    let s = GLOBAL.stats();
    (s.bytes_allocated as f64 - s.bytes_deallocated as f64) / 1_048_576.0
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
        .all_statuses_on_days(&store, &[before], sanzhi_domain::status::DUE_SOON_DAYS)
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
    let rows = caches
        .statuses
        .all_statuses_on_days(
            &store,
            &[before, today],
            sanzhi_domain::status::DUE_SOON_DAYS,
        )
        .await
        .expect("statuses");
    drop(rows);
    step("status mirror: a second day", &mut at);
    let held = caches
        .readings
        .year_values(&store, today.year())
        .await
        .expect("readings");
    step(
        &format!("readings of {} held ({})", today.year(), held.len()),
        &mut at,
    );
    let ptrs: std::collections::HashSet<*const u8> = held
        .iter()
        .flat_map(|r| {
            [
                r.key.place.as_str().as_ptr(),
                r.key.indicator.as_str().as_ptr(),
            ]
        })
        .collect();
    println!(
        "  ({} distinct name allocations, capacity {})",
        ptrs.len(),
        held.capacity()
    );
    drop(held);
    let targets = caches
        .targets
        .get(&store, app::cache::Shows::Structure, (), || async {
            Ok::<_, app::error::AppError>(store.indicator_targets().await?)
        })
        .await
        .expect("targets");
    let m = today.month();
    let throughs: Vec<u32> = if m > 1 { vec![m, m - 1] } else { vec![m] };
    let (_, standings) = caches
        .readings
        .standings(&store, &targets, today.year(), &throughs)
        .await
        .expect("standings");
    println!(
        "  ({} PM2.5 and {} section standings through each of {throughs:?})",
        standings[0].0.len(),
        standings[0].1.len()
    );
    drop(standings);
    step("  their standings kept (targets too)", &mut at);
    for l in [Locale::zh, Locale::en] {
        app::overview::inner::cached_overview(&caches, l, &store, Some(&month), None, false, today)
            .await
            .expect("总览");
        step(&format!("总览 of {month} ({l:?}), kept"), &mut at);
    }
    {
        let o = app::overview::inner::cached_overview(
            &caches,
            Locale::zh,
            &store,
            Some(&month),
            None,
            false,
            today,
        )
        .await
        .expect("总览");
        let j = |v: &dyn erased::Sz| v.sz();
        println!(
            "  kept 总览: units {} ({} KB), counties {}, supervised {} ({} KB), changes {} ({} KB), red {} ({} KB), svg {} KB + {} KB, plans {}",
            o.units.len(), j(&o.units), o.counties.len(), o.supervised.len(), j(&o.supervised),
            o.changes.len(), j(&o.changes), o.red_list.len(), j(&o.red_list),
            o.ranking_svg.as_ref().map_or(0, |s| s.len() / 1024),
            o.ranking_svg_narrow.as_ref().map_or(0, |s| s.len() / 1024), o.plans.len()
        );
    }
    let mirror = Some(&caches.statuses);
    let tasks = app::tracking::inner::unit_tasks(&store, mirror, "开化县政府", None, today)
        .await
        .expect("我的任务");
    step(
        &format!(
            "我的任务 of 开化县政府 ({} rows, dropped after)",
            tasks.rows.len()
        ),
        &mut at,
    );
    drop(tasks);
    at = live_mb();
    let item = app::tracking::inner::item_tracking(&store, mirror, "water", 5, None, today)
        .await
        .expect("item page");
    step(
        &format!("item water 5 ({} rows, dropped after)", item.rows.len()),
        &mut at,
    );
    drop(item);
    at = live_mb();
    println!(
        "  (a row: {} bytes, a held reading: {} bytes, before their own heap)",
        std::mem::size_of::<sanzhi_domain::Tracked>(),
        std::mem::size_of::<sanzhi_domain::ReadingValue>()
    );
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

mod erased {
    pub trait Sz {
        fn sz(&self) -> usize;
    }
    impl<T: serde::Serialize> Sz for T {
        fn sz(&self) -> usize {
            serde_json::to_vec(self).map_or(0, |v| v.len() / 1024)
        }
    }
}
