"""Tests of the My Number card driver."""
