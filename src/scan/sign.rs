//! Pass 2 and re-signing: a document's content (its lines less the units left out as
//! template) → shingles → MinHash signature; in pass 2 also the spans of its watched units
//! (possible template lines) and the long blocks it shares with other documents.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::context::{doc_range, map_documents, stage_progress, ChangedDocs, Ctx, Stopwatch};
use super::pass1::PreparedDocument;
use super::pass1::{document_parts, Pass1, PASS1_CHUNK};
use super::state::{SignedWith, Snapshot};
use crate::config::{Config, ShingleKind};
use crate::corpus::InputFile;
use crate::detect::bulk::BulkSketch;
use crate::detect::near::Signatures;
use crate::detect::per_doc::PerDoc;
use crate::detect::templates::{
    left_out_changed, text_follows, Chrome, Hit, SharedBlock, TemplateEvidence, TemplateSet,
    WatchList, CROSS_SITE_MAX_WORDS,
};
use crate::progress::{Stage, StageProgress};
use crate::sketch::MinHasher;
use crate::spill::{DocParts, SpillState};
use crate::text::{count_distinct, shingle_into, word_shingles_of_hashes};

/// What signing found about one document's content, kept for the report.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ContentFigures {
    /// Distinct content shingles.
    pub shingles: u32,
    /// Words shingled (those of the basis).
    pub content_words: u32,
    /// What was shingled.
    pub basis: Basis,
    /// The sketch of its bulk when its basis is narrow (see [`crate::detect::bulk`]).
    pub bulk: Option<BulkSketch>,
}

/// What a document is compared on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Basis {
    /// Its content: the text less the units left out as template and less frequent text.
    #[default]
    Content,
    /// Its own text, because its content is thin: the text outside site chrome and outside
    /// frequent text (units on more than `--frequent-docs` pages of its site; ARCHITECTURE.md,
    /// "The interface between templates and near-duplicates").
    Core,
    /// Too little text of its own: its own words anywhere on the page (see [`Basis::Page`]),
    /// shorter than one shingle, taken whole as one shingle: the document is joined only to one
    /// with the same own words (two versions of a constant's page), never on chrome or shared
    /// text.
    Whole,
    /// Too little text of its own in what its structure keeps as content: its own words
    /// anywhere on the page, structural boilerplate included (the title, heading and signature
    /// of a reference page whose article is the lists it shares), never template, site chrome
    /// or frequent text.
    Page,
    /// Its text outside frequent text: even its own words anywhere on the page are shorter
    /// than one shingle, on a site small enough for a few pages to be half of it (a story on
    /// three of its six pages, whose paragraphs count as chrome there).
    Full,
}

/// Pass 2's template candidates, the chrome lines and the lines not the document's own, from
/// one look-up a unit (`watch` holds the candidates; `chrome`'s counts are the chrome's).
fn candidates_and_chrome(
    chrome: &Chrome,
    parts: &DocParts,
    site: u32,
    watch: &WatchList,
) -> LineMasks {
    let chrome_min = chrome.min_docs_on(site);
    let lines = parts.lines.len();
    let mut masks = LineMasks {
        candidate: vec![false; lines],
        chrome: vec![false; lines],
        not_own: vec![false; lines],
    };
    let mark = |mask: &mut Vec<bool>, u: &crate::detect::units::Unit| {
        mask[u.lines.clone()].iter_mut().for_each(|e| *e = true)
    };
    for u in &parts.units {
        let n = chrome.documents(site, u.key);
        if n == 0 {
            continue;
        }
        if n >= watch.min_docs() {
            mark(&mut masks.candidate, u);
        }
        if n >= chrome_min {
            mark(&mut masks.chrome, u);
        }
        if n >= chrome_min || n > chrome.frequent_docs() {
            mark(&mut masks.not_own, u);
        }
    }
    masks
}

/// Per line of a document: whether it is a template candidate, site chrome, not its own.
struct LineMasks {
    candidate: Vec<bool>,
    chrome: Vec<bool>,
    not_own: Vec<bool>,
}

/// Documents per site.
pub(crate) fn site_doc_counts(metas: &[super::DocMeta]) -> Vec<u32> {
    let mut counts: Vec<u32> = Vec::new();
    for m in metas {
        let s = m.site as usize;
        if counts.len() <= s {
            counts.resize(s + 1, 0);
        }
        counts[s] += 1;
    }
    counts
}

