//! The forms real crawls have that the basic corpus lacks (issue 11), each behind a field of
//! [`SynthOptions`](crate::SynthOptions) and drawn from a generator of its own, so that with
//! all of them off the corpus is the basic one byte for byte:
//!
//! - **site variants**: a story on 3–6 pages of its own site (print, mobile, archive, update,
//!   correction), each with a line or two of its own; one cluster, the story content on all;
//! - **thin notices**: dividend notices of one company or fund for different periods (same
//!   headline and form lines, other dates), not duplicates of each other, and one of them filed
//!   twice, which is;
//! - **short chrome**: 1–3-word lines of a site (a date widget, a desk name, `Prev Next`,
//!   `Tags:`, `|`, a lone year), some twice on a page: template;
//! - **sliding link lists**: "Most read" / "Related stories" lists of a window sliding over
//!   the site's headlines: template, while each headline stays content on its own page;
//! - **containment traps**: a page bundling a whole other story (a duplicate of it by
//!   containment), a page bundling part of one (not a duplicate), and digest pages of briefs
//!   (each brief a duplicate of the digests holding it; two briefs of one digest, or two
//!   digests sharing a brief, are not duplicates of each other). What clusters cannot say is
//!   labelled pair by pair ([`LabelledPair`](crate::LabelledPair)).

use crate::{Group, PageKind, PairSpec, Planned, Rng, Site, Story, Version};
use crate::{FIRST_NAMES, LAST_NAMES, PLACES};

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
/// Desk names shown above a headline: 1–3 words.
const DESKS: &[&str] = &[
    "Business",
    "Daily Intel",
    "Markets",
    "World",
    "The Money Desk",
    "Local News",
    "Vulture",
    "Politics",
    "Sport",
    "Tech",
    "Opinion",
    "The Rundown",
    "City Desk",
    "Economy",
];

/// Day of the week of a date (Sakamoto), 0 = Sunday; `month` 1-based.
fn weekday(year: usize, month: usize, day: usize) -> usize {
    const T: [usize; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    (y + y / 4 - y / 100 + y / 400 + T[month - 1] + day) % 7
}

/// A site's short chrome lines.
#[derive(Debug, Clone)]
pub(crate) struct ShortChrome {
    /// Style of the date widget under the navigation, if any.
    date: Option<usize>,
    /// Desk names, one of them above each headline.
    desks: Vec<&'static str>,
    /// `Prev Next`: 0 none, 1 under the story, 2 above the headline too.
    pub prev_next: u8,
    /// `Tags:` under the story.
    pub tags: bool,
    /// A `|` line before and after the footer links.
    pub separator: bool,
    /// A lone year under the footer.
    pub lone_year: bool,
    /// The first year of the site's dates.
    year: usize,
}

impl ShortChrome {
    pub(crate) fn new(rng: &mut Rng) -> ShortChrome {
        let mut desks: Vec<&'static str> = DESKS.to_vec();
        for k in (1..desks.len()).rev() {
            desks.swap(k, rng.below(k + 1));
        }
        desks.truncate(2 + rng.below(2));
        let date = rng.chance(0.7).then(|| rng.below(3));
        let desks = if rng.chance(0.7) { desks } else { Vec::new() };
        let prev_next = [0, 1, 1, 2][rng.below(4)];
        ShortChrome {
            date,
            desks,
            prev_next,
            tags: rng.chance(0.5),
            separator: rng.chance(0.5),
            lone_year: rng.chance(0.5),
            year: 2004 + rng.below(8),
        }
    }

    /// The page's date and its widget line (digits and month change from page to page).
    pub(crate) fn date_line(&self, rng: &mut Rng) -> (usize, Option<String>) {
        let year = self.year + rng.below(2);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let name = MONTHS[month - 1];
        let line = self.date.map(|style| match style {
            0 => format!("{name} {day}, {year}"),
            1 => format!(
                "{}, {name} {day}, {year}",
                WEEKDAYS[weekday(year, month, day)]
            ),
            _ => format!("{day} {name} {year}"),
        });
        (year, line)
    }

    /// The desk of a story (`key` chooses it, so all pages of a story have the same one).
    pub(crate) fn desk(&self, key: usize) -> Option<&'static str> {
        (!self.desks.is_empty()).then(|| self.desks[key % self.desks.len()])
    }
}

