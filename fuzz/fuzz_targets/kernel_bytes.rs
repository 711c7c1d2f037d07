//! The kernels' values read from any bytes (a batch that crossed a process): refused or
//! decoded, never a panic; a prepared document that decodes is signed, evidence that decodes
//! is decided, and a signed document that decodes gives its evidence.
#![no_main]

use neardup::kernels::{
    decide_unit, PreparedDocument, SignedDocument, SigningContext, SiteClusters,
    SiteUnitCounts, TemplateEvidence, TemplateSet, UnitDecision,
};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = SiteUnitCounts::from_bytes(data);
    let _ = SigningContext::from_bytes(data);
    let cfg = neardup::Config::new("fuzz");
    let context = SigningContext::new(SiteUnitCounts::default().watch_list(3), vec![1]);
    if let Some(doc) = PreparedDocument::from_bytes(data) {
        let _ = context.sign_batch(&cfg, &[(0, &doc)]);
        let _ = context.resign_batch(&cfg, &TemplateSet::default(), &[(0, 0, &doc)]);
    }
    if let Some(signed) = SignedDocument::from_bytes(data) {
        let _ = signed.template_evidence((0, 0, 0), context.watch_list());
        let _ = signed.changed_by((0, 0), context.watch_list(), None, &TemplateSet::default());
    }
    if let Some(rows) = TemplateEvidence::from_bytes(data) {
        // evidence of any sites, clusters and places: decided without a panic
        let _ = decide_unit(&rows, context.watch_list(), 3, &[2]);
    }
    if let Some(pairs) = SiteClusters::from_bytes(data) {
        let _ = pairs.per_site();
    }
    if let Some(decision) = UnitDecision::from_bytes(data) {
        let mut set = TemplateSet::from_bytes(data).unwrap_or_default();
        let _ = set.apply(decision);
    }
});
