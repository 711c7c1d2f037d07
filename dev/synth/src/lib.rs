//! neardup-synth: the generator of labelled evaluation and benchmark corpora for neardup.
//!
//! It serves neardup's integration tests (`tests/it/eval/generated.rs`, `tests/it/golden.rs`), its
//! benches (`benches/stages.rs`) and the `make_corpus` example, not users: it is a workspace
//! member of its own (`publish = false`), so the library is only what users link. It uses only
//! neardup's public API (labels, normalisation, shingles, MinHash and LSH).
//!
//! Stories (Reuters-21578 wire stories when a path to them is given, otherwise synthetic text)
//! are published on generated sites, each with its own template (header, navigation, "most read"
//! list, cookie notice, footer with a changing year, hard-wrapped text on some sites). Some
//! stories are syndicated to other sites with a new headline, a trimmed ending, typos or an
//! added paragraph; some are republished on several pages of one site; some carry a photo
//! caption scraped twice. Hard negatives: different stories quoting one long statement, short
//! stories under long templates, and the natural similarity of wire stories on one topic.
//!
//! With [`SynthOptions::with_real_site_forms`] (what `make_corpus` writes by default), the
//! corpus also has the forms real crawls have and the basic corpus lacks (see [`forms`]): a
//! story on 3–6 pages of its own site with lines of their own, thin dividend notices of one
//! company for different periods, 1–3-word chrome lines, link lists that slide over the site's
//! headlines, and containment traps. [`SynthOptions::default`] leaves them off, so the corpora
//! of the tests and benches are as they were.
//!
//! Every page is built line by line, so the labels ([`SynthTruth`]) come from the construction.
//! The output is a function of the stories and [`SynthOptions`] (seed included) alone: the
//! golden test stores reports of a generated corpus byte for byte.
//!
//! ```no_run
//! use neardup_synth::{generate, synthetic_stories, SynthOptions};
//!
//! let opts = SynthOptions { stories: 300, sites: 12, ..SynthOptions::default() };
//! let stories = synthetic_stories(opts.stories, opts.seed);
//! let truth = generate(&stories, &opts, std::path::Path::new("/tmp/corpus")).expect("written");
//! let clusters = truth.truth.duplicate_clusters.len();
//! println!("{} documents, {clusters} duplicate clusters", truth.documents);
//! ```

#![deny(missing_docs)]

pub mod forms;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use neardup::config::ShingleKind;
use neardup::eval::{PairSimilarity, Truth};
use neardup::sketch::{candidate_pairs, LshParams, MinHasher};
use neardup::text::{jaccard_and_containment, normalize, shingle_set};

/// A story: a headline and paragraphs (each one line, unwrapped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// Headline.
    pub title: String,
    /// Paragraphs.
    pub paras: Vec<String>,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Stories to use (at most the number available).
    pub stories: usize,
    /// Sites.
    pub sites: usize,
    /// Share of stories syndicated to other sites.
    pub syndication_rate: f64,
    /// Share of stories republished on further pages of their own site.
    pub republish_rate: f64,
    /// Share of stories with a photo caption.
    pub caption_rate: f64,
    /// Share of stories that quote a long statement another story quotes too.
    pub shared_quote_rate: f64,
    /// Seed.
    pub seed: u64,
    /// Share of stories also published on 2–5 further pages of their own site (print, mobile,
    /// archive, update, correction), each with a line or two of its own (0: none).
    pub site_variant_rate: f64,
    /// Companies or funds with 2–4 short dividend notices for different periods, per story
    /// (0: none).
    pub notice_rate: f64,
    /// Per-site 1–3-word chrome lines: a date widget, a desk name, `Prev Next`, `Tags:`, `|`,
    /// a lone year.
    pub short_chrome: bool,
    /// "Most read" and "Related stories" lists that slide over the site's headlines from page
    /// to page (instead of a fixed "Most read" list).
    pub sliding_lists: bool,
    /// Share of stories that start a containment trap (a story bundled whole or in part in
    /// another page, digests of briefs) (0: none).
    pub containment_rate: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            stories: 2500,
            sites: 40,
            syndication_rate: 0.25,
            republish_rate: 0.04,
            caption_rate: 0.12,
            shared_quote_rate: 0.04,
            seed: 7,
            site_variant_rate: 0.0,
            notice_rate: 0.0,
            short_chrome: false,
            sliding_lists: false,
            containment_rate: 0.0,
        }
    }
}

impl SynthOptions {
    /// These options with every form of [`forms`] on at the rates of `make_corpus`: what the
    /// basic corpus lacks and real crawls have (issue 11). The default leaves them off, so the
    /// corpora of the tests and benches stay as they were.
    pub fn with_real_site_forms(self) -> SynthOptions {
        SynthOptions {
            site_variant_rate: 0.07,
            notice_rate: 0.03,
            short_chrome: true,
            sliding_lists: true,
            containment_rate: 0.012,
            ..self
        }
    }
}

/// The labels of a generated corpus: [`Truth`] (with each duplicate pair's content similarity)
/// and the corpus size.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SynthTruth {
    /// Clusters, pair similarities, template and repeated lines.
    #[serde(flatten)]
    pub truth: Truth,
    /// Documents written.
    pub documents: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Pairs of the containment traps and thin notices, labelled one by one, including what
    /// clusters cannot say (a inside c and b inside c, a and b not duplicates): see
    /// [`SynthTruth::pairs_tsv`]. Not in the JSON: `duplicate_clusters` and `not_duplicates`
    /// hold what clusters can.
    #[serde(skip)]
    pub labelled_pairs: Vec<LabelledPair>,
}

