//! `neardup diff A.json B.json`: what a re-run changed, from two saved reports — the
//! parameters that differ, clusters joined, split, new or gone, and the documents newly
//! dropped or newly kept.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::human::count;
use crate::report::summary::drops_by_rule;
use crate::report::Report;

/// Where one document stands in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    /// Its cluster's number.
    cluster: u64,
    /// Whether it is dropped (a member other than the representative).
    dropped: bool,
}

/// Each clustered document's place in a report.
fn places(report: &Report) -> BTreeMap<&str, Place> {
    let mut out = BTreeMap::new();
    for c in &report.duplicate_clusters {
        for (i, m) in c.documents.iter().enumerate() {
            let place = Place {
                cluster: c.id,
                dropped: i > 0,
            };
            out.insert(m.id.as_str(), place);
        }
    }
    out
}

/// A cluster of one report and the clusters of the other its members are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterChange {
    /// The cluster's number in its own report.
    pub cluster: u64,
    /// Its members.
    pub documents: usize,
    /// The clusters of the other report holding its members, by number.
    pub other: Vec<u64>,
    /// Its members that are in no cluster of the other report.
    pub unclustered: usize,
}

/// A document dropped in one report and not in the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropChange {
    /// The document.
    pub id: String,
    /// The representative of its cluster where it is dropped.
    pub kept: String,
}

/// What changed from report A to report B.
#[derive(Debug, Clone, Default)]
pub struct ReportDiff {
    /// Parameters that differ: name, A's value, B's value.
    pub parameters: Vec<(String, String, String)>,
    /// Documents read by each.
    pub documents: [u64; 2],
    /// Clusters of each.
    pub clusters: [u64; 2],
    /// Documents to drop of each, and of those, how many by Jaccard and by containment.
    pub drops: [(u64, u64, u64); 2],
    /// B's clusters that hold members of two or more of A's.
    pub joined: Vec<ClusterChange>,
    /// A's clusters whose members are in two or more of B's, or partly in none.
    pub split: Vec<ClusterChange>,
    /// B's clusters none of whose members was in a cluster of A.
    pub new: Vec<ClusterChange>,
    /// A's clusters none of whose members is in a cluster of B.
    pub gone: Vec<ClusterChange>,
    /// Dropped in B, not in A (with B's kept document).
    pub newly_dropped: Vec<DropChange>,
    /// Dropped in A, not in B (with A's kept document).
    pub newly_kept: Vec<DropChange>,
    /// The corpora the reports name, when they differ.
    pub corpora: Option<[String; 2]>,
}

/// How each cluster of `from` maps onto the clusters of `to`.
fn mapping(from: &Report, to: &BTreeMap<&str, Place>) -> Vec<ClusterChange> {
    from.duplicate_clusters
        .iter()
        .map(|c| {
            let mut other = BTreeSet::new();
            let mut unclustered = 0;
            for m in &c.documents {
                match to.get(m.id.as_str()) {
                    Some(p) => {
                        other.insert(p.cluster);
                    }
                    None => unclustered += 1,
                }
            }
            ClusterChange {
                cluster: c.id,
                documents: c.documents.len(),
                other: other.into_iter().collect(),
                unclustered,
            }
        })
        .collect()
}

/// Documents dropped in `report` (with their cluster's representative) that `other` keeps.
fn drops_not_in(report: &Report, other: &BTreeMap<&str, Place>) -> Vec<DropChange> {
    let mut out = Vec::new();
    for c in &report.duplicate_clusters {
        for m in c.documents.iter().skip(1) {
            if !other.get(m.id.as_str()).is_some_and(|p| p.dropped) {
                out.push(DropChange {
                    id: m.id.clone(),
                    kept: c.representative.clone(),
                });
            }
        }
    }
    out.sort_by(|x, y| x.id.cmp(&y.id));
    out
}

