//! Pairs labelled one by one (`id_a<TAB>id_b<TAB>1|0`): what clusters cannot say (a trap
//! that must stay apart, a notice that must join), and the threshold sweep over them.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use super::Score;
use crate::config::Config;
use crate::report::{Annotation, Report};

/// The thresholds [`threshold_sweep`] scores, besides the one given.
pub const SWEEP: [f64; 6] = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// The score of a scan on labelled pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairLabels {
    /// Pairs whose documents are both in the scan.
    pub score: Score,
    /// Pairs read.
    pub pairs: u64,
    /// Pairs not scored because a document is not in the scan.
    pub unknown_pairs: u64,
    /// Ids not in the scan (at most 10).
    pub unknown_ids: Vec<String>,
    /// Lines that could not be parsed.
    pub errors: Vec<String>,
}

/// Scores from labelled pairs (`a<TAB>b<TAB>label`, label 1 = duplicate, 0 = not): only the
/// listed pairs whose documents both are in the scan (have an annotation) count. Lines that
/// cannot be parsed are returned as errors.
pub fn score_labelled_pairs(report: &Report, annotations: &[Annotation], tsv: &str) -> PairLabels {
    let mut cluster_of: HashMap<&str, u64> = HashMap::new();
    for c in &report.duplicate_clusters {
        for m in &c.documents {
            cluster_of.insert(m.id.as_str(), c.id);
        }
    }
    let known: std::collections::HashSet<&str> =
        annotations.iter().map(|a| a.id.as_str()).collect();
    let mut out = PairLabels::default();
    for (n, line) in tsv.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 3 || line.trim().is_empty() {
            continue;
        }
        let label = match fields[2].trim() {
            "1" => true,
            "0" => false,
            _ if n == 0 => continue, // a header line
            other => {
                out.errors
                    .push(format!("line {}: label '{other}' is not 0 or 1", n + 1));
                continue;
            }
        };
        out.pairs += 1;
        let unknown: Vec<&str> = fields[..2]
            .iter()
            .copied()
            .filter(|id| !known.contains(id))
            .collect();
        if !unknown.is_empty() {
            out.unknown_pairs += 1;
            for id in unknown {
                if out.unknown_ids.len() < 10 && !out.unknown_ids.iter().any(|u| u == id) {
                    out.unknown_ids.push(id.to_string());
                }
            }
            continue;
        }
        let joined = match (cluster_of.get(fields[0]), cluster_of.get(fields[1])) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
        let score = &mut out.score;
        match (joined, label) {
            (true, true) => score.true_positives += 1,
            (true, false) => score.false_positives += 1,
            (false, true) => score.false_negatives += 1,
            (false, false) => {}
        }
    }
    out
}

/// One threshold of a sweep and the score of labelled pairs there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepRow {
    /// The similarity threshold of the scan (bands and rows derived from it).
    pub threshold: f64,
    /// Labelled pairs scored on that scan's clusters.
    pub score: Score,
}

/// The rows of a threshold sweep, in threshold order; a threshold whose scan failed has none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sweep {
    /// One row per threshold scanned.
    pub rows: Vec<SweepRow>,
}

impl fmt::Display for Sweep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "\nthreshold sweep (other flags as given):")?;
        writeln!(f, "  threshold  precision  recall  F1")?;
        for SweepRow { threshold, score } in &self.rows {
            writeln!(
                f,
                "  {threshold:.2}       {:.4}     {:.4}  {:.4}",
                score.precision(),
                score.recall(),
                score.f1()
            )?;
        }
        Ok(())
    }
}

