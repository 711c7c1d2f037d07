//! Page line labels (the Big9 format): which lines of a page are the article, which are
//! boilerplate; scored against the template spans of a scan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::Score;
use crate::config::Config;
use crate::human::{count, noun};
use crate::report::{Annotation, Report};

/// The line labels of one page (Big9 format): 1-based line numbers of its article text, of its
/// boilerplate, and of lines that are neither (not scored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLabels {
    /// Lines of the article (a line of at least three words found word for word in it).
    #[serde(default)]
    pub content: Vec<u32>,
    /// Lines most of whose words never occur in the article.
    #[serde(default)]
    pub boilerplate: Vec<u32>,
    /// Lines that are neither.
    #[serde(default)]
    pub ignore: Vec<u32>,
}

/// Line labels of a corpus: document id (`site/page.txt`) → its [`PageLabels`].
pub type LineLabels = BTreeMap<String, PageLabels>;

/// The texts of the documents of `cfg`'s corpus whose ids are in `wanted`, read as the scan
/// reads them.
pub fn read_texts(cfg: &Config, wanted: &BTreeSet<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let tree = crate::corpus::walk_inputs(&cfg.input_set());
    for file in &tree.files {
        crate::corpus::read_documents(file, &cfg.input, |doc| {
            if wanted.contains(doc.id.as_str()) {
                out.entry(doc.id).or_insert(doc.text);
            }
        });
    }
    out
}

/// Pages of a site that must hold a boilerplate line's text for it to count toward recall.
pub const RECURRING_MIN_PAGES: usize = 3;

/// A line's text as line labels compare it: lower-cased, whitespace collapsed, digits as `0`.
pub fn label_line_key(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_numeric() {
                out.push('0');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// The site of a labelled page: its id's first folder (`""` for none).
fn site_of_id(id: &str) -> &str {
    id.split_once('/').map_or("", |(site, _)| site)
}

/// Lines of one text, gathered over the pages of a site, that a score got wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineMiss {
    /// The site.
    pub site: String,
    /// The text, as on the first page listed.
    pub text: String,
    /// Labelled lines of this text that were got wrong.
    pub lines: u64,
    /// Pages of the site whose text holds a line of this text (any label).
    pub pages: u64,
    /// Up to three `id:line` where it was got wrong.
    pub examples: Vec<String>,
    /// Whether the report lists a template block of the site with this text, digits as `0`
    /// (then the misses are occurrences the annotations do not mark).
    pub template_block: bool,
}

/// Line figures of one site.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SiteLines {
    /// The site.
    pub site: String,
    /// Pages scored.
    pub pages: u64,
    /// Lines flagged as template: not labelled content (TP) or labelled content (FP).
    pub flagged: Score,
    /// Boilerplate lines whose text recurs on at least [`RECURRING_MIN_PAGES`] pages: flagged
    /// (TP) or not (FN).
    pub recurring: Score,
}

impl SiteLines {
    /// Share of the flagged lines that are not content; 1 when nothing was flagged.
    pub fn precision(&self) -> f64 {
        self.flagged.precision()
    }

    /// Share of the recurring boilerplate lines flagged; 1 when there are none.
    pub fn recall(&self) -> f64 {
        self.recurring.recall()
    }
}

/// The template-line score of a scan against page line labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LineEvaluation {
    /// Pages in the label file.
    pub labelled_pages: u64,
    /// Of them, pages read from the corpus and scored.
    pub scored_pages: u64,
    /// Labelled pages not in the corpus (at most 20 listed).
    pub missing_pages: Vec<String>,
    /// Labelled line numbers past the end of their page (a sign of labels for another text).
    pub lines_out_of_range: u64,
    /// Labelled lines: content, boilerplate, ignore.
    pub labelled: [u64; 3],
    /// Lines flagged as template (template spans of the annotations), on scored pages: not
    /// labelled content (TP) or labelled content (FP). Its precision is the evaluation's.
    pub flagged: Score,
    /// Boilerplate lines, whether their text recurs or not: flagged (TP) or not (FN).
    pub boilerplate: Score,
    /// Boilerplate lines whose text recurs on at least [`RECURRING_MIN_PAGES`] pages of
    /// their site: flagged (TP) or not (FN). Its recall is the evaluation's.
    pub recurring: Score,
    /// Figures per site, by site.
    pub sites: Vec<SiteLines>,
    /// Content lines flagged, by text, most lines first.
    pub content_flagged: Vec<LineMiss>,
    /// Recurring boilerplate lines not flagged, by text, most lines first.
    pub recurring_missed: Vec<LineMiss>,
}

