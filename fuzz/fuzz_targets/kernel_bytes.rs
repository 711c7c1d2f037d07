//! The kernels' values read from any bytes (a batch that crossed a process): refused or
//! decoded, never a panic; a prepared document that decodes is signed.
#![no_main]

use neardup::kernels::{PreparedDocument, SignedDocument, SigningContext, SiteUnitCounts};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = SiteUnitCounts::from_bytes(data);
    let _ = SignedDocument::from_bytes(data);
    let _ = SigningContext::from_bytes(data);
    if let Some(doc) = PreparedDocument::from_bytes(data) {
        let cfg = neardup::Config::new("fuzz");
        let context = SigningContext::new(SiteUnitCounts::default().watch_list(3), vec![1]);
        let _ = context.sign_batch(&cfg, &[(0, &doc)]);
    }
});
