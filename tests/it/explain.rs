//! `explain` and the scan share one definition of a document's content: for every pair of
//! documents in `samples/`, and of a corpus of HTML pages (whose titles and boilerplate the
//! page's structure decides), explain's verdict agrees with the scan's clusters.

use crate::support::samples;

use std::collections::HashMap;

use neardup::explain::{explain, for_each_subject, mark_chrome, Subject};
use neardup::{scan, Config};

#[test]
fn explain_verdicts_agree_with_the_scan_on_every_sample_pair() {
    let pairs = agreeing_pairs(&Config::new(samples()));
    assert!(!pairs.is_empty(), "samples hold duplicate pairs");
}

/// Explain's duplicate pairs of the corpus `cfg` scans, having checked that their union is
/// the scan's clusters.
fn agreeing_pairs(cfg: &Config) -> Vec<(String, String)> {
    let cfg = cfg.clone();
    let out = scan(&cfg).expect("scan the corpus");
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
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&subjects[i], &subjects[j]);
            let e = explain(a, b, &cfg);
            let same = cluster[a.id.as_str()].is_some()
                && cluster[a.id.as_str()] == cluster[b.id.as_str()];
            if e.verdict().0 {
                pairs.push((a.id.clone(), b.id.clone()));
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
    pairs
}

/// Words of the generated stories.
const VOCAB: [&str; 64] = [
    "harbour",
    "council",
    "bridge",
    "river",
    "market",
    "school",
    "teacher",
    "farmer",
    "orchard",
    "library",
    "runner",
    "mountain",
    "storm",
    "ferry",
    "museum",
    "garden",
    "station",
    "tram",
    "festival",
    "village",
    "quarry",
    "forest",
    "island",
    "lighthouse",
    "bakery",
    "choir",
    "mayor",
    "budget",
    "railway",
    "meadow",
    "castle",
    "tower",
    "workshop",
    "theatre",
    "painter",
    "poet",
    "engineer",
    "nurse",
    "doctor",
    "pilot",
    "sailor",
    "miner",
    "weaver",
    "baker",
    "tailor",
    "opened",
    "closed",
    "repaired",
    "approved",
    "rejected",
    "praised",
    "warned",
    "built",
    "planted",
    "visited",
    "crossed",
    "painted",
    "sold",
    "bought",
    "measured",
    "counted",
    "moved",
    "slowly",
    "again",
];

/// `n` words drawn from [`VOCAB`] by a generator seeded with `seed`.
fn words(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            VOCAB[(x >> 58) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A page of `site` holding `headline` and `paragraphs` inside the site's chrome; its title
/// repeats the headline and names the site at length.
fn page(site: &str, headline: &str, paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}.</p>")).collect();
    let name = match site {
        "alpha" => "The Alpha Morning Courier and Advertiser",
        "beta" => "Beta Evening Post of Elsewhere Tonight",
        _ => "Gamma Weekly Gazette with Chronicle",
    };
    format!(
        "<!doctype html><html><head><title>{headline} | {name}</title></head><body>\
         <div id=masthead><a href=/>{site} home</a></div>\
         <nav><ul><li><a href=/world>World</a><li><a href=/sport>Sport</a><li><a href=/arts>Arts</a></ul></nav>\
         <main><h1>{headline}</h1><div class=story>{body}</div></main>\
         <div id=footer>Copyright {site} 2024 All rights reserved. Contact us</div></body></html>"
    )
}

/// Eight stories on three sites, three of them copied to a second site: whole, cut short,
/// and with a paragraph added; and a short story whose copy differs only in its page title,
/// a duplicate only when the title its headline repeats is left out.
fn html_corpus(root: &std::path::Path) {
    let sites = ["alpha", "beta", "gamma"];
    let mut files: Vec<(String, String)> = Vec::new();
    for s in 0..8u64 {
        let headline = words(100 + s, 5);
        let paragraphs: Vec<String> = (0..3).map(|p| words(10 * s + p, 25)).collect();
        let home = sites[s as usize % 3];
        let other = sites[(s as usize + 1) % 3];
        files.push((
            format!("{home}/story-{s}.html"),
            page(home, &headline, &paragraphs),
        ));
        let copy = match s {
            0 => paragraphs.clone(),
            1 => paragraphs[..2].to_vec(),
            2 => [paragraphs.clone(), vec![words(999, 25)]].concat(),
            _ => continue,
        };
        files.push((
            format!("{other}/copy-{s}.html"),
            page(other, &headline, &copy),
        ));
    }
    let short = [words(500, 12), words(501, 12)];
    files.push((
        "alpha/short.html".into(),
        page("alpha", "short story told here", &short),
    ));
    files.push((
        "beta/short.html".into(),
        page("beta", "short story told here", &short),
    ));
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write page");
    }
}

#[test]
fn explain_verdicts_agree_with_the_scan_on_every_pair_of_html_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    html_corpus(dir.path());
    let mut pairs = agreeing_pairs(&Config::new(dir.path()));
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("alpha/copy-2.html", "gamma/story-2.html"),
            ("alpha/short.html", "beta/short.html"),
            ("alpha/story-0.html", "beta/copy-0.html"),
            ("beta/story-1.html", "gamma/copy-1.html"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}
