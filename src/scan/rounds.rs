//! Clustering rounds: LSH candidates → verification → clusters → templates counted by cluster
//! → documents whose left-out units changed signed again → clustered again, until little
//! changes; then the final verification against the final templates.

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::context::{doc_range, stage_progress, thresholds, Ctx};
use super::sign::ContentFigures;
use super::sign::{analyze_files, Exclusion, Job};
use super::state::{RoundState, SignedWith};
use crate::config::VerifyMode;
use crate::detect::bulk;
use crate::detect::cluster::{cluster, ClusterInput};
use crate::detect::near::{self, Signatures, Thresholds, VerifiedPair, VERIFY_BATCH_SHINGLES};
use crate::detect::templates::{
    finalize, left_out_changed, reused_blocks, Finalized, TemplateSet, WatchList,
};
use crate::progress::Stage;
use crate::sketch::LshParams;

/// Most rounds of clustering and template counting: after them the clusters stand, whatever
/// a further decision would change.
pub const MAX_ROUNDS: usize = 3;

/// A round that changes at most one document in this many (at least one document) is the
/// last: those documents are signed again, and only their candidate pairs judged again.
const SETTLED_SHARE_INVERSE: usize = 200;

/// The most documents a round of a corpus of `documents` may sign again and be the last: one
/// in 200, at least one. Their candidate pairs are judged again at the end, but the corpus is
/// not clustered again for them.
pub fn settled(documents: usize) -> usize {
    (documents / SETTLED_SHARE_INVERSE).max(1)
}

/// The outcome of one round of candidates → verification → clusters.
pub(super) struct Round {
    /// Each document's cluster: the smallest member's index (its own when alone).
    pub cluster_of: Vec<u32>,
    /// Groups of two or more, each sorted, ordered by smallest member.
    pub groups: Vec<Vec<u32>>,
    pub candidates: u64,
    /// The candidate pairs.
    pub pairs: Vec<(u32, u32)>,
    pub verified: Vec<VerifiedPair>,
    pub near_misses: Vec<f64>,
    /// Pairs that passed the thresholds, kept apart by their bulks ([`bulk::kept_apart`]).
    pub kept_apart: u64,
    /// Exact shingle sets of the candidate documents (`--verify exact` only).
    pub sets: HashMap<u32, Vec<u64>>,
    /// Candidate pairs judged on exact shingle sets.
    pub exactly_checked: u64,
    /// Whether some documents were signed again after these pairs were verified.
    pub stale: bool,
}

/// The rounds, then the final verification of the last round's candidates against the final
/// templates (exact where `--verify` asks for it, and always when documents were signed again
/// after the last clustering).
pub(super) fn settle(ctx: &Ctx, state: RoundState, params: LshParams) -> (Round, Finalized) {
    let (mut round, templates, signed) = rounds(ctx, state, params);
    if ctx.cfg.near.verify != VerifyMode::Signature || round.stale {
        let pairs = std::mem::take(&mut round.pairs);
        round = cluster_round(ctx, signed, params, Some(&templates.set), Some(pairs));
    }
    (round, templates)
}

