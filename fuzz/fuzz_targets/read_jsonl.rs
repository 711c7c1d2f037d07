//! The jsonl reader on any bytes, plain or behind gzip or zstd (the first byte picks which).
#![no_main]

use libfuzzer_sys::fuzz_target;
use neardup::internals::read_bytes;
use neardup::{Compression, Config, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let compression = match pick % 3 {
        0 => Compression::None,
        1 => Compression::Gzip,
        _ => Compression::Zstd,
    };
    let mut cfg = Config::new(".");
    cfg.input.max_bytes = 4096;
    cfg.input.site_field = Some("meta.site".to_string());
    let mut total = 0usize;
    let outcome = read_bytes(bytes.to_vec(), Format::JsonLines, compression, &cfg.input, |d| {
        assert!(!d.text.trim().is_empty());
        assert!(d.text.len() <= 3 * 4096);
        total += 1;
    });
    assert!(outcome.bytes <= total as u64 * 4097);
});
