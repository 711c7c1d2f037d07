//! The real binary on `samples/`: report contents against `samples/truth.json`, annotations,
//! determinism, and the evaluation command.

use crate::support::{
    annotations, neardup, parse_report, samples, scan_to, span_lines, stderr, stdout,
};
use neardup::eval::{evaluate, Truth};
use neardup::Report;

fn truth() -> Truth {
    let text = std::fs::read_to_string(samples().join("truth.json")).expect("truth.json");
    serde_json::from_str(&text).expect("truth parses")
}

fn truth_json() -> serde_json::Value {
    let text = std::fs::read_to_string(samples().join("truth.json")).expect("truth.json");
    serde_json::from_str(&text).expect("truth parses")
}

fn scan_samples(extra: &[&str]) -> (Report, Vec<neardup::Annotation>, String, String) {
    let out = tempfile::tempdir().expect("tempdir");
    let (r, a, _) = scan_to(&samples(), out.path(), extra);
    let report = parse_report(&r);
    (report, annotations(&a), r, a)
}

#[test]
fn samples_match_truth() {
    let (report, anns, _, _) = scan_samples(&[]);
    let eval = evaluate(&report, &anns, &truth());
    assert_eq!(eval.pairs.precision(), 1.0, "{eval}");
    assert_eq!(eval.pairs.recall(), 1.0, "{eval}");
    assert!(eval.template_lines.precision() >= 0.97, "{eval}");
    assert!(eval.template_lines.recall() >= 0.95, "{eval}");
    assert_eq!(eval.repeated_lines.f1(), 1.0, "{eval}");
}

#[test]
fn report_has_contract_fields_and_counts() {
    let (report, anns, raw, _) = scan_samples(&[]);
    let v: serde_json::Value = serde_json::from_str(&raw).expect("json");
    for key in [
        "version",
        "summary",
        "skipped",
        "duplicate_clusters",
        "template_blocks",
        "repeated_blocks",
    ] {
        assert!(v.get(key).is_some(), "report lacks {key}");
    }
    assert!(v.get("timing").is_none(), "--no-timing leaves timing out");
    assert_eq!(report.version, 1);
    assert_eq!(report.summary.documents as usize, anns.len());
    assert_eq!(report.summary.lossy_utf8_documents, 1);
    let params = &report.summary.parameters;
    assert_eq!((params.ngram, params.num_perm), (5, 128));
    assert!(params.bands * params.rows <= 128);
    assert_eq!(params.s_curve.len(), 3);

    // every expected skip is there with its reason
    let t = truth_json();
    for (path, reason) in t["skipped"].as_object().expect("skipped map") {
        let reason = reason.as_str().expect("reason");
        assert!(
            report
                .skipped
                .iter()
                .any(|s| &s.path == path && s.reason.to_string().starts_with(reason)),
            "{path}: {reason} not in {:?}",
            report.skipped
        );
    }
    let by_reason: u64 = report.summary.skipped_by_reason.values().sum();
    assert_eq!(by_reason, report.summary.skipped);
}

#[test]
fn annotations_mark_members_and_representatives() {
    let (report, anns, _, _) = scan_samples(&[]);
    for c in &report.duplicate_clusters {
        assert_eq!(c.documents[0].id, c.representative);
        for m in &c.documents {
            let a = anns
                .iter()
                .find(|a| a.id == m.id)
                .expect("member annotated");
            assert_eq!(a.cluster, Some(c.id));
            if m.id == c.representative {
                assert_eq!(a.duplicate_of, None);
            } else {
                assert_eq!(a.duplicate_of.as_deref(), Some(c.representative.as_str()));
            }
        }
    }
    // keep=first: the representative is the smallest id
    for c in &report.duplicate_clusters {
        let min = c
            .documents
            .iter()
            .map(|m| m.id.as_str())
            .min()
            .expect("members");
        assert_eq!(c.representative, min);
    }
    // JSONL documents carry their line, text documents do not
    let wire = anns
        .iter()
        .find(|a| a.id == "wire-harbour")
        .expect("jsonl doc");
    assert_eq!(
        (wire.path.as_str(), wire.line),
        ("feeds/wire.jsonl", Some(1))
    );
    assert_eq!(wire.site.as_deref(), Some("feeds"));
}