/// Scans `cfg`'s corpus at each threshold of [`SWEEP`] (every other setting as given; bands
/// and rows derived from the threshold) and scores the labelled pairs `tsv` on each. The scans
/// after the first reuse what reading produced through the cache: `cfg.cache`, or a scratch
/// one removed at the end (attach a [`ScratchCache`] to the scan before the sweep to have it
/// warm already).
pub fn threshold_sweep(cfg: &Config, tsv: &str) -> Sweep {
    let mut base = cfg.clone();
    let _scratch = ScratchCache::attach(&mut base);
    let rows = SWEEP
        .iter()
        .filter_map(|&threshold| {
            let mut c = base.clone();
            c.near.threshold = threshold;
            c.near.bands = None;
            c.near.rows = None;
            let out = crate::scan(&c).ok()?;
            let score = score_labelled_pairs(&out.report, &out.annotations, tsv).score;
            Some(SweepRow { threshold, score })
        })
        .collect();
    Sweep { rows }
}

/// A scan cache in a scratch folder for the scans of one evaluation, removed when dropped;
/// nothing when the configuration names a cache of its own.
#[derive(Debug)]
pub struct ScratchCache {
    folder: Option<PathBuf>,
}

impl ScratchCache {
    /// Points `cfg.cache` at a scratch folder of this process unless it names one.
    pub fn attach(cfg: &mut Config) -> ScratchCache {
        if cfg.cache.is_some() {
            return ScratchCache { folder: None };
        }
        let folder = std::env::temp_dir().join(format!("neardup-eval-{}", std::process::id()));
        cfg.cache = Some(folder.clone());
        ScratchCache {
            folder: Some(folder),
        }
    }
}

impl Drop for ScratchCache {
    fn drop(&mut self) {
        if let Some(folder) = &self.folder {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{annotation, report};
    use super::*;

    #[test]
    fn labelled_pairs_with_unknown_documents_are_not_scored() {
        let mut r = report(&[]);
        r.duplicate_clusters.push(crate::report::Cluster {
            id: 1,
            representative: "a".into(),
            exact: false,
            chained: false,
            documents: ["a", "b"]
                .iter()
                .map(|id| crate::report::ClusterMember {
                    id: id.to_string(),
                    duplicate_of: None,
                    similarity: 1.0,
                    containment: 1.0,
                })
                .collect(),
        });
        let anns: Vec<Annotation> = ["a", "b", "c"]
            .iter()
            .map(|id| annotation(id, &[]))
            .collect();
        let tsv = "doc_a\tdoc_b\tlabel\na\tb\t1\na\tc\t0\nb\tc\t1\na\tx\t1\nb\tc\t2\n";
        let s = score_labelled_pairs(&r, &anns, tsv);
        assert_eq!(s.pairs, 4);
        assert_eq!(
            (s.unknown_pairs, s.unknown_ids.clone()),
            (1, vec!["x".to_string()])
        );
        assert_eq!(
            (
                s.score.true_positives,
                s.score.false_positives,
                s.score.false_negatives
            ),
            (1, 0, 1)
        );
        assert_eq!(s.errors, vec!["line 6: label '2' is not 0 or 1"]);
    }

    #[test]
    fn a_sweep_scans_each_threshold_and_leaves_no_scratch_cache() {
        let cfg = Config::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"));
        let tsv = "metrowire/night-trams.txt\tmetrowire/night-trams-print.txt\t1\n";
        let mut with_cache = cfg.clone();
        let scratch = ScratchCache::attach(&mut with_cache);
        let folder = with_cache.cache.clone().expect("a scratch cache");
        let sweep = threshold_sweep(&with_cache, tsv);
        assert_eq!(
            sweep.rows.iter().map(|r| r.threshold).collect::<Vec<_>>(),
            SWEEP.to_vec()
        );
        assert!(sweep.rows.iter().all(|r| r.score.labelled() == 1));
        assert!(
            folder.exists(),
            "the caller's cache stays while it is attached"
        );
        drop(scratch);
        assert!(!folder.exists());
        let text = sweep.to_string();
        assert!(
            text.starts_with("\nthreshold sweep (other flags as given):\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3 + SWEEP.len(), "{text}");
        assert!(text.contains("\n  0.40       "), "{text}");
    }
}
