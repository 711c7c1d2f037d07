//! `explain` and the scan share one definition of a document's content: for every pair of
//! documents in `samples/`, explain's verdict agrees with the scan's clusters.

mod common;

use std::collections::HashMap;

use neardup::explain::{explain, for_each_subject, mark_chrome, Subject};
use neardup::{scan, Config};

#[test]
fn explain_verdicts_agree_with_the_scan_on_every_sample_pair() {
    let cfg = Config::new(common::samples());
    let out = scan(&cfg).expect("scan samples");
    let mut subjects: Vec<Subject> = Vec::new();
    for_each_subject(&cfg, &out, |s| subjects.push(s.clone()));
    mark_chrome(&cfg, &out, &mut subjects);
    assert_eq!(subjects.len(), out.annotations.len());
    let cluster: HashMap<&str, Option<u64>> = out
        .annotations
        .iter()
        .map(|a| (a.id.as_str(), a.cluster))
        .collect();
    let n = subjects.len();
    // Union of explain's duplicate verdicts, to compare with the scan's clusters.
    let mut component: Vec<usize> = (0..n).collect();
    fn root(c: &mut [usize], mut i: usize) -> usize {
        while c[i] != i {
            c[i] = c[c[i]];
            i = c[i];
        }
        i
    }
    let mut pairs = 0;
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&subjects[i], &subjects[j]);
            let e = explain(a, b, &cfg);
            let same = cluster[a.id.as_str()].is_some()
                && cluster[a.id.as_str()] == cluster[b.id.as_str()];
            if e.verdict().0 {
                pairs += 1;
                assert!(
                    same,
                    "explain joins {} and {} but the scan does not:\n{e}",
                    a.id, b.id
                );
                let (ra, rb) = (root(&mut component, i), root(&mut component, j));
                component[ra] = rb;
            }
        }
    }
    assert!(pairs > 0, "samples hold duplicate pairs");
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&subjects[i].id, &subjects[j].id);
            let same = cluster[a.as_str()].is_some() && cluster[a.as_str()] == cluster[b.as_str()];
            let joined = root(&mut component, i) == root(&mut component, j);
            assert_eq!(
                same, joined,
                "{a} and {b}: scan cluster {same}, explain chain {joined}"
            );
        }
    }
}