#[test]
fn template_traps() {
    let (_, anns, _, _) = scan_samples(&[]);
    // one story on three pages of one site: its paragraphs stay content
    assert!(span_lines(&anns, "metrowire/night-trams.txt", "template")
        .iter()
        .all(|&l| l == 1 || l >= 15));
    // a headline is content in its own article, template in the others' related lists
    assert!(!span_lines(&anns, "dailyherald/jazz-festival.txt", "template").contains(&4));
    assert!(span_lines(&anns, "dailyherald/harbour-bridge.txt", "template").contains(&28));
    // "said." ending wrapped paragraphs on every page of a site is not template
    for doc in [
        "coastnews/schools-hiring.txt",
        "coastnews/rent-march.txt",
        "coastnews/harbour-bridge-afp.txt",
    ] {
        let text = std::fs::read_to_string(samples().join(doc)).expect("sample");
        let said = text.lines().position(|l| l == "said.").expect("said. line") as u32 + 1;
        assert!(!span_lines(&anns, doc, "template").contains(&said), "{doc}");
        // the footer line with a changing year is template
        let powered = text
            .lines()
            .position(|l| l.starts_with("Powered by"))
            .expect("footer") as u32
            + 1;
        assert!(
            span_lines(&anns, doc, "template").contains(&powered),
            "{doc}"
        );
    }
    // short articles under a long template: template found, articles not joined
    let lines = span_lines(&anns, "techbeat/brief-3.txt", "template");
    assert!(lines.contains(&1) && lines.contains(&12));
    assert!(anns
        .iter()
        .filter(|a| a.id.starts_with("techbeat/"))
        .all(|a| a.cluster.is_none()));
}

#[test]
fn repeated_and_reused_captions() {
    let (report, anns, _, _) = scan_samples(&[]);
    assert_eq!(
        span_lines(&anns, "dailyherald/flood-old-town.txt", "repeated"),
        vec![10]
    );
    let across: Vec<_> = report
        .repeated_blocks
        .iter()
        .filter(|b| {
            b.kind == neardup::report::RepeatKind::Across
                && b.text.starts_with("Volunteers carry sandbags")
        })
        .collect();
    assert_eq!(across.len(), 1);
    assert_eq!(
        across[0].documents,
        vec![
            "dailyherald/flood-old-town.txt".to_string(),
            "metrowire/farmers-market.txt".to_string()
        ]
    );
}

#[test]
fn byte_identical_across_thread_counts() {
    let (_, _, r1, a1) = scan_samples(&["--threads", "1"]);
    let (_, _, r4, a4) = scan_samples(&["--threads", "4"]);
    assert_eq!(r1, r4);
    assert_eq!(a1, a4);
}

#[test]
fn reading_again_gives_what_the_temporary_file_gives() {
    // Pass 2 normally works from the records pass 1 left in a temporary file; --no-spill reads
    // and segments the documents again. Both must give the same report, byte for byte.
    let (_, _, spilled, spilled_anns) = scan_samples(&[]);
    let (_, _, reread, reread_anns) = scan_samples(&["--no-spill"]);
    assert_eq!(spilled, reread);
    assert_eq!(spilled_anns, reread_anns);
}

/// Scans `samples/` with `args` (and `TMPDIR` set to `tmpdir` when given); returns the report
/// text and what `timing.spill` says (the report is written without timing when `no_timing`).
fn scan_spill(
    args: &[&str],
    tmpdir: Option<&std::path::Path>,
    no_timing: bool,
) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("r.json");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_neardup"));
    cmd.arg("scan").arg(samples()).args(args).arg("-q");
    if no_timing {
        cmd.arg("--no-timing");
    }
    if let Some(t) = tmpdir {
        cmd.env("TMPDIR", t);
    }
    let out = cmd
        .arg("--report")
        .arg(&report)
        .output()
        .expect("the neardup binary runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&report).expect("report");
    let r = parse_report(&text);
    let spill = r.timing.and_then(|t| t.spill).unwrap_or_default();
    (text, spill)
}

#[test]
fn no_temporary_directory_falls_back_to_reading_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (without, _) = scan_spill(&[], Some(&dir.path().join("missing")), true);
    let (_, _, with, _) = scan_samples(&[]);
    assert_eq!(without, with);
}

