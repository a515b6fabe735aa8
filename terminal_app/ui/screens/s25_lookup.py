"""画面25/26: サービスIDの照会 — set the card, 照会, then the business's mode: the number shown large
(番号通知), a barcode on screen (バーコード表示), typed into the linked system (ID自動引渡し) or a
printed label (ラベル印刷)."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget

from drivers import barcode
from terminal_app.ui.context import UiContext
from terminal_app.ui.errors import describe
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.barcode_view import BarcodeView
from terminal_app.ui.widgets.form import row
from terminal_app.ui.widgets.info import InfoBlock
from terminal_app.ui.widgets.pages import page

log = logging.getLogger(__name__)

MODES = ("number", "barcode", "handoff", "label")


class ServiceIdLookupScreen(Screen):
    """Reads the card and hands the service ID over in the mode set for the business."""

    screen_id = "s25"
    title_key = "s25.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages)
        self.result: Any = None
        self._build_prepare()
        self._build_result()

    def _build_prepare(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s25.lead"), "lead"))
        for mode in MODES:
            layout.addWidget(label(tr(f"mode.{mode}"), "sectionTitle"))
            layout.addWidget(label(tr(f"mode.{mode}.prep"), "lead"))
        self.mode_note = label("", "status")
        layout.addWidget(self.mode_note)
        layout.addWidget(label(tr("s25.step2"), "lead"))
        self.submit = button(tr("s25.submit"), primary=True, name="lookupButton")
        self.submit.clicked.connect(self.on_lookup)
        layout.addWidget(row(self.submit))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.submit)

    def _build_result(self) -> None:
        widget, layout = page()
        self.info = InfoBlock()
        self.info.add("business", tr("s24.business"))
        self.info.add("mykey_id", tr("user.mykey_id"))
        layout.addWidget(self.info)
        self.mode_title = label("", "sectionTitle")
        self.mode_text = label("", "lead")
        self.number = label("", "bigNumber")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.barcode = BarcodeView()
        self.print_button = button(tr("s26.print"), primary=True, name="printLabelButton")
        self.print_button.clicked.connect(self.on_print_label)
        for widget_ in (self.mode_title, self.mode_text, self.number, self.barcode):
            layout.addWidget(widget_)
        layout.addWidget(row(self.print_button))
        again = button(tr("s26.again"), name="againButton")
        again.clicked.connect(lambda: self.enter())
        menu = button(tr("nav.back_menu"), name="menuButton")
        menu.clicked.connect(self.go_menu)
        layout.addWidget(row(again, menu))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.print_button, again, menu)

    def on_enter(self, **kwargs: Any) -> None:
        self.result = None
        self.pages.setCurrentIndex(0)
        self.title_label.setText(tr("s25.title"))
        business = self.ctx.terminal.id_business if self.ctx.terminal else None
        self.mode_note.setText(tr("s25.this_mode", name=business.name,
                                  mode=tr(f"mode.{business.lookup_mode}")) if business else "")

    def on_lookup(self) -> None:
        service = self.ctx.services.service_ids
        self.run("card", service.read_and_lookup, self.show_result, working=tr("s25.working"))

    def show_result(self, result: Any) -> None:
        self.result = result
        mode = result.id_business.lookup_mode if result.id_business.lookup_mode in MODES \
            else "number"
        self.info.set("business", str(result.id_business.name))
        self.info.set("mykey_id", str(result.mykey_id))
        self.mode_title.setText(tr(f"mode.{mode}"))
        self.mode_text.setText(tr(f"mode.{mode}.done"))
        self.number.setText(str(result.customer_id))
        self.barcode.setVisible(mode == "barcode")
        self.print_button.setVisible(mode == "label")
        self.pages.setCurrentIndex(1)
        self.title_label.setText(tr("s26.title"))
        if mode == "barcode":
            self._render_barcode(result)
        elif mode == "handoff":
            self._hand_off(result)

    def _render_barcode(self, result: Any) -> None:
        try:
            svg = barcode.barcode_svg(result.id_business.symbology, str(result.customer_id))
        except ValueError as exc:
            self.status.error(tr("s26.barcode_failed", reason=describe(exc).text))
            return
        self.barcode.show_svg(svg)

    def _hand_off(self, result: Any) -> None:
        service = self.ctx.services.service_ids
        own = int(self.window().winId())   # read here, in the GUI thread: focus goes back
        self.run("local", lambda: service.hand_off(result, return_focus_from=own),
                 lambda _: self.status.info(tr("s26.handed_off")),
                 working=tr("s26.handing_off"))

    def on_print_label(self) -> None:
        receipts, result = self.ctx.services.receipts, self.result
        self.run("printer", lambda: receipts.print(result),
                 lambda _: self.status.info(tr("flow.printed")), working=tr("flow.printing"))
