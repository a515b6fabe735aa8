"""Tests of the desktop installers (Linux bundle)."""
