//! `neardup man` (the manual page, roff) and `neardup completions` (a shell's completion
//! script), both from the same clap definitions as `--help`.

use clap::CommandFactory;

use super::args::Cli;
use super::{emit, CliError};

/// `neardup man [COMMAND]`: the top page, or one command's page.
pub fn run(command: Option<&str>) -> Result<(), CliError> {
    let top = Cli::command();
    let page = match command {
        None => top,
        Some(name) => {
            let names: Vec<String> = top
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let sub = top.find_subcommand(name).ok_or_else(|| {
                CliError::usage(format!(
                    "no command '{name}': the commands are {}",
                    names.join(", ")
                ))
            })?;
            sub.clone().display_name(format!("neardup-{name}"))
        }
    };
    // Rendered whole first, so that standard output is written (and a closed pipe handled)
    // in one place.
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(|e| CliError::output(format!("cannot render the manual page: {e}")))?;
    emit(roff);
    Ok(())
}

/// `neardup completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "neardup", &mut script);
    emit(script);
    Ok(())
}