/// What pass 2 learns about one document.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Analysis {
    pub signature: Option<Vec<u32>>,
    pub figures: ContentFigures,
    pub hits: Vec<Hit>,
    /// Long whole blocks that other documents hold too (for the reuse report).
    pub shared: Vec<SharedBlock>,
    /// Sorted distinct shingles, kept only when asked (exact verification).
    pub set: Option<Vec<u64>>,
}

/// Which units are left out of the shingles.
pub(super) enum Exclusion<'a> {
    /// Every unit held by at least `--template-min-docs` documents of the site (pass 2).
    Candidates(&'a WatchList),
    /// The template decision of a round.
    Final(&'a TemplateSet),
}

impl Exclusion<'_> {
    fn excludes(&self, doc: u32, site: u32, key: u64) -> bool {
        match self {
            Exclusion::Candidates(w) => w.is_candidate(site, key),
            Exclusion::Final(t) => t.is_template(doc, site, key),
        }
    }
}

/// What [`analyze_files`] is asked to do.
#[derive(Clone, Copy)]
pub(super) struct Job<'a> {
    /// The units left out of the shingles.
    pub exclusion: &'a Exclusion<'a>,
    /// The units whose spans are recorded (pass 2 only).
    pub watch: &'a WatchList,
    /// Keep each document's sorted shingle set (exact verification).
    pub keep_sets: bool,
    /// Only these documents (re-signing, exact verification): the others of their files get
    /// an empty analysis, and the ones analysed are only signed.
    pub only: Option<&'a HashSet<u32>>,
}

/// Pass 2 over the whole corpus, in chunks of files, so that only one chunk's signatures wait
/// as separate vectors before they move into the flat store.
pub(super) fn sign_corpus(
    cfg: &Config,
    files: &[InputFile],
    pass1: Pass1,
    clock: &mut Stopwatch,
    spill: &SpillState,
) -> Snapshot {
    let site_docs = site_doc_counts(&pass1.metas);
    let chrome = Chrome::new(
        &pass1.watch,
        &site_docs,
        cfg.blocks.template_min_docs,
        cfg.near.frequent_docs,
    );
    let changed = ChangedDocs::default();
    let ctx = Ctx {
        changed: &changed,
        chrome: &chrome,
        cfg,
        files,
        metas: &pass1.metas,
        first_doc: &pass1.first_doc,
        hasher: MinHasher::new(cfg.near.num_perm, cfg.near.seed),
        spill: spill.file.as_ref(),
        records: &spill.records,
    };
    let n = pass1.metas.len();
    let mut sigs = Signatures::new(cfg.near.num_perm, n);
    let mut figures: Vec<ContentFigures> = Vec::with_capacity(n);
    let mut hits: PerDoc<Hit> = PerDoc::with_documents(n);
    let mut shared: PerDoc<SharedBlock> = PerDoc::with_documents(n);
    let all_files: Vec<u32> = (0..files.len() as u32).collect();
    let progress = stage_progress(&ctx, &all_files, Stage::Signing);
    let job = Job {
        exclusion: &Exclusion::Candidates(&pass1.watch),
        watch: &pass1.watch,
        keep_sets: false,
        only: None,
    };
    for chunk in all_files.chunks(PASS1_CHUNK) {
        for a in analyze_files(&ctx, chunk, job, &progress) {
            let d = figures.len();
            if let Some(s) = &a.signature {
                sigs.set(d, s, a.figures.shingles);
            }
            figures.push(a.figures);
            hits.push(a.hits);
            shared.push(a.shared);
        }
    }
    hits.shrink_to_fit();
    shared.shrink_to_fit();
    progress.finish();
    clock.lap("sign content");
    let mut skipped = pass1.skipped;
    skipped.extend(changed.take_skipped(files, &pass1.metas));
    Snapshot {
        metas: pass1.metas,
        first_doc: pass1.first_doc,
        site_names: pass1.site_names,
        skipped,
        bytes_read: pass1.bytes_read,
        fields: pass1.fields,
        renamed: pass1.renamed,
        watch: pass1.watch,
        figures,
        hits,
        shared,
        repeats: pass1.repeats,
        boilerplate: pass1.boilerplate,
        sigs,
        versions: Vec::new(),
        signed_with: vec![SignedWith::Candidates; n],
    }
}

