"""Alembic migrations of the cloud database, driven programmatically (no alembic.ini).

`upgrade(url)` is what `mykey-cloud init-db` runs. Until the first release the schema should be
one initial revision generated from `Base.metadata`: when models change, regenerate it with
`python -m cloud_api.migrations regenerate` instead of stacking revisions. Regeneration folds
every later revision into 0001 (their files are replaced). A test checks that upgrading an empty
database to head gives exactly the models, whatever the revisions are.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
INITIAL_REV = "0001"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("version_path_separator", "os")
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    log.info("migrating the database to %s", revision)
    command.upgrade(alembic_config(url), revision)


def regenerate_initial() -> Path:
    """Rewrite the initial revision from the current models, folding in any later revision."""
    for old in (HERE / "versions").glob("*.py"):
        log.info("folding %s into the initial revision", old.name)
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.sqlite3'}"
        script = command.revision(alembic_config(url), message="initial schema",
                                  autogenerate=True, rev_id=INITIAL_REV)
    path = Path(script.path)  # type: ignore[union-attr]
    log.info("wrote %s", path.name)
    return path