/// A pair labelled on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    /// First id.
    pub a: String,
    /// Second id.
    pub b: String,
    /// Whether they are duplicates.
    pub duplicate: bool,
    /// What kind of pair it is.
    pub case: String,
    /// Exact Jaccard of their content's word 5-gram sets.
    pub jaccard: f64,
    /// Containment of the smaller content in the larger.
    pub containment: f64,
}

impl SynthTruth {
    /// [`SynthTruth::labelled_pairs`] as the TSV `neardup eval --labels` reads: a header, then
    /// `id_a, id_b, 1|0`, and for reading the case, Jaccard and containment.
    pub fn pairs_tsv(&self) -> String {
        let mut out = String::from("id_a\tid_b\tlabel\tcase\tjaccard\tcontainment\n");
        for p in &self.labelled_pairs {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{:.3}\t{:.3}\n",
                p.a,
                p.b,
                u8::from(p.duplicate),
                p.case,
                p.jaccard,
                p.containment
            ));
        }
        out
    }
}

/// SplitMix64: small, fast, and reproducible across platforms.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Reads the Reuters-21578 SGML files in `dir`: stories with a title and a body of at least
/// `min_words` words, paragraphs unwrapped, the closing "Reuter" signature and repeated
/// paragraphs removed.
pub fn reuters_stories(dir: &Path, min_words: usize) -> io::Result<Vec<Story>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sgm"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for path in names {
        let raw = String::from_utf8_lossy(&std::fs::read(&path)?).into_owned();
        for chunk in raw.split("</REUTERS>") {
            let (Some(title), Some(body)) = (
                between(chunk, "<TITLE>", "</TITLE>"),
                between(chunk, "<BODY>", "</BODY>"),
            ) else {
                continue;
            };
            let mut paras: Vec<String> = Vec::new();
            for line in unescape(body).lines() {
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("reuter") {
                    continue;
                }
                if line.starts_with([' ', '\t']) || paras.is_empty() {
                    paras.push(trimmed.to_string());
                } else if let Some(last) = paras.last_mut() {
                    last.push(' ');
                    last.push_str(trimmed);
                }
            }
            // Wire tables repeat rows; the generator's own repeats are the labelled ones.
            let mut seen = std::collections::HashSet::new();
            paras.retain(|p| seen.insert(normalize(p, false)));
            let words: usize = paras.iter().map(|p| p.split_whitespace().count()).sum();
            if words >= min_words {
                out.push(Story {
                    title: unescape(title).trim().to_string(),
                    paras,
                });
            }
        }
    }
    Ok(out)
}

/// Drops every story whose word 5-grams overlap an earlier story's (Jaccard at least 0.2 or
/// containment at least 0.5), so that in a generated corpus only the generator's copies are
/// duplicates. Wire collections file many stories twice (corrections, updates).
pub fn drop_overlapping(stories: Vec<Story>) -> Vec<Story> {
    use rayon::prelude::*;
    let sets: Vec<Vec<u64>> = stories
        .par_iter()
        .map(|s| {
            let text = normalize(&format!("{} {}", s.title, s.paras.join(" ")), false);
            shingle_set(&text, ShingleKind::Words, 5)
        })
        .collect();
    let hasher = MinHasher::new(128, 99);
    let sigs: Vec<Vec<u32>> = sets.par_iter().map(|s| hasher.signature(s)).collect();
    let refs: Vec<Option<&[u32]>> = sigs
        .iter()
        .zip(&sets)
        .map(|(sig, set)| (!set.is_empty()).then_some(sig.as_slice()))
        .collect();
    let params = LshParams { bands: 64, rows: 2 };
    let pairs = candidate_pairs(&refs, params, 64);
    let mut dropped = vec![false; stories.len()];
    for (a, b) in pairs {
        let (j, c) = jaccard_and_containment(&sets[a as usize], &sets[b as usize]);
        if j >= 0.2 || c >= 0.5 {
            dropped[b as usize] = true;
        }
    }
    stories
        .into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(s, _)| s)
        .collect()
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&#3;", "")
        .replace("&#2;", "")
}

const WORDS: &[&str] = &[
    "market",
    "price",
    "company",
    "government",
    "bank",
    "oil",
    "trade",
    "share",
    "profit",
    "minister",
    "export",
    "rate",
    "growth",
    "council",
    "city",
    "river",
    "farmers",
    "workers",
    "union",
    "court",
    "police",
    "school",
    "bridge",
    "harbour",
    "energy",
    "power",
    "water",
    "report",
    "plan",
    "budget",
    "tax",
    "loan",
    "deal",
    "talks",
    "strike",
    "vote",
    "election",
    "province",
    "region",
    "north",
    "south",
    "coast",
    "mountain",
    "village",
    "factory",
    "mine",
    "steel",
    "grain",
    "wheat",
    "coffee",
    "cocoa",
    "sugar",
    "cotton",
    "gold",
    "copper",
    "ship",
    "port",
    "airline",
    "railway",
    "road",
    "hospital",
    "doctor",
    "patients",
    "students",
    "teachers",
    "said",
    "would",
    "could",
    "expected",
    "announced",
    "agreed",
    "rejected",
    "reported",
    "rose",
    "fell",
    "increased",
    "reduced",
    "opened",
    "closed",
    "signed",
    "approved",
    "warned",
    "added",
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "for",
    "on",
    "with",
    "by",
    "at",
    "from",
    "that",
    "its",
    "new",
    "first",
    "last",
    "next",
    "week",
    "year",
    "month",
    "percent",
    "million",
    "billion",
    "official",
    "spokesman",
    "chairman",
    "president",
    "director",
    "analysts",
    "traders",
];