/// One analysis per document of `file_ids`, in document order.
pub(super) fn analyze_files(
    ctx: &Ctx,
    file_ids: &[u32],
    job: Job,
    progress: &StageProgress,
) -> Vec<Analysis> {
    match ctx.spill {
        Some(_) => analyze_from_spill(ctx, file_ids, job, progress),
        None => analyze_from_files(ctx, file_ids, job, progress),
    }
}

fn wanted(job: &Job, d: u32) -> bool {
    job.only.is_none_or(|o| o.contains(&d))
}

/// From the documents' records: no file is opened again.
fn analyze_from_spill(
    ctx: &Ctx,
    file_ids: &[u32],
    job: Job,
    progress: &StageProgress,
) -> Vec<Analysis> {
    let Some(spill) = ctx.spill else {
        return analyze_from_files(ctx, file_ids, job, progress);
    };
    let docs: Vec<u32> = doc_range(ctx.first_doc, file_ids).collect();
    let read: Vec<Option<Analysis>> = docs
        .par_iter()
        .map(|&d| {
            if !wanted(&job, d) {
                return Some(Analysis::default());
            }
            let parts = spill.read(ctx.records[d as usize]).ok()?;
            Some(analyze(
                &signer_of(ctx),
                ctx.metas[d as usize].site,
                d,
                &parts,
                job,
            ))
        })
        .collect();
    for &f in file_ids {
        progress.file_done(ctx.files[f as usize].size);
    }
    // A record that cannot be read back (a failing disk) is not a reason to lose its
    // document: those documents are read from their files instead.
    let unreadable: HashSet<u32> = docs
        .iter()
        .zip(&read)
        .filter(|(_, a)| a.is_none())
        .map(|(&d, _)| d)
        .collect();
    let mut again: HashMap<u32, Analysis> = HashMap::default();
    if !unreadable.is_empty() {
        let mut files: Vec<u32> = unreadable
            .iter()
            .map(|&d| ctx.metas[d as usize].file)
            .collect();
        files.sort_unstable();
        files.dedup();
        let from_files = Ctx {
            spill: None,
            hasher: ctx.hasher.clone(),
            ..*ctx
        };
        let hidden = StageProgress::hidden();
        let retry = Job {
            only: Some(&unreadable),
            ..job
        };
        let analysed = analyze_from_files(&from_files, &files, retry, &hidden);
        for (d, a) in doc_range(ctx.first_doc, &files).zip(analysed) {
            if unreadable.contains(&d) {
                again.insert(d, a);
            }
        }
    }
    docs.iter()
        .zip(read)
        .map(|(d, a)| a.or_else(|| again.remove(d)).unwrap_or_default())
        .collect()
}

/// Reading, decoding and segmenting the documents again (no spill).
fn analyze_from_files(
    ctx: &Ctx,
    file_ids: &[u32],
    job: Job,
    progress: &StageProgress,
) -> Vec<Analysis> {
    let per_file: Vec<Vec<Analysis>> = file_ids
        .par_iter()
        .map(|&f| {
            let file = &ctx.files[f as usize];
            let (lo, hi) = (ctx.first_doc[f as usize], ctx.first_doc[f as usize + 1]);
            let (mut out, _) = map_documents(file, &ctx.cfg.input, |k, doc| {
                let d = lo + k as u32;
                if d >= hi {
                    return None; // the file grew since pass 1; its new documents are ignored
                }
                if !wanted(&job, d) || !ctx.same_text(d, &doc.text) {
                    return None;
                }
                let (parts, _) = document_parts(ctx.cfg, &doc.text, &doc.boilerplate);
                Some(analyze(
                    &signer_of(ctx),
                    ctx.metas[d as usize].site,
                    d,
                    &parts,
                    job,
                ))
            });
            out.truncate((hi - lo) as usize);
            // A file that shrank or broke since pass 1: its documents not read again changed.
            for d in lo + out.len() as u32..hi {
                if wanted(&job, d) {
                    ctx.changed.mark(d);
                }
            }
            let mut out: Vec<Analysis> = out.into_iter().map(Option::unwrap_or_default).collect();
            // A file that shrank or broke since pass 1 leaves its documents without analysis.
            out.resize_with((hi - lo) as usize, Default::default);
            progress.file_done(file.size);
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
}

/// What signing a document reads besides the document itself.
pub(super) struct Signer<'a> {
    /// The chrome view of the watch list's counts.
    pub chrome: &'a Chrome<'a>,
    pub cfg: &'a Config,
    pub hasher: &'a MinHasher,
}

/// The signer of a scan's context.
fn signer_of<'a>(ctx: &'a Ctx) -> Signer<'a> {
    Signer {
        chrome: ctx.chrome,
        cfg: ctx.cfg,
        hasher: &ctx.hasher,
    }
}

