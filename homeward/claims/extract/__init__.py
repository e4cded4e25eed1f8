"""The claims extractor: rule-based, English, Ukrainian and Russian, pure Python (no Django).

    from homeward.claims.extract import extract
    for claim in extract(text, year=2024):
        claim.as_dict()  # counts, low, high, kind, claimant, side, quote, held_by, of_party, …

A sentence yields a claim when it holds a quantity (digits or words, with a qualifier such as
"over", "не менее", "близько") that counts persons (a person noun follows it, or "of them", or
a person was named earlier in the sentence) and a cue says what is counted (held, exchanged,
joined_forces, …). The interval rules are in `numbers`; the word lists in `lexicon`.
"""

from .core import COUNTS, Claim
from .pipeline import extract

__all__ = ["COUNTS", "Claim", "extract"]
