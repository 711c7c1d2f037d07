"""neardup.kernels: the stage kernels composed over batches give the same signatures as one
batch, and copies share an LSH bucket that other documents do not."""

import pytest

from neardup.kernels import Kernels

STORIES = [
    "The harbour bridge reopens on Monday after two years of repairs, the city council said on Friday, and buses return to the old route.",
    "A new library branch opens in the north district next month with longer evening hours and a workshop where residents borrow tools.",
    "Farmers at the Saturday market say the late frost cut their strawberry harvest by half, and prices are the highest in a decade.",
]
MENU = "Home | News | Sport | Weather | Contact us"
FOOTER = "Copyright Harbour Times Media, all rights reserved worldwide"


def corpus():
    texts, ids, sites = [], [], []
    for site in ["times", "post"]:
        for copy in range(3):
            for n, story in enumerate(STORIES):
                texts.append(f"{MENU}\n\n{story}\n\n{FOOTER} ({site})\n")
                ids.append(f"{site}/{n}-{copy}")
                sites.append(site)
    return texts, ids, sites


def signatures(k, texts, ids, sites, batch):
    index = {s: i for i, s in enumerate(dict.fromkeys(sites))}
    site_index = [index[s] for s in sites]
    prepared = []
    for start in range(0, len(texts), batch):
        prepared += k.prepare(texts[start:start + batch], ids[start:start + batch], sites[start:start + batch])
    counts = [k.count(prepared[s:s + batch], site_index[s:s + batch]) for s in range(0, len(texts), batch)]
    merged = Kernels.merge_counts(list(reversed(counts)))
    site_docs = [site_index.count(i) for i in range(len(index))]
    context = k.signing_context(merged, site_docs)
    out = []
    for start in range(0, len(texts), batch):
        out += k.sign(context, prepared[start:start + batch], site_index[start:start + batch])
    return out


def test_batches_sign_alike_and_copies_share_a_bucket():
    texts, ids, sites = corpus()
    k = Kernels(threshold=0.8, template_min_docs=3)
    whole = signatures(k, texts, ids, sites, len(texts))
    for batch in (1, 7):
        assert signatures(k, texts, ids, sites, batch) == whole
    assert all(s is not None and len(s) == 128 for s in whole)
    keys = [set(k.band_keys(s)) for s in whole]
    # The three copies of a story on a site share a bucket; two stories never do.
    assert keys[0] & keys[3] and keys[0] & keys[6]
    assert not keys[0] & keys[1]
    # Without the counts (every unit its own), the menu and footer are content: signatures
    # change, so the counts are what leave the site's template out.
    unwatched = Kernels(threshold=0.8, template_min_docs=1000)
    assert signatures(unwatched, texts, ids, sites, len(texts)) != whole


def test_bad_bytes_and_options_raise():
    k = Kernels()
    with pytest.raises(ValueError, match="not a prepared document"):
        k.count([b"not a document"], [0])
    with pytest.raises(ValueError, match="not unit counts"):
        Kernels.merge_counts([b"\xff\xff\xff"])
    with pytest.raises(ValueError, match="same length"):
        k.prepare(["a"], ["a", "b"], None)
    with pytest.raises(TypeError, match="unexpected keyword"):
        Kernels(not_an_option=1)