/// Pass 2 for one document `d` of `site`, from its parts. With `job.only` (re-signing, exact
/// verification), the watched units are not recorded again.
fn analyze(ctx: &Signer, site: u32, d: u32, parts: &DocParts, job: Job) -> Analysis {
    // Which lines are site chrome and which are not the document's own, computed once and only
    // when something needs them; in pass 2 together with the candidates, from the same
    // look-ups.
    let chrome: std::cell::OnceCell<Vec<bool>> = std::cell::OnceCell::new();
    let not_own: std::cell::OnceCell<Vec<bool>> = std::cell::OnceCell::new();
    let excluded = match job.exclusion {
        Exclusion::Candidates(watch) => {
            let masks = candidates_and_chrome(ctx.chrome, parts, site, watch);
            let _ = chrome.set(masks.chrome);
            let _ = not_own.set(masks.not_own);
            masks.candidate
        }
        // Frequent text stays out of the content whatever the template decision: it is never
        // a document's own evidence.
        Exclusion::Final(_) => excluded_lines(parts, |key| {
            job.exclusion.excludes(d, site, key) || ctx.chrome.is_frequent(site, key)
        }),
    };
    let chrome_lines = || {
        chrome
            .get_or_init(|| excluded_lines(parts, |key| ctx.chrome.is_chrome(site, key)))
            .as_slice()
    };
    let not_own_lines = || {
        not_own
            .get_or_init(|| excluded_lines(parts, |key| ctx.chrome.is_not_own(site, key)))
            .as_slice()
    };
    let (hits, shared) = match job.only {
        Some(_) => (Vec::new(), Vec::new()),
        None => watched_units(parts, site, job.watch, &chrome_lines),
    };
    let frequent_lines = || excluded_lines(parts, |key| ctx.chrome.is_frequent(site, key));
    let content = content_shingles(
        parts,
        &excluded,
        not_own_lines,
        frequent_lines,
        chrome_lines,
        ctx.cfg,
    );
    let mut shingles = content.shingles;
    // A MinHash signature is the same for a set and for a list with repeats, so the shingles
    // are only sorted when the set itself is kept; otherwise they are just counted.
    let distinct = if job.keep_sets {
        shingles.sort_unstable();
        shingles.dedup();
        shingles.len()
    } else {
        count_distinct(&shingles)
    };
    let signature = (!shingles.is_empty()).then(|| ctx.hasher.signature(&shingles));
    Analysis {
        figures: ContentFigures {
            shingles: distinct as u32,
            content_words: content.content_words as u32,
            basis: content.basis,
            bulk: content.bulk,
        },
        signature,
        hits,
        shared,
        set: job.keep_sets.then_some(shingles),
    }
}

/// What signing a document needs of the whole corpus: the watch list of exact unit counts
/// and the documents of each site (chrome is a share of them). Built once from the merged
/// counts ([`crate::detect::templates::SiteUnitCounts`]) and shipped to every batch as bytes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SigningContext {
    watch: WatchList,
    site_docs: Vec<u32>,
}

impl SigningContext {
    /// The context of a corpus with this watch list whose site `s` holds `site_docs[s]`
    /// documents.
    pub fn new(watch: WatchList, site_docs: Vec<u32>) -> SigningContext {
        SigningContext { watch, site_docs }
    }

