import hashlib

import pytest

from homeward.ledger import merkle

LEAVES = [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(70)]


def subtree(start: int, end: int) -> bytes:
    return merkle.root_of(LEAVES[start:end])


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 31, 32, 33, 70])
def test_the_compact_range_gives_the_root_at_every_size(size):
    cr = merkle.CompactRange()
    for leaf in LEAVES[:size]:
        cr.append(leaf)
    assert cr.root() == merkle.root_of(LEAVES[:size])


@pytest.mark.parametrize("size", [1, 2, 5, 8, 13, 64, 70])
def test_every_generated_inclusion_proof_verifies_and_no_other_leaf_does(size):
    root = subtree(0, size)
    for index in range(size):
        proof = merkle.inclusion_proof(index, size, subtree)
        merkle.verify_inclusion(index, size, LEAVES[index], proof, root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(index, size, LEAVES[(index + 1) % 70], proof, root)


@pytest.mark.parametrize(
    ("size1", "size2"), [(1, 2), (3, 7), (4, 8), (7, 8), (5, 70), (64, 70), (70, 70)]
)
def test_generated_consistency_proofs_verify_and_a_later_tree_is_not_an_earlier_one(size1, size2):
    proof = merkle.consistency_proof(size1, size2, subtree)
    merkle.verify_consistency(size1, size2, proof, subtree(0, size1), subtree(0, size2))
    if size1 != size2:
        forged = list(reversed(LEAVES[:size2]))
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(
                size1, size2, proof, merkle.root_of(forged[:size1]), subtree(0, size2)
            )


def test_the_ranges_a_proof_needs_are_known_before_reading_them():
    assert merkle.subtrees_for_inclusion(5, 13) == [(4, 5), (6, 8), (0, 4), (8, 13)]
    assert len(merkle.subtrees_for_consistency(5, 70)) == len(
        merkle.consistency_proof(5, 70, subtree)
    )


def test_the_merkle_module_does_not_need_django():
    import subprocess
    import sys

    code = "import sys; sys.modules['django'] = None; import homeward.ledger.merkle"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
