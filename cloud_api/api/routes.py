"""Imports every area module of the API so their routes attach to the blueprint."""
from __future__ import annotations