def round_two(k, texts, ids, sites, batch, alone=False):
    """Round one and two by the kernels, `batch` documents at a time: prepared, counted,
    signed; candidates by bucket, judged, joined (the smallest member names a cluster); the
    template evidence grouped by key in reverse order and decided; the pages signed again."""
    index = {s: i for i, s in enumerate(dict.fromkeys(sites))}
    site_index = [index[s] for s in sites]
    docs = list(range(len(texts)))
    chunks = [slice(s, s + batch) for s in range(0, len(texts), batch)]
    prepared = []
    for c in chunks:
        prepared += k.prepare(texts[c], ids[c], sites[c])
    merged = Kernels.merge_counts([k.count(prepared[c], site_index[c]) for c in chunks])
    context = k.signing_context(merged, [site_index.count(i) for i in range(len(index))])
    signed = []
    for c in chunks:
        signed += k.sign_documents(context, prepared[c], site_index[c])
    buckets = {}
    for d, s in enumerate(signed):
        signature = Kernels.signature(s)
        for key in k.band_keys(signature) if signature else []:
            buckets.setdefault(key, []).append(d)
    parent = list(docs)

    def find(d):
        while parent[d] != d:
            d = parent[d]
        return d

    for members in buckets.values():
        for a, b in Kernels.bucket_pairs(members):
            verdict = k.judge((a, b), signed[a], signed[b])
            if verdict and verdict[2] and not alone:
                ra, rb = find(a), find(b)
                parent[max(ra, rb)] = min(ra, rb)
    cluster = [find(d) for d in docs]
    groups = {}
    pairs = []
    for c in chunks:
        pairs.append(Kernels.site_clusters(site_index[c], cluster[c]))
        for key, row in k.template_evidence(context, signed[c], docs[c], site_index[c], cluster[c]):
            groups.setdefault(key, []).insert(0, row)
    site_clusters = Kernels.merge_site_clusters(pairs[::-1])
    decisions = [k.decide_unit(context, rows, site_clusters) for _, rows in sorted(groups.items(), reverse=True)]
    templates = Kernels.template_set([d for d in decisions if d is not None])
    changed = k.changed(context, signed, docs, site_index, templates)
    again = []
    for c in chunks:
        again += k.resign(context, templates, prepared[c], docs[c], site_index[c])
    return cluster, sum(d is not None for d in decisions), changed, [Kernels.signature(s) for s in again]


def test_round_two_by_evidence_is_the_same_in_any_batches():
    texts, ids, sites = corpus()
    k = Kernels(threshold=0.8, template_min_docs=3)
    whole = round_two(k, texts, ids, sites, len(texts))
    cluster, templates, changed, _ = whole
    # The three copies of a story on a site are one cluster; both sites' copies of a story
    # too (their text is the same but for the footer's site name).
    assert cluster[0] == cluster[3] == cluster[6] and cluster[1] != cluster[0]
    # The menu and footer are decided template (and the stories, counted once a cluster,
    # are not: with every page alone, three copies make a story template on its site).
    assert templates >= 1
    for batch in (1, 7):
        assert round_two(k, texts, ids, sites, batch) == whole
    _, apart, _, _ = round_two(k, texts, ids, sites, 7, alone=True)
    assert apart > templates
    assert len(changed) == len(texts)


def test_exact_verdicts_and_bad_round_two_bytes():
    k = Kernels(threshold=0.8)
    assert k.judge_exact((1, 0), [1, 2, 3, 4], [4, 3, 2, 1]) == (1.0, 1.0, True)
    jaccard, containment, accepted = k.judge_exact((0, 1), [1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8])
    assert (jaccard, containment, accepted) == (0.5, 1.0, False)
    with pytest.raises(ValueError, match="not a template set"):
        Kernels.template_set([], base=b"nope")
    with pytest.raises(ValueError, match="not site clusters"):
        Kernels.merge_site_clusters([b"nope"])
    with pytest.raises(ValueError, match="not a signed document"):
        Kernels.signature(b"nope")
    assert Kernels.bucket_pairs([5, 2, 9, 2]) == [(2, 5), (2, 9), (5, 9)]


def test_kernels_pickle_as_their_options():
    import pickle

    texts, ids, sites = corpus()
    k = Kernels(threshold=0.8, template_min_docs=3)
    copy = pickle.loads(pickle.dumps(k))
    assert signatures(copy, texts, ids, sites, 7) == signatures(k, texts, ids, sites, 7)
    other = pickle.loads(pickle.dumps(Kernels(threshold=0.8, template_min_docs=1000)))
    assert signatures(other, texts, ids, sites, 7) != signatures(k, texts, ids, sites, 7)