/// `n` synthetic stories of made-up sentences, for tests and benchmarks that must not depend
/// on outside data. Word frequencies are skewed like text, so shingles repeat realistically.
pub fn synthetic_stories(n: usize, seed: u64) -> Vec<Story> {
    synthetic_stories_sized(n, seed, 3..11)
}

/// `n` synthetic stories with a number of paragraphs drawn from `paragraphs` (each paragraph
/// one to three sentences, about 200 bytes per sentence): 3..11 gives stories of about 2 KB,
/// 250..260 stories of about 50 KB.
pub fn synthetic_stories_sized(
    n: usize,
    seed: u64,
    paragraphs: std::ops::Range<usize>,
) -> Vec<Story> {
    let mut rng = Rng::new(seed);
    let span = paragraphs.end.saturating_sub(paragraphs.start).max(1);
    (0..n)
        .map(|_| {
            let len = 6 + rng.below(5);
            let title = sentence(&mut rng, len);
            let title = title.trim_end_matches('.').to_string();
            let paras = (0..paragraphs.start + rng.below(span))
                .map(|_| {
                    (0..1 + rng.below(3))
                        .map(|_| {
                            let len = 10 + rng.below(18);
                            sentence(&mut rng, len)
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            Story { title, paras }
        })
        .collect()
}

/// A made-up sentence of `len` words, skewed towards the start of [`WORDS`] like text is
/// towards its frequent words.
fn sentence(rng: &mut Rng, len: usize) -> String {
    let mut words: Vec<String> = (0..len)
        .map(|_| {
            let u = rng.unit();
            WORDS[((u * u) * WORDS.len() as f64) as usize % WORDS.len()].to_string()
        })
        .collect();
    if let Some(first) = words.first_mut() {
        let mut c = first.chars();
        if let Some(f) = c.next() {
            *first = f.to_uppercase().collect::<String>() + c.as_str();
        }
    }
    words.join(" ") + "."
}

const SECTIONS: &[&str] = &[
    "Home", "News", "World", "Business", "Markets", "Sport", "Culture", "Opinion", "Science",
    "Travel", "Weather", "Video", "Local", "Politics", "Tech", "Health",
];
const NAMES: &[&str] = &[
    "Herald",
    "Courier",
    "Tribune",
    "Gazette",
    "Observer",
    "Post",
    "Chronicle",
    "Times",
    "Wire",
    "Express",
    "Monitor",
    "Ledger",
    "Dispatch",
    "Journal",
    "Sentinel",
    "Record",
];
const PLACES: &[&str] = &[
    "Northfield",
    "Riverside",
    "Eastport",
    "Lakeview",
    "Westbrook",
    "Hillcrest",
    "Bayside",
    "Stonebridge",
    "Oakdale",
    "Millbrook",
    "Fairhaven",
    "Kingsport",
];
const AGENCIES: &[&str] = &["AFP", "Reuters", "AP", "EPA", "Getty Images", "Staff photo"];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Jonas", "Sara", "Marta", "Lena", "Peter", "Ahmed", "Maria", "Ivan", "Chen", "Laura",
    "David", "Olga", "Tomas", "Yuki", "Paulo", "Nadia", "Erik", "Fatima", "Kofi",
];
const LAST_NAMES: &[&str] = &[
    "Berg", "Eklund", "Holm", "Lind", "Novak", "Garcia", "Kowalski", "Rossi", "Tanaka", "Silva",
    "Okafor", "Haddad", "Petrov", "Larsen", "Moreau", "Schmidt", "Costa", "Nagy", "Dubois", "Khan",
];
const CAPTION_SUBJECTS: &[&str] = &[
    "Workers",
    "Protesters",
    "Traders",
    "Residents",
    "Farmers",
    "Officials",
    "Firefighters",
    "Students",
    "Fishermen",
    "Delegates",
    "Volunteers",
    "Commuters",
];
const CAPTION_ACTIONS: &[&str] = &[
    "gather outside",
    "walk past",
    "wait in front of",
    "inspect the damage at",
    "queue outside",
    "unload crates at",
    "listen to speeches near",
    "clear debris from",
    "leave",
];
const CAPTION_PLACES: &[&str] = &[
    "the central station",
    "the port authority building",
    "the parliament",
    "a grain silo",
    "the stock exchange",
    "a polling station",
    "the old market hall",
    "a steel plant",
    "the ministry of finance",
    "a flooded road",
    "the city hall",
    "a refinery",
];

/// A photo caption: who, doing what, where, when.
fn caption_text(rng: &mut Rng) -> String {
    format!(
        "{} {} {} in {} on {} {}, {}.",
        rng.pick(CAPTION_SUBJECTS),
        rng.pick(CAPTION_ACTIONS),
        rng.pick(CAPTION_PLACES),
        rng.pick(PLACES),
        rng.pick(&["March", "April", "May", "June", "October", "November"]),
        1 + rng.below(28),
        1985 + rng.below(3)
    )
}

/// A site's template.
#[derive(Debug, Clone)]
struct Site {
    dir: String,
    name: String,
    header: Vec<String>,
    footer_lines: Vec<String>,
    copyright: String,
    cookie: Option<String>,
    share: Option<&'static str>,
    most_read: bool,
    wrap: Option<usize>,
    brief: bool,
}

fn make_site(i: usize, rng: &mut Rng) -> Site {
    let place = rng.pick(PLACES);
    let name = format!("{place} {}", rng.pick(NAMES));
    let mut sections: Vec<&str> = SECTIONS.to_vec();
    for k in (1..sections.len()).rev() {
        sections.swap(k, rng.below(k + 1));
    }
    let nav = sections[..5 + rng.below(4)].join(" | ");
    let mut header = vec![name.to_uppercase()];
    header.push(nav);
    if rng.chance(0.4) {
        header.push("Subscribe | Sign in | Newsletter".to_string());
    }
    let brief = i % 8 == 7;
    let cookie = (rng.chance(0.3) || brief).then(|| {
        format!(
            "{name} uses cookies to give you the best experience on our website and to show you relevant advertising. By continuing to browse you agree to our use of cookies and to our privacy policy."
        )
    });
    let mut footer_lines = vec![format!(
        "| About {name} | Contact us | Privacy Policy | Terms of Use |"
    )];
    if rng.chance(0.5) {
        footer_lines.push(format!(
            "Powered by {} :: Web hosting by {} Networks",
            rng.pick(&["WordPress", "Drupal", "NewsPress", "Joomla"]),
            rng.pick(PLACES)
        ));
    }
    Site {
        dir: format!("site-{i:03}"),
        name: name.clone(),
        header,
        footer_lines,
        copyright: format!("{name} Media Group. All rights reserved."),
        cookie,
        share: rng.chance(0.5).then(|| {
            *rng.pick(&[
                "Share this article",
                "Advertisement",
                "Share on social media",
            ])
        }),
        most_read: rng.chance(0.5),
        wrap: rng.chance(0.3).then(|| 60 + rng.below(17)),
        brief,
    }
}

/// Wraps `text` at `width` columns on word boundaries.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Content,
    Template,
    Repeated,
    Blank,
}

/// A page under construction.
struct Page {
    lines: Vec<(String, Kind)>,
    /// The story text of the page (what near-duplicate detection should compare).
    content: Vec<String>,
}

impl Page {
    fn new() -> Page {
        Page {
            lines: Vec::new(),
            content: Vec::new(),
        }
    }

    fn para(&mut self, text: &str, kind: Kind, width: Option<usize>) {
        if self.lines.last().is_some_and(|l| l.1 != Kind::Blank) {
            self.lines.push((String::new(), Kind::Blank));
        }
        let lines = match width {
            Some(w) => wrap(text, w),
            None => vec![text.to_string()],
        };
        for l in lines {
            self.lines.push((l, kind));
        }
        if kind == Kind::Content {
            self.content.push(text.to_string());
        }
    }

    fn line(&mut self, text: &str, kind: Kind) {
        self.lines.push((text.to_string(), kind));
    }
}

fn typo(word: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_string();
    }
    let i = 1 + rng.below(chars.len() - 2);
    let mut c = chars.clone();
    match rng.below(3) {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        _ => c.insert(i, c[i]),
    }
    c.into_iter().collect()
}

fn with_typos(text: &str, rate: f64, rng: &mut Rng) -> String {
    text.split(' ')
        .map(|w| {
            if rng.chance(rate) {
                typo(w, rng)
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Site {
    /// The site's web address.
    fn domain(&self) -> String {
        format!("www.{}.com", self.name.to_lowercase().replace(' ', ""))
    }

    /// The id of its page `slug`.
    fn id(&self, slug: &str) -> String {
        format!("{}/{slug}.txt", self.dir)
    }
}

/// One published version of a story.
#[derive(Debug, Clone, Default)]
struct Version {
    title: String,
    paras: Vec<String>,
    caption: Option<(String, bool)>,
    /// Lines of the page's own above the headline ("Printed from …").
    before_title: Vec<String>,
    /// Lines of its own under the headline (a byline).
    after_title: Vec<String>,
    /// Lines of its own after the story (an update note, a correction).
    after_body: Vec<String>,
}

/// What a page is, for its chrome and the site's link lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageKind {
    /// A story's page: its main page, a syndicated copy, the basic print and archive copies.
    Article,
    /// A print page: the site's name and copyright line only, no other chrome.
    Print,
    /// A mobile page (another byline).
    Mobile,
    /// An archive page (a line on when it was first published).
    Archive,
    /// An updated story (another headline and byline, an update note).
    Update,
    /// A corrected story (a correction note).
    Correction,
    /// A dividend notice.
    Notice,
}

impl PageKind {
    /// Whether the site's link lists show its headline.
    fn listed(self) -> bool {
        matches!(self, PageKind::Article | PageKind::Notice)
    }
}

/// What the pages of one duplicate cluster share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Group {
    /// A story's pages.
    Story(usize),
    /// One notice's filings.
    Notice(usize),
    /// In no cluster: its pairs are labelled one by one ([`PairSpec`]).
    Alone(usize),
}

/// A page to write.
struct Planned {
    site: usize,
    group: Group,
    v: Version,
    slug: String,
    kind: PageKind,
    /// Where it goes in the site's page order (a story index).
    at: usize,
}

/// A pair to label on its own.
struct PairSpec {
    a: String,
    b: String,
    case: &'static str,
    /// The label, or `None`: duplicates when the smaller content is at least [`CONTAINED`]
    /// inside the larger.
    label: Option<bool>,
    /// A duplicate pair is a cluster of its own (its pages are in no other).
    cluster: bool,
}

/// The share of the smaller content that must lie inside the larger for two pages to be
/// duplicates (the product's rule: a truncated copy is dropped for the page that contains it).
const CONTAINED: f64 = 0.8;

/// Offset of the seed of the optional forms' generator.
const FORMS_SEED: u64 = 0x1551_e11f_0a3b_5c7d;

/// The sites and options a corpus is generated with.
struct Ctx<'a> {
    opts: &'a SynthOptions,
    sites: Vec<Site>,
    normal_sites: Vec<usize>,
    brief_sites: Vec<usize>,
    chrome: Vec<Option<forms::ShortChrome>>,
    lists: Vec<Option<forms::LinkList>>,
}

/// Long statements quoted by two different stories each.
fn shared_quotes(
    stories: &[Story],
    n: usize,
    opts: &SynthOptions,
    rng: &mut Rng,
) -> BTreeMap<usize, String> {
    let mut quote_of: BTreeMap<usize, String> = BTreeMap::new();
    for x in 0..n {
        if rng.chance(opts.shared_quote_rate / 2.0) {
            let y = rng.below(n);
            let source = &stories[rng.below(stories.len())];
            let longest = source
                .paras
                .iter()
                .max_by_key(|p| p.len())
                .cloned()
                .unwrap_or_default();
            if y != x && longest.split_whitespace().count() >= 25 {
                let q = format!("\"{}\" the statement said.", longest.trim_end_matches('.'));
                quote_of.insert(x, q.clone());
                quote_of.insert(y, q);
            }
        }
    }
    quote_of
}

/// A syndicated copy of `base`: maybe a new headline, a trimmed ending, typos, a credit line.
fn syndicated(base: &Version, rng: &mut Rng) -> Version {
    let mut v = base.clone();
    if rng.chance(0.5) {
        let words: Vec<&str> = v.title.split_whitespace().collect();
        let keep = (words.len() * 2 / 3).max(2).min(words.len());
        v.title = format!(
            "{}: {}",
            rng.pick(&["UPDATE", "Analysis", "Report", "Breaking"]),
            words[..keep].join(" ")
        );
    }
    if rng.chance(0.3) && v.paras.len() > 2 {
        let f = 0.4 + 0.5 * rng.unit();
        let keep = ((v.paras.len() as f64 * f).ceil() as usize).clamp(1, v.paras.len());
        v.paras.truncate(keep);
    }
    if rng.chance(0.3) {
        let rate = 0.01 + 0.02 * rng.unit();
        v.paras = v.paras.iter().map(|p| with_typos(p, rate, rng)).collect();
    }
    if rng.chance(0.2) {
        v.paras.push(format!(
            "Additional reporting by {} {} in {}; editing by {} {}.",
            rng.pick(FIRST_NAMES),
            rng.pick(LAST_NAMES),
            rng.pick(PLACES),
            rng.pick(FIRST_NAMES),
            rng.pick(LAST_NAMES)
        ));
    }
    v
}

/// The pages of the stories: each on a primary site, some republished there or syndicated to
/// other sites. Stories `reserved` for containment traps are left out.
fn plan_stories(
    stories: &[Story],
    n: usize,
    ctx: &Ctx,
    reserved: &[bool],
    rng: &mut Rng,
    hard: &mut Rng,
) -> Vec<Planned> {
    let opts = ctx.opts;
    let quote_of = shared_quotes(stories, n, opts, rng);
    let mut pages: Vec<Planned> = Vec::new();
    for (si, story) in stories.iter().take(n).enumerate() {
        if reserved[si] {
            continue;
        }
        let mut paras = story.paras.clone();
        if let Some(q) = quote_of.get(&si) {
            let at = 1.min(paras.len());
            paras.insert(at, q.clone());
        }
        let caption = rng
            .chance(opts.caption_rate)
            .then(|| (caption_text(rng), rng.chance(0.6)));
        let brief = !ctx.brief_sites.is_empty() && rng.chance(0.06);
        let primary = if brief {
            *rng.pick(&ctx.brief_sites)
        } else {
            *rng.pick(&ctx.normal_sites)
        };
        let mut base = Version {
            title: story.title.clone(),
            paras: if brief { paras[..1].to_vec() } else { paras },
            caption: if brief { None } else { caption },
            ..Version::default()
        };
        let slug = format!("story-{si:05}");
        let mut page = |site: usize, v: Version, slug: String, kind: PageKind| {
            pages.push(Planned {
                site,
                group: Group::Story(si),
                v,
                slug,
                kind,
                at: si,
            })
        };
        if !brief && hard.chance(opts.site_variant_rate) {
            let site = &ctx.sites[primary];
            for (v, kind, suffix) in forms::site_variants(&mut base, site, hard) {
                page(primary, v, format!("{slug}-{suffix}"), kind);
            }
        } else if !brief && rng.chance(opts.republish_rate) {
            for k in 0..1 + rng.below(2) {
                let mut v = base.clone();
                if k == 1 {
                    let words: Vec<&str> = base.title.split_whitespace().take(6).collect();
                    v.paras.push(format!(
                        "Update: adds comments from {} officials on {}.",
                        rng.pick(PLACES),
                        words.join(" ").to_lowercase()
                    ));
                }
                let name = format!("{slug}-{}", ["print", "archive"][k]);
                page(primary, v, name, PageKind::Article);
            }
        }
        if !brief && rng.chance(opts.syndication_rate) {
            let copies = 1 + rng.below(4);
            for c in 0..copies {
                let site = *rng.pick(&ctx.normal_sites);
                let v = syndicated(&base, rng);
                page(site, v, format!("{slug}-copy{c}"), PageKind::Article);
            }
        }
        page(primary, base, slug, PageKind::Article);
    }
    pages
}

/// The link list a page shows: its heading and headlines.
struct PageList<'a> {
    list: &'a forms::LinkList,
    titles: Vec<&'a str>,
}

impl PageList<'_> {
    fn write(&self, page: &mut Page) {
        page.para(self.list.heading, Kind::Template, None);
        for t in &self.titles {
            page.line(t, Kind::Template);
        }
    }
}

