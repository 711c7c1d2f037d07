//! What every reader target checks: any bytes, plain or behind gzip or zstd (the first byte
//! picks which), read with small limits; no panic, documents non-empty and bounded, bytes
//! counted only for documents.

use neardup::internals::read_bytes;
use neardup::{Compression, Config, Format};

/// The `--max-bytes` of the targets: small, so that the bound is reached.
const MAX_BYTES: u64 = 4096;

/// Reads `data` as a file of `format` and checks the reader's promises.
pub fn read_any(data: &[u8], format: Format) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let compression = match pick % 3 {
        0 => Compression::None,
        1 => Compression::Gzip,
        _ => Compression::Zstd,
    };
    let mut cfg = Config::new(".");
    cfg.input.max_bytes = MAX_BYTES;
    cfg.input.site_field = Some("meta.site".to_string());
    let mut documents = 0u64;
    let outcome = read_bytes(bytes.to_vec(), format, compression, &cfg.input, |d| {
        assert!(!d.text.trim().is_empty());
        assert!(d.text.len() as u64 <= 3 * MAX_BYTES);
        documents += 1;
    });
    assert!(outcome.bytes <= documents * (MAX_BYTES + 1));
}
