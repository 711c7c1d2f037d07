//! `neardup scan`: the outputs checked before anything is read, the scan, the files written,
//! the summary.

use std::path::PathBuf;
use std::sync::Arc;

use neardup::config::DEFAULT_THRESHOLD;
use neardup::progress::ProgressReporter;
use neardup::report::{clean, summary, write};
use neardup::Config;

use super::args::ScanArgs;
use super::bars::Bars;
use super::{emit, warn, CliError};

/// Refuses outputs that cannot be written, before anything is read: two JSON documents on
/// standard output, and files in folders that do not exist.
fn check_outputs(args: &ScanArgs) -> Result<(), CliError> {
    let report_out = write::is_stdout(&args.out.report);
    let on_stdout = [
        Some(&args.out.report),
        args.out.annotations.as_ref(),
        args.out.pairs.as_ref(),
        args.out.html.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|p| write::is_stdout(p))
    .count();
    if on_stdout > 1 {
        return Err(CliError::usage(
            "--report, --annotations, --pairs and --html would mix JSON documents and pages on standard output; give all but one of them a file",
        ));
    }
    if args.out.annotations.as_deref() == Some(args.out.report.as_path()) && !report_out {
        return Err(CliError::usage(format!(
            "--report and --annotations name the same file '{}'; give each its own path",
            args.out.report.display()
        )));
    }
    check_distinct_outputs(args)?;
    if let Some(dir) = args.corpus.temp_dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(CliError::usage(format!(
            "--temp-dir '{}' is not a folder (create it, or leave the flag out to use TMPDIR)",
            dir.display()
        )));
    }
    let files = [
        args.out.pairs.as_ref(),
        Some(&args.out.report),
        args.out.annotations.as_ref(),
        args.out.drop_list.as_ref(),
        args.out.html.as_ref(),
    ];
    for path in files.into_iter().flatten() {
        if write::is_stdout(path) {
            continue;
        }
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder.filter(|f| !f.is_dir()) {
            return Err(CliError::usage(format!(
                "cannot write '{}': the folder '{}' does not exist (create it first)",
                path.display(),
                folder.display()
            )));
        }
    }
    Ok(())
}

/// Refuses two outputs that name one file (by another name, `./`, `..` or a symbolic link),
/// and an output file inside the `--clean` folder (which is replaced whole): one would
/// silently replace the other.
fn check_distinct_outputs(args: &ScanArgs) -> Result<(), CliError> {
    let outputs = [
        ("--report", Some(&args.out.report)),
        ("--annotations", args.out.annotations.as_ref()),
        ("--pairs", args.out.pairs.as_ref()),
        ("--drop-list", args.out.drop_list.as_ref()),
        ("--html", args.out.html.as_ref()),
    ];
    let mut seen: Vec<(&str, &PathBuf, PathBuf)> = Vec::new();
    for (flag, path) in outputs {
        let Some(path) = path.filter(|p| !write::is_stdout(p)) else {
            continue;
        };
        let target = link_target(path);
        if let Some((other, other_path, _)) = seen.iter().find(|(_, _, t)| *t == target) {
            return Err(CliError::usage(format!(
                "{other} '{}' and {flag} '{}' name the same file; give each its own path",
                other_path.display(),
                path.display()
            )));
        }
        if let Some(clean) = &args.out.clean {
            if target.starts_with(resolved_path(clean)) {
                return Err(CliError::usage(format!(
                    "{flag} '{}' lies inside --clean '{}', which is replaced whole; write it elsewhere",
                    path.display(),
                    clean.display()
                )));
            }
        }
        seen.push((flag, path, target));
    }
    Ok(())
}

/// The file `p` names once symbolic links (even to a file not there yet) are followed.
fn link_target(p: &std::path::Path) -> PathBuf {
    let mut path = p.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&path) else {
            break;
        };
        path = match path.parent() {
            Some(dir) => dir.join(target),
            None => target,
        };
    }
    resolved_path(&path)
}

/// A path as it will be once created, resolved through its longest existing ancestor.
fn resolved_path(p: &std::path::Path) -> PathBuf {
    let mut existing = p;
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let base = if existing.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        existing
    };
    let mut full = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    full.extend(rest.iter().rev());
    full
}

/// Refuses a `--clean` folder inside the corpus (or holding it), or one holding files neardup
/// did not write, before anything is read.
fn check_clean_outside_corpus(args: &ScanArgs) -> Result<(), CliError> {
    let Some(dir) = &args.out.clean else {
        return Ok(());
    };
    let clean_dir = resolved_path(dir);
    for input in args.corpus.paths.iter().filter(|p| p.as_os_str() != "-") {
        let corpus_dir = resolved_path(input);
        if clean_dir.starts_with(&corpus_dir) || corpus_dir.starts_with(&clean_dir) {
            return Err(CliError::usage(format!(
                "--clean '{}' must lie outside the corpus '{}'",
                dir.display(),
                input.display()
            )));
        }
    }
    clean::check_clean_target(dir).map_err(CliError::usage)
}

/// `--html`: the page of the scan, its texts read again from the files the scan read.
fn write_html(args: &ScanArgs, cfg: &Config, out: &neardup::ScanOutput) -> Result<(), CliError> {
    let Some(path) = &args.out.html else {
        return Ok(());
    };
    let opts = neardup::report::html::HtmlOptions {
        limit: args.out.html_limit,
    };
    let (r, files, anns) = (&out.report, &out.files, &out.annotations);
    neardup::report::html::write_for_scan(path, r, files, anns, &cfg.input, &opts).map_err(|e| {
        CliError::output(format!(
            "cannot write the HTML report to '{}': {e} (choose another path with --html)",
            path.display()
        ))
    })
}