    /// Pass 2's kernel on a batch: each document (with the index of its site, as counted)
    /// signed as the scan signs it first, its content less the template candidates, and its
    /// watched units recorded. Depends on the batch's documents, the context and the
    /// configuration alone.
    pub fn sign_batch(
        &self,
        cfg: &Config,
        documents: &[(u32, &PreparedDocument)],
    ) -> Vec<SignedDocument> {
        let job = Job {
            exclusion: &Exclusion::Candidates(&self.watch),
            watch: &self.watch,
            keep_sets: false,
            only: None,
        };
        self.with_signer(cfg, |signer| {
            documents
                .par_iter()
                .map(|&(site, doc)| SignedDocument(analyze(signer, site, 0, doc.parts(), job)))
                .collect()
        })
    }

    /// Runs `f` with the signer of this context under `cfg` (its chrome and hasher).
    fn with_signer<R>(&self, cfg: &Config, f: impl FnOnce(&Signer) -> R) -> R {
        let chrome = Chrome::new(
            &self.watch,
            &self.site_docs,
            cfg.blocks.template_min_docs,
            cfg.near.frequent_docs,
        );
        let hasher = MinHasher::new(cfg.near.num_perm, cfg.near.seed);
        let signer = Signer {
            chrome: &chrome,
            cfg,
            hasher: &hasher,
        };
        f(&signer)
    }

    /// The re-signing rounds' kernel on a batch: each document (its index in the corpus, its
    /// site's index, the prepared document) signed with the round's template decision left
    /// out (a document's own headline stays in, hence its index), as the scan signs again
    /// the documents whose left-out units changed. Its watched units are those of the first
    /// signing (they do not depend on the decision).
    pub fn resign_batch(
        &self,
        cfg: &Config,
        templates: &TemplateSet,
        documents: &[(u32, u32, &PreparedDocument)],
    ) -> Vec<SignedDocument> {
        let job = Job {
            exclusion: &Exclusion::Final(templates),
            watch: &self.watch,
            keep_sets: false,
            only: None,
        };
        self.with_signer(cfg, |signer| {
            documents
                .par_iter()
                .map(|&(d, site, doc)| SignedDocument(analyze(signer, site, d, doc.parts(), job)))
                .collect()
        })
    }

    /// The exact shingle sets of a batch (document index, site, prepared document) with a
    /// round's decision left out, sorted and distinct: what the scan compares a borderline pair
    /// on (`--verify auto`) or every pair (`--verify exact`); empty for a document left
    /// without content (judged on it all the same, as the scan does).
    pub fn exact_shingles(
        &self,
        cfg: &Config,
        templates: &TemplateSet,
        documents: &[(u32, u32, &PreparedDocument)],
    ) -> Vec<Vec<u64>> {
        // as the scan's verification: no watched units recorded
        let empty = WatchList::default();
        let job = Job {
            exclusion: &Exclusion::Final(templates),
            watch: &empty,
            keep_sets: true,
            only: None,
        };
        self.with_signer(cfg, |signer| {
            documents
                .par_iter()
                .map(|&(d, site, doc)| {
                    analyze(signer, site, d, doc.parts(), job)
                        .set
                        .unwrap_or_default()
                })
                .collect()
        })
    }

    /// The watch list the context was built with (what [`TemplateEvidence::of_document`]
    /// and [`crate::kernels::decide_unit`] read).
    pub fn watch_list(&self) -> &WatchList {
        &self.watch
    }

    /// The context as bytes (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// A context from [`SigningContext::to_bytes`]; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<SigningContext> {
        crate::packed::sealed::from_bytes(bytes)
    }
}

/// One document signed by [`SigningContext::sign_batch`]: its signature, what it was compared
/// on, its watched units (the template evidence the rounds count by cluster) and the long
/// blocks it shares.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SignedDocument(Analysis);

impl SignedDocument {
    /// Its MinHash signature (`num_perm` values), or `None` when it has no content to sign.
    pub fn signature(&self) -> Option<&[u32]> {
        self.0.signature.as_deref()
    }

    /// Its distinct content shingles.
    pub fn shingles(&self) -> u32 {
        self.0.figures.shingles
    }

    /// Its content words (its text less what is left out), which `--keep longest|shortest`
    /// compares.
    pub fn content_words(&self) -> u32 {
        self.0.figures.content_words
    }

