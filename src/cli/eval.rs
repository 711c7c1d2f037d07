//! `neardup eval`: a scan scored against labels (clusters, pairs, page lines) or gold texts.
//! The evaluations are the library's (`neardup::eval`); this reads the arguments and prints.

use std::path::{Path, PathBuf};

use neardup::eval::gold::{self, GoldError};
use neardup::eval::{self, Labels};
use neardup::human::count;
use neardup::Config;

use super::args::EvalArgs;
use super::{emit, say, warn, CliError};

/// `neardup eval`.
pub fn run(args: &EvalArgs) -> Result<(), CliError> {
    if let Some(gold) = &args.gold {
        return run_gold_eval(args, gold);
    }
    if args.truth.is_none() && args.labels.is_none() {
        return Err(CliError::usage(
            "eval needs labels to score against: --truth FILE (duplicate clusters, \
             template and repeated lines as samples/truth.json, or page line labels), --labels \
             FILE (pairs: id_a<TAB>id_b<TAB>1|0) or --gold DIR (the article text of each page)",
        ));
    }
    // The label files are read first: a bad one fails before the scan.
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read '{}': {e}", path.display())))
    };
    let truth = match &args.truth {
        None => None,
        Some(path) => {
            let text = read(path)?;
            let labels = eval::parse_labels(&text).map_err(|e| {
                CliError::usage(format!(
                    "'{}' is not a label file: {e} (formats: README, \"Tuning\", step 5)",
                    path.display()
                ))
            })?;
            Some((path, labels))
        }
    };
    let labels = match &args.labels {
        None => None,
        Some(path) => Some((path, read(path)?)),
    };
    let mut cfg = args.scan.to_config();
    let _stdin = args.scan.copy_stdin(&mut cfg)?;
    // With labels, a threshold sweep follows: the first scan fills a cache it reuses.
    let _scratch = labels
        .is_some()
        .then(|| eval::pairs::ScratchCache::attach(&mut cfg));
    score_eval(args, &cfg, truth, labels)
}

/// `eval --gold`: the cleaned copy (made by a scan, or given with --cleaned) scored against
/// the gold article texts.
fn run_gold_eval(args: &EvalArgs, gold: &Path) -> Result<(), CliError> {
    gold::check_gold_folder(gold).map_err(gold_error)?;
    let evaluation = if args.cleaned {
        match args.scan.paths.as_slice() {
            [dir] => gold::evaluate_cleaned(dir, gold),
            _ => {
                return Err(CliError::usage(
                    "eval --cleaned scores one folder of cleaned texts; give one",
                ))
            }
        }
    } else {
        gold::evaluate_gold(&args.scan.to_config(), gold)
    }
    .map_err(gold_error)?;
    let score = &evaluation.score;
    if args.verbose > 0 {
        for (page, s) in &score.pages {
            emit(format!("  {page:<40} {}\n", gold::Words(*s)));
        }
    }
    emit(score.to_string());
    let dropped = evaluation.dropped_as_duplicates;
    if dropped > 0 {
        emit(format!(
            "  {dropped} of them {} dropped as a near-duplicate of another page \
             (a clean copy keeps one copy; its words count as lost here)\n",
            neardup::human::noun(dropped, "was")
        ));
    }
    if score.nothing_matched() {
        return Err(CliError::usage(
            "no gold page has a cleaned file: the gold folder must mirror the \
             corpus (GOLD/site/page.txt for DIR/site/page.html); WARC and Parquet inputs \
             are cleaned to JSON Lines, which --gold cannot score",
        ));
    }
    Ok(())
}

/// A gold evaluation's failure as the command line's, with its exit code.
fn gold_error(e: GoldError) -> CliError {
    match e {
        GoldError::NothingRead(message) => CliError::nothing_read(message),
        GoldError::CleanCopy { .. } => CliError::output(e.to_string()),
        GoldError::NotAFolder(_) | GoldError::Scan(_) | GoldError::Score { .. } => {
            CliError::usage(e.to_string())
        }
    }
}

/// The scan of `eval` and its scores; exit code 2 when a label file names nothing in the scan.
fn score_eval(
    args: &EvalArgs,
    cfg: &Config,
    truth: Option<(&PathBuf, Labels)>,
    labels: Option<(&PathBuf, String)>,
) -> Result<(), CliError> {
    let out = neardup::scan(cfg).map_err(|e| CliError::usage(e.to_string()))?;
    for warning in &out.warnings {
        warn(warning);
    }
    if let Some(error) = &out.input_error {
        return Err(CliError::nothing_read(error.clone()));
    }
    let dir = args.scan.corpus_name();
    let result = match truth {
        Some((path, Labels::Truth(truth))) => {
            let known: std::collections::HashSet<&str> =
                out.annotations.iter().map(|a| a.id.as_str()).collect();
            let ids = eval::truth_ids(&truth);
            if ids.iter().any(|id| known.contains(id)) {
                emit(eval::evaluate(&out.report, &out.annotations, &truth).to_string());
                Ok(())
            } else {
                Err(CliError::usage(format!(
                    "nothing to score: none of the {} named in '{}' is in '{dir}'",
                    count(ids.len() as u64, "document"),
                    path.display(),
                )))
            }
        }
        Some((path, Labels::Lines(lines))) => {
            let wanted = lines.keys().map(String::as_str).collect();
            let texts = eval::read_texts(cfg, &wanted);
            let ev = eval::evaluate_lines(&out.report, &out.annotations, &lines, &texts);
            if ev.scored() {
                emit(ev.render(args.verbose));
                Ok(())
            } else {
                Err(CliError::usage(format!(
                    "nothing to score: none of the {} labelled in '{}' is in '{dir}'",
                    count(lines.len() as u64, "page"),
                    path.display(),
                )))
            }
        }
        None => Ok(()),
    };
    if let Some((path, text)) = labels {
        let scored = eval::score_labelled_pairs(&out.report, &out.annotations, &text);
        for e in &scored.errors {
            say(&format!("{}: {e}", path.display()));
        }
        if scored.unknown_pairs > 0 {
            say(&format!(
                "{}: {} of {} not scored, a document is not in '{dir}' (e.g. {})",
                path.display(),
                scored.unknown_pairs,
                count(scored.pairs, "pair"),
                scored.unknown_ids.join(", ")
            ));
        }
        if scored.pairs == scored.unknown_pairs {
            return Err(CliError::usage(format!(
                "nothing to score in '{}'",
                path.display()
            )));
        }
        emit(format!("labelled pairs        {}\n", scored.score));
        emit(eval::threshold_sweep(cfg, &text).to_string());
    }
    result
}
