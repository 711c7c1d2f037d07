//! The human summary printed at the end of a scan.

use std::fmt::Write;

use super::types::{ClusterMember, JoinedBy, Report};
use crate::human::{count, noun};

fn clip(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// A compact text histogram of the buckets from 0.5 up (lower buckets rarely matter for
/// tuning and are summed into the first line).
fn histogram(out: &mut String, title: &str, buckets: &[u64]) {
    let total: u64 = buckets.iter().sum();
    if total == 0 {
        return;
    }
    let _ = writeln!(out, "  {title}");
    let low: u64 = buckets.iter().take(10).sum();
    let max = buckets
        .iter()
        .skip(10)
        .copied()
        .max()
        .unwrap_or(0)
        .max(low)
        .max(1);
    let bar = |n: u64| "█".repeat(((n * 30).div_ceil(max)) as usize);
    if low > 0 {
        let _ = writeln!(out, "    < 0.50     {:>7} {}", low, bar(low));
    }
    for (i, &n) in buckets.iter().enumerate().skip(10) {
        let lo = i as f64 * 0.05;
        let _ = writeln!(out, "    {:.2}–{:.2} {:>7} {}", lo, lo + 0.05, n, bar(n));
    }
}

/// Renders the summary of `report`.
pub fn render(report: &Report, root: &str) -> String {
    let mut out = String::new();
    render_inputs(&mut out, report, root);
    render_duplicates(&mut out, report);
    render_templates(&mut out, report);
    out
}

/// The scan's time, cache, spill and what was read.
fn render_inputs(out: &mut String, report: &Report, root: &str) {
    let s = &report.summary;
    let time = report
        .timing
        .as_ref()
        .map(|t| {
            let threads = count(t.threads as u64, "thread");
            format!(" in {:.2} s ({threads})", t.seconds)
        })
        .unwrap_or_default();
    let _ = writeln!(out, "neardup: scanned {root}{time}");
    if let Some(cache) = report.timing.as_ref().and_then(|t| t.cache.as_ref()) {
        let _ = writeln!(out, "  cache       {cache}");
    }
    // A temporary file that could not be used costs a second read of every document: say why.
    if let Some(spill) = report.timing.as_ref().and_then(|t| t.spill.as_ref()) {
        if spill.starts_with("not used: ")
            && !spill.contains("--no-spill")
            && !spill.contains("not read")
        {
            let _ = writeln!(
                out,
                "  spill       {spill}; documents were read twice (point --temp-dir or TMPDIR at a writable place with room, or pass --no-spill)"
            );
        }
    }
    let _ = writeln!(
        out,
        "  documents   {} read ({}) from {}; {} skipped; {} decoded lossily",
        s.documents,
        crate::human::bytes(s.bytes),
        count(s.files, "file"),
        s.skipped,
        s.lossy_utf8_documents
    );
    if !s.skipped_by_reason.is_empty() {
        let reasons: Vec<String> = s
            .skipped_by_reason
            .iter()
            .map(|(r, n)| format!("{r} ×{n}"))
            .collect();
        let _ = writeln!(out, "              skipped: {}", reasons.join(", "));
    }
}

/// How the documents to drop were joined: by Jaccard at or above the threshold, or (below it)
/// by lying inside the document they match (containment).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropsByRule {
    /// Members whose Jaccard with their direct match reaches the threshold.
    pub jaccard: u64,
    /// Members below the threshold: joined because they lie inside their match.
    pub containment: u64,
}

/// Counts the documents to drop of `report` by the rule that joined them.
pub fn drops_by_rule(report: &Report) -> DropsByRule {
    let mut by = DropsByRule::default();
    for (_, rule) in member_joins(report) {
        match rule {
            JoinedBy::Jaccard => by.jaccard += 1,
            JoinedBy::Containment => by.containment += 1,
        }
    }
    by
}

/// Each document to drop of `report` (a member that is not its cluster's representative),
/// with the rule that joined it to the member it matches directly: Jaccard at or above the
/// threshold, or containment below it.
pub fn member_joins(report: &Report) -> impl Iterator<Item = (&ClusterMember, JoinedBy)> {
    let threshold = report.summary.parameters.threshold;
    report.duplicate_clusters.iter().flat_map(move |c| {
        c.documents
            .iter()
            .filter(move |m| m.id != c.representative)
            .map(move |m| match m.similarity < threshold {
                true => (m, JoinedBy::Containment),
                false => (m, JoinedBy::Jaccard),
            })
    })
}

/// Why `--threshold` cannot change which pairs join, when containment joins every pair it
/// would: a pair of Jaccard J has containment at least 2J/(1+J) (equal lengths), so from
/// J = C/(2−C) on, containment C joins it first. `None` when the threshold matters.
pub fn threshold_note(threshold: f64, containment: Option<f64>) -> Option<String> {
    let c = containment?;
    let from = c / (2.0 - c);
    if threshold + 1e-9 < from {
        return None;
    }
    Some(format!(
        "--threshold {threshold} decides no pair: any two documents with Jaccard ≥ {threshold} \
         have containment ≥ {:.2}, so --containment {c} joins them first (copies of similar \
         length from Jaccard {from:.2}); the threshold changes only how clusters chain. Tune \
         with --containment, or pass --no-containment to join by Jaccard alone",
        2.0 * threshold / (1.0 + threshold)
    ))
}

