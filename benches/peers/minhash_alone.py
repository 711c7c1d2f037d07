"""Times rensa's and datasketch's MinHash on the shingle hashes neardup exported
(examples/export_shingles.rs), one thread, 128 permutations: signing alone, no shingling.

python benches/peers/minhash_alone.py OUT   # OUT.u64 and OUT.offsets from export_shingles
"""
import os
import sys
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import rensa  # noqa: E402

base = sys.argv[1]
hashes = np.fromfile(base + ".u64", dtype="<u8")
offsets = np.fromfile(base + ".offsets", dtype="<u8")
n_docs = len(offsets) - 1
print(f"{n_docs} documents, {len(hashes)} shingles")


def best_of(f, runs=5):
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


t = best_of(lambda: rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, 128, 1))
print(f"rensa RMinHash (flat pre-hashed batch): {t:.3f} s, {len(hashes) / t / 1e6:.1f} M shingles/s")
t = best_of(lambda: rensa.RMinHash.digest_matrix_from_flat_token_hashes_rho(hashes, offsets, 128, 1))
print(f"rensa Rho sketch (flat pre-hashed batch): {t:.3f} s, {len(hashes) / t / 1e6:.1f} M shingles/s")

if "--datasketch" in sys.argv:
    from datasketch import MinHash

    sample = min(n_docs, 2000)
    sub = hashes[: offsets[sample]]

    def ds():
        for d in range(sample):
            m = MinHash(num_perm=128, seed=1)
            # datasketch hashes bytes; feed the 64-bit values through its batch update
            m.update_batch(hashes[offsets[d]:offsets[d + 1]].view(np.uint8).reshape(-1, 8))

    t = best_of(ds, 1)
    print(f"datasketch MinHash.update_batch ({sample} documents): {t:.3f} s, {len(sub) / t / 1e6:.2f} M shingles/s")
