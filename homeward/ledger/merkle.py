"""RFC 6962 / RFC 9162 Merkle trees: hashing, proofs, verification. Pure Python, no Django.

Verification follows the transparency-dev/merkle algorithms (the reference the test vectors in
homeward/ledger/tests/data/merkle come from), including the subtree inclusion and consistency proofs of the
Merkle Tree Certificates draft. Proof *generation* is RFC 6962 §2.1.1–2.1.2 written over a
`subtree(start, end) -> hash` callback, so a caller can serve stored subtree hashes and never
load the whole log (see store.py).

Hashes are 32-byte `bytes`. Sizes and indices are Python ints (unbounded, checked non-negative).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that is malformed or does not lead to the expected root."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 6962: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (for tests and small trees)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _largest_power_of_two_below(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


class CompactRange:
    """The right edge of a growing tree: the roots of its perfect subtrees, largest first.
    Appending is O(log n) hashing; the root at any size is O(log n). This is how verification
    recomputes a million-leaf tree in one streaming pass."""

    __slots__ = ("size", "_stack", "on_node")

    def __init__(self, on_node: Callable[[int, int, bytes], None] | None = None) -> None:
        self.size = 0
        self._stack: list[bytes] = []
        # Called with (level, index, hash) for every perfect subtree the appends complete, in
        # completion order: how verification checks the stored subtree hashes in one pass.
        self.on_node = on_node

    def append(self, leaf: bytes) -> None:
        self._stack.append(leaf)
        n, level = self.size, 0
        while n & 1:
            right = self._stack.pop()
            self._stack[-1] = node_hash(self._stack[-1], right)
            n >>= 1
            level += 1
            if self.on_node is not None:
                self.on_node(level, n, self._stack[-1])
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        acc = self._stack[-1]
        for h in reversed(self._stack[:-1]):
            acc = node_hash(h, acc)
        return acc


# --- Proof generation (RFC 6962 §2.1.1 and §2.1.2) --------------------------------------------

Subtree = Callable[[int, int], bytes]  # hash of leaves [start, end)


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    proof: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if m < k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            start, m = start + k, m - k
    return proof[::-1]


def consistency_proof(size1: int, size2: int, subtree: Subtree) -> list[bytes]:
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from {size1} to {size2}")
    if size1 == size2:
        return []
    proof: list[bytes] = []
    start, end, m, complete = 0, size2, size1, True
    while True:
        n = end - start
        if m == n:
            if not complete:
                proof.append(subtree(start, end))
            break
        k = _largest_power_of_two_below(n)
        if m <= k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            start, m, complete = start + k, m - k, False
    return proof[::-1]


def subtrees_for_inclusion(index: int, size: int) -> list[tuple[int, int]]:
    """The [start, end) ranges an inclusion proof needs, in proof order (lets a store fetch them
    in one query)."""
    ranges: list[tuple[int, int]] = []
    inclusion_proof(index, size, _recorder(ranges))
    return ranges[::-1]


def subtrees_for_consistency(size1: int, size2: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    consistency_proof(size1, size2, _recorder(ranges))
    return ranges[::-1]


def _recorder(ranges: list[tuple[int, int]]) -> Subtree:
    def record(start: int, end: int) -> bytes:
        ranges.append((start, end))
        return b""

    return record


# --- Verification (as transparency-dev/merkle proof/verify.go) --------------------------------


def _check_hashes(*hashes: bytes) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ProofError(f"a hash has {len(h)} bytes, not {HASH_SIZE}")


def _decomp_incl_proof(index: int, size: int) -> tuple[int, int]:
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1 == 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def _match(calculated: bytes, expected: bytes) -> None:
    if calculated != expected:
        raise ProofError("the proof leads to another root")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    if index < 0 or index >= size:
        raise ProofError(f"index {index} is beyond size {size}")
    _check_hashes(leaf)
    inner, border = _decomp_incl_proof(index, size)
    if len(proof) != inner + border:
        raise ProofError(f"wrong proof size {len(proof)}, want {inner + border}")
    res = _chain_inner(leaf, proof[:inner], index)
    return _chain_border_right(res, proof[inner:])


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raises ProofError unless `proof` shows leaf `index` in the tree of `size` with `root`."""
    _match(root_from_inclusion_proof(index, size, leaf, proof), root)