/// Duplicate clusters: counts, parameters and the first clusters.
fn render_duplicates(out: &mut String, report: &Report) {
    let s = &report.summary;
    let p = &s.parameters;
    let by = drops_by_rule(report);
    let rules = match p.containment {
        Some(c) if s.duplicate_documents > 0 => format!(
            " ({} by Jaccard ≥ {}, {} by containment ≥ {c})",
            by.jaccard, p.threshold, by.containment
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  duplicates  {} ({} exact), {} to drop{rules}",
        count(s.duplicate_clusters, "cluster"),
        s.exact_duplicate_clusters,
        count(s.duplicate_documents, "document")
    );
    let _ = writeln!(
        out,
        "              threshold {} (containment {}), {} {}-grams, {}, LSH {} × {}; {} ({} checked exactly), {} verified",
        p.threshold,
        p.containment.map(|c| c.to_string()).unwrap_or_else(|| "off".to_string()),
        p.shingle,
        p.ngram,
        count(p.num_perm as u64, "perm"),
        count(p.bands as u64, "band"),
        count(p.rows as u64, "row"),
        count(s.candidate_pairs, "candidate pair"),
        s.exactly_checked_pairs,
        s.verified_pairs
    );
    if s.documents_without_shingles > 0 {
        let _ = writeln!(
            out,
            "              {} too short to shingle (matched exactly only)",
            count(s.documents_without_shingles, "document")
        );
    }
    if s.documents_compared_whole > 0 {
        let _ = writeln!(
            out,
            "              {} with too little text of their own, compared whole (joined only to the same text)",
            count(s.documents_compared_whole, "document")
        );
    }
    if s.pairs_kept_apart_by_bulk > 0 {
        let _ = writeln!(
            out,
            "              {} kept apart: both narrow, their shared own text alike but the rest of their text not",
            count(s.pairs_kept_apart_by_bulk, "pair")
        );
    }
    // The largest clusters first (ties in report order). A report lists them so already and
    // numbers them in that order; the sort keeps a report saved by an older version, numbered
    // by first member, largest first too.
    let mut largest: Vec<&crate::report::Cluster> = report.duplicate_clusters.iter().collect();
    largest.sort_by_key(|c| std::cmp::Reverse(c.documents.len()));
    for c in largest.into_iter().take(5) {
        let others: Vec<String> = c
            .documents
            .iter()
            .skip(1)
            .take(4)
            .map(|m| {
                // A member joined by containment says so: its Jaccard is below the threshold.
                if m.similarity < p.threshold {
                    format!(
                        "{} ({:.2}, containment {:.2})",
                        m.id, m.similarity, m.containment
                    )
                } else {
                    format!("{} ({:.2})", m.id, m.similarity)
                }
            })
            .collect();
        let more = c.documents.len().saturating_sub(5);
        let more = if more > 0 {
            format!(" +{more} more")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    #{} keep {} ← {}{}",
            c.id,
            c.representative,
            others.join(", "),
            more
        );
    }
}

/// Template and repeated blocks, and the similarity histograms.
fn render_templates(out: &mut String, report: &Report) {
    let s = &report.summary;
    let _ = writeln!(
        out,
        "  templates   {} ({}); {}; {} ({})",
        count(s.template_blocks, "template block"),
        count(s.template_spans, "span"),
        count(s.repeated_spans, "repeated span"),
        count(s.reused_blocks, "reused block"),
        count(s.reused_spans, "later copy")
    );
    for t in report.template_blocks.iter().take(5) {
        let _ = writeln!(
            out,
            "    {:>5} {:<4}  {:<7} {}",
            t.documents,
            noun(t.documents, "doc"),
            t.position,
            clip(&t.text, 60)
        );
    }
    let kept = &s.shared_text;
    if !kept.is_empty() {
        let _ = writeln!(
            out,
            "  shared text frequent article text kept in {} ({} as its one copy); own headline kept in {}; {} kept whole (--stub-share)",
            count(kept.frequent_content_documents, "document"),
            kept.frequent_content_kept_once,
            count(kept.own_headlines_kept, "document"),
            count(kept.kept_whole, "document"),
        );
    }
    if s.boilerplate_spans > 0 {
        let _ = writeln!(
            out,
            "  boilerplate {} of page lines by their structure (navigation, footers, link lists…)",
            count(s.boilerplate_spans, "run")
        );
    }
    histogram(
        out,
        "verified pair similarity (Jaccard):",
        &s.similarity_histogram,
    );
    histogram(
        out,
        "near misses (candidates rejected):",
        &s.near_miss_histogram,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_inert_where_containment_joins_first() {
        // containment 0.8 joins similar-length copies from Jaccard 0.8 / 1.2 = 0.667
        assert_eq!(threshold_note(0.6, Some(0.8)), None);
        assert_eq!(threshold_note(0.66, Some(0.8)), None);
        let note = threshold_note(0.85, Some(0.8)).expect("inert");
        assert!(note.contains("containment ≥ 0.92"), "{note}");
        assert_eq!(threshold_note(0.95, None), None);
    }

    #[test]
    fn bytes_and_clipping() {
        assert_eq!(crate::human::bytes(999), "999 B");
        assert_eq!(crate::human::bytes(1_500_000), "1.5 MB");
        assert_eq!(clip("a  b\nc", 10), "a b c");
        assert_eq!(clip("abcdefghijk", 5), "abcd…");
    }
}