/// `neardup scan`.
pub fn run(args: &ScanArgs) -> Result<(), CliError> {
    check_clean_outside_corpus(args)?;
    check_outputs(args)?;
    let num_perm = args.corpus.detect.compare.num_perm;
    if num_perm < 16 {
        warn(&format!(
            "--num-perm {num_perm} gives rough estimates (a standard error of {:.2} at Jaccard 0.5); 64 or more is usual",
            (0.25 / num_perm.max(1) as f64).sqrt()
        ));
    }
    let mut cfg = args.corpus.to_config();
    if !args.out.quiet {
        if let Some(bars) = Bars::on_terminal() {
            cfg.progress = ProgressReporter::new(Arc::new(bars));
        }
    }
    let _stdin = args.corpus.copy_stdin(&mut cfg)?;
    let mut out = neardup::scan(&cfg).map_err(|e| CliError::usage(e.to_string()))?;
    for warning in &out.warnings {
        warn(warning);
    }
    // At the default threshold the note is a property of the defaults, not news: it is for a
    // user who set --threshold and would otherwise read its effect into the result.
    let threshold_given = args.corpus.detect.compare.threshold != DEFAULT_THRESHOLD;
    let note = summary::threshold_note(cfg.near.threshold, cfg.near.containment);
    if let Some(note) = note.filter(|_| threshold_given) {
        warn(&note);
    }
    if args.out.no_timing {
        out.report.timing = None;
    }
    // Another scan writing into the same folder finishes first: outputs never mix two scans.
    let _lock = write::OutputLock::acquire(&args.out.report);
    let cleaned = write_outputs(args, &cfg, &out)?;
    if !args.out.quiet {
        print_summary(args, &out.report, cleaned.as_ref());
    }
    match &out.input_error {
        Some(error) => {
            let unwritten = match (&args.out.clean, &args.out.drop_list) {
                (None, None) => String::new(),
                _ => " (no clean copy or drop list was written)".to_string(),
            };
            Err(CliError::nothing_read(format!("{error}{unwritten}")))
        }
        None => Ok(()),
    }
}

/// The summary: on standard output, unless JSON goes there (then on standard error).
fn print_summary(args: &ScanArgs, report: &neardup::Report, cleaned: Option<&clean::CleanSummary>) {
    let mut text = summary::render(report, &args.corpus.corpus_name());
    if let (Some(dir), Some(s)) = (&args.out.clean, cleaned) {
        text.push_str(&format!(
            "  cleaned     {}: {}\n",
            s.describe(),
            dir.display()
        ));
    }
    if !write::is_stdout(&args.out.report) {
        text.push_str(&format!("  report      {}\n", args.out.report.display()));
    }
    if let Some(path) = &args.out.annotations {
        text.push_str(&format!("  annotations {}\n", path.display()));
    }
    if let Some(path) = &args.out.html {
        text.push_str(&format!("  html        {}\n", path.display()));
    }
    // Keep stdout clean for JSON (or the page) when the report or annotations go there.
    let outputs = [
        args.out.annotations.as_deref(),
        args.out.pairs.as_deref(),
        args.out.html.as_deref(),
    ];
    let on_stdout =
        write::is_stdout(&args.out.report) || outputs.into_iter().flatten().any(write::is_stdout);
    if on_stdout {
        eprint!("{text}");
    } else {
        emit(text);
    }
}

/// Writes what a scan was asked to write: the report, annotations, pairs, drop list and clean
/// copy; says what the clean copy did.
fn write_outputs(
    args: &ScanArgs,
    cfg: &neardup::Config,
    out: &neardup::ScanOutput,
) -> Result<Option<clean::CleanSummary>, CliError> {
    write::write_report(&args.out.report, &out.report).map_err(|e| {
        CliError::output(format!(
            "cannot write the report to '{}': {e} (choose another path with --report)",
            args.out.report.display()
        ))
    })?;
    if let Some(path) = &args.out.annotations {
        write::write_annotations(path, &out.annotations).map_err(|e| {
            CliError::output(format!(
                "cannot write annotations to '{}': {e} (choose another path with --annotations)",
                path.display()
            ))
        })?;
    }
    if let Some(path) = &args.out.pairs {
        write::write_pairs(path, &out.pairs).map_err(|e| {
            CliError::output(format!(
                "cannot write the pairs to '{}': {e} (choose another path with --pairs)",
                path.display()
            ))
        })?;
    }
    // A scan that read nothing (or not the field named) has nothing to act on: no drop list,
    // no clean copy, which would be empty or lack every record (exit code 3).
    if out.input_error.is_some() {
        write_html(args, cfg, out)?;
        return Ok(None);
    }
    if let Some(path) = &args.out.drop_list {
        write::write_drop_list(path, &out.annotations).map_err(|e| {
            CliError::output(format!(
                "cannot write the drop list to '{}': {e}",
                path.display()
            ))
        })?;
    }
    write_html(args, cfg, out)?;
    let Some(dir) = &args.out.clean else {
        return Ok(None);
    };
    let source = out.clean_source();
    clean::write_clean_corpus(cfg, source, dir)
        .map(Some)
        .map_err(|e| {
            CliError::output(format!(
                "cannot write the cleaned corpus to '{}': {e}",
                dir.display()
            ))
        })
}