    /// What it was compared on.
    pub fn basis(&self) -> Basis {
        self.0.figures.basis
    }

    /// The sketch of its bulk, for a narrow document (see [`crate::kernels::kept_apart`]).
    pub(crate) fn bulk(&self) -> Option<&BulkSketch> {
        self.0.figures.bulk.as_ref()
    }

    /// Its watched units and the long blocks it shares (what the rounds and the reuse
    /// report read).
    pub(crate) fn watched(&self) -> (&[Hit], &[SharedBlock]) {
        (&self.0.hits, &self.0.shared)
    }

    /// Whether the decision `after` changes what is left out of document `doc` of `site`,
    /// signed with `before` (its first signing's candidates when `None`): then the rounds
    /// sign it again ([`SigningContext::resign_batch`]).
    pub fn changed_by(
        &self,
        (doc, site): (u32, u32),
        watch: &WatchList,
        before: Option<&TemplateSet>,
        after: &TemplateSet,
    ) -> bool {
        left_out_changed(self.watched().0, (doc, site), watch, before, after)
    }

    /// Its watched units that take part in the template decision, as evidence of document
    /// `doc` of `site` in `cluster` (the smallest member's index of its near-duplicate
    /// cluster, its own when it has none).
    pub fn template_evidence(
        &self,
        (doc, site, cluster): (u32, u32, u32),
        watch: &WatchList,
    ) -> Vec<TemplateEvidence> {
        TemplateEvidence::of_document((doc, site, cluster), self.watched().0, watch)
    }

    /// The document as bytes (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::packed::sealed::to_bytes(self)
    }

    /// A document from [`SignedDocument::to_bytes`]; `None` for bytes that are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<SignedDocument> {
        crate::packed::sealed::from_bytes(bytes)
    }
}

/// Which of the document's lines belong to a unit that `excludes`.
pub(crate) fn excluded_lines(parts: &DocParts, excludes: impl Fn(u64) -> bool) -> Vec<bool> {
    let mut excluded = vec![false; parts.lines.len()];
    for u in &parts.units {
        if excludes(u.key) {
            excluded[u.lines.clone()].iter_mut().for_each(|e| *e = true);
        }
    }
    excluded
}

/// The spans of the document's units that may be template (candidates of its site, and short
/// units shared across sites), and its long whole blocks that other documents hold too.
fn watched_units<'p>(
    parts: &DocParts,
    site: u32,
    watch: &WatchList,
    chrome_lines: &dyn Fn() -> &'p [bool],
) -> (Vec<Hit>, Vec<SharedBlock>) {
    let mut hits = Vec::new();
    let mut shared = Vec::new();
    let mut body_text_after: Option<Vec<bool>> = None;
    for u in &parts.units {
        let is_shared = watch.is_shared(u.key);
        let block = &parts.blocks[u.block];
        let whole_block = block.lines == (u.lines.start as u32, u.lines.end as u32);
        if is_shared && u.words > CROSS_SITE_MAX_WORDS && whole_block {
            shared.push(SharedBlock {
                key: u.key,
                words: u.words,
                start_byte: block.bytes.0,
                end_byte: block.bytes.1,
            });
        }
        let short = u.words <= CROSS_SITE_MAX_WORDS;
        if watch.is_candidate(site, u.key) || (short && is_shared) {
            let (first, last) = (&parts.lines[u.lines.start], &parts.lines[u.lines.end - 1]);
            // The text a headline heads is any long line that is not site chrome: a story
            // republished on a few pages of its site is still the text under its headline.
            let heads_text = body_text_after.get_or_insert_with(|| {
                let words: Vec<u32> = parts.lines.iter().map(|l| l.words).collect();
                text_follows(&words, chrome_lines())
            })[u.lines.end - 1];
            hits.push(Hit {
                key: u.key,
                is_block: u.lines.len() > 1,
                whole_block,
                lines: (first.number, last.number),
                bytes: (first.bytes.0, last.bytes.1),
                region: u.region,
                at_top: u.at_top,
                heads_text,
                context: u.context,
                words: u.words,
            });
        }
    }
    (hits, shared)
}

