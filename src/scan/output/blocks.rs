//! The report's template blocks and repeated blocks (inside documents, and reused across
//! them), with their texts read again from one example document each.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use super::spans::Bytes;
use super::texts::{fetch_texts, TextAt, WantedRanges};
use crate::detect::per_doc::PerDoc;
use crate::detect::templates::{Finalized, Hit, TemplateUnit};
use crate::detect::units::Region;
use crate::report::{Position, RepeatKind, RepeatedBlock, TemplateBlock};
use crate::scan::context::Ctx;
use crate::scan::state::Snapshot;

/// A block repeated inside documents: the documents, its first occurrence's bytes (in the
/// first document) and its words.
struct WithinRepeat {
    documents: Vec<u32>,
    bytes: Bytes,
    words: u32,
}

/// The template units less their occurrences that are content where they stand (`content`):
/// each site's count and the total lowered, a unit left with none dropped, in the order of
/// `templates.units`.
fn chrome_units(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    content: &HashMap<u32, Vec<u32>>,
) -> Vec<TemplateUnit> {
    let mut kept_here: HashMap<(u64, u32), u32> = HashMap::default();
    for (&d, hits) in content {
        let site = ctx.metas[d as usize].site;
        for &i in hits {
            let key = snap.hits[d as usize][i as usize].key;
            *kept_here.entry((key, site)).or_default() += 1;
        }
    }
    templates
        .units
        .iter()
        .filter_map(|t| {
            let mut t = t.clone();
            for (site, n) in &mut t.sites {
                let content = kept_here.get(&(t.key, *site)).copied().unwrap_or(0);
                t.occurrences -= content.min(*n);
                *n -= content.min(*n);
            }
            t.sites.retain(|&(_, n)| n > 0);
            (t.occurrences > 0).then_some(t)
        })
        .collect()
}

/// Where each block's text is read from.
struct TextPlaces {
    /// Of each template unit, in order: its first example.
    templates: Vec<TextAt>,
    /// Blocks repeated inside documents, by the block's key: its first document.
    within: BTreeMap<u64, WithinRepeat>,
    /// Of each reused block, in order: its first document.
    reused: Vec<TextAt>,
}

/// The report's template blocks and repeated blocks, their texts read again from one example
/// document each. A template unit is reported for its occurrences that are chrome: those
/// that are frequent content where they stand (`content`, the template hits each document
/// keeps, see [`super::shared`]) do not count, and a unit that is content wherever it stands
/// (the docs of a method many types implement, inside every page's article) is no template
/// block.
pub(super) fn blocks(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    content: &HashMap<u32, Vec<u32>>,
) -> (Vec<TemplateBlock>, Vec<RepeatedBlock>) {
    let chrome_units = chrome_units(ctx, snap, templates, content);
    let mut places = text_places(ctx, snap, templates, &chrome_units);
    let mut wanted: WantedRanges = BTreeMap::new();
    let at_template = places.templates.iter().copied();
    let at_within = places.within.values().map(|r| (r.documents[0], r.bytes));
    for (d, bytes) in at_template
        .chain(at_within)
        .chain(places.reused.iter().copied())
    {
        wanted.entry(d).or_default().push(bytes);
    }
    let mut texts = fetch_texts(ctx, &wanted);
    retry_changed_examples(
        ctx,
        &snap.hits,
        &chrome_units,
        &mut places.templates,
        &mut texts,
    );
    let text_of = |at: &TextAt| texts.get(at).cloned().unwrap_or_default();
    let ids = |docs: &[u32]| -> Vec<String> {
        docs.iter()
            .map(|&d| ctx.metas[d as usize].id.clone())
            .collect()
    };
    let template_blocks: Vec<TemplateBlock> = chrome_units
        .iter()
        .zip(&places.templates)
        .map(|(t, at)| template_block(snap, t, text_of(at), ids(&t.examples)))
        .collect();
    let mut repeated_blocks: Vec<RepeatedBlock> = places
        .within
        .values()
        .map(|r| RepeatedBlock {
            kind: RepeatKind::Within,
            text: text_of(&(r.documents[0], r.bytes)),
            words: r.words,
            documents: ids(&r.documents),
        })
        .collect();
    repeated_blocks.sort_by(|a, b| a.documents.cmp(&b.documents).then(a.text.cmp(&b.text)));
    repeated_blocks.extend(templates.reused.iter().zip(&places.reused).map(|(r, at)| {
        RepeatedBlock {
            kind: RepeatKind::Across,
            text: text_of(at),
            words: r.words,
            documents: ids(&r.documents),
        }
    }));
    (template_blocks, repeated_blocks)
}

/// Where the texts of the template units, the blocks repeated inside documents and the
/// reused blocks stand.
fn text_places(
    ctx: &Ctx,
    snap: &Snapshot,
    templates: &Finalized,
    units: &[TemplateUnit],
) -> TextPlaces {
    TextPlaces {
        templates: units
            .iter()
            .map(|t| unit_text_at(&snap.hits, t, 0).unwrap_or((0, (0, 0))))
            .collect(),
        within: within_repeats(ctx, snap),
        reused: templates
            .reused
            .iter()
            .map(|r| reused_text_at(snap, r.documents[0], r.key))
            .collect(),
    }
}

/// One template unit as the report shows it.
fn template_block(
    snap: &Snapshot,
    t: &TemplateUnit,
    text: String,
    examples: Vec<String>,
) -> TemplateBlock {
    let site_name = |s: u32| snap.site_names[s as usize].clone().unwrap_or_default();
    TemplateBlock {
        text,
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
        examples,
    }
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

/// Where the text of the reused block `key` stands in document `d`: a template hit or a
/// shared block of that key (nowhere when neither is found).
fn reused_text_at(snap: &Snapshot, d: u32, key: u64) -> TextAt {
    let bytes = snap.hits[d as usize]
        .iter()
        .find(|h| h.key == key)
        .map(|h| h.bytes)
        .or_else(|| {
            snap.shared[d as usize]
                .iter()
                .find(|b| b.key == key)
                .map(|b| (b.start_byte, b.end_byte))
        })
        .unwrap_or((0, 0));
    (d, bytes)
}

/// An example that changed since pass 1 gives no text: the block's next examples may.
fn retry_changed_examples(
    ctx: &Ctx,
    hits: &PerDoc<Hit>,
    units: &[TemplateUnit],
    text_at: &mut [TextAt],
    texts: &mut HashMap<TextAt, String>,
) {
    for example in 1..4 {
        let missing: Vec<(usize, TextAt)> = (units.iter().zip(text_at.iter()))
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
fn within_repeats(ctx: &Ctx, snap: &Snapshot) -> BTreeMap<u64, WithinRepeat> {
    let mut within: BTreeMap<u64, WithinRepeat> = BTreeMap::new();
    for (d, doc_repeats) in snap.repeats.iter().enumerate() {
        let site = snap.metas[d].site;
        for r in doc_repeats
            .iter()
            .filter(|r| r.counts(ctx.cfg, ctx.chrome, site))
        {
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
