//! The `neardup` command line: flags → [`neardup::Config`] → the library → files. Parsing,
//! dispatch and exit codes here; each command in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::args::Cli::parse();
    match cli::run(&cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("neardup: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
