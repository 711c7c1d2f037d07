//! Criterion benchmarks of each hot stage, on generated text (no outside data needed):
//! normalisation and segmentation, shingle hashing, MinHash signing per signature length,
//! LSH bucketing, repeats, and a whole scan of a small generated corpus.
//!
//! `cargo bench --bench stages`; throughput is reported in bytes of text where it applies.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use neardup::config::ShingleKind;
use neardup::detect::repeats::find_repeats;
use neardup::sketch::{candidate_pairs, LshParams, MinHasher};
use neardup::synth::{generate, synthetic_stories, SynthOptions};
use neardup::text::{segment, shingle_into};

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
    g.bench_function("repeats", |b| {
        b.iter(|| {
            segs.iter()
                .map(|s| find_repeats(s, 4, 0.9).len())
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

criterion_group!(benches, text_stages, minhash, lsh, end_to_end);
criterion_main!(benches);