/// Lays out one page: the site's chrome around the version's text, line by line with labels.
/// `most_read` is the basic corpus's fixed list of the site, `list` a sliding one.
fn render(
    p: &Planned,
    ctx: &Ctx,
    most_read: &[String],
    list: Option<PageList>,
    rng: &mut Rng,
    hard: &mut Rng,
) -> Page {
    let site = &ctx.sites[p.site];
    let v = &p.v;
    let full = p.kind != PageKind::Print;
    let chrome = ctx.chrome[p.site].as_ref().filter(|_| full);
    let mut page = Page::new();
    let header = if full {
        &site.header[..]
    } else {
        &site.header[..1]
    };
    for h in header {
        page.line(h, Kind::Template);
    }
    let (year, date) = chrome.map_or((0, None), |c| c.date_line(hard));
    if let Some(d) = &date {
        page.line(d, Kind::Template);
    }
    if let Some(c) = site.cookie.as_ref().filter(|_| full) {
        page.para(c, Kind::Template, site.wrap);
    }
    if let Some(c) = chrome {
        let key = match p.group {
            Group::Story(k) | Group::Notice(k) | Group::Alone(k) => k,
        };
        if let Some(desk) = c.desk(key) {
            page.para(desk, Kind::Template, None);
        }
        if c.prev_next == 2 {
            page.para("Prev Next", Kind::Template, None);
        }
    }
    for l in &v.before_title {
        page.para(l, Kind::Content, None);
    }
    page.para(&v.title, Kind::Content, None);
    for l in &v.after_title {
        page.para(l, Kind::Content, None);
    }
    let caption_at = if v.paras.len() > 1 { 1 } else { 0 };
    for (k, para) in v.paras.iter().enumerate() {
        if k == caption_at {
            if let Some((cap, twice)) = &v.caption {
                page.para(cap, Kind::Content, site.wrap);
                if *twice {
                    // scraped twice: from the alt text as it is, or from the figure
                    // caption with the photographer's credit
                    let again = if rng.chance(0.5) {
                        cap.clone()
                    } else {
                        format!("{cap} (Photo: {})", rng.pick(AGENCIES))
                    };
                    page.para(&again, Kind::Repeated, site.wrap);
                }
            }
        }
        page.para(para, Kind::Content, site.wrap);
    }
    for l in &v.after_body {
        page.para(l, Kind::Content, site.wrap);
    }
    if full {
        if let Some(l) = list.as_ref().filter(|l| l.list.after_body) {
            l.write(&mut page);
        }
        if let Some(c) = chrome {
            if c.tags {
                page.para("Tags:", Kind::Template, None);
            }
            if c.prev_next >= 1 {
                page.para("Prev Next", Kind::Template, None);
            }
        }
        if let Some(s) = site.share {
            page.para(s, Kind::Template, None);
        }
        if let Some(l) = list.as_ref().filter(|l| !l.list.after_body) {
            l.write(&mut page);
        } else if !ctx.opts.sliding_lists && site.most_read && most_read.len() >= 3 {
            page.para("Most read", Kind::Template, None);
            let start = rng.below(most_read.len());
            for k in 0..3 {
                let title = &most_read[(start + k) % most_read.len()];
                page.line(title, Kind::Template);
            }
        }
    }
    let copyright_year = 2012 + rng.below(6);
    page.para(
        &format!("© {copyright_year} {}", site.copyright),
        Kind::Template,
        None,
    );
    if full {
        let separator = chrome.is_some_and(|c| c.separator);
        if separator {
            page.line("|", Kind::Template);
        }
        for l in &site.footer_lines {
            page.line(l, Kind::Template);
        }
        if separator {
            page.line("|", Kind::Template);
        }
        if chrome.is_some_and(|c| c.lone_year) {
            page.line(&year.to_string(), Kind::Template);
        }
    }
    page
}

