//! The HTML report (`--html`): one self-contained page — summary, similarity charts, duplicate
//! clusters with a side-by-side view of each member against the document it matches,
//! template blocks per site, repeated blocks and skipped inputs, with a filter.
//!
//! Everything from the corpus is escaped ([`escape`]); the page loads nothing from anywhere
//! (its Content-Security-Policy forbids it) and runs only its own script, marked with a nonce.
//! Lists are cut to [`HtmlOptions::limit`] rows, each saying how many were left out.

mod charts;
pub mod escape;
mod highlight;
mod sections;
pub mod texts;

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use crate::corpus::InputFile;
use crate::corpus::InputOptions;
use crate::files::write_atomically;
use crate::report::types::{Annotation, Cluster, Report};

pub use highlight::{mark_shared, Marked};
pub use texts::Texts;

/// Rows per list by default (`--html-limit`).
pub const DEFAULT_LIMIT: usize = 200;
/// Members of a cluster shown side by side with their match; the others are listed.
pub const PAIRS_PER_CLUSTER: usize = 5;
/// Bytes of each text shown in a side-by-side view.
pub const TEXT_BYTES: usize = 4000;
/// Bytes of side-by-side text in a page (about): views past it say their text was left out.
pub const TEXT_BUDGET: usize = 2_000_000;

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/page.js");
/// Counts script errors and blocked content (`data-errors`, `data-blocked` on `<html>`): a
/// page that works shows neither.
const GUARD: &str = include_str!("assets/guard.js");

/// How much of each list a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlOptions {
    /// Rows per list: clusters (largest first), template blocks, repeated blocks, skipped inputs.
    pub limit: usize,
}

impl Default for HtmlOptions {
    fn default() -> HtmlOptions {
        HtmlOptions {
            limit: DEFAULT_LIMIT,
        }
    }
}

/// The clusters a page shows, largest first (then by id): the report's own order, which its
/// ids number, unless it was saved by an older version that numbered clusters by first member.
fn shown_clusters<'a>(report: &'a Report, opts: &HtmlOptions) -> Vec<&'a Cluster> {
    let mut clusters: Vec<&Cluster> = report.duplicate_clusters.iter().collect();
    clusters.sort_by(|a, b| {
        b.documents
            .len()
            .cmp(&a.documents.len())
            .then(a.id.cmp(&b.id))
    });
    clusters.truncate(opts.limit);
    clusters
}

/// Each member a cluster shows side by side, with the document it matches directly.
fn compared_pairs(cluster: &Cluster) -> impl Iterator<Item = (&str, &str)> {
    cluster
        .documents
        .iter()
        .filter(|m| m.id != cluster.representative)
        .take(PAIRS_PER_CLUSTER)
        .map(|m| {
            let direct = m.duplicate_of.as_deref().unwrap_or(&cluster.representative);
            (m.id.as_str(), direct)
        })
}

/// The ids whose texts a page shows: the compared members of the shown clusters and their matches.
pub fn wanted_ids(report: &Report, opts: &HtmlOptions) -> BTreeSet<String> {
    shown_clusters(report, opts)
        .into_iter()
        .flat_map(compared_pairs)
        .flat_map(|(a, b)| [a.to_string(), b.to_string()])
        .collect()
}

