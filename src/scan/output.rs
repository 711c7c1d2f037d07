//! The scan's output: duplicate clusters, the texts of template and repeated blocks, one
//! annotation per document, and the summary.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::context::{round4, thresholds, Ctx, Stopwatch};
use super::rounds::Round;
use super::state::Snapshot;
use super::Basis;
use super::ScanOutput;
use crate::config::{Config, KeepPolicy, ShingleKind, StripReused, VerifyMode};
use crate::corpus::Boilerplate;
use crate::corpus::{read_documents, Skipped};
use crate::detect::cluster::{cluster, representative, ClusterInput};
use crate::detect::per_doc::PerDoc;
use crate::detect::templates::{Finalized, Hit, TemplateUnit, CROSS_SITE_MAX_WORDS};
use crate::detect::units::Region;
use crate::report::{
    Annotation, Cluster, ClusterMember, JoinedBy, Judgement, PairRecord, Parameters, Position,
    RepeatKind, RepeatedBlock, Report, SharedTextCounts, Span, SpanKind, Summary, TemplateBlock,
    Timing, SCHEMA_VERSION,
};
use crate::sketch::{catch_probability, containment_from_jaccard, estimate_jaccard, LshParams};

/// What the output is built from.
pub(super) struct BuildInput<'a> {
    pub snap: &'a Snapshot,
    pub templates: &'a Finalized,
    pub round: &'a Round,
    pub params: LshParams,
    pub clock: Stopwatch,
    pub threads: usize,
}

/// Lines and bytes of a span of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LineSpan {
    /// 1-based first and last line.
    start_line: u32,
    end_line: u32,
    /// Half-open byte range.
    start_byte: u32,
    end_byte: u32,
}

impl LineSpan {
    fn new(lines: (u32, u32), bytes: (u32, u32)) -> LineSpan {
        LineSpan {
            start_line: lines.0,
            end_line: lines.1,
            start_byte: bytes.0,
            end_byte: bytes.1,
        }
    }

    fn to_span(self, kind: SpanKind) -> Span {
        Span {
            kind,
            start_line: self.start_line,
            end_line: self.end_line,
            start_byte: self.start_byte,
            end_byte: self.end_byte,
            reason: None,
        }
    }
}

/// A document and a byte range of its text.
type TextAt = (u32, (u32, u32));

/// A block repeated inside documents: the documents, its first occurrence's bytes (in the
/// first document) and its words.
struct WithinRepeat {
    documents: Vec<u32>,
    bytes: (u32, u32),
    words: u32,
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
    let (clusters, cluster_of) = clusters(ctx, snap, round);
    let (template_blocks, repeated_blocks) = blocks(ctx, snap, templates);
    let (annotations, counts) = annotations(ctx, snap, templates, &cluster_of);
    // Texts read again above may have found files changed since pass 1.
    skipped.extend(ctx.changed.take_skipped(ctx.files, ctx.metas));
    let summary = summary(
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
        timing: Some(Timing {
            seconds: round4(clock.started.elapsed().as_secs_f64()),
            threads,
            stages: clock.stages,
            cache: None,
            spill: None,
            corpus: None,
            inputs: Vec::new(),
            working_dir: None,
            text_hashes: Default::default(),
        }),
        skipped,
        duplicate_clusters: clusters,
        template_blocks,
        repeated_blocks,
    };
    ScanOutput {
        report,
        annotations,
        pairs: pair_records(ctx, snap, round),
        files: Vec::new(),
        text_hashes: ctx.metas.iter().map(|m| m.text_hash).collect(),
        warnings: Vec::new(),
        input_error: None,
    }
}

/// Every verified pair with its ids, figures and how it was judged.
fn pair_records(ctx: &Ctx, snap: &Snapshot, round: &Round) -> Vec<PairRecord> {
    let id = |d: u32| ctx.metas[d as usize].id.clone();
    round
        .verified
        .iter()
        .map(|p| {
            let estimate = match (snap.sigs.get(p.a as usize), snap.sigs.get(p.b as usize)) {
                (Some(x), Some(y)) => Some(round4(estimate_jaccard(x, y))),
                _ => None,
            };
            PairRecord {
                a: id(p.a),
                b: id(p.b),
                jaccard: round4(p.jaccard),
                estimated_jaccard: estimate,
                containment: round4(p.containment),
                judged: if p.exact {
                    Judgement::Exact
                } else {
                    Judgement::Signature
                },
                joined_by: if p.jaccard >= ctx.cfg.near.threshold {
                    JoinedBy::Jaccard
                } else {
                    JoinedBy::Containment
                },
            }
        })
        .collect()
}

/// Verified pairs' Jaccard and containment, by (smaller, larger) document index.
type PairFigures = HashMap<(u32, u32), (f64, f64)>;

