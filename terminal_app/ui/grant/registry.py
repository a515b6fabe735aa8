"""Screen names → classes of the grant screens, merged into the main window's registry."""
from __future__ import annotations

from terminal_app.ui.grant.entry_screen import GrantEntryScreen
from terminal_app.ui.grant.import_screen import GrantImportScreen
from terminal_app.ui.grant.mobile_screens import (
    MobileGrantScreen,
    MobileMenuScreen,
    MobileSyncScreen,
)
from terminal_app.ui.grant.pc_screens import GrantLoginScreen, GrantMenuScreen, GrantSettingsScreen
from terminal_app.ui.grant.roster_screen import GrantRosterScreen
from terminal_app.ui.grant.unlisted_screens import AddRegisterScreen, UnlistedScreen
from terminal_app.ui.screens.base import Screen

GRANT_SCREENS: dict[str, type[Screen]] = {
    "g68": GrantLoginScreen,
    "g69": GrantSettingsScreen,
    "g70": GrantMenuScreen,
    "g71": GrantImportScreen,
    "g72": GrantEntryScreen,
    "g73": GrantRosterScreen,
    "g74": MobileMenuScreen,
    "g76": MobileSyncScreen,
    "g77": MobileGrantScreen,
    "g78": UnlistedScreen,
    "g79": AddRegisterScreen,
}
