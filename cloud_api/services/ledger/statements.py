"""The ledger's hot-path statements (plain SQL run by cloud_api.fastsql on the session's
connection): accounts, lots, journal posting and idempotency records; and the sweep's mark."""
from __future__ import annotations

from typing import Any

from sqlalchemy.types import TypeEngine

from cloud_api.fastsql import DATE, DATETIME, Sql, run

__all__ = ["run"]

MAX_SEQUENCE = 99_999


# ---------------------------------------------------------------- accounts
ACCOUNT_BY_KEY = Sql("SELECT id FROM ledger_accounts WHERE key = :key")
ACCOUNT_BY_KEY_FOR_UPDATE = Sql("SELECT id FROM ledger_accounts WHERE key = :key",
                                postgresql="SELECT id FROM ledger_accounts WHERE key = :key "
                                           "FOR UPDATE")
CREATE_ACCOUNT = Sql("INSERT INTO ledger_accounts (key, kind, point_id, holder_id, terminal_id) "
                     "VALUES (:key, :kind, :point_id, :holder_id, :terminal_id) "
                     "ON CONFLICT (key) DO NOTHING")

# ---------------------------------------------------------------- lots
# The lots of an account with points left in a range of expiry days, earliest expiry first.
# Only that range is read (ix_lots_account_id_expires_on): a debit never reads the lots that
# expired before (however long the holder's history), the sweep only those expired since its mark.
_OPEN_LOTS = (
    "SELECT l.id, l.amount - COALESCE((SELECT SUM(c.amount) FROM lot_consumptions c "
    "WHERE c.lot_id = l.id), 0) AS remaining, l.expires_on FROM lots l "
    "WHERE l.account_id = :account_id AND {days} AND l.amount > "
    "COALESCE((SELECT SUM(c.amount) FROM lot_consumptions c WHERE c.lot_id = l.id), 0) "
    "ORDER BY l.expires_on, l.id")
USABLE_LOTS = Sql(_OPEN_LOTS.format(days="l.expires_on >= :day"), binds={"day": DATE},
                  results=(None, None, DATE))
EXPIRED_LOTS = Sql(_OPEN_LOTS.format(days="l.expires_on >= :since AND l.expires_on < :day"),
                   binds={"since": DATE, "day": DATE}, results=(None, None, DATE))
INSERT_CONSUMPTIONS = Sql("INSERT INTO lot_consumptions (lot_id, txn_id, amount) "
                          "VALUES (:lot_id, :txn_id, :amount)")
INSERT_LOT = Sql("INSERT INTO lots (account_id, txn_id, amount, issued_on, expires_on) "
                 "VALUES (:account_id, :txn_id, :amount, :issued_on, :expires_on)",
                 binds={"issued_on": DATE, "expires_on": DATE})

# ---------------------------------------------------------------- journal
# A holder account's book balance: the balance_after of its latest entry
# (ix_journal_entries_account_id_id), whatever the length of its history.
BOOK_BALANCE = Sql("SELECT balance_after FROM journal_entries WHERE account_id = :account_id "
                   "ORDER BY id DESC LIMIT 1")
NEXT_SEQUENCE = Sql(
    "INSERT INTO txn_counters (scope, business_date, last_seq) VALUES (:scope, :day, 1) "
    "ON CONFLICT (scope, business_date) DO UPDATE SET last_seq = txn_counters.last_seq + 1 "
    f"WHERE txn_counters.last_seq < {MAX_SEQUENCE} RETURNING last_seq", binds={"day": DATE})
# A day's counter rows serve only that day's postings (job scopes make one per account and day):
# the sweep deletes those of the days before its margin. journal_txns' unique (scope, txn_no)
# would refuse a number handed out twice all the same.
PURGE_COUNTERS = Sql("DELETE FROM txn_counters WHERE business_date < :day", binds={"day": DATE})
TXN_COLUMNS = ("scope, txn_no, kind, executed_at, business_date, point_id, amount, holder_id, "
               "mykey_id, terminal_id, place, municipality_code, reason, corrects_txn_id")
TXN_VALUES = (":scope, :txn_no, :kind, :executed_at, :business_date, :point_id, :amount, "
              ":holder_id, :mykey_id, :terminal_id, :place, :municipality_code, :reason, "
              ":corrects_txn_id")
