//! `neardup explain`: why two documents are, or are not, near-duplicates.

use std::path::PathBuf;

use neardup::Config;

use super::args::ExplainArgs;
use super::{emit, CliError};

/// `neardup explain`.
pub fn run(args: &ExplainArgs) -> Result<(), CliError> {
    let mut cfg = Config::new(args.corpus.clone().unwrap_or_else(|| PathBuf::from(".")));
    args.compare.apply(&mut cfg);
    args.input.apply(&mut cfg);
    cfg.blocks.template_min_docs = args.template_min_docs;
    cfg.validate().map_err(|e| CliError::usage(e.to_string()))?;
    let (subjects, context) = match &args.corpus {
        Some(_) => (neardup::explain::from_corpus(&cfg, &args.a, &args.b), None),
        None => explain_files(args, &cfg),
    };
    let (a, b) = subjects.map_err(|e| CliError::usage(e.to_string()))?;
    let mut text = context.map(|c| format!("{c}\n\n")).unwrap_or_default();
    text.push_str(&neardup::explain::explain(&a, &b, &cfg).to_string());
    emit(text);
    Ok(())
}

type Subjects =
    Result<(neardup::explain::Subject, neardup::explain::Subject), neardup::explain::ExplainError>;

/// `explain A B` of two files: in the site context of the folder holding both (as a scan of
/// it compares them), or alone; and the line that says which.
fn explain_files(args: &ExplainArgs, cfg: &Config) -> (Subjects, Option<String>) {
    use neardup::explain::{self, Context};
    // Read alone first: a file that cannot be read, or that holds several documents and names
    // none, is refused the same way in either context.
    let alone = explain::from_files(cfg, &args.a, &args.b);
    if alone.is_err() {
        return (alone, None);
    }
    let why = if args.alone {
        "--alone".to_string()
    } else {
        match explain::context_of(cfg, &args.a, &args.b) {
            Context::Folder(dir) => {
                let line = format!(
                    "site context: a scan of '{}', the folder holding both (its template lines \
                     left out as that scan leaves them; --corpus DIR for another folder, --alone \
                     for none)",
                    dir.display()
                );
                return (
                    explain::from_files_in(cfg, &dir, &args.a, &args.b),
                    Some(line),
                );
            }
            Context::Alone(why) => why,
        }
    };
    let line = format!(
        "site context: none ({why}): the two files are compared alone, template lines \
         included; --corpus DIR (the folder a scan reads) leaves out their sites' template \
         lines, as that scan does"
    );
    (alone, Some(line))
}
