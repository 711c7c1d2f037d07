//! Reading documents' texts again after the rounds: from the spill where a record keeps the
//! text (pages: no parse again) or the line table, else from the files, each document used only
//! if it is still the text pass 1 read (else marked in `ChangedDocs`).

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::spans::{line_number_at, span_of_bytes, text_in, Bytes, LineSpan};
use crate::corpus::read_documents;
use crate::scan::context::Ctx;

/// A document and a byte range of its text.
pub(super) type TextAt = (u32, Bytes);

/// The byte ranges wanted of each document's text.
pub(super) type WantedRanges = BTreeMap<u32, Vec<Bytes>>;

/// (line number, words) of a document's non-blank lines.
pub(super) type LineWords = Vec<(u32, u32)>;

/// Reads the byte ranges `wanted[doc]` of the given documents' texts.
pub(super) fn fetch_texts(ctx: &Ctx, wanted: &WantedRanges) -> HashMap<TextAt, String> {
    map_ranges(ctx, wanted, |text, range| text_in(text, range).to_string())
}

/// The line spans of the byte ranges `wanted[doc]`: from the documents' records where a spill
/// keeps them (no page is read and parsed again for them), else from their texts read again.
pub(super) fn line_spans(ctx: &Ctx, wanted: &WantedRanges) -> HashMap<TextAt, LineSpan> {
    spans_from_records(ctx, wanted).unwrap_or_else(|| map_ranges(ctx, wanted, span_of_bytes))
}

/// `f(text, range)` for the byte ranges `wanted[doc]` of the given documents (read again).
fn map_ranges<T: Send>(
    ctx: &Ctx,
    wanted: &WantedRanges,
    f: impl Fn(&str, Bytes) -> T + Sync,
) -> HashMap<TextAt, T> {
    // Texts the documents' records keep (pages: no parse again); the rest from the files.
    let (kept, wanted) = texts_from_records(ctx, wanted, &f);
    let wanted = &wanted;
    let mut files: Vec<u32> = wanted.keys().map(|&d| ctx.metas[d as usize].file).collect();
    files.dedup();
    let found: Vec<Vec<(TextAt, T)>> = files
        .par_iter()
        .map(|&file| ranges_of_file(ctx, file, wanted, &f))
        .collect();
    found.into_iter().flatten().chain(kept).collect()
}

/// `f(text, range)` for the wanted ranges of the documents of one file, read again; documents
/// changed since pass 1, or that the file no longer holds, are marked changed instead.
fn ranges_of_file<T>(
    ctx: &Ctx,
    file: u32,
    wanted: &WantedRanges,
    f: &impl Fn(&str, Bytes) -> T,
) -> Vec<(TextAt, T)> {
    let lo = ctx.first_doc[file as usize];
    let mut k = 0u32;
    let mut out = Vec::new();
    read_documents(&ctx.files[file as usize], &ctx.cfg.input, |doc| {
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
    let hi = ctx.first_doc[file as usize + 1];
    for (&d, _) in wanted.range(lo + k..hi) {
        ctx.changed.mark(d);
    }
    out
}

/// `f(text, range)` for the documents whose spill record keeps their text, and the ranges
/// still wanted (of the other documents, or all of them without a spill).
fn texts_from_records<T: Send>(
    ctx: &Ctx,
    wanted: &WantedRanges,
    f: &(impl Fn(&str, Bytes) -> T + Sync),
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

/// The (line number, words) of each non-blank line of the documents `wanted` names, from their
/// records (or their texts read again and segmented).
pub(super) fn line_words(ctx: &Ctx, wanted: &WantedRanges) -> HashMap<u32, LineWords> {
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
            ranges
                .iter()
                .map(|&(a, b)| {
                    let lines = (
                        line_number_at(&parts.lines, a)?,
                        line_number_at(&parts.lines, b.saturating_sub(1))?,
                    );
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