/// Cluster, count templates by cluster, sign again the documents whose left-out units changed,
/// and repeat until nothing changes (or [`MAX_ROUNDS`]).
fn rounds<'s>(
    ctx: &Ctx,
    state: RoundState<'s>,
    params: LshParams,
) -> (Round, Finalized, Signed<'s>) {
    let RoundState {
        watch,
        figures,
        hits,
        shared,
        sigs,
        versions,
        signed_with,
    } = state;
    let cfg = ctx.cfg;
    let sites: Vec<u32> = ctx.metas.iter().map(|m| m.site).collect();
    let decide = |round: &Round| {
        finalize(
            hits,
            shared,
            &sites,
            &round.cluster_of,
            watch,
            cfg.blocks.template_min_docs,
            None,
        )
    };
    let mut round = cluster_round(ctx, Signed::of(sigs, figures), params, None, None);
    let mut templates = decide(&round);
    // Once only a handful of documents change, they are signed again but the corpus is not
    // clustered again for them: the final verification re-judges their candidate pairs.
    let settled = settled(ctx.metas.len());
    for _ in 0..MAX_ROUNDS {
        let signed: &[SignedWith] = signed_with;
        let changed: Vec<u32> = (0..ctx.metas.len() as u32)
            .into_par_iter()
            .filter(|&d| {
                let before = match signed[d as usize] {
                    SignedWith::Candidates => None,
                    SignedWith::Version(v) => Some(&versions[v as usize]),
                };
                let doc = (d, sites[d as usize]);
                left_out_changed(&hits[d as usize], doc, watch, before, &templates.set)
            })
            .collect();
        let changed: HashSet<u32> = changed.into_iter().collect();
        if changed.is_empty() {
            break;
        }
        let changed_files: BTreeSet<u32> = changed
            .iter()
            .map(|&d| ctx.metas[d as usize].file)
            .collect();
        let changed_files: Vec<u32> = changed_files.into_iter().collect();
        let progress = stage_progress(ctx, &changed_files, Stage::Resigning);
        let job = Job {
            exclusion: &Exclusion::Final(&templates.set),
            watch,
            keep_sets: false,
            only: Some(&changed),
        };
        let again = analyze_files(ctx, &changed_files, job, &progress);
        progress.finish();
        for (d, a) in doc_range(ctx.first_doc, &changed_files).zip(again) {
            if changed.contains(&d) {
                match &a.signature {
                    Some(sig) => sigs.set(d as usize, sig, a.figures.shingles),
                    None => sigs.clear(d as usize),
                }
                figures[d as usize] = a.figures;
                signed_with[d as usize] = SignedWith::Version(versions.len() as u32);
            }
        }
        versions.push(templates.set.clone());
        if changed.len() <= settled {
            round.stale = true;
            break;
        }
        round = cluster_round(ctx, Signed::of(sigs, figures), params, None, None);
        templates = decide(&round);
    }
    templates.reused = reused_blocks(
        hits,
        shared,
        &sites,
        &round.cluster_of,
        &templates.set,
        watch,
        cfg.blocks.repeat_min_words,
    );
    (round, templates, Signed { sigs, figures })
}

/// What the documents were signed with: their signatures and the figures of their content.
#[derive(Clone, Copy)]
struct Signed<'s> {
    sigs: &'s Signatures,
    figures: &'s [ContentFigures],
}

impl<'s> Signed<'s> {
    fn of(sigs: &'s Signatures, figures: &'s [ContentFigures]) -> Signed<'s> {
        Signed { sigs, figures }
    }
}