/// The shingles a document is compared on (see [`content_shingles`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ContentShingles {
    /// Shingle hashes in text order, with repeats.
    pub shingles: Vec<u64>,
    /// Words of the basis.
    pub content_words: usize,
    /// What was shingled.
    pub basis: Basis,
    /// The sketch of its bulk when the basis is narrow (see [`crate::detect::bulk`]).
    pub bulk: Option<BulkSketch>,
}

/// The one definition of what a document is compared on, used by the scan and by `explain`.
///
/// Its content (the lines not `excluded` as template or frequent text, nor by the document's
/// own structure: [`DocParts::not_content`], a page's structural boilerplate) when that is
/// substantial. Content is *thin* when it has fewer than `--thin-words` words, or less than
/// `--thin-share` of the document's own words: what template removal left is then no evidence,
/// and the document is compared on its *own text* instead, the lines that are neither site
/// chrome nor frequent (`not_own`): three pages of one story, each with a line of its own,
/// match on the story, but a reference page with one line of docs above the blanket-impl lists
/// of hundreds of pages is never compared on those lists. Own text shorter than one shingle
/// (or than `--min-words`) means the document is compared on its own words anywhere on the
/// page, structural boilerplate included ([`Basis::Page`]: a reference page's title, heading
/// and signature), and those too short for a shingle are one shingle, the whole of them
/// ([`Basis::Whole`]): only the same own words join it.
pub(crate) fn content_shingles<'c>(
    parts: &DocParts,
    excluded: &[bool],
    not_own: impl FnOnce() -> &'c [bool],
    frequent: impl FnOnce() -> Vec<bool>,
    chrome: impl FnOnce() -> &'c [bool],
    cfg: &Config,
) -> ContentShingles {
    let min_units = cfg.near.ngram.max(cfg.near.min_words);
    let words_outside = |mask: &[bool]| -> usize {
        parts
            .lines
            .iter()
            .zip(mask)
            .filter(|(_, &out)| !out)
            .map(|(l, _)| l.words as usize)
            .sum()
    };
    let excluded_raw = excluded;
    let excluded = with_not_content(parts, excluded);
    let content_words = words_outside(&excluded);
    let all_words = parts.words.len();
    // The own text is at most the whole text: content above the share of the whole needs no
    // own text to be judged.
    let may_be_thin = content_words < cfg.near.thin_words.max(min_units)
        || (content_words as f64) < cfg.near.thin_share * all_words as f64;
    let not_own_raw: Option<&[bool]> = may_be_thin.then(not_own);
    let own_mask = not_own_raw.map(|raw| with_not_content(parts, raw));
    let own: &[bool] = own_mask.as_deref().unwrap_or(&excluded);
    let own_words = if may_be_thin {
        words_outside(own)
    } else {
        content_words
    };
    let thin = content_words < cfg.near.thin_words
        || (content_words as f64) < cfg.near.thin_share * own_words as f64;
    // Thin, and no more text of its own in what its structure keeps: its own words anywhere
    // on the page (its title, heading and signature, prose its structure took for boilerplate;
    // never template, chrome or frequent text), one whole shingle when shorter than one.
    let page_mask: Vec<bool> = match not_own_raw {
        Some(raw) => raw
            .iter()
            .zip(excluded_raw)
            .map(|(&a, &b)| a || b)
            .collect(),
        None => excluded_raw.to_vec(),
    };
    let is_content = content_words >= min_units && !thin;
    let is_core = own_words >= min_units && own_words > content_words;
    let page_words = words_outside(&page_mask);
    // Only computed for what falls through to it.
    let frequent_mask: Vec<bool> = if !is_content && !is_core && page_words < min_units {
        frequent()
    } else {
        vec![true; parts.lines.len()]
    };
    let outside_frequent = with_not_content(parts, &frequent_mask);
    let (mask, basis): (&[bool], Basis) = if is_content {
        (&excluded, Basis::Content)
    } else if is_core {
        (own, Basis::Core)
    } else if page_words >= min_units {
        (&page_mask, Basis::Page)
    } else if words_outside(&outside_frequent) >= min_units {
        // A story on half the pages of a small site, whose paragraphs count as chrome there.
        (&outside_frequent, Basis::Full)
    } else {
        (&page_mask, Basis::Whole)
    };
    let mut out = ContentShingles {
        basis,
        ..ContentShingles::default()
    };
    out.content_words = shingle_lines(parts, mask, basis == Basis::Whole, cfg, &mut out.shingles);
    // Narrow: its basis a small part of its text outside site chrome (a reference page's own
    // lines above the method docs it shares): the rest, its bulk, can keep it apart.
    let could_be_narrow = (out.content_words as f64) < cfg.near.thin_share * all_words as f64;
    if could_be_narrow {
        let chrome = chrome();
        let bulk_mask: Vec<bool> = mask
            .iter()
            .zip(chrome)
            .map(|(&left_out, &chrome)| !left_out || chrome)
            .collect();
        let bulk_mask = with_not_content(parts, &bulk_mask);
        let bulk_words = words_outside(&bulk_mask);
        let narrow = (out.content_words as f64)
            < cfg.near.thin_share * (out.content_words + bulk_words) as f64;
        if narrow {
            let mut bulk = Vec::new();
            shingle_lines(parts, &bulk_mask, false, cfg, &mut bulk);
            out.bulk = BulkSketch::of(&bulk);
        }
    }
    out
}