/// A site's list of links to its other stories.
#[derive(Debug, Clone)]
pub(crate) struct LinkList {
    /// Its heading line.
    pub heading: &'static str,
    /// Headlines shown.
    pub width: usize,
    /// Right under the story ("Related stories"), else in the footer ("Most read").
    pub after_body: bool,
}

impl LinkList {
    /// The list of a site: "Most read" where the basic corpus has one, "Related stories" on
    /// some other sites.
    pub(crate) fn new(most_read: bool, rng: &mut Rng) -> Option<LinkList> {
        let width = 4 + rng.below(2);
        if most_read {
            Some(LinkList {
                heading: "Most read",
                width,
                after_body: false,
            })
        } else {
            rng.chance(0.6).then_some(LinkList {
                heading: "Related stories",
                width,
                after_body: true,
            })
        }
    }
}

/// The headlines a page's list shows: the `width` headlines of its site published before it
/// (circularly), its own story's left out. `titles` are the site's listed headlines in page
/// order, `cursor` how many of them came before or with the page.
pub(crate) fn window<'a>(
    titles: &'a [(String, Group)],
    cursor: usize,
    own: (&str, Group),
    width: usize,
) -> Vec<&'a str> {
    let m = titles.len();
    if m < width + 2 {
        return Vec::new();
    }
    (1..=m)
        .map(|k| &titles[(cursor + m - k) % m])
        .filter(|(t, g)| t != own.0 && *g != own.1)
        .take(width)
        .map(|(t, _)| t.as_str())
        .collect()
}

fn slug_words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn lower_words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The pages a story gets on its own site besides its main page: 2–5 of print, mobile,
/// archive, update and correction, each with a line or two of its own. Changes `base` too:
/// it gets a byline. Returns (version, kind, slug suffix).
pub(crate) fn site_variants(
    base: &mut Version,
    site: &Site,
    rng: &mut Rng,
) -> Vec<(Version, PageKind, &'static str)> {
    let (first, last) = (*rng.pick(FIRST_NAMES), *rng.pick(LAST_NAMES));
    let byline = format!("By {first} {last}");
    base.after_title.push(byline.clone());
    let mut kinds = [
        PageKind::Print,
        PageKind::Mobile,
        PageKind::Archive,
        PageKind::Update,
        PageKind::Correction,
    ];
    for k in (1..kinds.len()).rev() {
        kinds.swap(k, rng.below(k + 1));
    }
    let count = 2 + rng.below(4);
    let mut out = Vec::new();
    for &kind in &kinds[..count] {
        let mut v = base.clone();
        let suffix = match kind {
            PageKind::Print => {
                v.before_title.push(format!(
                    "Printed from {}/{}",
                    site.domain(),
                    slug_words(&base.title, 8)
                ));
                "print"
            }
            PageKind::Mobile => {
                v.after_title = vec![format!(
                    "{first} {last}, {}",
                    rng.pick(&["Staff Reporter", "Business Correspondent", "Senior Writer"])
                )];
                "mobile"
            }
            PageKind::Archive => {
                v.after_body.push(format!(
                    "From our archive: {}, first published in {} {}.",
                    lower_words(&base.title, 6),
                    rng.pick(&MONTHS),
                    1984 + rng.below(4)
                ));
                "archive"
            }
            PageKind::Update => {
                v.title = format!("UPDATE {}-{}", 1 + rng.below(3), base.title);
                v.after_title = vec![format!(
                    "By {first} {last} and {} {}",
                    rng.pick(FIRST_NAMES),
                    rng.pick(LAST_NAMES)
                )];
                v.after_body.push(format!(
                    "Update: adds comments from {} officials on {}.",
                    rng.pick(PLACES),
                    lower_words(&base.title, 6)
                ));
                "update"
            }
            _ => {
                v.after_title = vec![format!(
                    "By {first} {last}; editing by {} {}",
                    rng.pick(FIRST_NAMES),
                    rng.pick(LAST_NAMES)
                )];
                v.after_body.push(format!(
                    "(Corrects spelling of {}'s name in paragraph {})",
                    rng.pick(LAST_NAMES),
                    1 + rng.below(v.paras.len().max(1))
                ));
                "correction"
            }
        };
        out.push((v, kind, suffix));
    }
    out
}

