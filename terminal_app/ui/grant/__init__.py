"""The grant screens (画面68-79): business-support PC and mobile grant mode, over
terminal_app.grant_support. `GRANT_SCREENS` maps screen names to classes for the main window."""
