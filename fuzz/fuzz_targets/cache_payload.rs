//! The cache decoder on any payload (past the header and checksum that guard it in use).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = neardup::internals::decode_snapshot_payload(data);
});