/// Dividend notices: `companies` companies or funds, each on one site with 2–4 notices for
/// consecutive periods (one headline and the same form lines, other dates: not duplicates),
/// one of them filed twice with some probability (a duplicate pair).
pub(crate) fn notices(
    companies: usize,
    sites: &[usize],
    site_dirs: &[Site],
    n: usize,
    rng: &mut Rng,
    pages: &mut Vec<Planned>,
    specs: &mut Vec<PairSpec>,
) {
    const FUNDS: &[&str] = &[
        "TAX-FREE INCOME FUND",
        "MUNICIPAL BOND FUND",
        "GROWTH AND INCOME FUND",
        "HIGH YIELD TRUST",
        "UTILITIES INCOME FUND",
        "GOVERNMENT SECURITIES TRUST",
    ];
    const FIRMS: &[&str] = &[
        "BANCORP",
        "SAVINGS BANK",
        "MINING CORP",
        "ENERGY INC",
        "INDUSTRIES INC",
        "FINANCIAL CORP",
    ];
    let mut names: Vec<(String, bool)> = Vec::new();
    for place in PLACES {
        for f in FUNDS {
            names.push((format!("{} {f}", place.to_uppercase()), true));
        }
        for f in FIRMS {
            names.push((format!("{} {f}", place.to_uppercase()), false));
        }
    }
    for k in (1..names.len()).rev() {
        names.swap(k, rng.below(k + 1));
    }
    let mut filing = 0usize;
    for (c, (name, fund)) in names.into_iter().take(companies).enumerate() {
        let site = *rng.pick(sites);
        let monthly = fund && rng.chance(0.7);
        let title = match (monthly, rng.below(2)) {
            (true, 0) => format!("{name} SETS MONTHLY PAYOUT"),
            (true, _) => format!("{name} PAYOUT"),
            (false, 0) => format!("{name} SETS QUARTERLY DIVIDEND"),
            (false, _) => format!("{name} QUARTERLY DIVIDEND"),
        };
        let step = if monthly { 1 } else { 3 };
        let mut amount = if fund {
            format!("{}.{}", 3 + rng.below(6), rng.below(10))
        } else {
            format!("{}", 5 * (1 + rng.below(8)))
        };
        let pay_day = 10 + rng.below(15);
        let record_day = 1 + rng.below(9);
        let mut month = rng.below(12);
        let filings = 2 + rng.below(3);
        let twice = rng.chance(0.5).then(|| rng.below(filings));
        let mut ids: Vec<(String, usize)> = Vec::new();
        for k in 0..filings {
            let prior = amount.clone();
            if k > 0 && rng.chance(0.25) {
                amount = if fund {
                    format!("{}.{}", 3 + rng.below(6), rng.below(10))
                } else {
                    format!("{}", 5 * (1 + rng.below(8)))
                };
            }
            let pay = MONTHS[month];
            let record = MONTHS[(month + 11) % 12];
            let paras = vec![
                if monthly {
                    format!("Mthly div {amount} cts vs {prior} cts last month")
                } else {
                    format!("Qtly div {amount} cts vs {prior} cts prior")
                },
                format!("Payable {pay} {pay_day}"),
                format!("Record {record} {record_day}"),
            ];
            let v = Version {
                title: title.clone(),
                paras,
                ..Version::default()
            };
            let at = rng.below(n.max(1));
            let copies = if twice == Some(k) { 2 } else { 1 };
            for copy in 0..copies {
                let slug = if copy == 0 {
                    format!("notice-{c:03}-{k}")
                } else {
                    format!("notice-{c:03}-{k}-refiled")
                };
                ids.push((site_dirs[site].id(&slug), filing));
                pages.push(Planned {
                    site,
                    group: Group::Notice(filing),
                    v: v.clone(),
                    slug,
                    kind: PageKind::Notice,
                    at: if copy == 0 { at } else { rng.below(n.max(1)) },
                });
            }
            filing += 1;
            month = (month + step) % 12;
        }
        for (i, (a, fa)) in ids.iter().enumerate() {
            for (b, fb) in &ids[i + 1..] {
                specs.push(PairSpec {
                    a: a.clone(),
                    b: b.clone(),
                    case: if fa == fb {
                        "notice filed twice"
                    } else {
                        "notices of different periods"
                    },
                    label: Some(fa == fb),
                    cluster: false,
                });
            }
        }
    }
}

