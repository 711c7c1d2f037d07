//! Where outputs go: through symbolic links, and never mixed from two scans.

use std::collections::BTreeSet;

use crate::support::{annotations, neardup, read_report, samples, stderr};

#[cfg(unix)]
#[test]
fn a_symlink_given_as_report_is_written_through() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let real = tmp.path().join("reports");
    std::fs::create_dir_all(&real).expect("mkdir");
    let link = tmp.path().join("report.json");
    std::os::unix::fs::symlink("reports/latest.json", &link).expect("symlink");
    let o = neardup(
        tmp.path(),
        &[
            "scan",
            samples().to_str().expect("path"),
            "--report",
            "report.json",
            "-q",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    let report = read_report(&real.join("latest.json"));
    assert!(report.summary.documents > 0);
}

/// (document id, cluster id) pairs.
type Memberships = BTreeSet<(String, u64)>;

/// The clusters a report and an annotations file each say every document is in.
fn memberships(dir: &std::path::Path) -> (Memberships, Memberships) {
    let report = read_report(&dir.join("r.json"));
    let from_report = report
        .duplicate_clusters
        .iter()
        .flat_map(|c| c.documents.iter().map(|m| (m.id.clone(), c.id)))
        .collect();
    let from_annotations =
        annotations(&std::fs::read_to_string(dir.join("a.jsonl")).expect("annotations"))
            .into_iter()
            .filter_map(|a| Some((a.id, a.cluster?)))
            .collect();
    (from_report, from_annotations)
}

#[test]
fn two_scans_writing_the_same_outputs_never_mix() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = env!("CARGO_BIN_EXE_neardup");
    for round in 0..4 {
        // Different thresholds give different clusters, so a mix would show.
        let children: Vec<std::process::Child> = ["0.5", "0.95"]
            .iter()
            .map(|t| {
                std::process::Command::new(bin)
                    .current_dir(tmp.path())
                    .args(["scan", samples().to_str().expect("path")])
                    .args(["--report", "r.json", "--annotations", "a.jsonl", "-q"])
                    .args(["--threshold", t, "--no-containment"])
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for mut c in children {
            assert!(c.wait().expect("wait").success());
        }
        let (report, annotations) = memberships(tmp.path());
        assert_eq!(report, annotations, "round {round}");
    }
}
