"""Synthetic data, all of it invented: every person here is synthetic.

Pure Python (no Django; the matching engine's tests and benchmarks use these):
  lists.py        two person lists about one invented population, with known truth (which
                  inquiry seeks which register record), for linkage's benchmark, tests, training
  population.py   detainees held by each side, written the way each side's clerks write names,
                  with status histories and other spellings, for the demo and the register
                  benchmark

The demo scenario (Django: everything goes through the actions, so the ledger holds it all):
  scenario.py     the one entry point, `build(size=…, rng=…)`, used by `homeward demo`; runs the
                  steps below in order over one `Scenario` (parties, users, the generator)
  accounts.py     the parties and a user per role
  registry.py     persons notified by each side, their status histories, other spellings
  exchanges.py    a negotiation, its list versions and one completed exchange

A new area adds `homeward/synth/<area>.py` with `build_<area>(scenario)` and one line in
`scenario.STEPS`.
"""
