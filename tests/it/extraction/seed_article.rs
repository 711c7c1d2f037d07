//! The real scraped page from the product brief, on a site built around it in the test: its
//! caption scraped twice, its footer template inside a paragraph of per-page links, a year that
//! changes from page to page, and a CMS artefact.

use crate::support::{annotations, scan_to, span_lines, write_tree};

const SEED: &str = include_str!("../../fixtures/seed-article.txt");

/// Another page of the seed's site: its own story, its own related links, the same footer with
/// another year.
fn sibling(title: &str, body: &str, links: &[&str], year: u32) -> String {
    format!(
        "{title}\n\n{body}\n\n \n[wpResize]\n \n\n\n{}\nPowered by : © {year} Systron Micronix :: Leaders in Web Hosting. All rights reserved\n\n| About Us | Privacy Policy | Terms of Use | Disclaimer | Contact Us |",
        links.join("\n")
    )
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = [
        sibling(
            "Oil prices slip as supply worries ease",
            "Oil prices fell for a third day on Monday as traders bet that output from the Gulf would recover quickly after the storm.\n\nAnalysts said demand in Asia remained weak.",
            &["Gold steady ahead of central bank meeting", "Shipping rates climb on canal delays"],
            2015,
        ),
        sibling(
            "New metro line opens in the capital",
            "The first trains ran on the new metro line on Saturday, linking the airport with the business district in twenty minutes.\n\nThe line cost more than two billion to build.",
            &["Air France cancels flights as strike enters second week", "Taxi drivers protest ride-hailing apps"],
            2015,
        ),
        sibling(
            "Farmers count losses after late frost",
            "Fruit growers in the north say a late frost destroyed up to half of this year's apricot harvest.\n\nThe government promised emergency aid.",
            &["U.S. too late on Syria, ex-Pentagon chief warns", "Wheat harvest forecast raised"],
            2013,
        ),
    ];
    write_tree(
        dir.path(),
        &[
            ("news/kerry-isis.txt", SEED.as_bytes()),
            ("news/oil.txt", pages[0].as_bytes()),
            ("news/metro.txt", pages[1].as_bytes()),
            ("news/frost.txt", pages[2].as_bytes()),
        ],
    );
    dir
}

#[test]
fn seed_caption_footer_and_artefact() {
    let corpus = site();
    let out = tempfile::tempdir().expect("tempdir");
    let (raw, ann, _) = scan_to(corpus.path(), out.path(), &[]);
    let anns = annotations(&ann);
    let doc = "news/kerry-isis.txt";
    // the caption's second copy is a repeat; the first is kept
    assert_eq!(span_lines(&anns, doc, "repeated"), vec![5]);
    let template = span_lines(&anns, doc, "template");
    // © 2014 here, 2013 and 2015 elsewhere: digits are folded for template comparison
    assert!(template.contains(&45), "{template:?}");
    assert!(template.contains(&47), "{template:?}");
    assert!(template.contains(&36), "[wpResize] {template:?}");
    // the story is content, and the related link unique to this page too
    assert!(template.iter().all(|&l| l >= 36), "{template:?}");
    assert!(!template.contains(&44), "{template:?}");
    // no page of this site is a copy of another
    let report: neardup::Report = serde_json::from_str(&raw).expect("report");
    assert!(report.duplicate_clusters.is_empty());
    let footer = report
        .template_blocks
        .iter()
        .find(|t| t.text.starts_with("Powered by"))
        .expect("footer reported");
    assert_eq!(footer.documents, 4);
    assert_eq!(footer.position, neardup::report::Position::Footer);
    assert_eq!(footer.sites.get("news"), Some(&4));
}

#[test]
fn site_none_pools_sites_and_min_docs_raises_the_bar() {
    let corpus = site();
    let out = tempfile::tempdir().expect("tempdir");
    let (_, ann, _) = scan_to(corpus.path(), out.path(), &["--template-min-docs", "5"]);
    let anns = annotations(&ann);
    assert!(span_lines(&anns, "news/kerry-isis.txt", "template").is_empty());
    let (raw, _, _) = scan_to(corpus.path(), out.path(), &["--site", "none"]);
    let report: neardup::Report = serde_json::from_str(&raw).expect("report");
    let footer = report
        .template_blocks
        .iter()
        .find(|t| t.text.starts_with("Powered by"))
        .expect("footer reported");
    assert_eq!(footer.sites.get(""), Some(&4));
}

#[test]
fn identical_and_credited_caption_repeats_follow_the_similarity_flag() {
    let corpus = tempfile::tempdir().expect("tempdir");
    let caption =
        "Tribal fighters fire their weapons during an intensive security deployment in Iraq.";
    let edited = caption.replace("intensive", "extensive");
    let text = format!("Title of the page\n\n{caption}\n\nBody text of the article goes here.\n\n{edited} (AFP Photo / Ahmad al-Rubaye)\n");
    write_tree(corpus.path(), &[("a.txt", text.as_bytes())]);
    let out = tempfile::tempdir().expect("tempdir");
    let (_, ann, _) = scan_to(corpus.path(), out.path(), &[]);
    assert_eq!(span_lines(&annotations(&ann), "a.txt", "repeated"), vec![7]);
    let (_, ann, _) = scan_to(corpus.path(), out.path(), &["--repeat-similarity", "1"]);
    assert!(span_lines(&annotations(&ann), "a.txt", "repeated").is_empty());
}
