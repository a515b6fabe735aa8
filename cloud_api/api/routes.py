"""Imports every area module of the API so their routes attach to the blueprint."""
from __future__ import annotations
from cloud_api.api import auth, cards, meta, mykey, service_ids, terminals  # noqa: F401,E402  (ACCOUNTS)
from cloud_api.api import points, reports_place  # noqa: F401,E402  (LEDGER)
from cloud_api.api import grants  # noqa: F401,E402  (GRANT)