TXN_BINDS: dict[str, TypeEngine[Any]] = {"executed_at": DATETIME, "business_date": DATE}
INSERT_TXN = Sql(f"INSERT INTO journal_txns ({TXN_COLUMNS}) VALUES ({TXN_VALUES}) RETURNING id",
                 binds=TXN_BINDS)
INSERT_ENTRIES = Sql("INSERT INTO journal_entries (txn_id, account_id, amount, balance_after) "
                     "VALUES (:txn_id, :account_id, :amount, :balance_after)")
# In INSERT ... SELECT a NULL parameter has no column to take its type from: cast the nullable
# integers (text NULLs convert by assignment).
TXN_SELECT = (TXN_VALUES.replace(":txn_no", ":day_prefix || LPAD(CAST(last_seq AS TEXT), 5, '0')")
              .replace(":holder_id", "CAST(:holder_id AS INTEGER)")
              .replace(":corrects_txn_id", "CAST(:corrects_txn_id AS BIGINT)"))
# PostgreSQL: number, header, entries and lot consumptions in one round trip. The counter row
# is bumped first (it waits for a concurrent bump of the same terminal's day); no counter row
# back (the day's 99,999 numbers are used up) means nothing is inserted and no row returned.
POST_PG = Sql(
    "WITH seq AS (INSERT INTO txn_counters (scope, business_date, last_seq) "
    "VALUES (:scope, :business_date, 1) ON CONFLICT (scope, business_date) DO UPDATE "
    "SET last_seq = txn_counters.last_seq + 1 "
    f"WHERE txn_counters.last_seq < {MAX_SEQUENCE} RETURNING last_seq), "
    f"txn AS (INSERT INTO journal_txns ({TXN_COLUMNS}) "
    f"SELECT {TXN_SELECT} FROM seq RETURNING id, txn_no), "
    "legs AS (INSERT INTO journal_entries (txn_id, account_id, amount, balance_after) "
    "SELECT txn.id, leg.account_id, leg.amount, leg.balance_after FROM txn, "
    "UNNEST(CAST(:leg_accounts AS BIGINT[]), CAST(:leg_amounts AS BIGINT[]), "
    "CAST(:leg_balances AS BIGINT[])) AS leg(account_id, amount, balance_after)), "
    "used AS (INSERT INTO lot_consumptions (lot_id, txn_id, amount) "
    "SELECT part.lot_id, txn.id, part.amount FROM txn, "
    "UNNEST(CAST(:lot_ids AS BIGINT[]), CAST(:lot_amounts AS BIGINT[])) AS part(lot_id, amount)) "
    "SELECT id, txn_no FROM txn", binds=TXN_BINDS)

# ---------------------------------------------------------------- holder debits (PostgreSQL)
# PostgreSQL: the whole debit of a holder account (cloud_api/models/ledger_functions.py).
DEBIT_PG = Sql(
    "SELECT outcome, txn_id, txn_no, book_after, usable_after FROM ledger_debit("
    "CAST(:holder_key AS TEXT), CAST(:to_account AS BIGINT), CAST(:amount AS BIGINT), "
    "CAST(:business_date AS DATE), CAST(:scope AS TEXT), CAST(:kind AS TEXT), "
    "CAST(:executed_at AS TIMESTAMPTZ), CAST(:point_id AS INTEGER), CAST(:holder_id AS INTEGER), "
    "CAST(:mykey_id AS TEXT), CAST(:terminal_id AS TEXT), CAST(:place AS TEXT), "
    "CAST(:municipality_code AS TEXT), CAST(:reason AS TEXT))", binds=TXN_BINDS)

# PostgreSQL: point uses that arrived together, in order (ledger_point_uses in
# cloud_api/models/ledger_functions.py; their idempotency records: services/idempotency.py).
POINT_USES_PG = Sql("SELECT ord, outcome, txn_id, txn_no, book_after, usable_after "
                    "FROM ledger_point_uses(CAST(:uses AS JSONB))")

# ---------------------------------------------------------------- the sweep's mark
# models.ledger.SweepMark: read, and moved forward only (sweep.py).
SWEPT_BEFORE = Sql("SELECT swept_before FROM sweep_marks WHERE id = 1", results=(DATE,))
ADVANCE_SWEEP_MARK = Sql(
    "INSERT INTO sweep_marks (id, swept_before) VALUES (1, :day) ON CONFLICT (id) DO UPDATE "
    "SET swept_before = excluded.swept_before "
    "WHERE sweep_marks.swept_before < excluded.swept_before", binds={"day": DATE})
