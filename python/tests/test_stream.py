"""neardup.Deduplicator answers a stream document by document, the same whatever the batches."""

from __future__ import annotations

import pytest

import neardup

pa = pytest.importorskip("pyarrow")


def answers(stream: neardup.Deduplicator, documents: list[dict], size: int) -> list[dict]:
    rows: list[dict] = []
    for start in range(0, len(documents), size):
        rows.extend(stream.add(documents[start : start + size], id="id").to_pylist())
    return rows


def test_batches_do_not_change_the_answers(documents: list[dict]) -> None:
    whole = answers(neardup.Deduplicator(), documents, len(documents))
    for size in (1, 7, 100):
        assert answers(neardup.Deduplicator(), documents, size) == whole
    table = pa.Table.from_pylist(documents)
    assert neardup.Deduplicator().add(table, id="id").to_pylist() == whole


def test_copies_are_duplicates_of_a_document_kept_before_them(documents: list[dict]) -> None:
    stream = neardup.Deduplicator()
    rows = stream.add(documents, id="id").to_pylist()
    assert [r["id"] for r in rows] == [d["id"] for d in documents]
    place = {d["id"]: n for n, d in enumerate(documents)}
    kept = {r["id"] for r in rows if r["keep"]}
    first_of_text: dict[str, str] = {}
    for doc, row in zip(documents, rows):
        if row["keep"]:
            assert row["duplicate_of"] is None and row["similarity"] is None
        else:
            assert row["duplicate_of"] in kept and place[row["duplicate_of"]] < place[row["id"]]
            assert neardup.options("dedup")["threshold"] <= row["similarity"] <= 1.0
        if doc["text"] in first_of_text:
            assert not row["keep"], "an exact copy is a duplicate"
        elif row["keep"]:
            first_of_text[doc["text"]] = doc["id"]
    assert stream.seen == len(documents) and stream.kept == len(kept) < len(documents)


def test_the_stream_joins_what_dedup_joins_by_jaccard(documents: list[dict]) -> None:
    """On the stories without their site chrome (a stream has no templates), with no
    containment and the same threshold, each duplicate the stream finds is in the dedup
    cluster of the document it names, and both drop about as many: the stream judges on
    signatures where dedup checks borderline pairs exactly, and which copy is kept differs
    (the first to arrive, against dedup's fixed order)."""
    stories = [{"id": d["id"], "text": "\n".join(d["text"].splitlines()[1:-1])} for d in documents]
    batch = neardup.dedup(stories, id="id", no_containment=True).to_pylist()
    stream = neardup.Deduplicator().add(stories, id="id").to_pylist()
    cluster = {r["id"]: r["cluster"] for r in batch}
    joined = [(r["id"], r["duplicate_of"]) for r in stream if not r["keep"]]
    dropped_by_dedup = sum(1 for r in batch if not r["keep"])
    assert dropped_by_dedup >= 20
    same = sum(1 for a, b in joined if cluster[a] is not None and cluster[a] == cluster[b])
    assert same >= 0.97 * len(joined), [p for p in joined if cluster[p[0]] != cluster[p[1]]]
    assert 0.9 * dropped_by_dedup <= len(joined) <= 1.1 * dropped_by_dedup


def test_strings_are_named_by_their_place_in_the_stream() -> None:
    story = (
        "The harbour bridge reopens on Monday after two years of repairs, the city council said on "
        "Friday, and the buses return to it the same week."
    )
    stream = neardup.Deduplicator()
    first = stream.add([story, "Rain all week."])
    second = stream.add(["Rain all week.", story, ""])
    assert first.column("id").to_pylist() == ["stream:1", "stream:2"]
    assert second.to_pylist() == [
        {"id": "stream:3", "keep": False, "duplicate_of": "stream:2", "similarity": 1.0},
        {"id": "stream:4", "keep": False, "duplicate_of": "stream:1", "similarity": 1.0},
        {"id": "stream:5", "keep": True, "duplicate_of": None, "similarity": None},
    ]
    assert repr(stream).startswith("<neardup.Deduplicator: 5 seen, 3 kept, ")


def test_options_and_bad_ones() -> None:
    assert f"threshold (default: {neardup.options('dedup')['threshold']!r})" in neardup.Deduplicator.__doc__
    strict = neardup.Deduplicator(threshold=0.99, num_perm=64, seed=7)
    assert "bands" in repr(strict)
    with pytest.raises(TypeError, match="its options are: threshold"):
        neardup.Deduplicator(containment=0.5)
    with pytest.raises(ValueError, match="threshold"):
        neardup.Deduplicator(threshold=1.5)
    with pytest.raises(ValueError, match="no column 'body'"):
        neardup.Deduplicator().add(pa.table({"text": ["a b c"]}), text="body")