impl LineEvaluation {
    /// Of the lines flagged as template, the share that are not content.
    pub fn precision(&self) -> f64 {
        self.flagged.precision()
    }

    /// Of the boilerplate lines that recur on at least [`RECURRING_MIN_PAGES`] pages of their
    /// site, the share flagged.
    pub fn recall(&self) -> f64 {
        self.recurring.recall()
    }

    /// Whether any page was scored.
    pub fn scored(&self) -> bool {
        self.scored_pages > 0
    }

    /// The figures, and with `verbose` > 0 the figures per site and the lines got wrong (at
    /// most 40 texts per list; all with `verbose` > 1).
    pub fn render(&self, verbose: u8) -> String {
        let mut s = String::new();
        let [content, boilerplate, ignore] = self.labelled;
        s.push_str(&format!(
            "pages                 {} scored of {} labelled; lines labelled: {content} content, \
             {boilerplate} boilerplate, {ignore} ignore\n",
            self.scored_pages, self.labelled_pages
        ));
        s.push_str(&format!(
            "template lines        precision {:.4}  ({} flagged, {} of them content = FP)\n",
            self.precision(),
            self.flagged.predicted(),
            self.flagged.false_positives
        ));
        s.push_str(&format!(
            "recurring boilerplate recall {:.4}  ({} of {} on >= {RECURRING_MIN_PAGES} \
             pages of their site flagged, {} missed = FN)\n",
            self.recall(),
            self.recurring.true_positives,
            count(self.recurring.labelled(), "line"),
            self.recurring.false_negatives
        ));
        s.push_str(&format!(
            "all boilerplate       {} of {} flagged ({:.4})\n",
            self.boilerplate.true_positives,
            count(boilerplate, "line"),
            self.boilerplate.recall()
        ));
        if !self.missing_pages.is_empty() {
            s.push_str(&format!(
                "  labelled pages not in the corpus: {}{}\n",
                self.missing_pages.join(", "),
                if (self.labelled_pages - self.scored_pages) as usize > self.missing_pages.len() {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        if self.lines_out_of_range > 0 {
            s.push_str(&format!(
                "  labelled lines past the end of their page: {}\n",
                self.lines_out_of_range
            ));
        }
        if verbose > 0 {
            self.render_details(&mut s, verbose);
        }
        s
    }

    /// Figures per site and the lines got wrong.
    fn render_details(&self, s: &mut String, verbose: u8) {
        s.push_str("\nper site              pages  precision  (FP of flagged)  recall  (FN of recurring)\n");
        for x in &self.sites {
            s.push_str(&format!(
                "  {:<20} {:>5}  {:.4}     ({} of {})  {:.4}  ({} of {})\n",
                x.site,
                x.pages,
                x.precision(),
                x.flagged.false_positives,
                x.flagged.predicted(),
                x.recall(),
                x.recurring.false_negatives,
                x.recurring.labelled()
            ));
        }
        let limit = if verbose > 1 { usize::MAX } else { 40 };
        let list = |s: &mut String, title: &str, misses: &[LineMiss]| {
            let total: u64 = misses.iter().map(|m| m.lines).sum();
            s.push_str(&format!(
                "\n{title}: {}, {}\n  (lines × text, site, pages \
                 of the site holding it, T = a template block of the site in the report, digits as 0)\n",
                count(total, "line"),
                count(misses.len() as u64, "distinct text")
            ));
            for m in misses.iter().take(limit) {
                let mut text: String = m.text.chars().take(100).collect();
                if text.len() < m.text.len() {
                    text.push('…');
                }
                s.push_str(&format!(
                    "  {:>3} × {:<16} {:>3} {:<5} {} {:?}  e.g. {}\n",
                    m.lines,
                    m.site,
                    m.pages,
                    noun(m.pages, "page"),
                    if m.template_block { "T" } else { " " },
                    text,
                    m.examples.join(" ")
                ));
            }
            if misses.len() > limit {
                s.push_str(&format!(
                    "  … {} more (-vv lists all)\n",
                    count((misses.len() - limit) as u64, "text")
                ));
            }
        };
        list(
            s,
            "content lines flagged as template (FP)",
            &self.content_flagged,
        );
        list(
            s,
            "recurring boilerplate lines missed (FN)",
            &self.recurring_missed,
        );
    }
}

/// The (site, line key) of every template block of the report.
fn template_block_keys(report: &Report) -> BTreeSet<(&str, String)> {
    report
        .template_blocks
        .iter()
        .flat_map(|b| {
            let key = label_line_key(&b.text);
            b.sites.keys().map(move |s| (s.as_str(), key.clone()))
        })
        .collect()
}

/// A labelled page with a text: its lines and their keys ([`label_line_key`]).
struct ScoredPage<'a> {
    id: &'a str,
    page: &'a PageLabels,
    lines: Vec<&'a str>,
    keys: Vec<String>,
}

/// Each annotated document's lines inside template spans.
fn template_lines_of(annotations: &[Annotation]) -> HashMap<&str, BTreeSet<u32>> {
    annotations
        .iter()
        .map(|a| {
            let lines = a
                .spans
                .iter()
                .filter(|s| s.kind == crate::report::SpanKind::Template)
                .flat_map(|s| s.start_line..=s.end_line)
                .collect();
            (a.id.as_str(), lines)
        })
        .collect()
}

/// The labelled pages that have a text; the others are listed in `ev.missing_pages`.
fn scored_pages<'a>(
    labels: &'a LineLabels,
    texts: &'a HashMap<String, String>,
    ev: &mut LineEvaluation,
) -> Vec<ScoredPage<'a>> {
    let mut pages = Vec::new();
    for (id, page) in labels {
        match texts.get(id) {
            Some(text) => {
                let lines: Vec<&str> = text
                    .split('\n')
                    .map(|l| l.strip_suffix('\r').unwrap_or(l))
                    .collect();
                let keys = lines.iter().map(|l| label_line_key(l)).collect();
                pages.push(ScoredPage {
                    id: id.as_str(),
                    page,
                    lines,
                    keys,
                });
            }
            None if ev.missing_pages.len() < 20 => ev.missing_pages.push(id.clone()),
            None => {}
        }
    }
    pages
}

/// On how many pages of its site each (site, line key) occurs.
fn pages_of_key<'a>(pages: &'a [ScoredPage]) -> HashMap<(&'a str, &'a str), u64> {
    let mut pages_of_key: HashMap<(&str, &str), u64> = HashMap::new();
    for p in pages {
        let distinct: BTreeSet<&str> = p
            .keys
            .iter()
            .map(String::as_str)
            .filter(|k| !k.is_empty())
            .collect();
        for k in distinct {
            *pages_of_key.entry((site_of_id(p.id), k)).or_default() += 1;
        }
    }
    pages_of_key
}