/// The kinds of containment trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrapKind {
    /// A page with a story and the whole of another, which is also published alone.
    Bundle,
    /// A page with a story and the first half of another, which is also published alone.
    Partial,
    /// Digest pages of `per` briefs each, `digests` of them, consecutive digests sharing a
    /// brief; each brief also published alone.
    Digest { per: usize, digests: usize },
}

impl TrapKind {
    fn stories(self) -> usize {
        match self {
            TrapKind::Bundle | TrapKind::Partial => 2,
            TrapKind::Digest { per, digests } => digests * (per - 1) + 1,
        }
    }
}

/// A containment trap and the stories it uses (they appear nowhere else).
#[derive(Debug, Clone)]
pub(crate) struct Trap {
    pub kind: TrapKind,
    pub first: usize,
}

/// Chooses the traps: from each story on, with probability `rate`, a trap that uses it and
/// the stories after it. Returns the traps and which stories they reserve.
pub(crate) fn plan_traps(n: usize, rate: f64, rng: &mut Rng) -> (Vec<Trap>, Vec<bool>) {
    let mut reserved = vec![false; n];
    let mut traps = Vec::new();
    if rate <= 0.0 {
        return (traps, reserved);
    }
    let mut si = 0;
    while si < n {
        if !rng.chance(rate) {
            si += 1;
            continue;
        }
        // Digests are few and small: `truth.json` cannot label them (their pages are in no
        // cluster), so every join among them counts as a false pair there, right or wrong.
        let kind = match rng.below(6) {
            0..=2 => TrapKind::Bundle,
            3 | 4 => TrapKind::Partial,
            _ => match rng.below(3) {
                0 => TrapKind::Digest { per: 2, digests: 1 },
                1 => TrapKind::Digest { per: 3, digests: 1 },
                _ => TrapKind::Digest { per: 2, digests: 2 },
            },
        };
        let need = kind.stories();
        if si + need > n {
            break;
        }
        for r in &mut reserved[si..si + need] {
            *r = true;
        }
        traps.push(Trap { kind, first: si });
        si += need;
    }
    (traps, reserved)
}

/// A story's headline and paragraphs as they appear inside another page.
fn inside(story: &Story, paras: usize) -> Vec<String> {
    let mut out = vec![story.title.clone()];
    out.extend(story.paras.iter().take(paras).cloned());
    out
}

