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