/// The labels of a page's lines of `kind`, 1-based.
fn lines_of(page: &Page, kind: Kind) -> Vec<u32> {
    page.lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.1 == kind)
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

/// Generates a corpus from `stories` into `out` (which must not exist or be empty) and returns
/// its labels.
pub fn generate(stories: &[Story], opts: &SynthOptions, out: &Path) -> io::Result<SynthTruth> {
    let mut rng = Rng::new(opts.seed);
    // The optional forms draw from a generator of their own: with them off, the corpus is the
    // basic one byte for byte.
    let mut hard = Rng::new(opts.seed ^ FORMS_SEED);
    let n = opts.stories.min(stories.len());
    let sites: Vec<Site> = (0..opts.sites.max(2))
        .map(|i| make_site(i, &mut rng))
        .collect();
    let ctx = Ctx {
        opts,
        normal_sites: (0..sites.len()).filter(|&s| !sites[s].brief).collect(),
        brief_sites: (0..sites.len()).filter(|&s| sites[s].brief).collect(),
        chrome: sites
            .iter()
            .map(|_| {
                opts.short_chrome
                    .then(|| forms::ShortChrome::new(&mut hard))
            })
            .collect(),
        lists: sites
            .iter()
            .map(|s| {
                if opts.sliding_lists {
                    forms::LinkList::new(s.most_read, &mut hard)
                } else {
                    None
                }
            })
            .collect(),
        sites,
    };
    let (traps, reserved) = forms::plan_traps(n, opts.containment_rate, &mut hard);
    let mut pages = plan_stories(stories, n, &ctx, &reserved, &mut rng, &mut hard);
    let mut specs = Vec::new();
    let companies = (n as f64 * opts.notice_rate).round() as usize;
    let (normal, all) = (&ctx.normal_sites, &ctx.sites);
    forms::notices(companies, normal, all, n, &mut hard, &mut pages, &mut specs);
    forms::trap_pages(
        &traps, stories, normal, all, &mut hard, &mut pages, &mut specs,
    );
    pages.sort_by_key(|p| p.at);
    write_pages(&pages, &specs, &ctx, &mut rng, &mut hard, out)
}

