"""Every model module of the cloud, imported so that `Base.metadata` knows all tables.

Alembic's env.py, the migration check and `Base.metadata.create_all` rely on this import. Each
area keeps its tables in its own module here (accounts.py, ledger.py, console.py, …); every
module of this package is imported, so a new one needs no edit of this file.
"""
from __future__ import annotations

import importlib
import pkgutil

from cloud_api.db import Base
from cloud_api.models import accounts

for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")

metadata = Base.metadata

__all__ = ["Base", "accounts", "metadata"]