/// The page for `report`, with the side-by-side texts found in `texts`.
pub fn render(report: &Report, texts: &Texts, opts: &HtmlOptions) -> String {
    let clusters = shown_clusters(report, opts);
    let mut body = String::with_capacity(1 << 20);
    sections::header(&mut body, report);
    body.push_str("<main>");
    sections::summary(&mut body, report);
    sections::charts(&mut body, report);
    sections::clusters(&mut body, report, &clusters, texts);
    sections::templates(&mut body, report, opts);
    sections::repeats(&mut body, report, opts);
    sections::skipped(&mut body, report, opts);
    body.push_str("</main>");
    // A nonce the corpus cannot know: it hashes the page, corpus text included.
    let nonce = format!(
        "{:032x}",
        xxhash_rust::xxh3::xxh3_128(body.as_bytes()) ^ (SCRIPT.len() as u128)
    );
    let title = report
        .timing
        .as_ref()
        .and_then(|t| t.corpus.as_deref())
        .map_or_else(String::new, |c| format!(" — {}", escape::clip(c, 80)));
    let mut page = String::with_capacity(body.len() + STYLE.len() + SCRIPT.len() + 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    page.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; \
         style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'\">"
    ));
    page.push_str(&format!(
        "<title>neardup report{}</title>",
        escape::escape(&title)
    ));
    page.push_str(&format!("<script nonce=\"{nonce}\">{GUARD}</script>"));
    page.push_str(&format!(
        "<style nonce=\"{nonce}\">{STYLE}</style></head><body>"
    ));
    page.push_str(&body);
    page.push_str(&format!(
        "<script nonce=\"{nonce}\">{SCRIPT}</script></body></html>\n"
    ));
    page
}

/// Writes the page of a scan that just ran: the texts are read again from the files it read.
pub fn write_for_scan(
    path: &Path,
    report: &Report,
    files: &[InputFile],
    annotations: &[Annotation],
    input: &InputOptions,
    opts: &HtmlOptions,
) -> io::Result<()> {
    let texts = texts::read_scanned(files, annotations, input, &wanted_ids(report, opts));
    write_page(path, &render(report, &texts, opts))
}

/// Writes the page of a saved report, its texts read again from `corpus` (or the corpus the
/// report records); the page says when they could not be, and so does the answer (for the
/// command line to warn: `Ok(Some(why))`).
pub fn write_for_report(
    path: &Path,
    report: &Report,
    corpus: Option<&Path>,
    opts: &HtmlOptions,
) -> io::Result<Option<String>> {
    let recorded = report.timing.as_ref().and_then(|t| t.corpus.as_deref());
    let inputs = report.timing.as_ref().filter(|t| !t.inputs.is_empty());
    let wanted = wanted_ids(report, opts);
    let texts = match (corpus, inputs) {
        (None, Some(t)) => {
            let dir = Path::new(t.working_dir.as_deref().unwrap_or("."));
            texts::read_inputs(&t.inputs, dir, report, &wanted)
        }
        _ => match corpus.or(recorded.map(Path::new)) {
            Some(root) => texts::read_corpus(root, report, &wanted),
            None => Texts::none(
                "the report does not record its corpus (it was written with --no-timing), so no \
             text could be read again (pass --corpus DIR)",
            ),
        },
    };
    write_page(path, &render(report, &texts, opts))?;
    Ok(texts.unavailable)
}

