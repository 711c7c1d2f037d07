//! Criterion benchmarks of each hot stage, on generated text (no outside data needed):
//! normalisation and segmentation, shingle hashing, repeats, unit counting for templates, the
//! spill of document records, MinHash signing per signature length, LSH bucketing, clustering,
//! and a whole scan of a small generated corpus.
//!
//! `cargo bench --bench stages`; throughput is reported in bytes of text where it applies.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use neardup::config::ShingleKind;
use neardup::internals::find_repeats;
use neardup::internals::units;
use neardup::internals::UnionFind;
use neardup::internals::UnitCounts;
use neardup::internals::{DocParts, Spill};
use neardup::sketch::{candidate_pairs, LshParams, MinHasher};
use neardup::text::{segment, shingle_into, shingle_word, word_shingles_of_hashes};
use neardup_synth::{generate, synthetic_stories, SynthOptions};

/// About 1 MB of story text, paragraphs separated by blank lines.
fn sample_text() -> Vec<String> {
    synthetic_stories(400, 3)
        .into_iter()
        .map(|s| format!("{}\n\n{}\n", s.title, s.paras.join("\n\n")))
        .collect()
}

fn text_stages(c: &mut Criterion) {
    let docs = sample_text();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("segment+normalise", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| segment(d, false).lines.len())
                .sum::<usize>()
        })
    });
    let segs: Vec<_> = docs.iter().map(|d| segment(d, false)).collect();
    g.bench_function("shingle words k=5", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            for s in &segs {
                shingle_into(&s.norm, ShingleKind::Words, 5, &mut out);
            }
            out.len()
        })
    });
    // The path signing takes: shingles from the word hashes segmentation already made.
    let words: Vec<Vec<u32>> = segs
        .iter()
        .map(|s| s.word_hashes.iter().map(|&h| shingle_word(h)).collect())
        .collect();
    g.bench_function("shingle words k=5 from word hashes", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            for w in &words {
                word_shingles_of_hashes(w, 5, &mut out);
            }
            out.len()
        })
    });
    g.bench_function("repeats", |b| {
        b.iter(|| {
            segs.iter()
                .map(|s| find_repeats(s, 4, 0.9).len())
                .sum::<usize>()
        })
    });
    // Template counting: every document's units counted on one of ten sites.
    let keys: Vec<Vec<u64>> = docs
        .iter()
        .zip(&segs)
        .map(|(d, s)| units(d, s).iter().map(|u| u.key).collect())
        .collect();
    g.bench_function("count units + watch list", |b| {
        b.iter(|| {
            let mut counts = UnitCounts::with_expected_units(bytes as u64 / 40);
            for (i, k) in keys.iter().enumerate() {
                counts.add_document(i as u32 % 10, k);
            }
            counts.watch_list(3).floor()
        })
    });
    // The spill: each document's record written, then read back by offset.
    let parts: Vec<DocParts> = docs
        .iter()
        .zip(&segs)
        .map(|(d, s)| DocParts::of(s, units(d, s), false))
        .collect();
    g.bench_function("spill write + read", |b| {
        b.iter(|| {
            let spill = Spill::create().expect("temporary file");
            let records: Vec<_> = parts
                .iter()
                .map(|p| spill.write(p).expect("write"))
                .collect();
            spill.finish_writing().expect("flush");
            records
                .iter()
                .map(|&r| spill.read(r).expect("read").words.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// The same stories as news pages: a site's chrome (navigation, sidebar of links, footer)
/// around the story's paragraphs, about 3 MB of HTML.
fn sample_pages() -> Vec<String> {
    let nav: String = (0..40)
        .map(|i| format!("<li><a href=\"/section/{i}\" class=\"nav-link\">Section {i}</a></li>"))
        .collect();
    synthetic_stories(400, 3)
        .into_iter()
        .map(|s| {
            let paras: String = s.paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
            format!(
                "<!doctype html><html><head><meta charset=utf-8><title>{t} | News</title>\
                 <script>window.tracking = {{page: 1}};</script><style>p {{ margin: 0 }}</style></head>\
                 <body><header><div class=\"masthead\"><a href=\"/\">News</a></div>\
                 <nav><ul>{nav}</ul></nav></header><main><article><h1>{t}</h1>\
                 <div class=\"story-body\">{paras}</div></article>\
                 <aside class=\"related\"><ul>{nav}</ul></aside></main>\
                 <footer><p>Copyright News &amp; Co. All rights reserved.</p></footer></body></html>",
                t = s.title
            )
        })
        .collect()
}

/// HTML pages to text with boilerplate runs, beside the text path's segmentation above.
fn html_pages(c: &mut Criterion) {
    let pages = sample_pages();
    let bytes: usize = pages.iter().map(|p| p.len()).sum();
    let mut g = c.benchmark_group("html");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("extract+classify", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|p| neardup::internals::html_page(p.as_bytes()).1.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

fn minhash(c: &mut Criterion) {
    let docs = sample_text();
    let sets: Vec<Vec<u64>> = docs
        .iter()
        .map(|d| {
            let mut v = Vec::new();
            shingle_into(&segment(d, false).norm, ShingleKind::Words, 5, &mut v);
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let shingles: usize = sets.iter().map(|s| s.len()).sum();
    let mut g = c.benchmark_group("minhash");
    // Elements are shingles: the figure to compare with other MinHash implementations.
    g.throughput(Throughput::Elements(shingles as u64));
    for n in [64usize, 128, 256] {
        let m = MinHasher::new(n, 1);
        g.bench_with_input(BenchmarkId::new("sign", n), &n, |b, _| {
            b.iter(|| sets.iter().map(|s| m.signature(s)[0] as u64).sum::<u64>())
        });
    }
    g.finish();
}

fn lsh(c: &mut Criterion) {
    let m = MinHasher::new(128, 2);
    let sigs: Vec<Vec<u32>> = (0..20_000u64)
        .map(|d| {
            // groups of five near-identical documents
            let base = (d / 5) * 1000;
            let set: Vec<u64> = (base..base + 200 + d % 5)
                .map(|x| x.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect();
            m.signature(&set)
        })
        .collect();
    let refs: Vec<Option<&[u32]>> = sigs.iter().map(|s| Some(s.as_slice())).collect();
    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.bench_function("20k signatures, 20x6", |b| {
        b.iter(|| candidate_pairs(&refs, LshParams { bands: 20, rows: 6 }, 128).len())
    });
    let pairs = candidate_pairs(&refs, LshParams { bands: 20, rows: 6 }, 128);
    g.bench_function("union-find clusters of 20k", |b| {
        b.iter(|| {
            let mut uf = UnionFind::new(refs.len());
            for &(a, b) in &pairs {
                uf.union(a, b);
            }
            uf.groups().len()
        })
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = SynthOptions {
        stories: 2000,
        sites: 20,
        ..SynthOptions::default()
    };
    let truth = generate(&synthetic_stories(opts.stories, 5), &opts, dir.path()).expect("corpus");
    let mut g = c.benchmark_group("scan");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(truth.bytes));
    for threads in [1usize, 2] {
        let mut cfg = neardup::Config::new(dir.path());
        cfg.threads = Some(threads);
        g.bench_with_input(
            BenchmarkId::new("generated corpus", threads),
            &threads,
            |b, _| b.iter(|| neardup::scan(&cfg).expect("scan").report.summary.documents),
        );
    }
    g.finish();
}

criterion_group!(benches, text_stages, html_pages, minhash, lsh, end_to_end);
criterion_main!(benches);