#[test]
fn report_says_where_pass_two_read_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spill_dir = dir.path().join("spill");
    std::fs::create_dir(&spill_dir).expect("mkdir");
    let spill_arg = spill_dir.to_str().expect("path");
    let missing = dir.path().join("missing");
    let missing_arg = missing.to_str().expect("path");
    for (args, expected) in [
        (&[][..], "B in a temporary file"),
        (&["--no-spill"][..], "not used: --no-spill"),
        (&["--temp-dir", spill_arg][..], "B in a temporary file"),
    ] {
        let (_, spill) = scan_spill(args, None, false);
        assert!(spill.contains(expected), "{args:?}: {spill}");
    }
    // a --temp-dir that does not exist is refused before the scan, not silently ignored
    let out = neardup(dir.path(), &["scan", ".", "--temp-dir", missing_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--temp-dir"));
    // the file is anonymous: nothing is left behind
    assert_eq!(std::fs::read_dir(&spill_dir).expect("list").count(), 0);
}

#[test]
fn containment_off_misses_the_trimmed_copy() {
    let (report, _, _, _) = scan_samples(&["--no-containment"]);
    let joined = report.duplicate_clusters.iter().any(|c| {
        c.documents
            .iter()
            .any(|m| m.id == "metrowire/bridge-vote.txt")
    });
    assert!(!joined, "the trimmed copy has Jaccard below 0.7");
    let (report, _, _, _) = scan_samples(&[]);
    let c = report
        .duplicate_clusters
        .iter()
        .find(|c| {
            c.documents
                .iter()
                .any(|m| m.id == "metrowire/bridge-vote.txt")
        })
        .expect("trimmed copy clustered by containment");
    let m = c
        .documents
        .iter()
        .find(|m| m.id == "metrowire/bridge-vote.txt")
        .expect("member");
    assert!(m.containment >= 0.8 && m.similarity < 0.7, "{m:?}");
}

#[test]
fn keep_longest_changes_the_representative() {
    let (report, _, _, _) = scan_samples(&["--keep", "longest"]);
    let trams = report
        .duplicate_clusters
        .iter()
        .find(|c| {
            c.documents
                .iter()
                .any(|m| m.id == "metrowire/night-trams.txt")
        })
        .expect("trams cluster");
    assert_eq!(trams.representative, "metrowire/night-trams-update.txt");
}

#[test]
fn exact_verification_agrees_on_samples() {
    let (report, anns, _, _) = scan_samples(&["--verify", "exact"]);
    let eval = evaluate(&report, &anns, &truth());
    assert_eq!(eval.pairs.f1(), 1.0, "{eval}");
}

#[test]
fn eval_command_prints_scores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let truth = samples().join("truth.json");
    let out = neardup(
        dir.path(),
        &[
            "eval",
            "--truth",
            truth.to_str().expect("path"),
            samples().to_str().expect("path"),
        ],
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("near-duplicate pairs  precision 1.0000  recall 1.0000"),
        "{text}"
    );
    let labels = dir.path().join("pairs.tsv");
    std::fs::write(
        &labels,
        "a\tb\tlabel\nwire-school\tarchive-school\t1\ntechbeat/brief-1.txt\ttechbeat/brief-2.txt\t0\nwire-harbour\tmetrowire/bridge-vote.txt\t1\n",
    )
    .expect("write labels");
    let out = neardup(
        dir.path(),
        &[
            "eval",
            "--labels",
            labels.to_str().expect("path"),
            samples().to_str().expect("path"),
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("(TP 2, FP 0, FN 0)"), "{text}");
    // the threshold sweep, run from a scratch cache
    assert!(text.contains("threshold sweep"), "{text}");
    assert!(text.contains("  0.90       1.0000"), "{text}");
}

#[test]
fn summary_is_printed_and_default_report_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = neardup(dir.path(), &["scan", samples().to_str().expect("path")]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("documents"), "{text}");
    assert!(text.contains("clusters"), "{text}");
    assert!(dir.path().join("neardup-report.json").exists());
}

/// The numbers after `#` in `text`, in the order they appear (`prefix` before each).
fn numbers_after(text: &str, prefix: &str) -> Vec<u64> {
    text.split(prefix)
        .skip(1)
        .map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().expect("a number after the prefix")
        })
        .collect()
}

