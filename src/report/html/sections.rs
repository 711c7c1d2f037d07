//! The sections of the page, each written into one `String`. Every string from the report or
//! the corpus goes through [`Esc`]; numbers and the page's own words are written as they are.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape::{clip, Esc};
use super::highlight::mark_shared;
use super::{charts, compared_pairs, HtmlOptions, Texts, TEXT_BUDGET, TEXT_BYTES};
use crate::human::{self, counted, noun, percent, thousands};
use crate::report::types::{Cluster, ClusterMember, Report, TemplateBlock};
use crate::sketch::lsh::LshParams;

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {
        let _ = write!($out, $($arg)*);
    };
}

/// "Showing the first 200 of 3,972 clusters; 3,772 left out" when a list of `what` (singular;
/// `order` after it) was cut.
fn left_out(out: &mut String, shown: usize, total: usize, what: &str, order: &str) {
    if shown < total {
        w!(
            out,
            r#"<p class="cut">Showing {} of {}{order}; {} left out (raise <code>--html-limit</code> to see more).</p>"#,
            thousands(shown as u64),
            counted(total as u64, what),
            thousands((total - shown) as u64)
        );
    }
}

/// The bar at the top: title, corpus, section links and the filter.
pub fn header(out: &mut String, report: &Report) {
    let s = &report.summary;
    out.push_str(r#"<header class="top"><div class="brand"><h1>neardup report</h1>"#);
    if let Some(corpus) = report.timing.as_ref().and_then(|t| t.corpus.as_deref()) {
        w!(out, r#"<span class="corpus">{}</span>"#, Esc(corpus));
    }
    out.push_str("</div><nav>");
    for (anchor, label, count) in [
        ("summary", "Summary", None),
        ("charts", "Charts", None),
        ("clusters", "Clusters", Some(s.duplicate_clusters)),
        ("templates", "Templates", Some(s.template_blocks)),
        (
            "repeats",
            "Repeated",
            Some(report.repeated_blocks.len() as u64),
        ),
        ("skipped", "Skipped", Some(s.skipped)),
    ] {
        w!(out, r##"<a href="#{anchor}">{label}"##);
        if let Some(n) = count {
            w!(out, r#" <span class="n">{}</span>"#, thousands(n));
        }
        out.push_str("</a>");
    }
    out.push_str(
        r#"</nav><div class="find"><input id="filter" type="search" autocomplete="off" placeholder="Filter by id, site or text  ( / )" aria-label="Filter by document id, site or text"><span id="filter-status" aria-live="polite"></span></div></header>"#,
    );
}

/// The figures of the scan, what a cleaned corpus keeps, and the parameters.
pub fn summary(out: &mut String, report: &Report) {
    let s = &report.summary;
    let kept = s.documents.saturating_sub(s.duplicate_documents);
    out.push_str(r#"<section id="summary"><h2>Summary</h2><div class="stats">"#);
    let mut stat = |value: String, label: &str, note: String| {
        w!(
            out,
            r#"<div class="stat"><b>{value}</b><span>{label}</span><small>{note}</small></div>"#
        );
    };
    stat(
        thousands(s.documents),
        &noun(s.documents, "document"),
        format!(
            "{} of text from {}",
            human::bytes(s.bytes),
            counted(s.files, "file")
        ),
    );
    stat(
        thousands(s.duplicate_clusters),
        &noun(s.duplicate_clusters, "duplicate cluster"),
        format!(
            "{} exact, {} chained; {} of {} verified",
            thousands(s.exact_duplicate_clusters),
            thousands(s.chained_clusters),
            thousands(s.verified_pairs),
            counted(s.candidate_pairs, "candidate pair")
        ),
    );
    stat(
        thousands(s.duplicate_documents),
        &format!("{} to drop", noun(s.duplicate_documents, "document")),
        format!(
            "{} of the corpus",
            percent(s.duplicate_documents, s.documents)
        ),
    );
    stat(
        thousands(kept),
        "a cleaned corpus would keep",
        format!(
            "{}; stripped: {} template, {} repeated, {}{}",
            percent(kept, s.documents),
            thousands(s.template_spans),
            thousands(s.repeated_spans),
            counted(s.reused_spans, "reused span"),
            match s.boilerplate_spans {
                0 => String::new(),
                n => format!(", {} (page structure)", counted(n, "boilerplate run")),
            }
        ),
    );
    stat(
        thousands(s.template_blocks),
        &noun(s.template_blocks, "template block"),
        counted(s.reused_blocks, "reused block"),
    );
    let reasons = match s.skipped_by_reason.len() {
        0 => "every input was read".to_string(),
        n => format!("{}; see Skipped", counted(n as u64, "reason")),
    };
    stat(
        thousands(s.skipped),
        &format!("{} skipped", noun(s.skipped, "input")),
        reasons,
    );
    if let Some(t) = &report.timing {
        stat(
            format!("{:.2} s", t.seconds),
            "scan time",
            counted(t.threads as u64, "thread"),
        );
    }
    out.push_str("</div>");
    if !s.skipped_by_reason.is_empty() {
        out.push_str(r##"<p class="params">skipped by reason: "##);
        for (reason, n) in &s.skipped_by_reason {
            w!(
                out,
                r#"<span class="tag">{} ×{}</span> "#,
                Esc(reason),
                thousands(*n)
            );
        }
        out.push_str(r##"<a href="#skipped">list</a></p>"##);
    }
    parameters(out, report);
    out.push_str("</section>");
}

/// The parameters: the few that decide most on one line, all of them in a table below.
fn parameters(out: &mut String, report: &Report) {
    let p = &report.summary.parameters;
    let containment = p
        .containment
        .map_or_else(|| "off".to_string(), |c| c.to_string());
    w!(
        out,
        r#"<p class="params">threshold <b>{}</b> · containment <b>{}</b> · {} {}-grams · {} · LSH {} × {} · verify {} · keep {} · template ≥ {}</p>"#,
        p.threshold,
        Esc(&containment),
        Esc(&p.shingle),
        p.ngram,
        counted(p.num_perm as u64, "permutation"),
        counted(p.bands as u64, "band"),
        counted(p.rows as u64, "row"),
        Esc(&p.verify),
        Esc(&p.keep),
        counted(p.template_min_docs as u64, "document")
    );
    out.push_str(
        r#"<details class="allparams"><summary>All parameters</summary><table class="kv">"#,
    );
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(p) {
        for (key, value) in map {
            let shown = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            w!(
                out,
                "<tr><th>{}</th><td>{}</td></tr>",
                Esc(&key),
                Esc(&shown)
            );
        }
    }
    out.push_str("</table></details>");
}

/// The similarity histogram and the S-curve, side by side.
pub fn charts(out: &mut String, report: &Report) {
    let s = &report.summary;
    let p = &s.parameters;
    out.push_str(
        r#"<section id="charts"><h2>How similar the compared pairs are</h2><div class="charts">"#,
    );
    out.push_str(r#"<figure><figcaption>Candidate pairs by Jaccard: <span class="key v">verified</span> <span class="key m">rejected</span>"#);
    if let Some(c) = p.containment {
        // a verified pair below the threshold was joined because one lies inside the other
        w!(
            out,
            r#"<br><small>Verified bars below the threshold {} are containment joins: the smaller document lies at least {c} inside the larger.</small>"#,
            p.threshold
        );
    }
    out.push_str("</figcaption>");
    match charts::histogram(&s.similarity_histogram, &s.near_miss_histogram, p.threshold) {
        Some(svg) => out.push_str(&svg),
        None => out.push_str(r#"<p class="none">No candidate pair was compared.</p>"#),
    }
    out.push_str("</figure>");
    w!(
        out,
        r#"<figure><figcaption>Chance that a pair becomes a candidate ({} × {})</figcaption>"#,
        counted(p.bands as u64, "band"),
        counted(p.rows as u64, "row")
    );
    if p.bands > 0 && p.rows > 0 {
        let params = LshParams {
            bands: p.bands,
            rows: p.rows,
        };
        out.push_str(&charts::s_curve(
            params,
            p.threshold,
            p.lsh_design_threshold,
        ));
    }
    out.push_str("</figure></div></section>");
}

/// Says how many texts read again are not the ones the scan read (their hashes differ).
fn changed_texts(out: &mut String, texts: &Texts) {
    if !texts.changed.is_empty() {
        w!(
            out,
            r#"<p class="warn">{} changed since the scan: the figures beside them are of the text the scan read, not of the text shown.</p>"#,
            Esc(&crate::human::count(texts.changed.len() as u64, "text"))
        );
    }
}

/// Says which of a pair shown side by side changed since the scan.
fn changed_pair(out: &mut String, texts: &Texts, pair: [&str; 2]) {
    let changed: Vec<&str> = pair
        .into_iter()
        .filter(|id| texts.changed.contains(*id))
        .collect();
    if !changed.is_empty() {
        w!(
            out,
            r#"<p class="warn">Changed since the scan: {} (the figures are of the text the scan read).</p>"#,
            Esc(&changed.join(", "))
        );
    }
}

/// The duplicate clusters, largest first; each opens to its members, side by side with the
/// document each matches.
pub fn clusters(out: &mut String, report: &Report, shown: &[&Cluster], texts: &Texts) {
    let threshold = report.summary.parameters.threshold;
    let total = report.duplicate_clusters.len();
    w!(
        out,
        r#"<section id="clusters"><h2>Duplicate clusters <span class="n">{}</span></h2>"#,
        thousands(total as u64)
    );
    if total == 0 {
        out.push_str(
            r#"<p class="none">No near-duplicate documents at these thresholds.</p></section>"#,
        );
        return;
    }
    out.push_str(r#"<p class="hint">Largest first. Open a cluster, then a member, to read it beside the document it matches; <mark>marked</mark> passages are shared (runs of words in a common word n-gram).</p>"#);
    if let Some(why) = &texts.unavailable {
        w!(out, r#"<p class="warn">Texts not shown: {}.</p>"#, Esc(why));
    }
    changed_texts(out, texts);
    let ngram = if report.summary.parameters.shingle == "words" {
        report.summary.parameters.ngram.clamp(3, 8)
    } else {
        5
    };
    let fold = report.summary.parameters.fold_digits;
    let with_text = plan_texts(shown, texts);
    for (cluster, &n_text) in shown.iter().zip(&with_text) {
        cluster_head(out, cluster, threshold);
        let compared: Vec<(&str, &str)> = compared_pairs(cluster).collect();
        let others = cluster
            .documents
            .iter()
            .filter(|m| m.id != cluster.representative);
        for (i, m) in others.take(MEMBERS_LISTED).enumerate() {
            let direct = m.duplicate_of.as_deref().unwrap_or(&cluster.representative);
            if i >= compared.len() {
                member_line(out, m, direct, threshold, "div");
                out.push_str("</div>");
                continue;
            }
            member_line(out, m, direct, threshold, "details");
            let (a, b) = compared[i];
            match (texts.get(a), texts.get(b)) {
                (Some(ta), Some(tb)) if i < n_text => {
                    changed_pair(out, texts, [a, b]);
                    let (ma, mb) = mark_shared(ta, tb, ngram, fold, TEXT_BYTES);
                    side_by_side(out, (a, &ma), (b, &mb));
                }
                (Some(_), Some(_)) => out.push_str(
                    r#"<p class="warn">Text left out to keep the page a few MB (every cluster's first members are shown first).</p>"#,
                ),
                _ if texts.unavailable.is_some() => {}
                (ta, tb) => {
                    let missing: Vec<&str> = [(a, ta), (b, tb)]
                        .into_iter()
                        .filter(|(_, t)| t.is_none())
                        .map(|(id, _)| id)
                        .collect();
                    w!(
                        out,
                        r#"<p class="warn">Could not read again: {} (moved, changed or renamed since the scan).</p>"#,
                        Esc(&missing.join(", "))
                    );
                }
            }
            out.push_str("</details>");
        }
        let members = cluster.documents.len() - 1;
        if members > compared.len() {
            w!(
                out,
                r#"<p class="cut">Side-by-side views for the first {}"#,
                counted(compared.len() as u64, "member")
            );
            if members > MEMBERS_LISTED {
                let more = (members - MEMBERS_LISTED) as u64;
                w!(
                    out,
                    "; {} more {} {} in the JSON report",
                    thousands(more),
                    noun(more, "member"),
                    noun(more, "is")
                );
            }
            out.push_str(".</p>");
        }
        out.push_str("</div></details>");
    }
    left_out(out, shown.len(), total, "cluster", "");
    out.push_str("</section>");
}

/// Members of a cluster listed (the first of them side by side); a cluster of thousands of
/// copies would otherwise fill the page.
const MEMBERS_LISTED: usize = 20;

/// How many of each cluster's compared members show their texts, within [`TEXT_BUDGET`]:
/// every cluster's first member, then every cluster's second, and so on, so that the largest
/// clusters do not take the whole budget.
fn plan_texts(shown: &[&Cluster], texts: &Texts) -> Vec<usize> {
    let pairs: Vec<Vec<(&str, &str)>> = shown.iter().map(|c| compared_pairs(c).collect()).collect();
    let cost = |id: &str| texts.get(id).map_or(0, |t| t.len().min(TEXT_BYTES));
    let mut with_text = vec![0; shown.len()];
    let mut budget = TEXT_BUDGET;
    for round in 0..super::PAIRS_PER_CLUSTER {
        for (n, p) in with_text.iter_mut().zip(&pairs) {
            let Some(&(a, b)) = p.get(round) else {
                continue;
            };
            // Escaping and marks add about a tenth.
            let need = (cost(a) + cost(b)) * 11 / 10;
            if *n == round && need <= budget {
                budget -= need;
                *n += 1;
            }
        }
    }
    with_text
}

/// A cluster's line: id, size, the document kept, the range of similarities.
fn cluster_head(out: &mut String, cluster: &Cluster, threshold: f64) {
    let others = || {
        cluster
            .documents
            .iter()
            .filter(|m| m.id != cluster.representative)
    };
    let lo = others().map(|m| m.similarity).fold(f64::INFINITY, f64::min);
    let hi = others().map(|m| m.similarity).fold(0.0, f64::max);
    let range = if (hi - lo).abs() < 0.005 {
        format!("{hi:.2}")
    } else {
        format!("{lo:.2}–{hi:.2}")
    };
    w!(
        out,
        r#"<details class="cluster" id="c{id}" data-row><summary><span class="cid">#{id}</span><span class="size">{n}</span><span class="rep"><code>{rep}</code></span><span class="others">← {others}</span><span class="sim{low}">{range}</span><span class="tags">"#,
        id = cluster.id,
        n = cluster.documents.len(),
        rep = Esc(&cluster.representative),
        // whole ids, wrapped: a cut id cannot be found again
        others = Esc(&others()
            .take(8)
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")),
        low = if lo < threshold { " low" } else { "" },
    );
    if cluster.exact {
        out.push_str(r#"<span class="tag">exact</span>"#);
    }
    if cluster.chained {
        out.push_str(r#"<span class="tag">chained</span>"#);
    }
    w!(
        out,
        r#"</span></summary><div class="members"><div class="keep">kept: <code>{}</code></div>"#,
        Esc(&cluster.representative)
    );
}

/// A member's line: its id, the document it matches and the figures (a `<details>` summary
/// when its side-by-side view follows, else a plain row). Leaves the element open.
fn member_line(out: &mut String, m: &ClusterMember, direct: &str, threshold: f64, element: &str) {
    let by_containment = m.similarity < threshold;
    w!(out, r#"<{element} class="member">"#);
    if element == "details" {
        out.push_str("<summary>");
    }
    w!(
        out,
        r#"<code>{}</code> <span class="vs">matches</span> <code>{}</code> <span class="fig">Jaccard <b>{:.2}</b> · containment <b>{:.2}</b></span>"#,
        Esc(&m.id),
        Esc(direct),
        m.similarity,
        m.containment
    );
    if by_containment {
        out.push_str(r#" <span class="tag joined">joined by containment</span>"#);
    }
    if element == "details" {
        out.push_str("</summary>");
    }
}

/// Two texts beside each other with their shared passages marked.
fn side_by_side(out: &mut String, a: (&str, &super::Marked), b: (&str, &super::Marked)) {
    out.push_str(r#"<div class="sbs">"#);
    for ((id, marked), role) in [(a, "dropped"), (b, "its match")] {
        w!(
            out,
            r#"<div class="pane"><div class="ph"><code>{}</code> <span class="role">{role}</span> <span class="share">{:.0}% shared</span></div><pre class="doc">{}"#,
            Esc(id),
            marked.shared_share * 100.0,
            marked.html
        );
        if marked.cut_bytes > 0 {
            w!(
                out,
                r#"<span class="more">… {} more</span>"#,
                human::bytes(marked.cut_bytes as u64)
            );
        }
        out.push_str("</pre></div>");
    }
    out.push_str("</div>");
}

/// The template blocks of one site.
#[derive(Default)]
struct SiteBlocks<'a> {
    /// The blocks shown (within the page's limit).
    shown: Vec<&'a TemplateBlock>,
    /// Spans marked on the site, over all its blocks.
    occurrences: u64,
    /// All its blocks.
    blocks: usize,
}

/// Template blocks site by site (the sites with most blocks first), each site's blocks in page
/// order (header, body, footer), most pages first; the limit keeps the blocks on most pages.
pub fn templates(out: &mut String, report: &Report, opts: &HtmlOptions) {
    let total = report.template_blocks.len();
    w!(
        out,
        r#"<section id="templates"><h2>Template blocks <span class="n">{}</span></h2>"#,
        thousands(total as u64)
    );
    if total == 0 {
        out.push_str(r#"<p class="none">No template blocks.</p></section>"#);
        return;
    }
    let mut blocks: Vec<&TemplateBlock> = report.template_blocks.iter().collect();
    blocks.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.text.cmp(&b.text)));
    let mut by_site: BTreeMap<&str, SiteBlocks> = BTreeMap::new();
    for b in &blocks {
        for (site, occurrences) in &b.sites {
            let entry = by_site.entry(site.as_str()).or_default();
            entry.occurrences += occurrences;
            entry.blocks += 1;
        }
    }
    for b in blocks.iter().take(opts.limit) {
        for site in b.sites.keys() {
            if let Some(entry) = by_site.get_mut(site.as_str()) {
                entry.shown.push(b);
            }
        }
    }
    let mut sites: Vec<(&str, SiteBlocks)> = by_site.into_iter().collect();
    // Within a site, in the order a page has them: header, body, footer.
    for (_, entry) in &mut sites {
        entry.shown.sort_by(|a, b| {
            (a.position, b.documents, &a.text).cmp(&(b.position, a.documents, &b.text))
        });
    }
    sites.sort_by(|a, b| b.1.blocks.cmp(&a.1.blocks).then(a.0.cmp(b.0)));
    out.push_str(r#"<p class="hint">What each site stamps on its pages, in the place it usually sits. Pages: distinct documents holding the block (copies counted once).</p>"#);
    for (site, entry) in sites.iter().filter(|(_, e)| !e.shown.is_empty()) {
        let name = if site.is_empty() { "(no site)" } else { site };
        let count = if entry.shown.len() < entry.blocks {
            format!(
                "{} of {}",
                thousands(entry.shown.len() as u64),
                counted(entry.blocks as u64, "block")
            )
        } else {
            counted(entry.blocks as u64, "block")
        };
        w!(
            out,
            r#"<details class="site" data-group open><summary><b>{}</b> <span class="n">{count}</span> <span class="sub">{} on its pages</span></summary><table class="blocks"><thead><tr><th class="r">pages</th><th>where</th><th>text</th><th>example pages</th></tr></thead><tbody>"#,
            Esc(name),
            counted(entry.occurrences, "occurrence")
        );
        for b in &entry.shown {
            template_row(out, b, site);
        }
        out.push_str("</tbody></table></details>");
    }
    left_out(
        out,
        opts.limit.min(total),
        total,
        "template block",
        " (most pages first)",
    );
    out.push_str("</section>");
}

/// A template block's row under `site` (named in `data-key`, so that the filter finds it).
fn template_row(out: &mut String, b: &TemplateBlock, site: &str) {
    w!(
        out,
        r#"<tr class="tpl" data-row data-key="{}"><td class="r">{}</td><td><span class="pos {pos}">{pos}</span></td><td class="text">"#,
        Esc(site),
        thousands(b.documents),
        pos = b.position
    );
    block_text(out, &b.text);
    out.push_str(r#"</td><td class="ex">"#);
    for e in &b.examples {
        // Under its site's heading an id reads without the site's folder; the title has it whole.
        let short = e
            .strip_prefix(site)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|_| !site.is_empty())
            .unwrap_or(e);
        w!(out, r#"<code title="{}">{}</code>"#, Esc(e), Esc(short));
    }
    out.push_str("</td></tr>");
}

/// A block's text: clipped in the row, whole (up to a size) on opening.
fn block_text(out: &mut String, text: &str) {
    const SHORT: usize = 160;
    let short = clip(text, SHORT);
    if short.chars().count() == text.chars().count() {
        w!(out, "<pre class=\"block\">{}</pre>", Esc(text));
    } else {
        w!(
            out,
            "<details class=\"long\"><summary>{}</summary><pre class=\"block\">{}</pre></details>",
            Esc(&short),
            Esc(super::escape::prefix(text, TEXT_BYTES))
        );
    }
}

/// Blocks repeated inside a document, or reused by a few documents.
pub fn repeats(out: &mut String, report: &Report, opts: &HtmlOptions) {
    let total = report.repeated_blocks.len();
    w!(
        out,
        r#"<section id="repeats"><h2>Repeated blocks <span class="n">{}</span></h2>"#,
        thousands(total as u64)
    );
    if total == 0 {
        out.push_str(r#"<p class="none">No repeated blocks.</p></section>"#);
        return;
    }
    out.push_str(r#"<p class="hint"><b>within</b>: repeated inside each document listed (later copies are stripped); <b>across</b>: reused by different documents that are not copies of one another.</p><table class="blocks"><thead><tr><th>kind</th><th class="r">words</th><th>text</th><th>documents</th></tr></thead><tbody>"#);
    const DOCS_SHOWN: usize = 5;
    for b in report.repeated_blocks.iter().take(opts.limit) {
        w!(
            out,
            r#"<tr data-row><td><span class="kind">{}</span></td><td class="r">{}</td><td class="text">"#,
            match b.kind {
                crate::report::types::RepeatKind::Within => "within",
                crate::report::types::RepeatKind::Across => "across",
            },
            b.words
        );
        block_text(out, &b.text);
        out.push_str(r#"</td><td class="ex">"#);
        for d in b.documents.iter().take(DOCS_SHOWN) {
            w!(out, "<code>{}</code>", Esc(d));
        }
        if b.documents.len() > DOCS_SHOWN {
            w!(
                out,
                r#"<span class="sub">and {} more</span>"#,
                b.documents.len() - DOCS_SHOWN
            );
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table>");
    left_out(out, opts.limit.min(total), total, "repeated block", "");
    out.push_str("</section>");
}

/// Inputs not used, counted by reason, then listed.
pub fn skipped(out: &mut String, report: &Report, opts: &HtmlOptions) {
    let total = report.skipped.len();
    w!(
        out,
        r#"<section id="skipped"><h2>Skipped inputs <span class="n">{}</span></h2>"#,
        thousands(total as u64)
    );
    if total == 0 {
        out.push_str(r#"<p class="none">Every input was read.</p></section>"#);
        return;
    }
    out.push_str(r#"<p class="reasons">"#);
    for (reason, n) in &report.summary.skipped_by_reason {
        w!(
            out,
            r#"<span class="tag">{} ×{}</span> "#,
            Esc(reason),
            thousands(*n)
        );
    }
    out.push_str(
        r#"</p><table class="blocks"><thead><tr><th>input</th><th>reason</th></tr></thead><tbody>"#,
    );
    for s in report.skipped.iter().take(opts.limit) {
        w!(
            out,
            r#"<tr data-row><td><code>{}</code></td><td>{}</td></tr>"#,
            Esc(&s.path),
            Esc(&s.reason.to_string())
        );
    }
    out.push_str("</tbody></table>");
    left_out(out, opts.limit.min(total), total, "skipped input", "");
    out.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_sizes_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(human::bytes(999), "999 B");
        assert_eq!(human::bytes(23_000), "23.0 KB");
        assert_eq!(human::bytes(4_500_000), "4.5 MB");
    }

    #[test]
    fn the_text_budget_is_shared_round_by_round_between_clusters() {
        use crate::report::types::ClusterMember;
        let member = |id: String| ClusterMember {
            id,
            duplicate_of: None,
            similarity: 0.9,
            containment: 0.9,
        };
        let mut texts = Texts::default();
        let clusters: Vec<Cluster> = (0..100)
            .map(|c| {
                let documents: Vec<ClusterMember> =
                    (0..6).map(|m| member(format!("c{c}m{m}"))).collect();
                for d in &documents {
                    texts.insert(d.id.clone(), "word ".repeat(2000));
                }
                Cluster {
                    id: c + 1,
                    representative: documents[0].id.clone(),
                    exact: false,
                    chained: false,
                    documents,
                }
            })
            .collect();
        let shown: Vec<&Cluster> = clusters.iter().collect();
        let plan = plan_texts(&shown, &texts);
        // each pair costs 2 × 4000 bytes and a tenth: two rounds fit whole, the third in part
        let per_pair = 2 * TEXT_BYTES * 11 / 10;
        let third = (TEXT_BUDGET - 200 * per_pair) / per_pair;
        assert!(plan.iter().all(|&n| n == 2 || n == 3), "{plan:?}");
        assert_eq!(plan.iter().filter(|&&n| n == 3).count(), third);
        assert_eq!(plan[0], 3, "the largest clusters come first within a round");
    }

    #[test]
    fn a_huge_cluster_lists_its_first_members_and_counts_the_rest() {
        use crate::report::types::ClusterMember;
        let documents: Vec<ClusterMember> = (0..1000)
            .map(|i| ClusterMember {
                id: format!("copy-{i:04}"),
                duplicate_of: None,
                similarity: 1.0,
                containment: 1.0,
            })
            .collect();
        let cluster = Cluster {
            id: 1,
            representative: "copy-0000".to_string(),
            exact: true,
            chained: false,
            documents,
        };
        let mut report = Report {
            version: 1,
            summary: Default::default(),
            timing: None,
            skipped: Vec::new(),
            duplicate_clusters: vec![cluster],
            template_blocks: Vec::new(),
            repeated_blocks: Vec::new(),
        };
        report.summary.parameters.threshold = 0.7;
        let mut out = String::new();
        let shown: Vec<&Cluster> = report.duplicate_clusters.iter().collect();
        clusters(&mut out, &report, &shown, &Texts::default());
        assert_eq!(out.matches(r#"class="member""#).count(), MEMBERS_LISTED);
        assert!(out.contains("copy-0020") && !out.contains("copy-0021"));
        assert!(out.contains(
            "Side-by-side views for the first 5 members; 979 more members are in the JSON report."
        ));
        assert!(out.len() < 20_000, "{} bytes", out.len());
    }

    #[test]
    fn a_cut_list_says_how_many_were_left_out() {
        let mut out = String::new();
        left_out(&mut out, 200, 3972, "cluster", "");
        assert!(out.contains("Showing 200 of 3,972 clusters; 3,772 left out"));
        let mut one = String::new();
        left_out(&mut one, 0, 1, "skipped input", "");
        assert!(one.contains("Showing 0 of 1 skipped input; 1 left out"));
        let mut none = String::new();
        left_out(&mut none, 5, 5, "cluster", "");
        assert!(none.is_empty());
    }
}