/// The parameters of a report as name → value text.
fn parameters(report: &Report) -> BTreeMap<String, String> {
    let value = serde_json::to_value(&report.summary.parameters).unwrap_or_default();
    let Some(map) = value.as_object() else {
        return BTreeMap::new();
    };
    map.iter()
        .filter(|(k, _)| k.as_str() != "s_curve")
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::Null => "none".to_string(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// What changed from report `a` to report `b`.
pub fn diff(a: &Report, b: &Report) -> ReportDiff {
    let (pa, pb) = (places(a), places(b));
    let (params_a, params_b) = (parameters(a), parameters(b));
    let changed = params_a
        .iter()
        .filter_map(|(k, va)| {
            let vb = params_b.get(k).cloned().unwrap_or_default();
            (*va != vb).then(|| (k.clone(), va.clone(), vb))
        })
        .collect();
    let a_to_b = mapping(a, &pb);
    let b_to_a = mapping(b, &pa);
    let drops = |r: &Report| {
        let by = drops_by_rule(r);
        (r.summary.duplicate_documents, by.jaccard, by.containment)
    };
    let corpus = |r: &Report| r.timing.as_ref().and_then(|t| t.corpus.clone());
    let corpora = match (corpus(a), corpus(b)) {
        (Some(x), Some(y)) if x != y => Some([x, y]),
        _ => None,
    };
    ReportDiff {
        parameters: changed,
        documents: [a.summary.documents, b.summary.documents],
        clusters: [a.summary.duplicate_clusters, b.summary.duplicate_clusters],
        drops: [drops(a), drops(b)],
        joined: b_to_a
            .iter()
            .filter(|c| c.other.len() > 1)
            .cloned()
            .collect(),
        split: a_to_b
            .iter()
            .filter(|c| c.other.len() > 1 || (c.other.len() == 1 && c.unclustered > 1))
            .cloned()
            .collect(),
        new: b_to_a
            .iter()
            .filter(|c| c.other.is_empty())
            .cloned()
            .collect(),
        gone: a_to_b
            .iter()
            .filter(|c| c.other.is_empty())
            .cloned()
            .collect(),
        newly_dropped: drops_not_in(b, &pa),
        newly_kept: drops_not_in(a, &pb),
        corpora,
    }
}

impl ReportDiff {
    /// Whether B has the same clusters' members dropped as A, and the same parameters.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty()
            && self.joined.is_empty()
            && self.split.is_empty()
            && self.new.is_empty()
            && self.gone.is_empty()
            && self.newly_dropped.is_empty()
            && self.newly_kept.is_empty()
    }
}

/// How many documents of each list are shown.
const SHOWN: usize = 20;

/// `#3, #5` for cluster numbers, prefixed with the report's letter.
fn numbers(letter: char, ids: &[u64]) -> String {
    let names: Vec<String> = ids.iter().map(|n| format!("{letter}#{n}")).collect();
    names.join(", ")
}

fn write_drops(f: &mut fmt::Formatter<'_>, title: &str, list: &[DropChange]) -> fmt::Result {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(f, "{title}: {}", list.len())?;
    for d in list.iter().take(SHOWN) {
        writeln!(f, "  {}  (kept there: {})", d.id, d.kept)?;
    }
    if list.len() > SHOWN {
        writeln!(f, "  … and {} more", list.len() - SHOWN)?;
    }
    Ok(())
}

impl fmt::Display for ReportDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some([a, b]) = &self.corpora {
            writeln!(f, "note: the reports are of different corpora ({a}, {b})")?;
        }
        for (name, a, b) in &self.parameters {
            writeln!(f, "parameter {name}: {a} → {b}")?;
        }
        let [da, db] = self.documents;
        writeln!(f, "documents: {da} → {db}")?;
        let [ca, cb] = self.clusters;
        let [(a, aj, ac), (b, bj, bc)] = self.drops;
        writeln!(
            f,
            "clusters: {ca} → {cb}; documents to drop: {a} → {b} (by Jaccard {aj} → {bj}, by containment {ac} → {bc})"
        )?;
        for c in &self.joined {
            writeln!(
                f,
                "joined: B#{} ({}) holds {}",
                c.cluster,
                count(c.documents as u64, "document"),
                numbers('A', &c.other)
            )?;
        }
        for c in &self.split {
            let none = match c.unclustered {
                0 => String::new(),
                n => format!(" and {} in no cluster", count(n as u64, "document")),
            };
            writeln!(
                f,
                "split: A#{} ({}) → {}{none}",
                c.cluster,
                count(c.documents as u64, "document"),
                numbers('B', &c.other)
            )?;
        }
        for c in &self.new {
            let n = count(c.documents as u64, "document");
            writeln!(f, "new: B#{} ({n}), none clustered in A", c.cluster)?;
        }
        for c in &self.gone {
            let n = count(c.documents as u64, "document");
            writeln!(f, "gone: A#{} ({n}), none clustered in B", c.cluster)?;
        }
        write_drops(f, "newly dropped (in B)", &self.newly_dropped)?;
        write_drops(f, "newly kept (dropped in A)", &self.newly_kept)?;
        let same_clusters = self.joined.is_empty()
            && self.split.is_empty()
            && self.new.is_empty()
            && self.gone.is_empty()
            && self.newly_dropped.is_empty()
            && self.newly_kept.is_empty();
        if same_clusters && !self.parameters.is_empty() {
            writeln!(f, "the same clusters and documents to drop")?;
        }
        if self.is_empty() {
            writeln!(
                f,
                "no change: the same parameters, clusters and documents to drop"
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Cluster, ClusterMember};

    fn cluster(id: u64, members: &[&str], similarity: f64) -> Cluster {
        Cluster {
            id,
            representative: members[0].to_string(),
            exact: false,
            chained: false,
            documents: members
                .iter()
                .map(|m| ClusterMember {
                    id: m.to_string(),
                    duplicate_of: None,
                    similarity,
                    containment: 1.0,
                })
                .collect(),
        }
    }

    fn report(clusters: Vec<Cluster>) -> Report {
        let mut r: Report =
            serde_json::from_str(include_str!("../tests/golden/samples-report.json"))
                .expect("a report");
        r.summary.duplicate_clusters = clusters.len() as u64;
        r.summary.duplicate_documents = clusters.iter().map(|c| c.documents.len() as u64 - 1).sum();
        r.duplicate_clusters = clusters;
        r
    }

    #[test]
    fn joins_splits_and_drops_are_named() {
        let a = report(vec![
            cluster(1, &["a", "b"], 0.9),
            cluster(2, &["c", "d"], 0.9),
            cluster(3, &["e", "f", "g"], 0.9),
        ]);
        let b = report(vec![
            cluster(1, &["a", "b", "c", "d"], 0.9),
            cluster(2, &["e", "f"], 0.9),
            cluster(3, &["h", "i"], 0.5),
        ]);
        let d = diff(&a, &b);
        assert_eq!(d.joined.len(), 1);
        assert_eq!(d.joined[0].other, vec![1, 2]);
        assert_eq!(
            d.split.len(),
            0,
            "a member leaving is a newly kept document"
        );
        assert_eq!(d.new[0].cluster, 3);
        let dropped: Vec<&str> = d.newly_dropped.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(dropped, vec!["c", "i"]);
        let kept: Vec<&str> = d.newly_kept.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(kept, vec!["g"]);
        assert_eq!(d.drops[1], (5, 4, 1));
        let text = d.to_string();
        assert!(
            text.contains("joined: B#1 (4 documents) holds A#1, A#2"),
            "{text}"
        );
        assert!(diff(&a, &a).is_empty());
    }
}
