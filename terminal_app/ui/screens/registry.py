"""Screen names → classes; the main window creates each screen on its first visit."""
from __future__ import annotations

from terminal_app.ui.grant.registry import GRANT_SCREENS
from terminal_app.ui.screens.base import Screen
from terminal_app.ui.screens.s09_credentials import CredentialsScreen
from terminal_app.ui.screens.s10_contact import ContactScreen
from terminal_app.ui.screens.s14_mykey_id import MykeyIdScreen
from terminal_app.ui.screens.s22_menu import MenuScreen, PointMenuScreen
from terminal_app.ui.screens.s23_service_id import ServiceIdRegisterScreen
from terminal_app.ui.screens.s25_lookup import ServiceIdLookupScreen
from terminal_app.ui.screens.s29_spend import SpendScreen
from terminal_app.ui.screens.s32_voucher import VoucherScreen
from terminal_app.ui.screens.s35_redeem import RedeemScreen
from terminal_app.ui.screens.s37_merge import MergeScreen
from terminal_app.ui.screens.s87_report import ReportScreen
from terminal_app.ui.screens.start import StartScreen

SCREENS: dict[str, type[Screen]] = {
    "start": StartScreen,
    "s09": CredentialsScreen,
    "s10": ContactScreen,
    "menu": MenuScreen,
    "points": PointMenuScreen,
    "s14": MykeyIdScreen,
    "s23": ServiceIdRegisterScreen,
    "s25": ServiceIdLookupScreen,
    "s29": SpendScreen,
    "s32": VoucherScreen,
    "s35": RedeemScreen,
    "s37": MergeScreen,
    "s87": ReportScreen,
}
SCREENS.update(GRANT_SCREENS)  # 画面68-79 (category E: see start.py)
