//! The kernels' values read from any bytes (a batch that crossed a process): refused or
//! decoded, never a panic; a prepared document that decodes is signed, evidence that decodes
//! is decided, and a signed document that decodes gives its evidence. The same bytes as a
//! connected group (members and pairs of any indices, self-pairs and pairs leaving the group
//! included) are clustered and their borderline pairs chosen without a panic.
#![no_main]

use neardup::kernels::{
    borderline_in_group, cluster_group, decide_unit, input_file_from_bytes, GroupMember,
    Judged, KeepPolicy, PreparedDocument, SignatureVerdict, SignedDocument, SigningContext,
    SiteClusters, SiteUnitCounts, TemplateEvidence, TemplateSet, UnitDecision, VerifiedPair,
};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    group_of(data);
    let _ = input_file_from_bytes(data);
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

/// The bytes as one connected group: a member per byte of the first eight (index, size and
/// copies from its value), then a pair per three bytes (ends among sixteen indices, so some
/// leave the group; a figure from the third byte).
fn group_of(data: &[u8]) {
    let (head, rest) = data.split_at(data.len().min(8));
    let members: Vec<GroupMember> = head
        .iter()
        .map(|&b| GroupMember {
            index: u32::from(b % 16),
            id: format!("d{}", b % 5),
            shingles: u32::from(b / 16),
            content_words: u32::from(b),
            exact: u128::from(b % 3),
        })
        .collect();
    let pairs: Vec<VerifiedPair> = rest
        .chunks_exact(3)
        .map(|c| VerifiedPair {
            a: u32::from(c[0] % 16),
            b: u32::from(c[1] % 16),
            jaccard: f64::from(c[2]) / 255.0,
            containment: f64::from(c[2].rotate_left(3)) / 255.0,
            exact: false,
        })
        .collect();
    for keep in [KeepPolicy::First, KeepPolicy::Longest, KeepPolicy::Shortest] {
        let _ = cluster_group(&members, &pairs, 0.5, keep);
    }
    let exact: Vec<(u32, u128)> = members.iter().map(|m| (m.index, m.exact)).collect();
    let judged: Vec<SignatureVerdict> = pairs
        .iter()
        .map(|&pair| SignatureVerdict {
            verdict: Judged {
                pair,
                accepted: pair.jaccard > 0.4,
            },
            borderline: pair.containment > 0.5,
        })
        .collect();
    let _ = borderline_in_group(&exact, &judged);
}
