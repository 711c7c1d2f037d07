//! The command line's commands, one module each, over the library. Every command returns
//! `Result<(), CliError>`; `main` prints the error once and maps it to the exit code.

pub mod args;
mod bars;
mod eval;
mod explain;
mod man;
mod params;
mod report;
mod scan;

use std::io::Write;

use args::Command;

/// Why a command failed, and so its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// An output could not be written (exit 1).
    Output,
    /// The command line or an input named by it is wrong; nothing was done (exit 2).
    Usage,
    /// The scan read no document, or no record has a named field; outputs were written
    /// (exit 3).
    NothingRead,
}

/// A failed command: what went wrong and what to do, as one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// What kind of failure, for the exit code.
    pub failure: Failure,
    /// The message, without the `neardup: ` every message starts with.
    pub message: String,
}

impl CliError {
    /// An output that could not be written.
    pub fn output(message: impl Into<String>) -> CliError {
        CliError {
            failure: Failure::Output,
            message: message.into(),
        }
    }

    /// A wrong command line, or an input it names that cannot be used.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            failure: Failure::Usage,
            message: message.into(),
        }
    }

    /// A scan whose result does not stand for the corpus.
    pub fn nothing_read(message: impl Into<String>) -> CliError {
        CliError {
            failure: Failure::NothingRead,
            message: message.into(),
        }
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> u8 {
        match self.failure {
            Failure::Output => 1,
            Failure::Usage => 2,
            Failure::NothingRead => 3,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.failure {
            Failure::NothingRead => write!(f, "error: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Runs one command.
pub fn run(command: &Command) -> Result<(), CliError> {
    match command {
        Command::Scan(args) => scan::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Params(args) => params::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Report(args) => report::run(args),
        Command::Diff(args) => report::diff(args),
        Command::Completions { shell } => man::completions(*shell),
        Command::Man { command } => man::run(command.as_deref()),
    }
}

/// Writes to standard output; a closed pipe (`neardup … | head`) ends the output quietly:
/// the reader stopped, nothing went wrong. The one place standard output is written.
pub fn emit(text: impl AsRef<[u8]>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_ref()).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("neardup: cannot write to standard output: {e}");
        }
    }
}

/// Says something on standard error that does not stop the command (a bad line of a label
/// file that is skipped).
pub fn say(message: &str) {
    eprintln!("neardup: {message}");
}

/// Warns on standard error of something the user should know.
pub fn warn(message: &str) {
    say(&format!("warning: {message}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_its_exit_code_and_message() {
        let e = CliError::nothing_read("no document was read from x");
        assert_eq!(e.exit_code(), 3);
        assert_eq!(e.to_string(), "error: no document was read from x");
        assert_eq!(CliError::usage("bad flag").exit_code(), 2);
        assert_eq!(CliError::usage("bad flag").to_string(), "bad flag");
        assert_eq!(CliError::output("disk full").exit_code(), 1);
    }
}