/// One round: candidates (or `known_pairs`) → verdicts → clusters. Without `final_set` every
/// verdict is the signature's; with it, `--verify` decides which pairs are judged on exact
/// shingle sets with those templates left out.
fn cluster_round(
    ctx: &Ctx,
    signed: Signed,
    params: LshParams,
    final_set: Option<&TemplateSet>,
    known_pairs: Option<Vec<(u32, u32)>>,
) -> Round {
    let Signed { sigs, figures } = signed;
    let n = sigs.len();
    let thresholds = thresholds(ctx.cfg);
    let pairs = known_pairs.unwrap_or_else(|| near::candidates(sigs, params));
    let exact: Vec<u128> = ctx.metas.iter().map(|m| m.exact).collect();
    let mut sets = HashMap::default();
    let mut exactly_checked = 0u64;
    let (verified, near_misses) = match (ctx.cfg.near.verify, final_set) {
        (VerifyMode::Signature, _) | (_, None) => {
            near::verify_by_signature(&pairs, sigs, &thresholds)
        }
        (VerifyMode::Exact, Some(set)) => {
            let docs: HashSet<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
            sets = shingle_sets(ctx, &docs, set);
            let judged = near::judge_exact(&pairs, &sets, &thresholds);
            exactly_checked = judged.len() as u64;
            near::split_judged(judged)
        }
        (VerifyMode::Auto, Some(set)) => {
            let (judged, checked) =
                verify_borderline_exactly(ctx, &pairs, sigs, &thresholds, set, &exact);
            exactly_checked = checked;
            near::split_judged(judged)
        }
    };
    // Two narrow documents whose bulks differ are no copies, whatever their own text says.
    let (verified, kept_apart): (Vec<VerifiedPair>, Vec<VerifiedPair>) =
        verified.into_iter().partition(|p| {
            !bulk::kept_apart(
                figures[p.a as usize].bulk.as_ref(),
                figures[p.b as usize].bulk.as_ref(),
            )
        });
    let size = |d: u32| sigs.size(d as usize);
    let clusters = cluster(&ClusterInput {
        documents: n,
        pairs: &verified,
        jaccard: thresholds.jaccard,
        exact: &exact,
        size: &size,
        choose: &|members: &[u32]| members[0],
        matches: false,
    });
    let groups: Vec<Vec<u32>> = clusters.into_iter().map(|c| c.members).collect();
    let mut cluster_of: Vec<u32> = (0..n as u32).collect();
    for g in &groups {
        for &m in g {
            cluster_of[m as usize] = g[0];
        }
    }
    Round {
        cluster_of,
        groups,
        exactly_checked,
        stale: false,
        candidates: pairs.len() as u64,
        pairs,
        verified,
        near_misses,
        kept_apart: kept_apart.len() as u64,
        sets,
    }
}

/// `--verify auto`: every pair judged on its signature once; the borderline ones whose
/// verdict can change a cluster judged again on exact shingle sets, in batches of bounded
/// size. Returns the verdicts and how many were judged exactly.
fn verify_borderline_exactly(
    ctx: &Ctx,
    pairs: &[(u32, u32)],
    sigs: &Signatures,
    thresholds: &Thresholds,
    set: &TemplateSet,
    exact_hashes: &[u128],
) -> (Vec<near::Judged>, u64) {
    let judged = near::judge_by_signature(pairs, sigs, thresholds);
    let checked = near::borderline_pairs_that_matter(&judged, exact_hashes);
    let mut exact: HashMap<(u32, u32), near::Judged> = HashMap::default();
    for batch in near::batches_by_shingles(&checked, sigs, VERIFY_BATCH_SHINGLES) {
        let docs: HashSet<u32> = batch.iter().flat_map(|&(a, b)| [a, b]).collect();
        let batch_sets = shingle_sets(ctx, &docs, set);
        for j in near::judge_exact(batch, &batch_sets, thresholds) {
            exact.insert((j.pair.a, j.pair.b), j);
        }
    }
    let checked = exact.len() as u64;
    let verdicts = judged
        .into_iter()
        .map(|s| {
            exact
                .remove(&(s.verdict.pair.a, s.verdict.pair.b))
                .unwrap_or(s.verdict)
        })
        .collect();
    (verdicts, checked)
}

/// The exact shingle sets of `docs` with the final templates left out (their files re-read).
fn shingle_sets(ctx: &Ctx, docs: &HashSet<u32>, templates: &TemplateSet) -> HashMap<u32, Vec<u64>> {
    let mut files: Vec<u32> = docs.iter().map(|&d| ctx.metas[d as usize].file).collect();
    files.sort_unstable();
    files.dedup();
    let empty = WatchList::default();
    let progress = stage_progress(ctx, &files, Stage::Verifying);
    let job = Job {
        exclusion: &Exclusion::Final(templates),
        watch: &empty,
        keep_sets: true,
        only: Some(docs),
    };
    let again = analyze_files(ctx, &files, job, &progress);
    progress.finish();
    let mut sets = HashMap::default();
    for (d, a) in doc_range(ctx.first_doc, &files).zip(again) {
        if let Some(s) = a.set {
            sets.insert(d, s);
        }
    }
    sets
}