/// Scores the template spans of `annotations` against page line labels, reading each labelled
/// page's text from `texts` (id → text; pages without one are not scored). `report` tells
/// which texts are template blocks, for reading the misses.
///
/// Precision: of the lines flagged as template, the share not labelled `content`. Recall: of
/// the `boilerplate` lines whose text ([`label_line_key`]) occurs on at least
/// [`RECURRING_MIN_PAGES`] scored pages of the same site (the id's first folder), the share
/// flagged.
pub fn evaluate_lines(
    report: &Report,
    annotations: &[Annotation],
    labels: &LineLabels,
    texts: &HashMap<String, String>,
) -> LineEvaluation {
    let flagged_of = template_lines_of(annotations);
    let mut ev = LineEvaluation {
        labelled_pages: labels.len() as u64,
        ..LineEvaluation::default()
    };
    let pages = scored_pages(labels, texts, &mut ev);
    let pages_of_key = pages_of_key(&pages);
    let blocks = template_block_keys(report);
    let mut sites: BTreeMap<&str, SiteLines> = BTreeMap::new();
    // (site, key) → miss, for the two lists.
    let mut fp: BTreeMap<(&str, &str), LineMiss> = BTreeMap::new();
    let mut fn_: BTreeMap<(&str, &str), LineMiss> = BTreeMap::new();
    let empty = BTreeSet::new();
    for ScoredPage {
        id,
        page,
        lines,
        keys,
    } in &pages
    {
        let site = site_of_id(id);
        let flagged = flagged_of.get(id).unwrap_or(&empty);
        let st = sites.entry(site).or_insert_with(|| SiteLines {
            site: site.to_string(),
            ..SiteLines::default()
        });
        st.pages += 1;
        ev.scored_pages += 1;
        let n = lines.len() as u32;
        let valid = |l: &&u32| **l >= 1 && **l <= n;
        for list in [&page.content, &page.boilerplate, &page.ignore] {
            ev.lines_out_of_range += list.iter().filter(|l| !valid(l)).count() as u64;
        }
        for (count, list) in
            ev.labelled
                .iter_mut()
                .zip([&page.content, &page.boilerplate, &page.ignore])
        {
            *count += list.iter().filter(valid).count() as u64;
        }
        let content: BTreeSet<u32> = page.content.iter().copied().collect();
        for &l in flagged.iter().filter(|l| **l >= 1 && **l <= n) {
            let is_content = content.contains(&l);
            let line = Score::of_counts(u64::from(!is_content), 1, 0);
            st.flagged.add(line);
            ev.flagged.add(line);
            if is_content {
                let key = keys[l as usize - 1].as_str();
                add_miss(
                    &mut fp,
                    (site, key),
                    lines[l as usize - 1],
                    pages_of_key.get(&(site, key)).copied().unwrap_or(0),
                    id,
                    l,
                );
            }
        }
        for &l in page.boilerplate.iter().filter(valid) {
            let is_flagged = flagged.contains(&l);
            // one labelled line, found or not
            let line = Score::of_counts(u64::from(is_flagged), u64::from(is_flagged), 1);
            ev.boilerplate.add(line);
            let key = keys[l as usize - 1].as_str();
            let on_pages = pages_of_key.get(&(site, key)).copied().unwrap_or(0);
            if key.is_empty() || (on_pages as usize) < RECURRING_MIN_PAGES {
                continue;
            }
            st.recurring.add(line);
            ev.recurring.add(line);
            if !is_flagged {
                add_miss(
                    &mut fn_,
                    (site, key),
                    lines[l as usize - 1],
                    on_pages,
                    id,
                    l,
                );
            }
        }
    }
    ev.sites = sites.into_values().collect();
    let sorted = |m: BTreeMap<(&str, &str), LineMiss>| {
        let mut v: Vec<LineMiss> = m.into_values().collect();
        v.sort_by_key(|m| std::cmp::Reverse(m.lines)); // stable: ties stay by site and text
        v
    };
    ev.content_flagged = sorted(fp);
    ev.recurring_missed = sorted(fn_);
    for m in ev
        .content_flagged
        .iter_mut()
        .chain(ev.recurring_missed.iter_mut())
    {
        m.template_block = blocks.contains(&(m.site.as_str(), label_line_key(&m.text)));
    }
    ev
}

