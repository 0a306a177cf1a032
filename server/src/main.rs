//! `sanzhi`: the server binary.

use clap::Parser;
use server::cli::{run, Cli};

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