/// The similarity and containment of two documents of a cluster, from the best evidence at
/// hand: exact sets, the verified pair, or their signatures.
fn pair_figures(
    ctx: &Ctx,
    snap: &Snapshot,
    round: &Round,
    verified: &PairFigures,
    (a, b): (u32, u32),
) -> (f64, f64) {
    let metas = ctx.metas;
    if a == b || metas[a as usize].exact == metas[b as usize].exact {
        return (1.0, 1.0);
    }
    if let (Some(sa), Some(sb)) = (round.sets.get(&a), round.sets.get(&b)) {
        return crate::text::jaccard_and_containment(sa, sb);
    }
    if let Some(&v) = verified.get(&(a.min(b), a.max(b))) {
        return v;
    }
    let sigs = &snap.sigs;
    match (sigs.get(a as usize), sigs.get(b as usize)) {
        (Some(x), Some(y)) => {
            let j = estimate_jaccard(x, y);
            let c = containment_from_jaccard(
                j,
                sigs.size(a as usize) as usize,
                sigs.size(b as usize) as usize,
            );
            (j, c)
        }
        _ => (0.0, 0.0),
    }
}

/// What the clusters give the rest of the output: each clustered document's cluster id and
/// the document it matches directly (itself for the representative).
struct ClusterOf {
    of: HashMap<u32, (u64, u32)>,
    exact: u64,
    chained: u64,
}

/// The report's clusters (the representative chosen by `--keep`, every other member with the
/// document it matches directly).
fn clusters(ctx: &Ctx, snap: &Snapshot, round: &Round) -> (Vec<Cluster>, ClusterOf) {
    let metas = ctx.metas;
    let verified: PairFigures = round
        .verified
        .iter()
        .map(|p| ((p.a, p.b), (p.jaccard, p.containment)))
        .collect();
    let exact_hashes: Vec<u128> = metas.iter().map(|m| m.exact).collect();
    let size = |d: u32| snap.sigs.size(d as usize);
    let choose = |members: &[u32]| {
        let mut by_id = members.to_vec();
        by_id.sort_by(|&a, &b| metas[a as usize].id.cmp(&metas[b as usize].id));
        representative(&by_id, ctx.cfg.near.keep, |d| {
            snap.figures[d as usize].content_words as u64
        })
    };
    let mut found = cluster(&ClusterInput {
        documents: metas.len(),
        pairs: &round.verified,
        jaccard: ctx.cfg.near.threshold,
        exact: &exact_hashes,
        size: &size,
        choose: &choose,
        matches: true,
    });
    // Numbered in the order everything shows them: largest first, then by smallest member
    // (the order `cluster` gives, kept by the stable sort), so the numbers never depend on
    // thread timing.
    found.sort_by_key(|c| std::cmp::Reverse(c.members.len()));
    let mut clusters = Vec::with_capacity(found.len());
    let mut of = ClusterOf {
        of: HashMap::default(),
        exact: 0,
        chained: 0,
    };
    for (i, c) in found.iter().enumerate() {
        let id = i as u64 + 1;
        let rep = c.representative;
        let exact = c
            .members
            .iter()
            .all(|&d| metas[d as usize].exact == metas[rep as usize].exact);
        of.exact += exact as u64;
        of.chained += c.chained() as u64;
        of.of.insert(rep, (id, rep));
        let mut others: Vec<(u32, u32)> = c.duplicate_of.clone();
        others.sort_by(|a, b| metas[a.0 as usize].id.cmp(&metas[b.0 as usize].id));
        let mut members = vec![ClusterMember {
            id: metas[rep as usize].id.clone(),
            duplicate_of: None,
            similarity: 1.0,
            containment: 1.0,
        }];
        for (d, matched) in others {
            of.of.insert(d, (id, matched));
            let (s, c) = pair_figures(ctx, snap, round, &verified, (matched, d));
            members.push(ClusterMember {
                id: metas[d as usize].id.clone(),
                duplicate_of: (matched != rep).then(|| metas[matched as usize].id.clone()),
                similarity: round4(s),
                containment: round4(c),
            });
        }
        clusters.push(Cluster {
            id,
            representative: metas[rep as usize].id.clone(),
            exact,
            chained: c.chained(),
            documents: members,
        });
    }
    (clusters, of)
}

