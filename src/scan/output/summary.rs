//! The report's summary (what was read, found and stripped; the parameters, derived ones
//! included) and its timing.

use std::collections::BTreeMap;

use super::annotations::SpanCounts;
use super::round4;
use crate::config::{Config, KeepPolicy, ShingleKind, VerifyMode};
use crate::corpus::Skipped;
use crate::report::{Parameters, Summary, Timing};
use crate::scan::context::{thresholds, Ctx, Stopwatch};
use crate::scan::rounds::Round;
use crate::scan::state::Snapshot;
use crate::scan::Basis;
use crate::sketch::{catch_probability, LshParams};

/// What the summary counts besides the snapshot.
pub(super) struct SummaryInput<'a> {
    pub snap: &'a Snapshot,
    pub round: &'a Round,
    pub params: LshParams,
    pub skipped: &'a [Skipped],
    pub counts: SpanCounts,
    pub exact_clusters: u64,
    pub chained_clusters: u64,
    pub clusters: u64,
    pub template_blocks: u64,
    pub reused_blocks: u64,
}

/// The report's summary.
pub(super) fn summary(ctx: &Ctx, input: SummaryInput) -> Summary {
    let SummaryInput {
        snap,
        round,
        params,
        skipped,
        counts,
        exact_clusters,
        chained_clusters,
        clusters,
        template_blocks,
        reused_blocks,
    } = input;
    let sigs = &snap.sigs;
    let count_basis = |b: Basis| snap.figures.iter().filter(|f| f.basis == b).count() as u64;
    Summary {
        files: ctx.files.len() as u64,
        documents: ctx.metas.len() as u64,
        bytes: snap.bytes_read,
        skipped: skipped.len() as u64,
        skipped_by_reason: skipped_by_reason(skipped),
        lossy_utf8_documents: ctx.metas.iter().filter(|m| m.lossy).count() as u64,
        renamed_duplicate_ids: snap.renamed,
        documents_without_shingles: (0..sigs.len()).filter(|&d| sigs.size(d) == 0).count() as u64,
        documents_shingled_in_full: count_basis(Basis::Full),
        documents_compared_whole: count_basis(Basis::Whole),
        documents_judged_outside_chrome: count_basis(Basis::Core) + count_basis(Basis::Page),
        documents_narrow: snap.figures.iter().filter(|f| f.bulk.is_some()).count() as u64,
        pairs_kept_apart_by_bulk: round.kept_apart,
        exact_duplicate_clusters: exact_clusters,
        chained_clusters,
        duplicate_clusters: clusters,
        duplicate_documents: round.groups.iter().map(|g| g.len() as u64 - 1).sum(),
        candidate_pairs: round.candidates,
        verified_pairs: round.verified.len() as u64,
        exactly_checked_pairs: round.exactly_checked,
        template_blocks,
        template_spans: counts.template,
        repeated_spans: counts.repeated,
        reused_spans: counts.reused,
        boilerplate_spans: counts.boilerplate,
        reused_blocks,
        shared_text: counts.shared_text,
        similarity_histogram: histogram(round.verified.iter().map(|p| p.jaccard)),
        near_miss_histogram: histogram(round.near_misses.iter().copied()),
        parameters: parameters(ctx.cfg, params),
    }
}

/// How many skipped entries each reason has, by the reason's label.
fn skipped_by_reason(skipped: &[Skipped]) -> BTreeMap<String, u64> {
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for s in skipped {
        *by_reason.entry(s.reason.label()).or_insert(0) += 1;
    }
    by_reason
}

/// The report's timing: the whole scan's wall time and each stage's (what the scan adds
/// later, such as the cache's and the spill's accounts, left empty).
pub(super) fn timing(clock: Stopwatch, threads: usize) -> Timing {
    Timing {
        seconds: round4(clock.started.elapsed().as_secs_f64()),
        threads,
        stages: clock.stages,
        cache: None,
        spill: None,
        corpus: None,
        inputs: Vec::new(),
        working_dir: None,
        text_hashes: Default::default(),
    }
}

/// The parameters the scan ran with, derived ones included.
fn parameters(cfg: &Config, params: LshParams) -> Parameters {
    let t = cfg.near.threshold;
    let s_curve: BTreeMap<String, f64> = [t - 0.1, t, t + 0.1]
        .into_iter()
        .filter(|s| (0.0..=1.0).contains(s))
        .map(|s| (format!("{s:.2}"), round4(catch_probability(s, params))))
        .collect();
    Parameters {
        threshold: cfg.near.threshold,
        containment: cfg.near.containment,
        shingle: match cfg.near.shingle {
            ShingleKind::Words => "words",
            ShingleKind::Chars => "chars",
        }
        .to_string(),
        ngram: cfg.near.ngram,
        num_perm: cfg.near.num_perm,
        bands: params.bands,
        rows: params.rows,
        lsh_design_threshold: round4(thresholds(cfg).lsh_design_threshold()),
        s_curve,
        verify: match cfg.near.verify {
            VerifyMode::Auto => "auto",
            VerifyMode::Signature => "signature",
            VerifyMode::Exact => "exact",
        }
        .to_string(),
        keep: match cfg.near.keep {
            KeepPolicy::First => "first",
            KeepPolicy::Longest => "longest",
            KeepPolicy::Shortest => "shortest",
        }
        .to_string(),
        min_words: cfg.near.min_words,
        thin_words: cfg.near.thin_words,
        thin_share: cfg.near.thin_share,
        frequent_docs: cfg.near.frequent_docs,
        containment_min_shingles: cfg.near.containment_min_shingles,
        seed: cfg.near.seed,
        fold_digits: cfg.fold_digits,
        template_min_docs: cfg.blocks.template_min_docs,
        repeat_similarity: cfg.blocks.repeat_similarity,
        repeat_min_words: cfg.blocks.repeat_min_words,
        strip_reused: cfg.blocks.strip_reused.name().to_string(),
        stub_share: cfg.blocks.stub_share,
        site: cfg.input.site_mode.name().to_string(),
        text_field: cfg.input.text_field.clone(),
        id_field: cfg.input.id_field.clone(),
        site_field: cfg.input.site_field.clone(),
        max_bytes: cfg.input.max_bytes,
    }
}

/// Counts of `values` (in 0..=1) in twenty bins of 0.05.
fn histogram(values: impl Iterator<Item = f64>) -> Vec<u64> {
    let mut h = vec![0u64; 20];
    for v in values {
        let i = ((v * 20.0).floor() as usize).min(19);
        h[i] += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_by_twentieths_with_one_in_the_last() {
        let h = histogram([0.0, 0.049, 0.05, 0.5, 0.97, 1.0].into_iter());
        assert_eq!(h.len(), 20);
        assert_eq!((h[0], h[1], h[10], h[19]), (2, 1, 1, 2));
        assert_eq!(h.iter().sum::<u64>(), 6);
    }

    #[test]
    fn round4_keeps_four_decimals() {
        assert_eq!(round4(0.123_456), 0.1235);
        assert_eq!(round4(1.0), 1.0);
        assert_eq!(round4(0.000_04), 0.0);
    }
}