/// Writes the planned pages and labels them.
fn write_pages(
    pages: &[Planned],
    specs: &[PairSpec],
    ctx: &Ctx,
    rng: &mut Rng,
    hard: &mut Rng,
    out: &Path,
) -> io::Result<SynthTruth> {
    let sites = &ctx.sites;
    // The basic "most read" lists show headlines of a site's first pages.
    let mut most_read: Vec<Vec<String>> = vec![Vec::new(); sites.len()];
    // The sliding lists: each site's listed headlines in page order, and how many of them
    // came before or with each page.
    let mut listed: Vec<Vec<(String, Group)>> = vec![Vec::new(); sites.len()];
    let mut cursor = Vec::with_capacity(pages.len());
    for p in pages {
        if sites[p.site].most_read && most_read[p.site].len() < 6 {
            most_read[p.site].push(p.v.title.clone());
        }
        let titles = &mut listed[p.site];
        if p.kind.listed() && !titles.iter().any(|(t, _)| *t == p.v.title) {
            titles.push((p.v.title.clone(), p.group));
        }
        cursor.push(titles.len());
    }
    let wanted: std::collections::HashSet<&str> = specs
        .iter()
        .flat_map(|s| [s.a.as_str(), s.b.as_str()])
        .collect();

    let mut truth = SynthTruth::default();
    let mut members: BTreeMap<Group, Vec<(String, Vec<u64>)>> = BTreeMap::new();
    let mut shingles: HashMap<String, Vec<u64>> = HashMap::new();
    std::fs::create_dir_all(out)?;
    for (i, p) in pages.iter().enumerate() {
        let site = &sites[p.site];
        let list = ctx.lists[p.site].as_ref().map(|list| PageList {
            list,
            titles: forms::window(
                &listed[p.site],
                cursor[i],
                (&p.v.title, p.group),
                list.width,
            ),
        });
        let list = list.filter(|l| !l.titles.is_empty());
        let page = render(p, ctx, &most_read[p.site], list, rng, hard);

        let id = site.id(&p.slug);
        let text: String = page
            .lines
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        let path = out.join(&id);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &text)?;
        truth.bytes += text.len() as u64;
        truth.documents += 1;
        for (kind, map) in [
            (Kind::Template, &mut truth.truth.template_lines),
            (Kind::Repeated, &mut truth.truth.repeated_lines),
        ] {
            let lines = lines_of(&page, kind);
            if !lines.is_empty() {
                map.insert(id.clone(), lines);
            }
        }
        let content = normalize(&page.content.join(" "), false);
        let set = shingle_set(&content, ShingleKind::Words, 5);
        if wanted.contains(id.as_str()) {
            shingles.insert(id.clone(), set.clone());
        }
        if !matches!(p.group, Group::Alone(_)) {
            members.entry(p.group).or_default().push((id, set));
        }
    }
    for (_, group) in members {
        if group.len() < 2 {
            continue;
        }
        let mut ids: Vec<String> = group.iter().map(|g| g.0.clone()).collect();
        ids.sort();
        truth.truth.duplicate_clusters.push(ids);
        for (i, (a, sa)) in group.iter().enumerate() {
            for (b, sb) in &group[i + 1..] {
                truth.truth.pair_similarity.push(similarity(a, sa, b, sb));
            }
        }
    }
    label_pairs(specs, &shingles, &mut truth);
    truth.truth.duplicate_clusters.sort();
    truth.truth.not_duplicates.sort();
    Ok(truth)
}