/// The report's template blocks and repeated blocks, their texts read again from one example
/// document each.
fn blocks(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
) -> (Vec<TemplateBlock>, Vec<RepeatedBlock>) {
    let (hits, shared) = (&snap.hits, &snap.shared);
    let mut wanted: WantedRanges = BTreeMap::new();
    let mut want = |d: u32, bytes: (u32, u32)| {
        wanted.entry(d).or_default().push(bytes);
        (d, bytes)
    };
    let unit_at = |t: &TemplateUnit, example: usize| unit_text_at(hits, t, example);
    let mut template_text_at: Vec<TextAt> = templates
        .units
        .iter()
        .map(|t| {
            let (d, bytes) = unit_at(t, 0).unwrap_or((0, (0, 0)));
            want(d, bytes)
        })
        .collect();
    let within = within_repeats(ctx.cfg, snap);
    for r in within.values() {
        want(r.documents[0], r.bytes);
    }
    let reused_at: Vec<TextAt> = templates
        .reused
        .iter()
        .map(|r| {
            let d = r.documents[0];
            let bytes = hits[d as usize]
                .iter()
                .find(|h| h.key == r.key)
                .map(|h| h.bytes)
                .or_else(|| {
                    shared[d as usize]
                        .iter()
                        .find(|b| b.key == r.key)
                        .map(|b| (b.start_byte, b.end_byte))
                })
                .unwrap_or((0, 0));
            want(d, bytes)
        })
        .collect();
    let mut texts = fetch_texts(ctx, &wanted);
    retry_changed_examples(ctx, hits, templates, &mut template_text_at, &mut texts);
    let text_of = |at: &TextAt| texts.get(at).cloned().unwrap_or_default();
    let ids = |docs: &[u32]| -> Vec<String> {
        docs.iter()
            .map(|&d| ctx.metas[d as usize].id.clone())
            .collect()
    };
    let site_name = |s: u32| snap.site_names[s as usize].clone().unwrap_or_default();
    let template_blocks: Vec<TemplateBlock> = templates
        .units
        .iter()
        .zip(&template_text_at)
        .map(|(t, at)| TemplateBlock {
            text: text_of(at),
            words: t.words,
            sites: t
                .sites
                .iter()
                .map(|&(s, n)| (site_name(s), n as u64))
                .collect(),
            documents: t.documents as u64,
            occurrences: t.occurrences as u64,
            position: match t.region {
                Region::Header => Position::Header,
                Region::Body => Position::Body,
                Region::Footer => Position::Footer,
            },
            examples: ids(&t.examples),
        })
        .collect();
    let mut repeated_blocks: Vec<RepeatedBlock> = within
        .values()
        .map(|r| RepeatedBlock {
            kind: RepeatKind::Within,
            text: text_of(&(r.documents[0], r.bytes)),
            words: r.words,
            documents: ids(&r.documents),
        })
        .collect();
    repeated_blocks.sort_by(|a, b| a.documents.cmp(&b.documents).then(a.text.cmp(&b.text)));
    repeated_blocks.extend(
        templates
            .reused
            .iter()
            .zip(&reused_at)
            .map(|(r, at)| RepeatedBlock {
                kind: RepeatKind::Across,
                text: text_of(at),
                words: r.words,
                documents: ids(&r.documents),
            }),
    );
    (template_blocks, repeated_blocks)
}

/// Where the text of template unit `t` stands in its `example`-th example document.
fn unit_text_at(hits: &PerDoc<Hit>, t: &TemplateUnit, example: usize) -> Option<TextAt> {
    let d = *t.examples.get(example)?;
    let bytes = hits[d as usize]
        .iter()
        .find(|h| h.key == t.key)
        .map_or((0, 0), |h| h.bytes);
    Some((d, bytes))
}

/// An example that changed since pass 1 gives no text: the block's next examples may.
fn retry_changed_examples(
    ctx: &Ctx,
    hits: &PerDoc<Hit>,
    templates: &Finalized,
    text_at: &mut [TextAt],
    texts: &mut HashMap<TextAt, String>,
) {
    for example in 1..4 {
        let missing: Vec<(usize, TextAt)> = (templates.units.iter().zip(text_at.iter()))
            .enumerate()
            .filter(|(_, (_, at))| !texts.contains_key(at))
            .filter_map(|(i, (t, _))| unit_text_at(hits, t, example).map(|at| (i, at)))
            .collect();
        if missing.is_empty() {
            return;
        }
        let mut again: WantedRanges = BTreeMap::new();
        for &(_, (d, bytes)) in &missing {
            again.entry(d).or_default().push(bytes);
        }
        texts.extend(fetch_texts(ctx, &again));
        for (i, at) in missing {
            text_at[i] = at;
        }
    }
}

/// Blocks repeated inside documents, grouped by the repeated block's key.
fn within_repeats(cfg: &Config, snap: &Snapshot) -> BTreeMap<u64, WithinRepeat> {
    let mut within: BTreeMap<u64, WithinRepeat> = BTreeMap::new();
    for (d, doc_repeats) in snap.repeats.iter().enumerate() {
        for r in doc_repeats.iter().filter(|r| r.counts(cfg)) {
            let e = within.entry(r.of_key).or_insert_with(|| WithinRepeat {
                documents: Vec::new(),
                bytes: r.of_bytes,
                words: r.of_words,
            });
            if e.documents.last() != Some(&(d as u32)) {
                e.documents.push(d as u32);
            }
        }
    }
    within
}

