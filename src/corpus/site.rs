//! A document's site (`--site`): template blocks are counted per site.
//!
//! A site comes from a folder (the top-level folder under the corpus root), from a
//! `--site-field` value, or from a URL (a WARC record's target URI, a field or Parquet column
//! holding a URL). With `--site dir` a folder or a value is the site as it is, and a URL gives
//! its host, lower-cased, without user, port, trailing dot and leading `www.`
//! (`https://www.Example.org:8080/a` → `example.org`). With `--site domain` a URL's host is
//! reduced to its registrable domain by the Public Suffix List (`news.bbc.co.uk` →
//! `bbc.co.uk`), and so is a folder name or value that is a host name with a known public
//! suffix (`news.bbc.co.uk/page.html`); IP addresses, names without a known suffix
//! (`localhost`, `coastnews`) and names that are no host name are kept as they are. With
//! `--site none` no document has a site: the corpus is one.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::SiteMode;

/// The site of a document at the URL `uri` (a WARC record's target URI; a missing scheme is
/// tolerated): `None` when the URL has no host, and with `--site none`.
pub(crate) fn of_url(uri: &str, mode: &SiteMode) -> Option<String> {
    let host = match mode {
        SiteMode::None => return None,
        SiteMode::Dir | SiteMode::Domain => url_host(uri)?,
    };
    match mode {
        SiteMode::Domain => registrable_domain(&host).or_else(|| Some(without_www(host))),
        SiteMode::Dir | SiteMode::None => Some(without_www(host)),
    }
}

/// The site a folder name or a field's value that is no URL names: the name itself, or with
/// `--site domain` the registrable domain of a name that is a host name.
pub(crate) fn of_name(name: &str, mode: &SiteMode) -> Option<String> {
    match mode {
        SiteMode::None => None,
        SiteMode::Dir => Some(name.to_string()),
        SiteMode::Domain => registrable_domain(name).or_else(|| Some(name.to_string())),
    }
}

/// The site a field's value names: a URL (`scheme://host…`) gives its host as [`of_url`]
/// does; any other value (or a URL without a host, `file:///x`) is a name ([`of_name`]).
pub(crate) fn of_value(value: &str, mode: &SiteMode) -> Option<String> {
    if value.contains("://") {
        if let Some(site) = of_url(value, mode) {
            return Some(site);
        }
    }
    of_name(value, mode)
}

/// The host of a URL, lower-cased, without user, port, the brackets of an IPv6 address and
/// trailing dots; `None` when that leaves nothing.
fn url_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    let host = host.trim_end_matches('.').to_lowercase();
    (!host.is_empty()).then_some(host)
}

/// `host` without a leading `www.` (unless nothing would be left).
fn without_www(host: String) -> String {
    match host.strip_prefix("www.") {
        Some(bare) if !bare.is_empty() => bare.to_string(),
        _ => host,
    }
}

/// The registrable domain of a host name (its public suffix by the Public Suffix List and
/// the one label before it; private suffixes count, so `alice.github.io` stays itself),
/// lower-cased and without a trailing dot: `news.bbc.co.uk` → `bbc.co.uk`. `None` for an IP
/// address, a name that is no host name, a name without a known public suffix (`localhost`,
/// `intranet.corp`) and a public suffix alone (`co.uk`).
pub(crate) fn registrable_domain(name: &str) -> Option<String> {
    let host = name.strip_suffix('.').unwrap_or(name).to_lowercase();
    if host.parse::<Ipv4Addr>().is_ok() || host.parse::<Ipv6Addr>().is_ok() {
        return None;
    }
    if !is_host_name(&host) {
        return None;
    }
    let domain = psl::domain(host.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_string)
}