/// The content similarity of two pages, ids in order.
fn similarity(a: &str, sa: &[u64], b: &str, sb: &[u64]) -> PairSimilarity {
    let (jaccard, containment) = jaccard_and_containment(sa, sb);
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    PairSimilarity {
        a: a.to_string(),
        b: b.to_string(),
        jaccard,
        containment,
    }
}

/// Labels the pairs of `specs` from the pages' content shingles.
fn label_pairs(specs: &[PairSpec], shingles: &HashMap<String, Vec<u64>>, truth: &mut SynthTruth) {
    for s in specs {
        let sim = similarity(&s.a, &shingles[&s.a], &s.b, &shingles[&s.b]);
        let duplicate = s.label.unwrap_or(sim.containment >= CONTAINED);
        let pair = vec![sim.a.clone(), sim.b.clone()];
        if !duplicate {
            truth.truth.not_duplicates.push(pair);
        } else if s.cluster {
            truth.truth.duplicate_clusters.push(pair);
            truth.truth.pair_similarity.push(sim.clone());
        }
        truth.labelled_pairs.push(LabelledPair {
            a: sim.a,
            b: sim.b,
            duplicate,
            case: s.case.to_string(),
            jaccard: sim.jaccard,
            containment: sim.containment,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("aa bb cc dd", 5), vec!["aa bb", "cc dd"]);
    }

    #[test]
    fn generates_labelled_corpus() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stories = synthetic_stories(200, 1);
        let opts = SynthOptions {
            stories: 200,
            sites: 10,
            ..SynthOptions::default()
        };
        let t = generate(&stories, &opts, dir.path()).expect("generate");
        assert!(t.documents >= 200);
        assert!(!t.truth.duplicate_clusters.is_empty());
        assert!(!t.truth.template_lines.is_empty());
        assert_eq!(
            t.truth.pair_similarity.len(),
            t.truth
                .duplicate_clusters
                .iter()
                .map(|c| c.len() * (c.len() - 1) / 2)
                .sum::<usize>()
        );
        // the same seed gives the same corpus
        let dir2 = tempfile::tempdir().expect("tempdir");
        let t2 = generate(&stories, &opts, dir2.path()).expect("generate");
        assert_eq!(t.bytes, t2.bytes);
        assert_eq!(t.truth.duplicate_clusters, t2.truth.duplicate_clusters);
    }

    #[test]
    fn real_site_forms_are_off_by_default() {
        let o = SynthOptions::default();
        assert_eq!(o.site_variant_rate, 0.0);
        assert_eq!(o.notice_rate, 0.0);
        assert_eq!(o.containment_rate, 0.0);
        assert!(!o.short_chrome && !o.sliding_lists);
    }

    #[test]
    fn real_site_forms_are_labelled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stories = synthetic_stories(400, 5);
        let opts = SynthOptions {
            stories: 400,
            sites: 10,
            containment_rate: 0.05,
            ..SynthOptions::default().with_real_site_forms()
        };
        let t = generate(&stories, &opts, dir.path()).expect("generate");
        let ids: Vec<&String> = t.truth.template_lines.keys().collect();
        for form in [
            "-print.txt",
            "-update.txt",
            "/notice-",
            "/digest-",
            "/bundle-",
        ] {
            assert!(ids.iter().any(|id| id.contains(form)), "no {form} page");
        }
        // every pair inside a cluster has its similarity
        assert_eq!(
            t.truth.pair_similarity.len(),
            t.truth
                .duplicate_clusters
                .iter()
                .map(|c| c.len() * (c.len() - 1) / 2)
                .sum::<usize>()
        );
        // a story's variants are one cluster
        let variants = t
            .truth
            .duplicate_clusters
            .iter()
            .find(|c| c.iter().any(|id| id.ends_with("-print.txt")))
            .expect("a cluster with a print page");
        assert!(variants.len() >= 3, "{variants:?}");
        // labelled pairs agree with the clusters; the positives outside clusters are the ones
        // clusters cannot say (digests)
        let cluster_of: HashMap<&str, usize> = t
            .truth
            .duplicate_clusters
            .iter()
            .enumerate()
            .flat_map(|(k, c)| c.iter().map(move |id| (id.as_str(), k)))
            .collect();
        let mut outside = 0;
        for p in &t.labelled_pairs {
            let together = cluster_of.contains_key(p.a.as_str())
                && cluster_of.get(p.a.as_str()) == cluster_of.get(p.b.as_str());
            if !p.case.contains("notice") {
                // the traps' labels follow the containment rule; the notices' are given
                assert_eq!(p.duplicate, p.containment >= CONTAINED, "{p:?}");
            }
            if !p.duplicate {
                assert!(!together, "{p:?}");
                assert!(t
                    .truth
                    .not_duplicates
                    .contains(&vec![p.a.clone(), p.b.clone()]));
            } else if !together {
                assert!(p.case.contains("digest"), "{p:?}");
                outside += 1;
            }
        }
        assert!(outside > 0, "no digest positives");
        assert!(t
            .labelled_pairs
            .iter()
            .any(|p| p.case.contains("different periods")));
        let tsv = t.pairs_tsv();
        assert_eq!(tsv.lines().count(), t.labelled_pairs.len() + 1);
        // short chrome and list lines are template wherever they are
        for (id, labelled) in &t.truth.template_lines {
            let text = std::fs::read_to_string(dir.path().join(id)).expect("page");
            for (n, line) in text.lines().enumerate() {
                let short = ["Prev Next", "Tags:", "|", "Most read", "Related stories"];
                if short.contains(&line) {
                    assert!(labelled.contains(&(n as u32 + 1)), "{id}:{}", n + 1);
                }
            }
        }
    }
}
