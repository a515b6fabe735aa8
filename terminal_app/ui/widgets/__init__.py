"""Reusable widgets: the header, form rows with inline errors, postal code boxes, balances, busy bar."""
