"""Screen names → classes; the main window creates each screen on its first visit.

Modules are imported on first use (`screen_class`), so a cold start only pays for the start
screen and the menu; the grant screens (画面68-79, terminal_app.ui.grant) join the same table.
"""
from __future__ import annotations

import importlib

from terminal_app.ui.screens.base import Screen

SCREENS: dict[str, str] = {
    "start": "start:StartScreen",
    "s09": "s09_credentials:CredentialsScreen",
    "s10": "s10_contact:ContactScreen",
    "menu": "s22_menu:MenuScreen",
    "points": "s22_menu:PointMenuScreen",
    "s14": "s14_mykey_id:MykeyIdScreen",
    "s23": "s23_service_id:ServiceIdRegisterScreen",
    "s25": "s25_lookup:ServiceIdLookupScreen",
    "s29": "s29_spend:SpendScreen",
    "s32": "s32_voucher:VoucherScreen",
    "s35": "s35_redeem:RedeemScreen",
    "s37": "s37_merge:MergeScreen",
    "s87": "s87_report:ReportScreen",
}
GRANT_PREFIX = "g"   # 画面68-79 (category E: see start.py)


def screen_class(name: str) -> type[Screen]:
    """The class of screen `name` (KeyError for an unknown name)."""
    if name not in SCREENS and name.startswith(GRANT_PREFIX):
        from terminal_app.ui.grant.registry import GRANT_SCREENS

        return GRANT_SCREENS[name]
    module, _, cls = SCREENS[name].partition(":")
    found = getattr(importlib.import_module(f"terminal_app.ui.screens.{module}"), cls)
    assert issubclass(found, Screen)
    return found
