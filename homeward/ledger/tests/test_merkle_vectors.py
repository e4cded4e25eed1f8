"""The reference vectors (transparency-dev/merkle testdata, copied in data/merkle): the
verifier accepts exactly the cases whose wantErr is false."""

import base64
import json
from pathlib import Path

import pytest

from homeward.ledger import merkle

VECTORS = Path(__file__).resolve().parent / "data" / "merkle"
CASES = sorted(VECTORS.rglob("*.json"))


def _b(value):
    return base64.b64decode(value) if value else b""


def _proof(case):
    return [base64.b64decode(h) for h in (case.get("proof") or [])]


def run_case(kind: str, case: dict) -> None:
    if kind == "inclusion":
        merkle.verify_inclusion(
            case["leafIdx"], case["treeSize"], _b(case["leafHash"]), _proof(case), _b(case["root"])
        )
    elif kind == "consistency":
        merkle.verify_consistency(
            case["size1"], case["size2"], _proof(case), _b(case["root1"]), _b(case["root2"])
        )
    elif kind == "subtreeinclusion":
        merkle.verify_subtree_inclusion(
            case["leafIdx"],
            case["start"],
            case["end"],
            _b(case["leafHash"]),
            _proof(case),
            _b(case["root"]),
        )
    elif kind == "subtreeconsistency":
        merkle.verify_subtree_consistency(
            case["start"],
            case["end"],
            case["size"],
            _proof(case),
            _b(case["root1"]),
            _b(case["root2"]),
        )
    else:
        raise AssertionError(kind)


def test_the_vectors_are_there():
    assert len(CASES) > 500, f"expected the reference vectors under {VECTORS}"


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(VECTORS)) for p in CASES])
def test_reference_vector(path):
    case = json.loads(path.read_text())
    kind = path.relative_to(VECTORS).parts[0]
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            run_case(kind, case)
    else:
        run_case(kind, case)