/// Spans counted over all annotations.
#[derive(Default)]
struct SpanCounts {
    template: u64,
    repeated: u64,
    reused: u64,
    boilerplate: u64,
    shared_text: SharedTextCounts,
}

/// One annotation per document: its cluster, the representative it duplicates, and the spans
/// to strip.
fn annotations(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    cluster_of: &ClusterOf,
) -> (Vec<Annotation>, SpanCounts) {
    let SharedSpans {
        mut reused,
        content,
        counts: shared_text,
    } = shared_spans(ctx, snap, templates, cluster_of);
    let mut counts = SpanCounts {
        shared_text,
        ..SpanCounts::default()
    };
    let annotations = ctx
        .metas
        .iter()
        .enumerate()
        .map(|(d, m)| {
            let kept_here = content.get(&(d as u32)).map_or(&[][..], |v| v.as_slice());
            let mut template: Vec<LineSpan> = snap.hits[d]
                .iter()
                .enumerate()
                .filter(|(i, h)| {
                    templates.set.is_template(d as u32, m.site, h.key)
                        && kept_here.binary_search(&(*i as u32)).is_err()
                })
                .map(|(_, h)| LineSpan::new(h.lines, h.bytes))
                .collect();
            template.sort_unstable();
            let merged = merge_spans(&template);
            counts.template += merged.len() as u64;
            let repeated: Vec<LineSpan> = snap.repeats[d]
                .iter()
                .filter(|r| r.counts(ctx.cfg))
                .map(|r| LineSpan::new(r.lines, r.bytes))
                .collect();
            counts.repeated += repeated.len() as u64;
            let mut later_copies = reused.remove(&(d as u32)).unwrap_or_default();
            later_copies.sort_unstable();
            counts.reused += later_copies.len() as u64;
            let mut spans: Vec<Span> = merged
                .into_iter()
                .map(|s| s.to_span(SpanKind::Template))
                .chain(repeated.into_iter().map(|s| s.to_span(SpanKind::Repeated)))
                .chain(
                    later_copies
                        .into_iter()
                        .map(|s| s.to_span(SpanKind::Reused)),
                )
                .chain(snap.boilerplate[d].iter().map(|b| Span {
                    reason: Some(b.reason),
                    ..LineSpan::new(b.lines, b.bytes).to_span(SpanKind::Boilerplate)
                }))
                .collect();
            counts.boilerplate += snap.boilerplate[d].len() as u64;
            spans.sort_by_key(|s| (s.start_line, s.end_line, s.kind.as_str()));
            let (cluster, duplicate_of) = match cluster_of.of.get(&(d as u32)) {
                Some(&(id, matched)) if matched != d as u32 => {
                    (Some(id), Some(ctx.metas[matched as usize].id.clone()))
                }
                Some(&(id, _)) => (Some(id), None),
                None => (None, None),
            };
            Annotation {
                id: m.id.clone(),
                path: ctx.files[m.file as usize].rel.clone(),
                line: (m.line > 0).then_some(m.line),
                site: snap.site_names[m.site as usize].clone(),
                cluster,
                duplicate_of,
                lossy_utf8: m.lossy,
                spans,
            }
        })
        .collect();
    (annotations, counts)
}

/// What the summary counts besides the snapshot.
struct SummaryInput<'a> {
    snap: &'a Snapshot,
    round: &'a Round,
    params: LshParams,
    skipped: &'a [Skipped],
    counts: SpanCounts,
    exact_clusters: u64,
    chained_clusters: u64,
    clusters: u64,
    template_blocks: u64,
    reused_blocks: u64,
}

