//! `sanzhi`: the server binary.

use clap::Parser;
use server::cli::{run, Cli};

/// mimalloc gives memory back to the system soon after it is freed: an 总览 computed over a
/// province's 300k reports needs a few hundred MB for a moment, which glibc's allocator kept
/// for the life of the process (see BENCHMARKS.md). Its version 2 (the `v2` feature):
/// version 3, the default of the crate as locked (0.1.52), waits a second (`purge_delay`
/// 1000 ms, set only from the environment at process start) before it gives freed pages
/// back, against 10 ms — under a steady mixed load at province the server's peak RSS was
/// ~224 MB with that second and ~196–204 MB with `MIMALLOC_PURGE_DELAY=10` (issue 26).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("错误：{err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