/// Whether `name` (lower-cased) is a host name of two labels or more: labels of letters
/// (an internationalised name's too), digits, `-` and `_`, each 1 to 63 bytes, 253 in all.
fn is_host_name(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(uri: &str) -> Option<String> {
        of_url(uri, &SiteMode::Domain)
    }

    #[test]
    fn hosts_reduce_to_their_registrable_domain() {
        for (uri, site) in [
            ("https://news.bbc.co.uk/a", "bbc.co.uk"),
            ("https://edition.cnn.com/2024/x.html", "cnn.com"),
            ("http://a.b.example.com.au/", "example.com.au"),
            ("https://www.example.com/", "example.com"),
            ("https://example.com", "example.com"),
            // private suffixes of the list are suffixes too: two publishers, two sites
            ("https://alice.github.io/post", "alice.github.io"),
            ("https://bob.blogspot.com/", "bob.blogspot.com"),
            // a wildcard rule (*.kawasaki.jp) and its exception (!city.kawasaki.jp)
            ("http://a.b.c.kawasaki.jp/", "b.c.kawasaki.jp"),
            ("http://www.city.kawasaki.jp/", "city.kawasaki.jp"),
        ] {
            assert_eq!(domain(uri).as_deref(), Some(site), "{uri}");
        }
    }

    #[test]
    fn case_ports_users_and_trailing_dots_do_not_matter() {
        for uri in [
            "HTTPS://News.BBC.Co.UK/Path",
            "https://news.bbc.co.uk:8443/",
            "https://user:pw@news.bbc.co.uk/",
            "https://news.bbc.co.uk./",
            "https://www.bbc.co.uk./x?y#z",
            "news.bbc.co.uk/no-scheme",
        ] {
            assert_eq!(domain(uri).as_deref(), Some("bbc.co.uk"), "{uri}");
        }
    }

    #[test]
    fn internationalised_names_reduce_in_either_form() {
        // 公司.cn is a public suffix; its punycode form is xn--55qx5d.cn
        assert_eq!(
            domain("http://www.食狮.公司.cn/").as_deref(),
            Some("食狮.公司.cn")
        );
        assert_eq!(
            domain("http://www.xn--85x722f.xn--55qx5d.cn/").as_deref(),
            Some("xn--85x722f.xn--55qx5d.cn")
        );
        assert_eq!(
            domain("https://Shop.BÜCHER.de/").as_deref(),
            Some("bücher.de")
        );
        assert_eq!(
            domain("https://shop.xn--bcher-kva.de/").as_deref(),
            Some("xn--bcher-kva.de")
        );
    }

    #[test]
    fn addresses_and_names_without_a_known_suffix_stay_the_host() {
        for (uri, site) in [
            ("http://192.168.0.10:8080/a", "192.168.0.10"),
            ("http://[2001:DB8::1]:8080/a", "2001:db8::1"),
            ("http://[::1]/", "::1"),
            ("http://localhost:3000/", "localhost"),
            ("http://api.localhost/", "api.localhost"),
            ("http://wiki.intranet.corp/", "wiki.intranet.corp"),
            ("https://co.uk/", "co.uk"),
            // registrable by the list's rules, though few would call it a site
            ("https://www.co.uk/", "www.co.uk"),
            ("http://www./", "www"),
        ] {
            assert_eq!(domain(uri).as_deref(), Some(site), "{uri}");
        }
        assert_eq!(domain("http:///nothing"), None);
        assert_eq!(domain(""), None);
    }

    #[test]
    fn the_host_mode_keeps_subdomains() {
        let dir = |uri| of_url(uri, &SiteMode::Dir);
        assert_eq!(
            dir("https://www.Example.org:8080/a/b?c").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            dir("http://user:pw@news.example.co.uk/x").as_deref(),
            Some("news.example.co.uk")
        );
        assert_eq!(dir("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(dir("http://Example.org./").as_deref(), Some("example.org"));
        assert_eq!(of_url("https://www.example.org/", &SiteMode::None), None);
    }

    #[test]
    fn folder_names_and_values_reduce_only_when_they_are_host_names() {
        let d = |name| of_name(name, &SiteMode::Domain);
        assert_eq!(d("news.bbc.co.uk").as_deref(), Some("bbc.co.uk"));
        assert_eq!(d("www.Example.COM").as_deref(), Some("example.com"));
        assert_eq!(d("example.com.").as_deref(), Some("example.com"));
        for kept in [
            "coastnews",
            "bbc-05",
            "localhost",
            "10.0.0.1",
            "notes.txt",
            "My Site.com",
            "a..com",
            r"caf\xE9.com",
            "example.com:8080",
        ] {
            assert_eq!(d(kept).as_deref(), Some(kept), "{kept}");
        }
        assert_eq!(
            of_name("news.bbc.co.uk", &SiteMode::Dir).as_deref(),
            Some("news.bbc.co.uk")
        );
        assert_eq!(of_name("coastnews", &SiteMode::None), None);
    }

    #[test]
    fn a_value_is_a_url_or_a_name() {
        let v = |value, mode| of_value(value, &mode);
        assert_eq!(
            v("https://www.Example.org:8080/a", SiteMode::Dir).as_deref(),
            Some("example.org")
        );
        assert_eq!(
            v("https://sport.example.co.uk/a", SiteMode::Domain).as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            v("sport.example.co.uk", SiteMode::Domain).as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            v("example.org", SiteMode::Dir).as_deref(),
            Some("example.org")
        );
        assert_eq!(
            v("file:///tmp/x", SiteMode::Domain).as_deref(),
            Some("file:///tmp/x")
        );
        assert_eq!(v("https://example.org/", SiteMode::None), None);
    }

    proptest::proptest! {
        /// Any text as a URL or a name: no panic, and a domain is a suffix of its host.
        #[test]
        fn any_text_is_mapped_without_panic(text in "\\PC{0,80}") {
            let _ = of_value(&text, &SiteMode::Dir);
            if let (Some(host), Some(domain)) = (url_host(&text), of_url(&text, &SiteMode::Domain)) {
                proptest::prop_assert!(host.ends_with(&domain) || domain == without_www(host.clone()));
            }
            if let Some(d) = registrable_domain(&text) {
                proptest::prop_assert!(text.to_lowercase().trim_end_matches('.').ends_with(&d));
            }
        }
    }
}
