"""Imports every area module of the API so their routes attach to the blueprint."""
from __future__ import annotations

from cloud_api.api import (  # noqa: F401
    auth,  # ACCOUNTS
    cards,
    grants,  # GRANT
    meta,
    mykey,
    points,  # LEDGER
    reports_place,
    service_ids,
    terminals,
)