/// Shingles the words of the lines `mask` does not leave out into `out` (all of them as one
/// shingle when `whole`); returns the words shingled.
fn shingle_lines(
    parts: &DocParts,
    mask: &[bool],
    whole: bool,
    cfg: &Config,
    out: &mut Vec<u64>,
) -> usize {
    match cfg.near.shingle {
        ShingleKind::Words => {
            // The words' hashes, from segmentation: no text is joined or split again.
            let mut words: Vec<u32> = Vec::with_capacity(parts.words.len());
            for (line, _) in parts.lines.iter().zip(mask).filter(|(_, &out)| !out) {
                words.extend_from_slice(parts.line_words(line));
            }
            // Whole: one shingle of all its words (a k-gram of another k than any shingle).
            let k = if whole { words.len() } else { cfg.near.ngram };
            word_shingles_of_hashes(&words, k, out);
            words.len()
        }
        ShingleKind::Chars => {
            let (text, words) = content_text(parts, mask);
            let k = if whole {
                text.chars().count()
            } else {
                cfg.near.ngram
            };
            if k > 0 {
                shingle_into(&text, cfg.near.shingle, k, out);
            }
            words
        }
    }
}

/// `mask` (lines left out) with the lines that are never content
/// ([`DocParts::not_content`]) left out too.
fn with_not_content<'m>(parts: &DocParts, mask: &'m [bool]) -> Cow<'m, [bool]> {
    if parts.not_content.is_empty() {
        return Cow::Borrowed(mask);
    }
    let mut mask = mask.to_vec();
    for &i in &parts.not_content {
        if let Some(out) = mask.get_mut(i as usize) {
            *out = true;
        }
    }
    Cow::Owned(mask)
}

/// The lines a document is compared without, once [`content_shingles`] chose its `basis`:
/// the template and frequent lines (`excluded`) or the lines not its own (`not_own`), and the
/// lines that are never content. `explain` shows the words and paragraphs of the rest.
pub(crate) fn left_out_lines(
    parts: &DocParts,
    excluded: &[bool],
    not_own: &[bool],
    frequent: &[bool],
    basis: Basis,
) -> Vec<bool> {
    let mask = match basis {
        Basis::Content => excluded,
        Basis::Core => not_own,
        Basis::Full => frequent,
        // structural boilerplate included
        Basis::Page | Basis::Whole => {
            return not_own
                .iter()
                .zip(excluded)
                .map(|(&a, &b)| a || b)
                .collect();
        }
    };
    with_not_content(parts, mask).into_owned()
}

/// The normalised text of the lines not excluded, and its word count.
fn content_text(parts: &DocParts, excluded: &[bool]) -> (String, usize) {
    let mut content = String::with_capacity(parts.norm.len());
    let mut words = 0usize;
    for (line, &ex) in parts.lines.iter().zip(excluded) {
        if ex || line.words == 0 {
            continue;
        }
        if !content.is_empty() {
            content.push(' ');
        }
        content.push_str(parts.line_norm(line));
        words += line.words as usize;
    }
    (content, words)
}