def valid_subtree(start: int, end: int) -> bool:
    """[start, end) is a subtree when start < end and start is a multiple of the smallest power of
    two at least end - start."""
    if start < 0 or end <= start:
        return False
    width = 1 << (end - start - 1).bit_length()
    return start % width == 0


def verify_subtree_inclusion(
    index: int, start: int, end: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    if not valid_subtree(start, end):
        raise ProofError(f"[{start}, {end}) is not a subtree")
    if not start <= index < end:
        raise ProofError(f"index {index} is outside [{start}, {end})")
    _match(root_from_inclusion_proof(index - start, end - start, leaf, proof), root)


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Raises ProofError unless `proof` shows the tree of `size1` is a prefix of the one of `size2`."""
    if size2 < size1:
        raise ProofError(f"size2 {size2} < size1 {size1}")
    if size1 <= 0:
        raise ProofError("consistency proof from an empty tree is meaningless")
    if size1 == size2:
        if proof:
            raise ProofError("size1 = size2, but the proof is not empty")
        _match(root1, root2)
        return
    if not proof:
        raise ProofError("empty proof")
    _match(_root_from_subtree_consistency(0, size1, size2, proof, root1), root2)


def verify_subtree_consistency(
    start: int, end: int, size: int, proof: Sequence[bytes], sub_root: bytes, root: bytes
) -> None:
    if start == end and 0 <= start <= size:
        # The empty subtree sits in any tree; only its own hash and an empty proof are checked.
        if proof:
            raise ProofError("an empty subtree needs no proof")
        _match(sub_root, EMPTY_ROOT)
        return
    if not valid_subtree(start, end):
        raise ProofError(f"[{start}, {end}) is not a subtree")
    if size < end:
        raise ProofError(f"size {size} < end {end}")
    if start == 0 and size == end:
        if proof:
            raise ProofError("the subtree is the whole tree, but the proof is not empty")
        _match(sub_root, root)
        return
    if not proof:
        raise ProofError("empty proof")
    _match(_root_from_subtree_consistency(start, end, size, proof, sub_root), root)


def _trailing_zeros(n: int) -> int:
    return (n & -n).bit_length() - 1


def _root_from_subtree_consistency(
    start: int, end: int, size: int, proof: Sequence[bytes], sub_root: bytes
) -> bytes:
    if end == size:
        level = ((end - 1) ^ start).bit_length()
        want = bin(start >> level).count("1")
        if len(proof) != want:
            raise ProofError(f"wrong proof size {len(proof)}, want {want}")
        return _chain_border_right(sub_root, proof)
    fork_level, border = _decomp_incl_proof(end - 1, size)
    shift = _trailing_zeros(end - start)
    inner = fork_level - shift
    seed, p_start = proof[0], 1
    if end - start == 1 << shift:
        seed, p_start = sub_root, 0
    if len(proof) != p_start + inner + border:
        raise ProofError(f"wrong proof size {len(proof)}, want {p_start + inner + border}")
    rest = proof[p_start:]
    mask = (end - 1) >> shift
    if p_start == 1:
        h = ((end - 1) ^ start).bit_length()
        sub_inner = min(h, fork_level) - shift
        sub_border = max(0, border - bin((end - 1) >> h).count("1"))
        hash1 = _chain_inner_right(seed, rest[:sub_inner], mask)
        hash1 = _chain_border_right(hash1, rest[inner : inner + sub_border])
        _match(hash1, sub_root)
    hash2 = _chain_inner(seed, rest[:inner], mask)
    return _chain_border_right(hash2, rest[inner:])
