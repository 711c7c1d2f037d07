//! Site chrome: a view of pass 1's [`WatchList`] counts that says which units a site stamps on
//! so many pages that no copy group explains them, and which are frequent text.

use super::WatchList;

/// Site chrome: units held by so many documents of a site that no copy group explains them
/// (at least `--template-min-docs`, and at least [`CHROME_SHARE`] of the site's documents).
/// Recurring lists below that share are not chrome: a thin document keeps them, which can
/// keep two copies of one thin page apart when their lists differ.
/// Chrome comes from pass 1's counts alone, so it never depends on which documents are copies.
pub(crate) struct Chrome<'a> {
    watch: &'a WatchList,
    /// Per site: documents that make a unit chrome.
    min_docs: Vec<usize>,
    /// Documents above which a unit is frequent (`--frequent-docs`).
    frequent_docs: usize,
}

/// Share of a site's documents that must hold a unit for it to be chrome. A story republished
/// on a site's print, mobile, archive and update pages is on a handful of its pages, and on a
/// site of ten pages that is still under half; navigation and footers are on nearly all.
pub(crate) const CHROME_SHARE: f64 = 0.5;

impl<'a> Chrome<'a> {
    /// Chrome of a corpus whose site `s` holds `site_docs[s]` documents.
    pub fn new(
        watch: &'a WatchList,
        site_docs: &[u32],
        template_min_docs: usize,
        frequent_docs: usize,
    ) -> Chrome<'a> {
        let min_docs = site_docs
            .iter()
            .map(|&n| template_min_docs.max((CHROME_SHARE * n as f64).ceil() as usize))
            .collect();
        Chrome {
            watch,
            min_docs,
            frequent_docs,
        }
    }

    /// Documents of `site` that make a unit chrome.
    pub fn min_docs_on(&self, site: u32) -> usize {
        self.min_docs
            .get(site as usize)
            .copied()
            .unwrap_or(usize::MAX)
    }

    /// Whether `key` is chrome on `site`.
    pub fn is_chrome(&self, site: u32, key: u64) -> bool {
        self.watch
            .is_candidate_at(site, key, self.min_docs_on(site))
    }

    /// Whether `key` is frequent on `site`: held by more than `--frequent-docs` of its
    /// documents, text a page shares with many others (blanket-impl lists, the docs of a
    /// method many types implement), never its own evidence.
    pub fn is_frequent(&self, site: u32, key: u64) -> bool {
        self.watch.documents(site, key) > self.frequent_docs
    }

    /// Whether `key` is not a document's own text on `site`: chrome or frequent.
    pub fn is_not_own(&self, site: u32, key: u64) -> bool {
        let n = self.watch.documents(site, key);
        n > 0 && (n >= self.min_docs_on(site) || n > self.frequent_docs)
    }

    /// Documents of `site` holding `key` (0 when it is no candidate).
    pub fn documents(&self, site: u32, key: u64) -> usize {
        self.watch.documents(site, key)
    }

    /// Documents above which a unit is frequent (`--frequent-docs`).
    pub fn frequent_docs(&self) -> usize {
        self.frequent_docs
    }
}