fn summary(ctx: &Ctx, input: SummaryInput) -> Summary {
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
    let mut skipped_by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for s in skipped {
        *skipped_by_reason.entry(s.reason.label()).or_insert(0) += 1;
    }
    let sigs = &snap.sigs;
    let count_basis = |b: Basis| snap.figures.iter().filter(|f| f.basis == b).count() as u64;
    Summary {
        files: ctx.files.len() as u64,
        documents: ctx.metas.len() as u64,
        bytes: snap.bytes_read,
        skipped: skipped.len() as u64,
        skipped_by_reason,
        lossy_utf8_documents: ctx.metas.iter().filter(|m| m.lossy).count() as u64,
        renamed_duplicate_ids: snap.renamed,
        documents_without_shingles: (0..sigs.len()).filter(|&d| sigs.size(d) == 0).count() as u64,
        documents_shingled_in_full: count_basis(Basis::Full),
        documents_compared_whole: count_basis(Basis::Whole),
        documents_judged_outside_chrome: count_basis(Basis::Core) + count_basis(Basis::Page),
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

/// Merges sorted line spans that overlap or touch (next line) into one.
fn merge_spans(spans: &[LineSpan]) -> Vec<LineSpan> {
    let mut out: Vec<LineSpan> = Vec::new();
    for &s in spans {
        match out.last_mut() {
            Some(last) if s.start_line <= last.end_line + 1 => {
                last.end_line = last.end_line.max(s.end_line);
                last.end_byte = last.end_byte.max(s.end_byte);
            }
            _ => out.push(s),
        }
    }
    out
}

/// The byte ranges wanted of each document's text.
type WantedRanges = BTreeMap<u32, Vec<(u32, u32)>>;

/// Reads the byte ranges `wanted[doc]` of the given documents' texts.
fn fetch_texts(ctx: &Ctx, wanted: &WantedRanges) -> HashMap<TextAt, String> {
    map_ranges(ctx, wanted, |text, (a, b)| {
        text.get(a as usize..b as usize).unwrap_or("").to_string()
    })
}

/// `f(text, range)` for the byte ranges `wanted[doc]` of the given documents (read again).
fn map_ranges<T: Send>(
    ctx: &Ctx,
    wanted: &WantedRanges,
    f: impl Fn(&str, (u32, u32)) -> T + Sync,
) -> HashMap<TextAt, T> {
    // Texts the documents' records keep (pages: no parse again); the rest from the files.
    let (kept, wanted) = texts_from_records(ctx, wanted, &f);
    let wanted = &wanted;
    let mut files: Vec<u32> = wanted.keys().map(|&d| ctx.metas[d as usize].file).collect();
    files.dedup();
    let found: Vec<Vec<(TextAt, T)>> = files
        .par_iter()
        .map(|&f_| {
            let lo = ctx.first_doc[f_ as usize];
            let mut k = 0u32;
            let mut out = Vec::new();
            read_documents(&ctx.files[f_ as usize], &ctx.cfg.input, |doc| {
                let d = lo + k;
                k += 1;
                if let Some(ranges) = wanted.get(&d) {
                    if !ctx.same_text(d, &doc.text) {
                        return;
                    }
                    for &range in ranges {
                        out.push(((d, range), f(&doc.text, range)));
                    }
                }
            });
            // Documents the file no longer holds.
            let hi = ctx.first_doc[f_ as usize + 1];
            for (&d, _) in wanted.range(lo + k..hi) {
                ctx.changed.mark(d);
            }
            out
        })
        .collect();
    found.into_iter().flatten().chain(kept).collect()
}

/// `f(text, range)` for the documents whose spill record keeps their text, and the ranges
/// still wanted (of the other documents, or all of them without a spill).
fn texts_from_records<T: Send>(
    ctx: &Ctx,
    wanted: &WantedRanges,
    f: &(impl Fn(&str, (u32, u32)) -> T + Sync),
) -> (Vec<(TextAt, T)>, WantedRanges) {
    let Some(spill) = ctx.spill else {
        return (Vec::new(), wanted.clone());
    };
    let costly = |d: u32| {
        let file = ctx.metas[d as usize].file as usize;
        ctx.files[file].format.costly_to_read_again()
    };
    let found: Vec<(u32, Vec<(TextAt, T)>)> = wanted
        .par_iter()
        .filter(|(&d, _)| costly(d))
        .filter_map(|(&d, ranges)| {
            let parts = spill.read(ctx.records[d as usize]).ok()?;
            if parts.text.is_empty() {
                return None;
            }
            let texts = ranges.iter().map(|&r| ((d, r), f(&parts.text, r)));
            Some((d, texts.collect()))
        })
        .collect();
    let mut rest = wanted.clone();
    let mut kept = Vec::new();
    for (d, texts) in found {
        rest.remove(&d);
        kept.extend(texts);
    }
    (kept, rest)
}

/// What the annotations strip of the text documents share, decided over the whole corpus.
struct SharedSpans {
    /// Later copies to strip (`reused` spans), per document.
    reused: HashMap<u32, Vec<LineSpan>>,
    /// Indexes (sorted) of the template hits of each document that are content there and stay.
    content: HashMap<u32, Vec<u32>>,
    /// How many documents each rule touched.
    counts: SharedTextCounts,
}

/// A run of frequent text inside a page's article: consecutive template lines (boilerplate
/// lines between them do not break it) that the page's structure puts in its main block.
struct FrequentRun {
    span: LineSpan,
    words: u32,
    /// Indexes of the document's hits inside it.
    hits: Vec<u32>,
    /// Whether the site stamps each of its units on nearly every page: chrome after all.
    stamped: bool,
}

/// One document holding a block of shared text, and how it holds it.
#[derive(Clone, Copy)]
struct Holder {
    doc: u32,
    span: LineSpan,
    /// Whether its structure puts the occurrence outside its article (a link list, a menu).
    outside_article: bool,
    /// Whether the occurrence is the document's own headline (at its top, or the headline the
    /// template stage found heading its article).
    own_headline: bool,
}

/// Whether the byte range `bytes` lies inside one of a page's boilerplate runs.
fn in_boilerplate(runs: &[Boilerplate], bytes: (u32, u32)) -> bool {
    runs.iter()
        .any(|b| b.bytes.0 <= bytes.0 && bytes.1 <= b.bytes.1)
}

/// Whether every line from `first` to `last` lies in a boilerplate run (true when empty).
fn lines_in_boilerplate(runs: &[Boilerplate], first: u32, last: u32) -> bool {
    (first..=last).all(|l| runs.iter().any(|b| b.lines.0 <= l && l <= b.lines.1))
}

/// The runs of frequent text inside the article of document `d`: its template occurrences
/// that the page's structure does not put in a boilerplate run. Only a page whose structure was
/// read (an HTML page with boilerplate runs) has an article to tell chrome from content by;
/// short boilerplate shared by several sites ("Share this article") stays chrome everywhere,
/// and so does a run whose every unit the site stamps on nearly every page.
fn frequent_runs(snap: &Snapshot, templates: &Finalized, d: usize, site: u32) -> Vec<FrequentRun> {
    let runs = &snap.boilerplate[d];
    if runs.is_empty() {
        return Vec::new();
    }
    let hits = &snap.hits[d];
    let mut inside: Vec<(usize, &Hit)> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            templates.set.is_template(d as u32, site, h.key)
                && !templates.set.everywhere.contains(&h.key)
                && !in_boilerplate(runs, h.bytes)
        })
        .collect();
    inside.sort_by_key(|(i, h)| (h.lines.0, std::cmp::Reverse(h.lines.1), *i));
    let mut out: Vec<FrequentRun> = Vec::new();
    for (i, h) in inside {
        let joins = out.last().is_some_and(|r| {
            h.lines.0 <= r.span.end_line + 1
                || lines_in_boilerplate(runs, r.span.end_line + 1, h.lines.0 - 1)
        });
        match out.last_mut() {
            Some(r) if joins => {
                r.hits.push(i as u32);
                if h.lines.1 > r.span.end_line {
                    // A unit not inside the run's last one: its words count.
                    r.span.end_line = h.lines.1;
                    r.span.end_byte = r.span.end_byte.max(h.bytes.1);
                    r.words += h.words;
                }
                r.stamped &= templates.set.stamped.contains(&(site, h.key));
            }
            _ => {
                out.push(FrequentRun {
                    span: LineSpan::new(h.lines, h.bytes),
                    words: h.words,
                    hits: vec![i as u32],
                    stamped: templates.set.stamped.contains(&(site, h.key)),
                });
            }
        }
    }
    out.retain(|r| !r.stamped && r.words > CROSS_SITE_MAX_WORDS);
    out
}

