//! `sanzhi`: the server binary.

use clap::Parser;
use server::cli::{run, Cli};

/// mimalloc gives memory back to the system soon after it is freed: an 总览 computed over a
/// province's 300k reports needs a few hundred MB for a moment, which glibc's allocator kept
/// for the life of the process (see BENCHMARKS.md).
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
