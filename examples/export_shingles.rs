//! Writes the word 5-gram shingle hashes of a corpus for side-by-side MinHash timing with
//! other tools (see benches/peers/): `OUT.u64` (all hashes, little-endian, one set per
//! document, sorted and deduplicated) and `OUT.offsets` (u64 row offsets, documents + 1).
//! Then times neardup's own signing of the same sets on one thread, read from one flat buffer
//! with row offsets as rensa's batch API reads them.
//!
//! `cargo run --release --example export_shingles -- CORPUS_DIR OUT`

use std::io::Write;
use std::time::Instant;

use neardup::config::ShingleKind;
use neardup::internals::{read_documents, walk};
use neardup::sketch::MinHasher;
use neardup::text::{segment, shingle_into};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: export_shingles CORPUS_DIR OUT");
        std::process::exit(2);
    };
    let cfg = neardup::Config::new(dir);
    let tree = walk(&cfg.root, &cfg.input.site_mode);
    let mut sets: Vec<Vec<u64>> = Vec::new();
    for f in &tree.files {
        read_documents(f, &cfg.input, |d| {
            let mut v = Vec::new();
            shingle_into(&segment(&d.text, false).norm, ShingleKind::Words, 5, &mut v);
            v.sort_unstable();
            v.dedup();
            sets.push(v);
        });
    }
    let total: usize = sets.iter().map(|s| s.len()).sum();
    let mut hashes =
        std::io::BufWriter::new(std::fs::File::create(format!("{out}.u64")).expect("create"));
    let mut offsets =
        std::io::BufWriter::new(std::fs::File::create(format!("{out}.offsets")).expect("create"));
    let mut at = 0u64;
    offsets.write_all(&at.to_le_bytes()).expect("write");
    for s in &sets {
        for h in s {
            hashes.write_all(&h.to_le_bytes()).expect("write");
        }
        at += s.len() as u64;
        offsets.write_all(&at.to_le_bytes()).expect("write");
    }
    // One flat buffer with row offsets, the layout rensa's batch API reads.
    let flat: Vec<u64> = sets.iter().flatten().copied().collect();
    let mut rows = vec![0usize];
    for s in &sets {
        rows.push(rows[rows.len() - 1] + s.len());
    }
    let m = MinHasher::new(128, 1);
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(m.sign_batch(&flat, &rows));
        best = best.min(t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    std::hint::black_box(m.signature(&flat));
    let one = t.elapsed().as_secs_f64();
    println!(
        "  (the same shingles as one set, no per-document work: {:.1} M shingles/s)",
        total as f64 / one / 1e6
    );
    println!(
        "neardup MinHash 128: {} documents, {} shingles, best of 5 {:.3} s, {:.1} M shingles/s",
        sets.len(),
        total,
        best,
        total as f64 / best / 1e6
    );
}