#[test]
fn cluster_numbers_follow_the_order_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("report.html");
    let out = neardup(
        dir.path(),
        &[
            "scan",
            samples().to_str().expect("path"),
            "--annotations",
            "ann.jsonl",
            "--html",
            html.to_str().expect("path"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Report = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("neardup-report.json")).expect("report"),
    )
    .expect("report parses");
    let clusters = &report.duplicate_clusters;
    assert!(clusters.len() >= 3, "{clusters:?}");
    // The report lists the clusters largest first, numbered 1..n in that order.
    let ids: Vec<u64> = clusters.iter().map(|c| c.id).collect();
    assert_eq!(ids, (1..=clusters.len() as u64).collect::<Vec<_>>());
    let sizes: Vec<usize> = clusters.iter().map(|c| c.documents.len()).collect();
    assert!(
        sizes.windows(2).all(|w| w[0] >= w[1]),
        "not largest first: sizes {sizes:?}"
    );
    // The terminal summary shows the first five in that order.
    let text = stdout(&out);
    let shown = numbers_after(&text, "    #");
    assert_eq!(
        shown,
        (1..=shown.len().min(5) as u64).collect::<Vec<_>>(),
        "{text}"
    );
    // The HTML page shows the same numbers in the same order.
    let page = std::fs::read_to_string(&html).expect("page");
    assert_eq!(numbers_after(&page, "<span class=\"cid\">#"), ids);
    // Each annotation's cluster number names the cluster that holds the document.
    let anns = annotations(&std::fs::read_to_string(dir.path().join("ann.jsonl")).expect("ann"));
    for a in anns.iter().filter(|a| a.cluster.is_some()) {
        let c = &clusters[a.cluster.expect("cluster") as usize - 1];
        assert!(
            c.documents.iter().any(|m| m.id == a.id),
            "{} not in #{}",
            a.id,
            c.id
        );
    }
}

#[test]
fn report_to_stdout_keeps_stdout_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = neardup(
        dir.path(),
        &["scan", samples().to_str().expect("path"), "--report", "-"],
    );
    assert!(out.status.success());
    let report: Report = serde_json::from_slice(&out.stdout).expect("stdout is the report");
    assert!(report.summary.documents > 20);
    assert!(stderr(&out).contains("duplicates"));
}

#[test]
fn clean_corpus_and_drop_list() {
    let out = tempfile::tempdir().expect("tempdir");
    let clean = out.path().join("clean");
    let drop = out.path().join("drop.txt");
    let o = neardup(
        out.path(),
        &[
            "scan",
            samples().to_str().expect("path"),
            "--clean",
            clean.to_str().expect("path"),
            "--drop-list",
            drop.to_str().expect("path"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("16 documents kept, 9 duplicates dropped"));
    let dropped = std::fs::read_to_string(&drop).expect("drop list");
    assert_eq!(dropped.lines().count(), 9);
    assert!(dropped.lines().any(|l| l == "metrowire/bridge-vote.txt"));
    // duplicates are gone, representatives stay
    assert!(!clean.join("metrowire/bridge-vote.txt").exists());
    assert!(clean.join("coastnews/harbour-bridge-afp.txt").exists());
    // template lines and the second caption are stripped, the story stays
    let flood =
        std::fs::read_to_string(clean.join("dailyherald/flood-old-town.txt")).expect("kept");
    assert!(!flood.contains("DAILY HERALD") && !flood.contains("All rights reserved"));
    assert_eq!(flood.matches("Volunteers carry sandbags").count(), 1);
    assert!(flood.contains("Hundreds of volunteers worked through the night"));
    // a quote two different articles share keeps its first occurrence, in the whole copy
    let quote = "We will not accept any plan that moves costs onto households";
    let first = std::fs::read_to_string(clean.join("coastnews/rent-march.txt")).expect("kept");
    let later = std::fs::read_to_string(clean.join("metrowire/energy-prices.txt")).expect("kept");
    assert_eq!(
        first.matches(quote).count() + later.matches(quote).count(),
        1
    );
    assert!(first.contains(quote), "the first occurrence stays");
    assert!(stdout(&o).contains("of later copies of shared blocks"));
    // JSONL keeps its other fields; the compressed archive stays compressed, at its own name
    let gz = std::fs::File::open(clean.join("feeds/archive.jsonl.gz")).expect("archive");
    let mut archive = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(gz), &mut archive)
        .expect("gzip");
    assert!(archive.contains("\"source\":\"archive\""));
    // the cleaned corpus must not be written inside the corpus
    let o = neardup(
        out.path(),
        &[
            "scan",
            samples().to_str().expect("path"),
            "--clean",
            samples().join("x").to_str().expect("path"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}