/// Where shared text is kept and where it is stripped.
///
/// Frequent text inside a page's article is content, not chrome: in a run of more than
/// [`CROSS_SITE_MAX_WORDS`] words (the docs of a method many types implement), each line stays
/// in one page and is a later copy elsewhere; shorter runs (a label above a link list) and
/// what the site stamps on nearly every page stay chrome. A reused block, and such a line, is
/// kept by the holder where it is most the page's own text: inside its article, as its own
/// headline, in the page that holds the fewest shared blocks (a chapter rather than the
/// whole-book page that prints every chapter), then the first by path. An own headline is
/// never stripped. With `--strip-reused auto`, a document that the later copies would leave with
/// under `--stub-share` of its words keeps them.
fn shared_spans(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    cluster_of: &ClusterOf,
) -> SharedSpans {
    let kept = |d: u32| cluster_of.of.get(&d).is_none_or(|&(_, m)| m == d);
    let mut counts = SharedTextCounts::default();
    let mut content: HashMap<u32, Vec<u32>> = HashMap::default();
    // (unit key, holder) of the units of the runs in kept documents.
    let mut long_runs: Vec<(u64, Holder)> = Vec::new();
    let per_doc: Vec<Vec<FrequentRun>> = (0..ctx.metas.len())
        .into_par_iter()
        .map(|d| frequent_runs(snap, templates, d, ctx.metas[d].site))
        .collect();
    for (d, runs) in per_doc.into_iter().enumerate() {
        if runs.is_empty() {
            continue;
        }
        let d = d as u32;
        let mut hits: Vec<u32> = Vec::new();
        for r in runs {
            hits.extend(&r.hits);
            for &i in r.hits.iter().filter(|_| kept(d)) {
                let h = &snap.hits[d as usize][i as usize];
                let holder = Holder {
                    doc: d,
                    span: LineSpan::new(h.lines, h.bytes),
                    outside_article: false,
                    own_headline: false,
                };
                long_runs.push((h.key, holder));
            }
        }
        hits.sort_unstable();
        content.insert(d, hits);
    }
    counts.frequent_content_documents = content.len() as u64;
    // How many shared blocks each document holds: a page that prints many others (a
    // whole-book print page, an index of excerpts) holds far more than any one of them.
    let mut blocks_held = vec![0u32; ctx.metas.len()];
    for r in &templates.reused {
        for &d in &r.documents {
            blocks_held[d as usize] += 1;
        }
    }
    let prefer = |h: &Holder| {
        let held = blocks_held[h.doc as usize];
        (h.outside_article, !h.own_headline, held, h.doc)
    };
    let mut later: WantedSpans = BTreeMap::new();
    long_runs.sort_by_key(|(key, h)| (*key, prefer(h)));
    let mut keepers: Vec<u32> = Vec::new();
    for group in long_runs.chunk_by(|a, b| a.0 == b.0) {
        keepers.push(group[0].1.doc);
        for (_, h) in &group[1..] {
            later.entry(h.doc).or_default().push(Later::Span(h.span));
        }
    }
    keepers.sort_unstable();
    keepers.dedup();
    counts.frequent_content_kept_once = keepers.len() as u64;
    let mut protected: Vec<u32> = Vec::new();
    for r in &templates.reused {
        let mut holders: Vec<Holder> = r
            .documents
            .iter()
            .copied()
            .filter(|&d| kept(d))
            .filter_map(|d| reused_holder(snap, templates, d, r.key))
            .collect();
        let first_by_path = holders.iter().map(|h| h.doc).min();
        holders.sort_by_key(&prefer);
        for (i, h) in holders.iter().enumerate() {
            if h.own_headline {
                if Some(h.doc) != first_by_path {
                    protected.push(h.doc); // the first by path would have kept it
                }
            } else if i > 0 {
                later.entry(h.doc).or_default().push(Later::Bytes(h.span));
            }
        }
    }
    protected.sort_unstable();
    protected.dedup();
    counts.own_headlines_kept = protected.len() as u64;
    let reused = match ctx.cfg.blocks.strip_reused {
        StripReused::Never => HashMap::default(),
        StripReused::Always => later_spans(ctx, &later),
        StripReused::Auto => {
            let mut spans = later_spans(ctx, &later);
            let whole = stubs(ctx, snap, templates, &content, &spans);
            counts.kept_whole = whole.len() as u64;
            for d in whole {
                spans.remove(&d);
            }
            spans
        }
    };
    SharedSpans {
        reused,
        content,
        counts,
    }
}

