//! `neardup report` (a saved report's summary or HTML page) and `neardup diff` (two saved
//! reports compared).

use neardup::report::summary;

use super::args::{DiffArgs, ReportArgs};
use super::{emit, CliError};

/// `neardup report`: a saved report's summary, or its HTML page.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let report = read_report(&args.report)?;
    let Some(path) = &args.html else {
        let corpus = report.timing.as_ref().and_then(|t| t.corpus.clone());
        let name = corpus.unwrap_or_else(|| args.report.display().to_string());
        emit(summary::render(&report, &name));
        return Ok(());
    };
    let opts = neardup::report::html::HtmlOptions {
        limit: args.html_limit,
    };
    let unavailable =
        neardup::report::html::write_for_report(path, &report, args.corpus.as_deref(), &opts)
            .map_err(|e| {
                CliError::output(format!(
                    "cannot write the HTML report to '{}': {e} (choose another path with --html)",
                    path.display()
                ))
            })?;
    // the page says why no text was read again; so does the command
    if let Some(why) = unavailable {
        super::warn(&why);
    }
    Ok(())
}
fn read_report(path: &std::path::Path) -> Result<neardup::Report, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        .map_err(|e| {
            CliError::usage(format!(
                "cannot read the report '{}': {e} (give a JSON report written by `neardup scan`)",
                path.display()
            ))
        })
}

/// `neardup diff A B`: what changed from report A to report B.
pub fn diff(args: &DiffArgs) -> Result<(), CliError> {
    let (a, b) = (read_report(&args.a)?, read_report(&args.b)?);
    emit(format!(
        "A: {}\nB: {}\n{}",
        args.a.display(),
        args.b.display(),
        neardup::diff::diff(&a, &b)
    ));
    Ok(())
}
