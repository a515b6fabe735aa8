"""The JSON API under /api/v1/: one thin module per area, on one blueprint (api/blueprint.py)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    # Area modules attach their routes to `bp` when imported.
    from cloud_api.api import routes  # noqa: F401
    from cloud_api.api.blueprint import bp

    app.register_blueprint(bp)