fn add_miss<'a>(
    map: &mut BTreeMap<(&'a str, &'a str), LineMiss>,
    key: (&'a str, &'a str),
    text: &str,
    pages: u64,
    id: &str,
    line: u32,
) {
    let m = map.entry(key).or_insert_with(|| LineMiss {
        site: key.0.to_string(),
        text: text.trim().to_string(),
        lines: 0,
        pages,
        examples: Vec::new(),
        template_block: false,
    });
    m.lines += 1;
    if m.examples.len() < 3 {
        m.examples.push(format!("{id}:{line}"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{annotation, report};
    use super::*;

    #[test]
    fn label_line_keys_fold_case_space_and_digits() {
        assert_eq!(
            label_line_key("  Posted  9 Sep 2005\t| News "),
            "posted 0 sep 0000 | news"
        );
        assert_eq!(label_line_key("ÉTÉ 2012"), "été 0000");
        assert_eq!(label_line_key(" \t "), "");
    }

    /// Three pages of one site and one of another: chrome lines 1 and 4 ("Home", a year),
    /// the article in between, and a boilerplate line that only two pages hold.
    fn line_fixture() -> (LineLabels, HashMap<String, String>) {
        let pages = [
            (
                "s/a.txt",
                "Home\nStory A one\nStory A two\n© 2012\nonly twice",
            ),
            (
                "s/b.txt",
                "HOME\nStory B one\nStory B two\n© 2013\nonly twice",
            ),
            (
                "s/c.txt",
                "Home\nStory C one\nStory C two\n© 2014\r\nunique",
            ),
            ("t/d.txt", "Home\nStory D"),
        ];
        let texts = pages
            .iter()
            .map(|(id, t)| (id.to_string(), t.to_string()))
            .collect();
        let page = |content: &[u32], boilerplate: &[u32]| PageLabels {
            content: content.to_vec(),
            boilerplate: boilerplate.to_vec(),
            ignore: Vec::new(),
        };
        let mut labels = LineLabels::new();
        labels.insert("s/a.txt".into(), page(&[2, 3], &[1, 4, 5]));
        labels.insert("s/b.txt".into(), page(&[2, 3], &[1, 4, 5]));
        labels.insert("s/c.txt".into(), page(&[2, 3], &[1, 4, 5]));
        labels.insert("t/d.txt".into(), page(&[2], &[1]));
        (labels, texts)
    }

    #[test]
    fn line_labels_score_flagged_and_recurring_lines() {
        let (labels, texts) = line_fixture();
        // a: all chrome found; b: the year missed, the first story line flagged; c: nothing
        // flagged; d: its lone "Home" flagged (its site has one page: not recurring)
        let anns = vec![
            annotation("s/a.txt", &[(1, 1), (4, 5)]),
            annotation("s/b.txt", &[(1, 2)]),
            annotation("s/c.txt", &[]),
            annotation("t/d.txt", &[(1, 1)]),
        ];
        let ev = evaluate_lines(&report(&[("s", "Home")]), &anns, &labels, &texts);
        assert_eq!((ev.labelled_pages, ev.scored_pages), (4, 4));
        assert_eq!(ev.labelled, [7, 10, 0]);
        // flagged: a 1,4,5; b 1,2; d 1 = 6, one of them content
        assert_eq!((ev.flagged.predicted(), ev.flagged.false_positives), (6, 1));
        assert!((ev.precision() - 5.0 / 6.0).abs() < 1e-12);
        // recurring: "home" and "© 0000" on the three pages of s; "only twice" is on two
        assert_eq!(
            (ev.recurring.labelled(), ev.recurring.true_positives),
            (6, 3)
        );
        assert!((ev.recall() - 0.5).abs() < 1e-12);
        assert_eq!(ev.boilerplate.true_positives, 5);
        assert_eq!(ev.boilerplate.labelled(), 10);
        assert_eq!(ev.sites.len(), 2);
        assert_eq!(
            (ev.sites[1].site.as_str(), ev.sites[1].recurring.labelled()),
            ("t", 0)
        );
        assert_eq!(ev.sites[1].recall(), 1.0);

        assert_eq!(ev.content_flagged.len(), 1);
        assert_eq!(ev.content_flagged[0].examples, vec!["s/b.txt:2"]);
        assert_eq!(ev.content_flagged[0].pages, 1);
        // missed: the year on b and c (one text), "Home" on c
        let missed: Vec<(&str, u64, u64, bool)> = ev
            .recurring_missed
            .iter()
            .map(|m| (m.text.as_str(), m.lines, m.pages, m.template_block))
            .collect();
        assert_eq!(missed, vec![("© 2013", 2, 3, false), ("Home", 1, 3, true)]);
        assert_eq!(
            ev.recurring_missed[0].examples,
            vec!["s/b.txt:4", "s/c.txt:4"]
        );

        let text = ev.render(0);
        assert!(text.contains("precision 0.8333"), "{text}");
        assert!(text.contains("recall 0.5000"), "{text}");
        assert!(!text.contains("per site"), "{text}");
        let text = ev.render(1);
        assert!(text.contains("per site"), "{text}");
        // one line of one text on one page, each said in the singular
        assert!(
            text.contains("content lines flagged as template (FP): 1 line, 1 distinct text\n"),
            "{text}"
        );
        assert!(text.contains("  1 × s                  1 page  "), "{text}");
        assert!(text.contains(": 3 lines, 2 distinct texts\n"), "{text}");
        assert!(
            text.contains("\"© 2013\"  e.g. s/b.txt:4 s/c.txt:4"),
            "{text}"
        );
    }

    #[test]
    fn line_labels_of_pages_not_in_the_corpus_are_not_scored() {
        let (mut labels, texts) = line_fixture();
        labels.insert(
            "s/gone.txt".into(),
            PageLabels {
                content: vec![1],
                ..PageLabels::default()
            },
        );
        labels.get_mut("t/d.txt").expect("d").boilerplate.push(9);
        let ev = evaluate_lines(&report(&[]), &[], &labels, &texts);
        assert_eq!((ev.labelled_pages, ev.scored_pages), (5, 4));
        assert_eq!(ev.missing_pages, vec!["s/gone.txt"]);
        assert_eq!(ev.lines_out_of_range, 1);
        assert_eq!((ev.flagged.predicted(), ev.precision()), (0, 1.0));
        assert_eq!(ev.recall(), 0.0);
        assert!(ev.scored());
        let none = evaluate_lines(&report(&[]), &[], &labels, &HashMap::new());
        assert!(!none.scored());
        assert!(none.render(0).contains("0 scored of 5 labelled"));
    }
}
