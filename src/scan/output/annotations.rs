//! One annotation per document: its cluster, the document it duplicates, and the spans to
//! strip (template, repeated, reused and boilerplate), with the counts the summary states.

use rustc_hash::FxHashMap as HashMap;

use super::clusters::{ClusterOf, Membership};
use super::shared::SharedSpans;
use super::spans::{merge_touching, LineSpan};
use crate::detect::templates::Finalized;
use crate::report::{Annotation, SharedTextCounts, Span, SpanKind};
use crate::scan::context::Ctx;
use crate::scan::state::Snapshot;

/// Spans counted over all annotations.
#[derive(Default)]
pub(super) struct SpanCounts {
    pub template: u64,
    pub repeated: u64,
    pub reused: u64,
    pub boilerplate: u64,
    pub shared_text: SharedTextCounts,
}

/// One annotation per document: its cluster, the representative it duplicates, and the spans
/// to strip (where shared text stays: `shared`).
pub(super) fn annotations(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    cluster_of: &ClusterOf,
    shared: SharedSpans,
) -> (Vec<Annotation>, SpanCounts) {
    let SharedSpans {
        mut reused,
        content,
        counts: shared_text,
    } = shared;
    let mut counts = SpanCounts {
        shared_text,
        ..SpanCounts::default()
    };
    let annotations = (0..ctx.metas.len() as u32)
        .map(|d| {
            let later_copies = reused.remove(&d).unwrap_or_default();
            let spans =
                document_spans(ctx, snap, templates, &content, d, later_copies, &mut counts);
            annotation(ctx, snap, cluster_of, d, spans)
        })
        .collect();
    (annotations, counts)
}

/// The spans to strip of document `d`, sorted by lines then kind: its template lines (less
/// those that are content there) merged, its repeated blocks, its later copies of reused text
/// and its boilerplate runs; each kind counted in `counts`.
fn document_spans(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    content: &HashMap<u32, Vec<u32>>,
    d: u32,
    mut later_copies: Vec<LineSpan>,
    counts: &mut SpanCounts,
) -> Vec<Span> {
    let site = ctx.metas[d as usize].site;
    let kept_here = content.get(&d).map_or(&[][..], |v| v.as_slice());
    let mut template: Vec<LineSpan> = snap.hits[d as usize]
        .iter()
        .enumerate()
        .filter(|(i, h)| {
            templates.set.is_template(d, site, h.key)
                && kept_here.binary_search(&(*i as u32)).is_err()
        })
        .map(|(_, h)| LineSpan::new(h.lines, h.bytes))
        .collect();
    template.sort_unstable();
    let merged = merge_touching(&template);
    counts.template += merged.len() as u64;
    let repeated: Vec<LineSpan> = snap.repeats[d as usize]
        .iter()
        .filter(|r| r.counts(ctx.cfg, ctx.chrome, site))
        .map(|r| LineSpan::new(r.lines, r.bytes))
        .collect();
    counts.repeated += repeated.len() as u64;
    later_copies.sort_unstable();
    counts.reused += later_copies.len() as u64;
    let boilerplate = &snap.boilerplate[d as usize];
    counts.boilerplate += boilerplate.len() as u64;
    let mut spans: Vec<Span> = merged
        .into_iter()
        .map(|s| s.to_span(SpanKind::Template))
        .chain(repeated.into_iter().map(|s| s.to_span(SpanKind::Repeated)))
        .chain(
            later_copies
                .into_iter()
                .map(|s| s.to_span(SpanKind::Reused)),
        )
        .chain(boilerplate.iter().map(|b| Span {
            reason: Some(b.reason),
            ..LineSpan::new(b.lines, b.bytes).to_span(SpanKind::Boilerplate)
        }))
        .collect();
    spans.sort_by_key(|s| (s.start_line, s.end_line, s.kind.as_str()));
    spans
}

/// Document `d`'s annotation with its spans.
fn annotation(
    ctx: &Ctx,
    snap: &Snapshot,
    cluster_of: &ClusterOf,
    d: u32,
    spans: Vec<Span>,
) -> Annotation {
    let m = &ctx.metas[d as usize];
    let (cluster, duplicate_of) = match cluster_of.of.get(&d) {
        Some(&Membership { cluster, matches }) if matches != d => {
            (Some(cluster), Some(ctx.metas[matches as usize].id.clone()))
        }
        Some(&Membership { cluster, .. }) => (Some(cluster), None),
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
}
