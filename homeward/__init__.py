"""Homeward: the register, tracing, exchanges and ledger of a prisoner-of-war information bureau."""