/// A later copy to strip: a run whose lines are known, or a block known by its bytes.
enum Later {
    Span(LineSpan),
    Bytes(LineSpan),
}

/// The later copies of each document.
type WantedSpans = BTreeMap<u32, Vec<Later>>;

/// How document `d` holds the reused block `key`, when its occurrence can be found.
fn reused_holder(snap: &Snapshot, templates: &Finalized, d: u32, key: u64) -> Option<Holder> {
    let runs = &snap.boilerplate[d as usize];
    let hit = snap.hits[d as usize].iter().find(|h| h.key == key);
    let bytes = hit.map(|h| h.bytes).or_else(|| {
        snap.shared[d as usize]
            .iter()
            .find(|b| b.key == key)
            .map(|b| (b.start_byte, b.end_byte))
    })?;
    (bytes.0 < bytes.1).then(|| Holder {
        doc: d,
        span: LineSpan::new((0, 0), bytes),
        outside_article: in_boilerplate(runs, bytes),
        own_headline: hit.is_some_and(|h| {
            (h.at_top || templates.set.own_headlines.contains(&(d, key)))
                && !in_boilerplate(runs, bytes)
        }),
    })
}

/// The line spans of the later copies: runs as they are, blocks with their lines found from
/// the documents' records (or their texts read again).
fn later_spans(ctx: &Ctx, later: &WantedSpans) -> HashMap<u32, Vec<LineSpan>> {
    let mut by_doc: HashMap<u32, Vec<LineSpan>> = HashMap::default();
    let mut wanted: WantedRanges = BTreeMap::new();
    for (&d, spans) in later {
        for s in spans {
            match s {
                Later::Span(span) => by_doc.entry(d).or_default().push(*span),
                Later::Bytes(span) => wanted
                    .entry(d)
                    .or_default()
                    .push((span.start_byte, span.end_byte)),
            }
        }
    }
    let line_of = |text: &str, byte: u32| {
        let end = (byte as usize).min(text.len());
        1 + text.as_bytes()[..end]
            .iter()
            .filter(|&&c| c == b'\n')
            .count() as u32
    };
    // The documents' records know their lines: no page is read (and parsed) again for them.
    let spans = spans_from_records(ctx, &wanted).unwrap_or_else(|| {
        map_ranges(ctx, &wanted, |text, (a, b)| {
            LineSpan::new(
                (line_of(text, a), line_of(text, b.saturating_sub(1))),
                (a, b),
            )
        })
    });
    for ((d, _), span) in spans {
        by_doc.entry(d).or_default().push(span);
    }
    by_doc
}

