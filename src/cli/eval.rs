//! `neardup eval`: a scan scored against labels (clusters, pairs, page lines) or gold texts.

use std::path::PathBuf;

use neardup::human::count;
use neardup::report::clean;
use neardup::Config;

use super::args::EvalArgs;
use super::{emit, say, warn, CliError};

/// Thresholds `eval --labels` scores besides the one given.
const EVAL_SWEEP: [f64; 6] = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

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
            let labels = neardup::eval::parse_labels(&text).map_err(|e| {
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
    // With labels, a threshold sweep follows; it re-runs the scan from a cache of what reading
    // produced (the user's --cache, or a scratch one removed at the end).
    let scratch = std::env::temp_dir().join(format!("neardup-eval-{}", std::process::id()));
    if labels.is_some() && cfg.cache.is_none() {
        cfg.cache = Some(scratch.clone());
    }
    let result = score_eval(args, &cfg, truth, labels);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// `eval --gold`: the cleaned copy (made by a scan, or given with --cleaned) scored against
/// the gold article texts.
fn run_gold_eval(args: &EvalArgs, gold: &std::path::Path) -> Result<(), CliError> {
    if !gold.is_dir() {
        return Err(CliError::usage(format!(
            "the gold folder '{}' is not a folder: give the folder of gold texts \
             (GOLD/site/page.txt for DIR/site/page.html)",
            gold.display()
        )));
    }
    // the clean-copy paths of pages a scan dropped as duplicates (a clean copy keeps one)
    let mut dropped: std::collections::HashSet<String> = std::collections::HashSet::new();
    let scratch = std::env::temp_dir().join(format!("neardup-gold-{}", std::process::id()));
    let cleaned = if args.cleaned {
        match args.scan.paths.as_slice() {
            [dir] => dir.clone(),
            _ => {
                return Err(CliError::usage(
                    "eval --cleaned scores one folder of cleaned texts; give one",
                ))
            }
        }
    } else {
        scan_and_clean(args, &scratch, &mut dropped)?
    };
    let score = neardup::cleaning::score_dirs(&cleaned, gold);
    let _ = std::fs::remove_dir_all(&scratch);
    let score = score.map_err(|e| {
        CliError::usage(format!(
            "cannot score '{}' against '{}': {e}",
            cleaned.display(),
            gold.display()
        ))
    })?;
    {
        {
            if args.verbose > 0 {
                for (page, s) in &score.pages {
                    emit(format!("  {page:<40} {s}\n"));
                }
            }
            emit(score.to_string());
            let as_duplicates = score
                .missing_pages
                .iter()
                .filter(|p| dropped.contains(*p))
                .count() as u64;
            if as_duplicates > 0 {
                emit(format!(
                    "  {as_duplicates} of them {} dropped as a near-duplicate of another page \
                     (a clean copy keeps one copy; its words count as lost here)\n",
                    neardup::human::noun(as_duplicates, "was")
                ));
            }
            if score.missing > 0 && score.missing as usize == score.pages.len() {
                return Err(CliError::usage(
                    "no gold page has a cleaned file: the gold folder must mirror the \
                     corpus (GOLD/site/page.txt for DIR/site/page.html); WARC and Parquet inputs \
                     are cleaned to JSON Lines, which --gold cannot score",
                ));
            }
            Ok(())
        }
    }
}

/// `eval --gold` without --cleaned: scans the corpus and writes its clean copy into
/// `scratch`, noting in `dropped` the clean-copy names of the pages dropped as duplicates.
fn scan_and_clean(
    args: &EvalArgs,
    scratch: &std::path::Path,
    dropped: &mut std::collections::HashSet<String>,
) -> Result<PathBuf, CliError> {
    let cfg = args.scan.to_config();
    let out = neardup::scan(&cfg).map_err(|e| CliError::usage(e.to_string()))?;
    if let Some(error) = &out.input_error {
        return Err(CliError::nothing_read(error.clone()));
    }
    let names = clean::copy_names(&out.files);
    let name_of: std::collections::HashMap<&str, &String> = out
        .files
        .iter()
        .zip(&names)
        .map(|(f, name)| (f.rel.as_str(), name))
        .collect();
    for a in out.annotations.iter().filter(|a| a.duplicate_of.is_some()) {
        if let Some(name) = name_of.get(a.path.as_str()) {
            dropped.insert((*name).clone());
        }
    }
    let target = scratch.to_path_buf();
    let source = clean::CleanSource {
        files: &out.files,
        annotations: &out.annotations,
        text_hashes: &out.text_hashes,
    };
    if let Err(e) = clean::write_clean_corpus(&cfg, source, &target) {
        let _ = std::fs::remove_dir_all(scratch);
        return Err(CliError::output(format!(
            "cannot write the cleaned corpus to '{}': {e}",
            target.display()
        )));
    }
    Ok(target)
}

/// The scan of `eval` and its scores; exit code 2 when a label file names nothing in the scan.
fn score_eval(
    args: &EvalArgs,
    cfg: &Config,
    truth: Option<(&PathBuf, neardup::eval::Labels)>,
    labels: Option<(&PathBuf, String)>,
) -> Result<(), CliError> {
    use neardup::eval::{self, Labels};
    let out = neardup::scan(cfg).map_err(|e| CliError::usage(e.to_string()))?;
    for warning in &out.warnings {
        warn(warning);
    }
    if let Some(error) = &out.input_error {
        return Err(CliError::nothing_read(error.clone()));
    }
    let dir = args.scan.corpus_name();
    let mut result = Ok(());
    match truth {
        Some((path, Labels::Truth(truth))) => {
            let known: std::collections::HashSet<&str> =
                out.annotations.iter().map(|a| a.id.as_str()).collect();
            let ids = eval::truth_ids(&truth);
            if ids.iter().any(|id| known.contains(id)) {
                emit(eval::evaluate(&out.report, &out.annotations, &truth).to_string());
            } else {
                result = Err(CliError::usage(format!(
                    "nothing to score: none of the {} named in '{}' is in '{dir}'",
                    count(ids.len() as u64, "document"),
                    path.display(),
                )));
            }
        }
        Some((path, Labels::Lines(lines))) => {
            let wanted = lines.keys().map(String::as_str).collect();
            let texts = eval::read_texts(cfg, &wanted);
            let ev = eval::evaluate_lines(&out.report, &out.annotations, &lines, &texts);
            if ev.scored() {
                emit(ev.render(args.verbose));
            } else {
                result = Err(CliError::usage(format!(
                    "nothing to score: none of the {} labelled in '{}' is in '{dir}'",
                    count(lines.len() as u64, "page"),
                    path.display(),
                )));
            }
        }
        None => {}
    }
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
        let mut sweep = String::from(
            "\nthreshold sweep (other flags as given):\n  threshold  precision  recall  F1\n",
        );
        for t in EVAL_SWEEP {
            let mut c = cfg.clone();
            c.near.threshold = t;
            c.near.bands = None;
            c.near.rows = None;
            if let Ok(o) = neardup::scan(&c) {
                let s = eval::score_labelled_pairs(&o.report, &o.annotations, &text).score;
                sweep.push_str(&format!(
                    "  {t:.2}       {:.4}     {:.4}  {:.4}\n",
                    s.precision(),
                    s.recall(),
                    s.f1()
                ));
            }
        }
        emit(sweep);
    }
    result
}