/// The pages of the traps and the labels of their pairs.
pub(crate) fn trap_pages(
    traps: &[Trap],
    stories: &[Story],
    sites: &[usize],
    site_dirs: &[Site],
    rng: &mut Rng,
    pages: &mut Vec<Planned>,
    specs: &mut Vec<PairSpec>,
) {
    for (t, trap) in traps.iter().enumerate() {
        let mut page = |site: usize, slug: String, v: Version, kind: PageKind| {
            let id = site_dirs[site].id(&slug);
            pages.push(Planned {
                site,
                group: Group::Alone(pages.len()),
                v,
                slug,
                kind,
                at: trap.first,
            });
            id
        };
        match trap.kind {
            TrapKind::Bundle | TrapKind::Partial => {
                let (a, b) = (&stories[trap.first], &stories[trap.first + 1]);
                let whole = trap.kind == TrapKind::Bundle;
                let mut held = inside(b, b.paras.len());
                if !whole {
                    // about the first half of the other story's words
                    let words: Vec<&str> = b.paras.iter().flat_map(|p| p.split(' ')).collect();
                    held.truncate(1);
                    held.push(words[..(words.len() / 2).max(1)].join(" "));
                }
                let mut paras = a.paras.clone();
                paras.extend(held);
                let long = Version {
                    title: a.title.clone(),
                    paras,
                    ..Version::default()
                };
                let short = Version {
                    title: b.title.clone(),
                    paras: b.paras.clone(),
                    ..Version::default()
                };
                let (s1, s2) = (*rng.pick(sites), *rng.pick(sites));
                let name = if whole { "bundle" } else { "partial" };
                let long_id = page(s1, format!("{name}-{t:03}"), long, PageKind::Article);
                let short_id = page(s2, format!("{name}-{t:03}-inner"), short, PageKind::Article);
                specs.push(PairSpec {
                    a: long_id,
                    b: short_id,
                    case: if whole {
                        "story bundled whole in another"
                    } else {
                        "story bundled in part in another"
                    },
                    label: None,
                    cluster: true,
                });
            }
            TrapKind::Digest { per, digests } => {
                let site = *rng.pick(sites);
                let briefs: Vec<&Story> = (0..trap.kind.stories())
                    .map(|k| &stories[trap.first + k])
                    .collect();
                let mut ids = Vec::new();
                for (k, b) in briefs.iter().enumerate() {
                    let v = Version {
                        title: b.title.clone(),
                        paras: b.paras.iter().take(3).cloned().collect(),
                        ..Version::default()
                    };
                    ids.push(page(
                        site,
                        format!("brief-{t:03}-{k}"),
                        v,
                        PageKind::Article,
                    ));
                }
                for d in 0..digests {
                    let held = &briefs[d * (per - 1)..d * (per - 1) + per];
                    let title = format!(
                        "In brief: {}",
                        held.iter()
                            .map(|b| lower_words(&b.title, 4))
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                    let paras = held.iter().flat_map(|b| inside(b, 3)).collect();
                    let v = Version {
                        title,
                        paras,
                        ..Version::default()
                    };
                    ids.push(page(
                        site,
                        format!("digest-{t:03}-{d}"),
                        v,
                        PageKind::Article,
                    ));
                }
                for (i, a) in ids.iter().enumerate() {
                    for b in &ids[i + 1..] {
                        let both_briefs = !a.contains("digest-") && !b.contains("digest-");
                        let both_digests = a.contains("digest-") && b.contains("digest-");
                        specs.push(PairSpec {
                            a: a.clone(),
                            b: b.clone(),
                            case: if both_briefs {
                                "briefs in one digest"
                            } else if both_digests {
                                "digests sharing a brief"
                            } else {
                                "brief and digest"
                            },
                            label: None,
                            cluster: false,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_are_right() {
        assert_eq!(WEEKDAYS[weekday(2005, 8, 30)], "Tuesday");
        assert_eq!(WEEKDAYS[weekday(2000, 1, 1)], "Saturday");
    }

    #[test]
    fn list_windows_slide_and_skip_the_page_itself() {
        let titles: Vec<(String, Group)> =
            (0..8).map(|i| (format!("t{i}"), Group::Story(i))).collect();
        let w = window(&titles, 3, ("t2", Group::Story(2)), 3);
        assert_eq!(w, vec!["t1", "t0", "t7"]);
        let next = window(&titles, 4, ("t3", Group::Story(3)), 3);
        assert_eq!(next, vec!["t2", "t1", "t0"]);
        assert!(window(&titles[..4], 2, ("t1", Group::Story(1)), 3).is_empty());
    }
}
