"""The money-grade point ledger: grants, spends, vouchers, merges, expiry, balances, verification.

Services take the SQLAlchemy session, the clock and plain values (never Flask objects) and run
inside the caller's unit of work; each operation is one journal transaction.
"""