fn write_page(path: &Path, page: &str) -> io::Result<()> {
    write_atomically(path, |out| out.write_all(page.as_bytes()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::report::types::{ClusterMember, Position, TemplateBlock};

    const HOSTILE: &str = r#""><script>alert(1)</script><img src=x onerror='alert(2)'>"#;

    fn member(id: &str, similarity: f64) -> ClusterMember {
        ClusterMember {
            id: id.to_string(),
            duplicate_of: None,
            similarity,
            containment: similarity,
        }
    }

    /// A report whose ids, sites, texts and skip reasons all carry markup.
    fn hostile_report(clusters: usize) -> Report {
        let mut report = Report {
            version: 1,
            summary: Default::default(),
            timing: None,
            skipped: Vec::new(),
            duplicate_clusters: Vec::new(),
            template_blocks: Vec::new(),
            repeated_blocks: Vec::new(),
        };
        report.summary.parameters.threshold = 0.7;
        report.summary.parameters.shingle = "words".to_string();
        report.summary.parameters.ngram = 5;
        for i in 0..clusters {
            let rep = format!("{HOSTILE}rep{i}");
            report.duplicate_clusters.push(Cluster {
                id: i as u64 + 1,
                representative: rep.clone(),
                exact: false,
                chained: false,
                documents: vec![member(&rep, 1.0), member(&format!("{HOSTILE}copy{i}"), 0.9)],
            });
        }
        report.template_blocks.push(TemplateBlock {
            text: HOSTILE.to_string(),
            words: 4,
            sites: BTreeMap::from([(HOSTILE.to_string(), 3)]),
            documents: 3,
            occurrences: 3,
            position: Position::Header,
            examples: vec![HOSTILE.to_string()],
        });
        report
    }

    #[test]
    fn ids_sites_and_texts_never_become_markup() {
        let report = hostile_report(2);
        let mut texts = Texts::default();
        for c in &report.duplicate_clusters {
            for m in &c.documents {
                texts.insert(m.id.clone(), format!("{HOSTILE} the same five words here"));
            }
        }
        let page = render(&report, &texts, &HtmlOptions::default());
        assert_eq!(
            page.matches("<script").count(),
            2,
            "only the page's own scripts"
        );
        assert!(!page.contains("<img") && !page.contains("onerror='"));
        assert!(page.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(2)&#39;&gt;rep0"));
        assert_eq!(page.matches(r#"class="sbs""#).count(), 2);
    }

    #[test]
    fn the_page_of_a_huge_report_stays_a_few_megabytes() {
        // 20,000 clusters of 12, 60,000 template blocks on 40 sites, long texts everywhere
        let mut report = hostile_report(0);
        for c in 0..20_000u64 {
            let ids: Vec<String> = (0..12)
                .map(|m| format!("site-{:03}/story-{c}-{m}.txt", c % 40))
                .collect();
            report.duplicate_clusters.push(Cluster {
                id: c + 1,
                representative: ids[0].clone(),
                exact: false,
                chained: false,
                documents: ids.iter().map(|id| member(id, 0.8)).collect(),
            });
        }
        for b in 0..60_000u64 {
            report.template_blocks.push(TemplateBlock {
                text: format!("Menu {b} | Home | News | Sport | Weather | Contact | About us"),
                words: 10,
                sites: BTreeMap::from([(format!("site-{:03}", b % 40), 3 + b % 7)]),
                documents: 3 + b % 7,
                occurrences: 3 + b % 7,
                position: Position::Footer,
                examples: vec![format!("site-{:03}/story-{b}-0.txt", b % 40); 3],
            });
        }
        let opts = HtmlOptions::default();
        let mut texts = Texts::default();
        for (i, id) in wanted_ids(&report, &opts).into_iter().enumerate() {
            let words: String = (0..1500)
                .map(|w| format!("w{} ", (w * 7 + i) % 900))
                .collect();
            texts.insert(id, words);
        }
        let page = render(&report, &texts, &opts);
        assert!(page.len() < 4_000_000, "{} bytes", page.len());
        assert!(
            page.matches(r#"class="sbs""#).count() >= 200,
            "every cluster shows a member"
        );
        assert!(page.contains("Showing 200 of 20,000 clusters; 19,800 left out"));
        assert!(page.contains("Showing 200 of 60,001 template blocks"));
    }

    #[test]
    fn the_largest_clusters_come_first_and_the_limit_holds() {
        let mut report = hostile_report(3);
        report.duplicate_clusters[2]
            .documents
            .push(member("third member", 0.8));
        let opts = HtmlOptions { limit: 2 };
        let shown: Vec<u64> = shown_clusters(&report, &opts)
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(shown, vec![3, 1]);
        assert_eq!(wanted_ids(&report, &opts).len(), 5);
        let page = render(&report, &Texts::none("none here"), &opts);
        assert!(page.contains("Showing 2 of 3 clusters; 1 left out"));
        assert!(page.contains("Texts not shown: none here."));
    }
}
