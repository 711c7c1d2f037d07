//! The Parquet reader on any bytes: a damaged file is a reason, never a panic (the parquet
//! crate's own panics stop at the reader's boundary). Seed it with small valid files, such as
//! `tests/fixtures/tiny-arrow.parquet`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut cfg = neardup::Config::new(".");
    cfg.input.max_bytes = 4096;
    let mut documents = 0u64;
    let outcome = neardup::internals::read_bytes(
        data.to_vec(),
        neardup::Format::Parquet,
        neardup::Compression::None,
        &cfg.input,
        |d| {
            assert!(!d.text.trim().is_empty());
            assert!(d.text.len() as u64 <= 4096);
            documents += 1;
        },
    );
    assert!(documents > 0 || !outcome.skipped.is_empty());
});
