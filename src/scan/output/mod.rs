//! The scan's output, built after the clustering rounds in stages: the duplicate clusters
//! ([`clusters`]), the template and repeated blocks with their texts read again ([`blocks`],
//! [`texts`]), one annotation per document ([`annotations`], with where shared text stays:
//! [`shared`]; span arithmetic: [`spans`]), and the summary and timing ([`summary`]).

mod annotations;
mod blocks;
mod clusters;
mod shared;
mod spans;
mod summary;
mod texts;

pub(super) use super::context::round4;
use super::context::{Ctx, Stopwatch};
use super::rounds::Round;
use super::state::Snapshot;
use super::ScanOutput;
use crate::detect::templates::Finalized;
use crate::report::{Report, SCHEMA_VERSION};
use crate::sketch::LshParams;
use clusters::ClusterSource;
use summary::SummaryInput;

/// What the output is built from.
pub(super) struct BuildInput<'a> {
    pub snap: &'a Snapshot,
    pub templates: &'a Finalized,
    pub round: &'a Round,
    pub params: LshParams,
    pub clock: Stopwatch,
    pub threads: usize,
}

/// Builds the report and the annotations.
pub(super) fn build(ctx: &Ctx, input: BuildInput) -> ScanOutput {
    let BuildInput {
        snap,
        templates,
        round,
        params,
        mut clock,
        threads,
    } = input;
    let mut skipped = snap.skipped.clone();
    skipped.sort_by_cached_key(|s| (s.path.clone(), s.reason.to_string()));
    let cluster_source = ClusterSource {
        metas: ctx.metas,
        figures: &snap.figures,
        sigs: &snap.sigs,
        verified: &round.verified,
        exact_sets: &round.sets,
        threshold: ctx.cfg.near.threshold,
        keep: ctx.cfg.near.keep,
    };
    let (clusters, cluster_of) = clusters::clusters(&cluster_source);
    let shared = shared::shared_spans(ctx, snap, templates, &cluster_of);
    let (template_blocks, repeated_blocks) = blocks::blocks(ctx, snap, templates, &shared.content);
    let (annotations, counts) = annotations::annotations(ctx, snap, templates, &cluster_of, shared);
    // Texts read again above may have found files changed since pass 1.
    skipped.extend(ctx.changed.take_skipped(ctx.files, ctx.metas));
    let summary = summary::summary(
        ctx,
        SummaryInput {
            snap,
            round,
            params,
            skipped: &skipped,
            counts,
            exact_clusters: cluster_of.exact,
            chained_clusters: cluster_of.chained,
            clusters: clusters.len() as u64,
            template_blocks: template_blocks.len() as u64,
            reused_blocks: templates.reused.len() as u64,
        },
    );
    clock.lap("report");
    let report = Report {
        version: SCHEMA_VERSION,
        summary,
        timing: Some(summary::timing(clock, threads)),
        skipped,
        duplicate_clusters: clusters,
        template_blocks,
        repeated_blocks,
    };
    ScanOutput {
        report,
        annotations,
        pairs: clusters::pair_records(&cluster_source),
        files: Vec::new(),
        text_hashes: ctx.metas.iter().map(|m| m.text_hash).collect(),
        warnings: Vec::new(),
        input_error: None,
        stored_texts: None,
    }
}