/// The documents that their later copies would leave with under `--stub-share` of their words
/// (counted outside the template, repeated and boilerplate lines they lose anyway): they keep
/// them, whole rather than a stub.
fn stubs(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    content: &HashMap<u32, Vec<u32>>,
    later: &HashMap<u32, Vec<LineSpan>>,
) -> Vec<u32> {
    let wanted: WantedRanges = later.keys().map(|&d| (d, vec![(0, 0)])).collect();
    let words = line_words(ctx, &wanted);
    let share = ctx.cfg.blocks.stub_share;
    let mut whole: Vec<u32> = later
        .iter()
        .filter_map(|(&d, spans)| {
            let lines = words.get(&d)?;
            let m = &ctx.metas[d as usize];
            let kept_hits = content.get(&d).map_or(&[][..], |v| v.as_slice());
            let mut gone: Vec<(u32, u32)> = snap.hits[d as usize]
                .iter()
                .enumerate()
                .filter(|(i, h)| {
                    templates.set.is_template(d, m.site, h.key)
                        && kept_hits.binary_search(&(*i as u32)).is_err()
                })
                .map(|(_, h)| h.lines)
                .collect();
            gone.extend(snap.repeats[d as usize].iter().map(|r| r.lines));
            gone.extend(snap.boilerplate[d as usize].iter().map(|b| b.lines));
            let inside = |spans: &[(u32, u32)], n: u32| spans.iter().any(|s| s.0 <= n && n <= s.1);
            let copies: Vec<(u32, u32)> =
                spans.iter().map(|s| (s.start_line, s.end_line)).collect();
            let (mut own, mut left) = (0u64, 0u64);
            for &(n, w) in lines.iter().filter(|(n, _)| !inside(&gone, *n)) {
                own += w as u64;
                left += if inside(&copies, n) { 0 } else { w as u64 };
            }
            ((left as f64) < share * own as f64).then_some(d)
        })
        .collect();
    whole.sort_unstable();
    whole
}

/// (line number, words) of a document's non-blank lines.
type LineWords = Vec<(u32, u32)>;

/// The (line number, words) of each non-blank line of the documents `wanted` names, from their
/// records (or their texts read again and segmented).
fn line_words(ctx: &Ctx, wanted: &WantedRanges) -> HashMap<u32, LineWords> {
    if let Some(spill) = ctx.spill {
        let read: Option<Vec<(u32, LineWords)>> = wanted
            .par_iter()
            .map(|(&d, _)| {
                let parts = spill.read(ctx.records[d as usize]).ok()?;
                Some((d, parts.lines.iter().map(|l| (l.number, l.words)).collect()))
            })
            .collect();
        if let Some(read) = read {
            return read.into_iter().collect();
        }
    }
    let fold = ctx.cfg.fold_digits;
    map_ranges(ctx, wanted, |text, _| {
        let seg = crate::text::segment(text, fold);
        seg.lines.iter().map(|l| (l.number, l.words)).collect()
    })
    .into_iter()
    .map(|((d, _), lines)| (d, lines))
    .collect()
}

/// The line spans of the byte ranges `wanted[doc]`, from the documents' spill records (the
/// line holding each end); `None` without a spill or when a record cannot be read back.
fn spans_from_records(ctx: &Ctx, wanted: &WantedRanges) -> Option<HashMap<TextAt, LineSpan>> {
    let spill = ctx.spill?;
    let per_doc: Vec<Option<Vec<(TextAt, LineSpan)>>> = wanted
        .par_iter()
        .map(|(&d, ranges)| {
            let parts = spill.read(ctx.records[d as usize]).ok()?;
            let line_at = |byte: u32| -> Option<u32> {
                let i = parts.lines.partition_point(|l| l.bytes.0 <= byte);
                Some(parts.lines.get(i.checked_sub(1)?)?.number)
            };
            ranges
                .iter()
                .map(|&(a, b)| {
                    let lines = (line_at(a)?, line_at(b.saturating_sub(1))?);
                    Some(((d, (a, b)), LineSpan::new(lines, (a, b))))
                })
                .collect()
        })
        .collect();
    per_doc
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .map(|v| v.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_touching_spans() {
        let s = |a, b, c, d| LineSpan::new((a, b), (c, d));
        let spans = vec![
            s(1, 1, 0, 5),
            s(2, 3, 6, 20),
            s(3, 3, 12, 20),
            s(6, 6, 30, 40),
        ];
        assert_eq!(merge_spans(&spans), vec![s(1, 3, 0, 20), s(6, 6, 30, 40)]);
    }
}
