//! Template blocks: lines and paragraphs that a site stamps on many of its otherwise different
//! pages, and blocks reused across different documents below that threshold.
//!
//! Counting runs in two rounds. Round one counts, per site, how many documents hold each unit
//! (see [`super::units`]); units held by at least `--template-min-docs` documents are
//! *candidates*, left out of the near-duplicate shingles. Round two, after near-duplicate
//! clustering, counts clusters instead of documents: copies of one story (the same article
//! republished on three pages of a site, or syndicated) count once, so their paragraphs fall back
//! below the threshold and stay content.

mod chrome;
mod count;
mod decide;
mod occurrences;
mod reuse;

pub(crate) use chrome::{Chrome, CHROME_SHARE};
pub use count::{
    SiteUnitCounts, UnitCountRows, UnitCounts, WatchList, WatchRecount, CROSS_SITE_MAX_WORDS,
};
pub use decide::{
    decide_unit, finalize, left_out_changed, reused_blocks, Finalized, SiteClusters,
    TemplateEvidence, TemplateSet, TemplateUnit, UnitDecision,
};
pub use occurrences::{text_follows, Hit};
pub use reuse::SharedBlock;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::per_doc::PerDoc;
    use crate::detect::units::{Context, Region};
    use occurrences::HEADLINE_TEXT_LINES;

    fn hit(key: u64, line: u32, at_top: bool) -> Hit {
        Hit {
            key,
            is_block: false,
            whole_block: true,
            lines: (line, line),
            bytes: (0, 1),
            region: if at_top {
                Region::Header
            } else {
                Region::Footer
            },
            at_top,
            heads_text: false,
            context: Context {
                prev: 0,
                next: 9,
                from_top: line as u16,
                from_bottom: 3,
                in_table: false,
                figures: false,
            },
            words: 20,
        }
    }

    /// [`finalize`] over lists given per document.
    fn finalize_lists(
        hits: &[Vec<Hit>],
        shared: &[Vec<SharedBlock>],
        site: &[u32],
        cluster: &[u32],
        watch: &WatchList,
        min_docs: usize,
        reuse_min_words: usize,
    ) -> Finalized {
        let hits: PerDoc<Hit> = hits.iter().cloned().collect();
        let shared: PerDoc<SharedBlock> = shared.iter().cloned().collect();
        finalize(
            &hits,
            &shared,
            site,
            cluster,
            watch,
            min_docs,
            Some(reuse_min_words),
        )
    }

    fn none(n: usize) -> Vec<Vec<SharedBlock>> {
        vec![Vec::new(); n]
    }

    fn watch(hits: &[Vec<Hit>], site: &[u32], min_docs: usize) -> WatchList {
        let mut counts = UnitCounts::with_expected_units(1000);
        for (d, h) in hits.iter().enumerate() {
            let keys: Vec<u64> = h.iter().map(|h| h.key).collect();
            counts.add_document(site[d], &keys);
        }
        counts.watch_list(min_docs)
    }

    #[test]
    fn copies_count_once() {
        // key 1: footer on 4 different pages; key 2: a story paragraph on 3 copies of one story.
        let hits = vec![
            vec![hit(1, 9, false), hit(2, 2, false)],
            vec![hit(1, 9, false), hit(2, 2, false)],
            vec![hit(1, 9, false), hit(2, 2, false)],
            vec![hit(1, 9, false)],
            vec![hit(1, 9, false)],
        ];
        let site = [0; 5];
        let w = watch(&hits, &site, 3);
        assert!(w.is_candidate(0, 2));
        let f = finalize_lists(&hits, &none(5), &site, &[0, 0, 0, 3, 4], &w, 3, 4);
        assert!(f.set.is_template(3, 0, 1));
        assert!(!f.set.is_template(0, 0, 2));
        assert_eq!(f.units.len(), 1);
        assert_eq!(f.units[0].documents, 3);
        assert_eq!(f.units[0].occurrences, 5);
        // with each page its own cluster, key 2 is template
        let f = finalize_lists(&hits, &none(5), &site, &[0, 1, 2, 3, 4], &w, 3, 4);
        assert!(f.set.is_template(0, 0, 2));
    }

    #[test]
    fn short_boilerplate_on_several_sites_is_template_everywhere() {
        // one page on each of three sites, "Share this article" (short) at the same place
        let mut short = hit(11, 30, false);
        short.words = 3;
        let hits = vec![
            vec![short.clone()],
            vec![short.clone()],
            vec![short],
            vec![],
        ];
        let site = [0, 1, 2, 3];
        let w = watch(&hits, &site, 3);
        let f = finalize_lists(&hits, &none(4), &site, &[0, 1, 2, 3], &w, 3, 4);
        assert!(f.set.everywhere.contains(&11));
        assert!(f.set.is_template(0, 0, 11) && f.set.is_template(2, 2, 11));
        assert_eq!(f.units[0].sites, vec![(0, 1), (1, 1), (2, 1)]);
        // a long paragraph on three sites is not (a quoted statement, say)
        let long = hit(12, 30, false);
        let hits = vec![vec![long.clone()], vec![long.clone()], vec![long]];
        let w = watch(&hits, &site[..3], 3);
        let f = finalize_lists(&hits, &none(3), &site[..3], &[0, 1, 2], &w, 3, 4);
        assert!(f.units.is_empty());
    }

    #[test]
    fn own_headline_is_content() {
        // at the top of its article, followed by the story; in the others' "Related" lists,
        // followed by the next headline
        let mut top = hit(7, 1, true);
        top.context.next = 5;
        let hits = vec![
            vec![top],
            vec![hit(7, 20, false)],
            vec![hit(7, 20, false)],
            vec![hit(7, 20, false)],
        ];
        let site = [0; 4];
        let w = watch(&hits, &site, 3);
        let f = finalize_lists(&hits, &none(4), &site, &[0, 1, 2, 3], &w, 3, 4);
        assert!(!f.set.is_template(0, 0, 7));
        assert!(f.set.is_template(1, 0, 7));
        assert_eq!(f.units[0].occurrences, 3);
    }

    /// A unit with the given surroundings and words.
    fn hit_in(key: u64, context: Context, words: u32) -> Hit {
        Hit {
            lines: (context.from_top as u32 + 1, context.from_top as u32 + 1),
            region: Region::Body,
            at_top: false,
            context,
            words,
            ..hit(key, 1, false)
        }
    }

    fn ctx(prev: u32, next: u32, from_top: u16) -> Context {
        Context {
            prev,
            next,
            from_top,
            from_bottom: 200 - from_top,
            in_table: false,
            figures: false,
        }
    }

    /// Whether `key` is template on site 0 in each of `n` documents, each its own cluster.
    fn template_in(hits: &[Vec<Hit>], key: u64) -> Vec<bool> {
        let n = hits.len();
        let site = vec![0; n];
        let cluster: Vec<u32> = (0..n as u32).collect();
        let w = watch(hits, &site, 3);
        let f = finalize_lists(hits, &none(n), &site, &cluster, &w, 3, 4);
        (0..n as u32)
            .map(|d| f.set.is_template(d, 0, key))
            .collect()
    }

    /// A news site that names a section in three menus of every page (top navigation, a
    /// sidebar, the footer), each menu a little different from page to page: a third of the
    /// occurrences stand in any one place, but every page has one in the same place.
    #[test]
    fn section_name_in_several_menus_is_template() {
        let pages: Vec<Vec<Hit>> = (0..4u32)
            .map(|p| {
                vec![
                    hit_in(21, ctx(100, 101, 12), 1),
                    hit_in(21, ctx(200 + p, 300 + p, 40 + p as u16), 1),
                    hit_in(21, ctx(400 + p, 500 + p, 90 + 3 * p as u16), 1),
                ]
            })
            .collect();
        assert_eq!(template_in(&pages, 21), vec![true; 4]);
        // in a different place on every page, it is not
        let pages: Vec<Vec<Hit>> = (0..4u32)
            .map(|p| {
                vec![
                    hit_in(22, ctx(100 + p, 110 + p, 12 + p as u16), 1),
                    hit_in(22, ctx(200 + p, 300 + p, 40 + p as u16), 1),
                ]
            })
            .collect();
        assert_eq!(template_in(&pages, 22), vec![false; 4]);
    }

    /// Earnings stories of one site put "Year" between rows of figures at the same line; a
    /// "24 Hrs / 7 Days / 30 Days" widget of a news site has "7 Days" between the same two
    /// tabs on every page, wherever the widget stands; the same rows of figures between the
    /// same rows are one table copied on three pages.
    #[test]
    fn table_labels_stay_content_and_widget_cells_are_template() {
        let in_table = |prev, next, from_top, figures| Context {
            in_table: true,
            figures,
            ..ctx(prev, next, from_top)
        };
        let label: Vec<Vec<Hit>> = (0..4)
            .map(|p| vec![hit_in(31, in_table(10 + p, 20 + p, 8, false), 1)])
            .collect();
        assert_eq!(template_in(&label, 31), vec![false; 4]);
        let widget: Vec<Vec<Hit>> = (0..4)
            .map(|p| vec![hit_in(32, in_table(10, 20, 100 + p as u16, false), 2)])
            .collect();
        assert_eq!(template_in(&widget, 32), vec![true; 4]);
        let copied: Vec<Vec<Hit>> = (0..3)
            .map(|_| vec![hit_in(33, in_table(10, 20, 8, true), 4)])
            .collect();
        assert_eq!(template_in(&copied, 33), vec![false; 3]);
    }

    /// "Expand full story" under the last paragraph of every article of a site: after text
    /// that differs on every page, before the comments, a page list or a comment count.
    #[test]
    fn chrome_on_nearly_every_page_is_template_wherever_it_stands() {
        let end = |p: u32, next| vec![hit_in(51, ctx(100 + p, next, 60 + 7 * p as u16), 3)];
        let pages: Vec<Vec<Hit>> = (0..8).map(|p| end(p, 200 + p % 3)).collect();
        assert_eq!(template_in(&pages, 51), vec![true; 8]);
        // and stamped: chrome even where a page's structure puts it inside the article
        let site = vec![0; 8];
        let cluster: Vec<u32> = (0..8).collect();
        let w = watch(&pages, &site, 3);
        let f = finalize_lists(&pages, &none(8), &site, &cluster, &w, 3, 4);
        assert!(f.set.stamped.contains(&(0, 51)));
        // a unit in one place on four pages of eight is template, not stamped
        let some: Vec<Vec<Hit>> = (0..8)
            .map(|p| {
                if p < 4 {
                    vec![hit_in(53, ctx(7, 8, 9), 3)]
                } else {
                    Vec::new()
                }
            })
            .collect();
        let w = watch(&some, &site, 3);
        let f = finalize_lists(&some, &none(8), &site, &cluster, &w, 3, 4);
        assert!(f.set.is_template(0, 0, 53) && !f.set.stamped.contains(&(0, 53)));
        // on half of the pages, it is not
        let pages: Vec<Vec<Hit>> = (0..8)
            .map(|p| {
                if p % 2 == 0 {
                    end(p, 200 + p)
                } else {
                    Vec::new()
                }
            })
            .collect();
        assert!(template_in(&pages, 51).iter().all(|&t| !t));
        // "Year" inside the tables of a site of earnings reports is not
        let year = |p: u32| {
            let c = Context {
                in_table: true,
                ..ctx(100 + p, 200 + p, 8)
            };
            vec![hit_in(52, c, 1)]
        };
        let pages: Vec<Vec<Hit>> = (0..8).map(year).collect();
        assert_eq!(template_in(&pages, 52), vec![false; 8]);
    }

    /// A news page: toolbar and navigation, then the headline, a date and a byline, then the
    /// story; the same headline stands in the "Most read" list of three other pages.
    #[test]
    fn headline_under_page_chrome_is_content_in_its_article() {
        let headline = |p: u32| {
            let mut h = if p == 0 {
                hit_in(41, ctx(100, 500, 40), 7)
            } else {
                hit_in(41, ctx(600 + p, 700 + p, 80), 7)
            };
            h.heads_text = p == 0;
            h
        };
        let pages: Vec<Vec<Hit>> = (0..4).map(|p| vec![headline(p)]).collect();
        assert_eq!(template_in(&pages, 41), vec![false, true, true, true]);
        // a follow-up that quotes the story under the same headline: content in both
        let mut pages = pages;
        pages[1][0].heads_text = true;
        pages.push(vec![headline(4)]);
        assert_eq!(
            template_in(&pages, 41),
            vec![false, false, true, true, true]
        );
    }

    /// Site chrome above one page's text is not that page's headline: "Share this page"
    /// followed by the share buttons as everywhere, a section label above the story of
    /// every page, a two-word label.
    #[test]
    fn chrome_above_the_text_is_template() {
        let page = |key, p: u32, heads_text, next, words| {
            let mut h = hit_in(key, ctx(100, next, 30 + p as u16), words);
            h.heads_text = heads_text;
            vec![h]
        };
        let share: Vec<Vec<Hit>> = (0..4).map(|p| page(42, p, p == 0, 700, 3)).collect();
        assert_eq!(template_in(&share, 42), vec![true; 4]);
        let section: Vec<Vec<Hit>> = (0..4).map(|p| page(43, p, true, 800 + p, 3)).collect();
        assert_eq!(template_in(&section, 43), vec![true; 4]);
        let label: Vec<Vec<Hit>> = (0..4).map(|p| page(44, p, p == 0, 900 + p, 2)).collect();
        assert_eq!(template_in(&label, 44), vec![true; 4]);
    }

    #[test]
    fn text_follows_within_a_few_lines() {
        // headline, date, byline, a candidate paragraph (a caption on many pages), the story
        let words = [7, 3, 2, 25, 30, 28];
        let candidate = [true, true, true, true, false, false];
        assert_eq!(
            text_follows(&words, &candidate),
            vec![true, true, true, true, true, false]
        );
        let far: Vec<u32> = [7]
            .into_iter()
            .chain([1; HEADLINE_TEXT_LINES])
            .chain([30])
            .collect();
        let follows = text_follows(&far, &vec![false; far.len()]);
        assert!(!follows[0] && follows[1]);
    }

    #[test]
    fn reuse_below_threshold_and_across_sites() {
        let hits = vec![vec![hit(5, 3, false)], vec![hit(5, 4, false)], vec![]];
        let block = SharedBlock {
            key: 5,
            words: 20,
            start_byte: 0,
            end_byte: 1,
        };
        let shared = vec![vec![block], vec![block], vec![]];
        let site = [0, 1, 1];
        let w = watch(&hits, &site, 3);
        let f = finalize_lists(&hits, &shared, &site, &[0, 1, 2], &w, 3, 4);
        assert!(f.units.is_empty());
        assert_eq!(f.reused.len(), 1);
        assert_eq!(f.reused[0].documents, vec![0, 1]);
        // the same block in two copies of one story is not reuse
        let f = finalize_lists(&hits, &shared, &site, &[0, 0, 2], &w, 3, 4);
        assert!(f.reused.is_empty());
    }
}
