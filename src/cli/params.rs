//! `neardup params`: the LSH bands and rows a threshold gives, the S-curve, the memory.

use neardup::report::summary;
use neardup::Config;

use super::args::ParamsArgs;
use super::{emit, CliError};

/// `neardup params`.
pub fn run(args: &ParamsArgs) -> Result<(), CliError> {
    let mut cfg = Config::new(".");
    cfg.near.threshold = args.threshold;
    cfg.near.num_perm = args.num_perm;
    cfg.near.containment = (!args.no_containment).then_some(args.containment);
    cfg.near.bands = args.bands;
    cfg.near.rows = args.rows;
    cfg.validate().map_err(|e| CliError::usage(e.to_string()))?;
    let thresholds = neardup::sketch::Thresholds {
        jaccard: cfg.near.threshold,
        containment: cfg.near.containment,
        containment_min_shingles: cfg.near.containment_min_shingles,
    };
    let mut text = neardup::sketch::lsh::describe(
        &thresholds,
        cfg.near.num_perm,
        cfg.near.bands,
        cfg.near.rows,
    );
    text.push_str(&joins(cfg.near.threshold, cfg.near.containment));
    emit(text);
    Ok(())
}

/// `params`: which rule joins a pair at these thresholds, and whether the threshold matters.
fn joins(threshold: f64, containment: Option<f64>) -> String {
    let Some(c) = containment else {
        return format!("\njoined: pairs with Jaccard ≥ {threshold} (containment off)\n");
    };
    let mut text = format!(
        "\n{}",
        wrapped(&format!(
            "joined: pairs with Jaccard ≥ {threshold}, or where the smaller lies ≥ {c} inside \
             the larger (containment; copies of similar length reach it from Jaccard {:.2})",
            c / (2.0 - c)
        ))
    );
    if let Some(note) = summary::threshold_note(threshold, containment) {
        text.push_str(&wrapped(&format!("note: {note}")));
    }
    text
}

/// `text` in lines of at most 80 columns (params fits a terminal), the lines after the first
/// indented by two spaces.
fn wrapped(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if line.trim().is_empty() {
            line.push_str(word);
            continue;
        }
        if line.chars().count() + 1 + word.chars().count() > 80 {
            out.push_str(&line);
            out.push('\n');
            line = format!("  {word}");
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    out.push_str(&line);
    out.push('\n');
    out
}
