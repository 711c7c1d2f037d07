//! The warc reader on any bytes (see `neardup_fuzz::read_any`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    neardup_fuzz::read_any(data, neardup::Format::Warc);
});
