"""Grant business support on the terminal (section V, 画面68-79), Qt-free.

`store` is the local SQLite of the business-support PC / mobile grant device (grant-business
master, roster, person master, offline card reads); `cloud` the grant endpoints over the core's
signed client and outbox; `support` the PC's use cases (login + sync, individual entry, roster
view, grant); `excel` roster export/import and the 画面71 template; `mobile` the mobile grant mode.
"""
