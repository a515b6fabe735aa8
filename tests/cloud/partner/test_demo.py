"""GIVEN an empty database WHEN the demo data is loaded twice THEN JAL's transfers exist once."""
from __future__ import annotations

from datetime import date

from flask import Flask

from cloud_api.clock import FixedClock
from cloud_api.db import unit_of_work
from cloud_api.services.demo import load_demo
from cloud_api.services.ledger.verify import verify
from cloud_api.services.reports import transfer_report
from cloud_api.services.reports.reader import read_connection


def test_demo_transfers_are_idempotent_and_reported(app: Flask, clock: FixedClock) -> None:
    cloud = app.extensions["mykey"]
    with unit_of_work(cloud.sessions) as s:
        assert load_demo(s, clock).transfers == 4
    with unit_of_work(cloud.sessions) as s:
        assert load_demo(s, clock).transfers == 0
        assert verify(s) == []
    with read_connection(cloud.engine) as conn:
        q = transfer_report.partner_query(conn, "JAL", date(2026, 10, 1), date(2026, 11, 22))
        assert q is not None
        assert transfer_report.summary(conn, q) == transfer_report.TransferSummary(4, 25000)
        rows = list(transfer_report.detail_rows(conn, q))
    assert [r[3] for r in rows] == ["留保ポイント", "川崎市ポイント", "留保ポイント", "川崎市ポイント"]
