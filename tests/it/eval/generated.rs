//! The evaluation on a generated labelled corpus (synthetic text, so it needs nothing outside
//! the repository): prints precision, recall and F1 and holds the targets of the detection
//! issues at default settings. The larger run on Reuters stories is in README ("Accuracy").

use neardup::eval::evaluate;
use neardup::{scan, Config};
use neardup_synth::{generate, synthetic_stories, SynthOptions};

#[test]
fn generated_corpus_meets_the_targets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = SynthOptions {
        stories: 900,
        sites: 16,
        seed: 11,
        ..SynthOptions::default()
    };
    let stories = synthetic_stories(opts.stories, opts.seed);
    let truth = generate(&stories, &opts, dir.path()).expect("generate corpus");
    let out = scan(&Config::new(dir.path())).expect("scan");
    let eval = evaluate(&out.report, &out.annotations, &truth.truth);
    println!(
        "{} documents, {} labelled clusters\n{eval}",
        truth.documents,
        truth.truth.duplicate_clusters.len()
    );
    assert!(eval.pairs.precision() >= 0.99, "{eval}");
    let (_, above) = eval
        .pairs_above_threshold
        .expect("pair similarities labelled");
    assert!(above.recall() >= 0.97, "{eval}");
    assert!(eval.pairs.f1() >= 0.95, "{eval}");
    assert!(eval.template_lines.precision() >= 0.97, "{eval}");
    assert!(eval.template_lines.recall() >= 0.95, "{eval}");
    assert!(eval.repeated_lines.precision() >= 0.97, "{eval}");
    assert!(eval.repeated_lines.recall() >= 0.95, "{eval}");
}

/// On a generated corpus large enough for the threads to interleave, the report and the
/// annotations do not depend on the number of threads.
#[test]
fn generated_corpus_is_deterministic_across_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::generated_corpus(dir.path(), 400, 8, 3);
    let run = |threads: usize| {
        let mut cfg = Config::new(dir.path());
        cfg.threads = Some(threads);
        let mut out = scan(&cfg).expect("scan");
        out.report.timing = None;
        (
            serde_json::to_string(&out.report).expect("json"),
            serde_json::to_string(&out.annotations).expect("json"),
        )
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
}

/// One JSONL shard of many documents is processed in parallel batches; the result does not
/// depend on the number of threads and keeps the documents' order.
#[test]
fn one_big_jsonl_file_is_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stories = synthetic_stories(700, 9);
    let mut jsonl = String::new();
    for (i, s) in stories.iter().enumerate() {
        let text = format!("{}\n\n{}", s.title, s.paras.join("\n\n"));
        jsonl.push_str(&serde_json::json!({"id": format!("doc-{i}"), "text": text}).to_string());
        jsonl.push('\n');
        if i % 7 == 0 {
            // an exact copy under another id
            jsonl.push_str(
                &serde_json::json!({"id": format!("copy-{i}"), "text": text}).to_string(),
            );
            jsonl.push('\n');
        }
    }
    std::fs::write(dir.path().join("shard.jsonl"), jsonl).expect("write");
    let run = |threads: usize| {
        let mut cfg = Config::new(dir.path());
        cfg.threads = Some(threads);
        let mut out = scan(&cfg).expect("scan");
        out.report.timing = None;
        out
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one.report, two.report);
    assert_eq!(one.annotations, two.annotations);
    assert_eq!(one.annotations.len(), 800);
    assert_eq!(one.annotations[0].id, "doc-0");
    assert_eq!(one.annotations[1].id, "copy-0");
    // keep=first: "copy-0" < "doc-0", so the copy is kept and the original points to it
    assert_eq!(one.annotations[0].duplicate_of.as_deref(), Some("copy-0"));
    assert!(one.report.summary.duplicate_clusters >= 100);
}
