//! Each command's --help lists the flags that change what it does, and no others.

use crate::support::{neardup, stderr, stdout};

/// The long flags a command's --help lists.
fn flags(command: &str) -> Vec<String> {
    let dir = std::env::temp_dir();
    let out = neardup(&dir, &[command, "--help"]);
    assert!(out.status.success());
    stdout(&out)
        .lines()
        .filter_map(|l| l.trim_start().split("--").nth(1))
        .filter_map(|rest| rest.split([' ', ',', '.']).next().map(str::to_string))
        .filter(|f| !f.is_empty())
        .collect()
}

#[test]
fn explain_lists_only_the_flags_that_change_its_answer() {
    let explain = flags("explain");
    for wanted in [
        "threshold",
        "containment",
        "ngram",
        "shingle",
        "num-perm",
        "fold-digits",
        "seed",
        "thin-words",
        "thin-share",
        "corpus",
        "template-min-docs",
        "text-field",
        "site",
        "glob",
        "hidden",
    ] {
        assert!(
            explain.iter().any(|f| f == wanted),
            "explain lacks --{wanted}: {explain:?}"
        );
    }
    // candidate search, verification, the kept member and repeats do not change its answer
    for unwanted in [
        "bands",
        "rows",
        "verify",
        "keep",
        "min-words",
        "repeat-similarity",
        "repeat-min-words",
        "report",
        "threads",
    ] {
        assert!(
            !explain.iter().any(|f| f == unwanted),
            "explain lists --{unwanted}"
        );
    }
}

#[test]
fn eval_does_not_offer_outputs_it_would_not_write() {
    let eval = flags("eval");
    for unwanted in [
        "report",
        "annotations",
        "pairs",
        "clean",
        "drop-list",
        "quiet",
        "no-timing",
    ] {
        assert!(
            !eval.iter().any(|f| f == unwanted),
            "eval lists --{unwanted}"
        );
    }
    assert!(eval.iter().any(|f| f == "labels"));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = neardup(
        dir.path(),
        &["eval", ".", "--labels", "x.tsv", "--report", "r.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'--report'"));
    assert!(!dir.path().join("r.json").exists());
    let scan = flags("scan");
    for wanted in [
        "report",
        "annotations",
        "pairs",
        "clean",
        "drop-list",
        "bands",
        "verify",
        "hidden",
        "glob",
    ] {
        assert!(scan.iter().any(|f| f == wanted), "scan lacks --{wanted}");
    }
}

#[test]
fn params_puts_the_design_point_on_the_curve() {
    let dir = std::env::temp_dir();
    let out = neardup(&dir, &["params"]);
    let text = stdout(&out);
    assert!(text.contains("designed for Jaccard 0.364"), "{text}");
    assert!(
        text.contains("half of a document at containment 0.8"),
        "{text}"
    );
    let design = text
        .lines()
        .find(|l| l.ends_with("<- design (half copy)"))
        .expect("the design point marked");
    assert!(design.trim_start().starts_with("0.36"), "{design}");
    assert!(text.lines().any(|l| l.ends_with("<- threshold")));
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // without containment the design point is the threshold, and the curve starts at 0.5
    let out = neardup(&dir, &["params", "--no-containment"]);
    let text = stdout(&out);
    assert!(!text.contains("<- design"));
    assert!(text.contains("  0.50 "));
    assert!(!text.contains("  0.45 "));
}
