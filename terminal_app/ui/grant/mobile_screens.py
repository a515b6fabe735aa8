"""The mobile grant mode: 画面74 メニュー, 画面76 名簿の同期, 画面77 連続カード読取と送信.
(画面75 is the login screen g68 opened with next_screen.)"""
from __future__ import annotations

import logging
import threading
from typing import Any

from terminal_app.ui.context import UiContext
from terminal_app.ui.grant.common import BusinessPicker, GrantScreen
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.widgets.form import FormGrid, row

log = logging.getLogger(__name__)


class MobileMenuScreen(GrantScreen):
    """画面74: 対象者取り込み (→ login → 画面76) and ポイント付与 (→ 画面77)."""

    screen_id = "g74"
    grant_title = "g74.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        for key, target in (("g74.sync", "g76"), ("g74.grant", "g77")):
            widget = button(tr(key) + "  >", name=f"menu_{target}")
            widget.setProperty("menu", "true")
            widget.clicked.connect(lambda _=False, t=target: self._open(t))
            self.body.addWidget(widget)
        self.body.addStretch(1)

    def _open(self, target: str) -> None:
        if target == "g76":
            self.ctx.navigate("g68", next_screen="g76")
        else:
            self.ctx.navigate(target)


class MobileSyncScreen(GrantScreen):
    """画面76: choose a business and fetch its roster (repeatable per business)."""

    screen_id = "g76"
    grant_title = "g76.title"
    menu_target = "g74"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.body.addWidget(label(tr("g76.lead"), "lead"))
        self.business = BusinessPicker()
        form = FormGrid()
        form.add_row("business", tr("grant.business"), self.business, required=True)
        self.body.addWidget(form)
        self.sync_button = button(tr("g76.sync"), primary=True, name="syncButton")
        self.sync_button.clicked.connect(self.on_sync)
        self.body.addWidget(row(self.sync_button))
        self.body.addStretch(1)
        self.lock_while_busy(self.sync_button)

    def on_enter(self, **kwargs: Any) -> None:
        self.business.fill(self.grants.store.businesses())

    def on_sync(self) -> None:
        mobile, business_id = self.grants.mobile, self.business.business_id
        self.run("net", lambda: mobile.sync_roster(business_id),
                 lambda count: self.status.info(tr("g76.synced", count=count)))


class MobileGrantScreen(GrantScreen):
    """画面77: read cards one after another (offline), then send them to the cloud."""

    screen_id = "g77"
    grant_title = "g77.title"
    menu_target = "g74"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.stop_event = threading.Event()
        self.reading = False
        self.body.addWidget(label(tr("g77.lead"), "lead"))
        self.business = BusinessPicker()
        self.points_label = label("", "pointsLabel")
        form = FormGrid()
        form.add_row("business", tr("grant.business"), self.business, required=True)
        form.add_row("points", tr("g73.per_person"), self.points_label)
        self.body.addWidget(form)
        self.business.currentIndexChanged.connect(self._update)
        self.start_button = button(tr("g77.start"), primary=True, name="startButton")
        self.stop_button = button(tr("g77.stop"), name="stopButton")
        self.upload_button = button(tr("g77.upload"), primary=True, name="uploadButton")
        self.start_button.clicked.connect(self.on_start)
        self.stop_button.clicked.connect(self.on_stop)
        self.upload_button.clicked.connect(self.on_upload)
        self.count_label = label("", "countLabel")
        self.body.addWidget(row(self.start_button, self.stop_button))
        self.body.addWidget(self.count_label)
        self.body.addWidget(row(self.upload_button))
        self.body.addStretch(1)

    def on_enter(self, **kwargs: Any) -> None:
        self.business.fill(self.grants.store.businesses())
        self._update()

    def _update(self) -> None:
        business_id = self.business.business_id
        found = [b for b in self.grants.store.businesses() if b.business_id == business_id]
        self.points_label.setText(f"{found[0].points_per_grant:,} pt" if found else "")
        summary = self.grants.mobile.summary(business_id)
        total = len(self.grants.mobile.reads(business_id))
        self.count_label.setText(tr("g77.count", count=total, pending=summary.pending))
        self.start_button.setEnabled(not self.reading)
        self.stop_button.setEnabled(self.reading)
        self.upload_button.setEnabled(not self.reading)
        self.business.setEnabled(not self.reading)

    # continuous reading ----------------------------------------------------------------------
    def on_start(self) -> None:
        self.stop_event.clear()
        self.reading = True
        self._update()
        self.status.info(tr("g77.waiting"))
        self._next()

    def _next(self, previous: str | None = None) -> None:
        mobile, business_id, stop = self.grants.mobile, self.business.business_id, self.stop_event
        self.ctx.jobs.run("card", lambda: mobile.next_card(business_id, stop, previous=previous),
                          self._read, self._read_failed)

    def _read(self, read: Any) -> None:
        self._update()
        if read is not None and self.reading:
            self.status.info(tr("g77.waiting"))
            self._next(previous=read.client_ref)

    def _read_failed(self, exc: BaseException) -> None:
        self.reading = False
        self._update()
        self.show_error(exc, retry=self.on_start)

    def on_stop(self) -> None:
        self.stop_event.set()
        self.reading = False
        self._update()
        self.status.clear()

    # upload ----------------------------------------------------------------------------------
    def on_upload(self) -> None:
        """「自治体ポイント管理クラウドへ登録」: 画面75 login, then the upload and 画面78."""
        self.ctx.navigate("g68", next_screen="g78",
                          next_kwargs={"business_id": self.business.business_id, "upload": True})
