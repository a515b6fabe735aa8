"""Render every screen of the terminal app offscreen into docs/screenshots/*.png (~900x650).

Runs the demo world for real (test CA + virtual cards, the cloud as subprocesses with its demo
data, the printer emulator), drives the screens as a clerk would and grabs each window:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/screenshots.py [--out docs/screenshots]

The IPA Gothic font (Debian fonts-ipafont-gothic) renders the Japanese text.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from terminal_app import demo

log = logging.getLogger("screenshots")
SIZE = (900, 650)
TERMINALS = {"library": ("00052459", "e912kfja"), "museum": ("00052559", "gja8zo9a"),
             "chamber": ("00053059", "rnva8883"), "fruit": ("00052489", "oeka92kgj"),
             "library2": ("00052460", "83ka1908f")}


class Shooter:
    """One window per terminal; `shot(name)` waits for background work, then grabs."""

    def __init__(self, world: demo.DemoWorld, cloud_url: str, out: Path, printer: str) -> None:
        self.world, self.cloud_url, self.out, self.printer = world, cloud_url, out, printer
        self.reader: Any = None
        self.window: Any = None
        self.emulator: Any = None

    def open(self, name: str, card: str | None = "MY123456") -> Any:
        from drivers.card.virtual.reader import VirtualReader
        from terminal_app.config import load_config
        from terminal_app.services.container import build_services
        from terminal_app.ui.application import build_window

        home = self.world.root / f"terminal-{name}"
        (home / "merge").mkdir(parents=True, exist_ok=True)
        env = {"MYKEY_HOME": str(home), "MYKEY_CLOUD_URL": self.cloud_url,
               "MYKEY_PRINTER": self.printer, "MYKEY_READER": "virtual:"}
        self.reader = VirtualReader(self.world.card(card).path if card else None)
        services = build_services(load_config(env=env), reader=self.reader,
                                  keyring_backend=demo.MemoryKeyring())  # type: ignore[arg-type]
        self.window = build_window(services, "0.1.0", wedge=False)
        self.window.resize(*SIZE)
        self.window.show()
        return self.window

    def settle(self) -> None:
        from terminal_app.ui.application import wait_until

        if not wait_until(lambda: not self.window.ctx.jobs.busy, 30.0):
            raise RuntimeError("background work did not finish")
        wait_until(lambda: False, 0.05)      # let the last signals repaint

    def shot(self, name: str) -> None:
        self.settle()
        path = self.out / f"{name}.png"
        self.window.grab().save(str(path), "PNG")
        log.info("wrote %s", path)

    def register(self, key: str, business: str | None = None) -> Any:
        from terminal_app.domain.contact import ContactForm

        services = self.window.ctx.services
        terminal_id, password = TERMINALS[key]
        pre = services.registration.precheck(terminal_id, password)
        chosen = next((b.id for b in pre.id_businesses if b.name == business), None)
        services.registration.register(terminal_id, password, ContactForm(
            place=PLACES[key], name=f"{PLACES[key]}1台目", person="川崎 一郎",
            postal_first="213", postal_second="0001", address="神奈川県川崎市高津区溝口1-1",
            phone="044-811-0001", email="counter@example.jp", email_confirm="counter@example.jp",
            id_business_id=chosen), precheck=pre)
        self.window.ctx.terminal = services.registration.terminal_info()
        return services


PLACES = {"library": "高津図書館", "museum": "川崎市藤子・F・不二雄ミュージアム",
          "chamber": "XX商工会", "fruit": "〇〇果実店", "library2": "高津図書館"}


def registration(s: Shooter) -> None:
    window = s.open("new", card=None)
    screen = window.navigate("s09")
    screen.terminal_id.setText("00052459")
    screen.password.setText("e912kfja")
    s.shot("09_terminal_id_password")
    screen.on_submit()
    s.settle()
    form = window.current
    form.business.setCurrentIndex(1)
    form.edits["place"].setText("高津図書館")
    form.edits["name"].setText("高津図書館1台目")
    form.postal.set_code("2130001")
    form.on_postal_search(form.postal.code)
    s.settle()
    form.edits["email"].setText("takatsu@example")
    form.on_submit()
    s.shot("10_contact_inline_errors")


def library(s: Shooter) -> None:
    window = s.open("library")
    s.register("library", "川崎市立図書館")
    window.navigate("menu")
    s.shot("22_menu")
    screen = window.navigate("s23")
    screen.customer_id.setText("180000000011")
    screen.yes.setChecked(True)
    screen.sign_password.setText(demo.DEMO_SIGN_PASSWORD)
    s.shot("23_service_id_register")
    screen.on_submit()
    s.shot("24_service_id_registered")
    lookup = window.navigate("s25")
    s.shot("25_service_id_lookup")
    lookup.on_lookup()
    s.shot("26_service_id_lookup_result")


def museum(s: Shooter) -> None:
    window = s.open("museum")
    services = s.register("museum")
    window.navigate("points")
    s.shot("28_point_menu")
    screen = window.navigate("s29")
    screen.on_read_card()
    s.settle()
    screen.amount.setText("500")
    s.shot("29_point_use_input")
    screen.on_confirm()
    s.shot("30_point_use_confirm")
    screen.on_action()
    s.shot("31_point_use_done")
    report = window.navigate("s87")
    report.on_run()
    s.shot("87_place_report")
    s.reader.remove()
    screen = window.navigate("s29")
    screen.on_read_card()
    s.shot("29_error_no_card")
    del services


def chamber(s: Shooter) -> None:
    window = s.open("chamber")
    s.register("chamber")
    screen = window.navigate("s32")
    screen.on_read_card()
    s.settle()
    screen.validity.setText("31")
    screen.amount.setText("300")
    screen.on_confirm()
    s.shot("32_voucher_input_inline_error")
    screen.validity.setText("10")
    screen.on_confirm()
    s.shot("33_voucher_confirm")
    screen.on_action()
    s.shot("34_voucher_issued")
    voucher_no = screen.result.voucher_no
    screen.on_print()
    s.settle()
    redeem = window.navigate("s35")
    redeem.scanned(voucher_no)
    s.shot("35_voucher_redeem")
    redeem.on_redeem()
    s.shot("36_voucher_redeemed")


def fruit(s: Shooter) -> None:
    window = s.open("fruit")
    services = s.register("fruit", "ブレーメン商店街")
    services.service_ids.register(services.cards.read(), "123456789")
    screen = window.navigate("s37")
    screen.on_read_card()
    s.settle()
    screen.amount.setText("200")
    s.shot("37_merge_input")
    screen.on_confirm()
    s.shot("38_merge_confirm")
    screen.on_action()
    s.shot("39_merge_done")


def mykey(s: Shooter) -> None:
    window = s.open("kiosk", card="KEY34567")
    s.register("library2", "川崎市立図書館")
    screen = window.navigate("s14")
    s.shot("14_mykey_card")
    screen.show_page(1)
    screen.pin.setText("9999")
    screen.on_pin()
    s.shot("15_mykey_wrong_pin")
    s.reader.insert(new_holder_card(s.world))   # a card whose holder has no MyKey ID yet
    screen.pin.setText("4321")
    screen.on_pin()
    s.settle()
    screen.on_generate()
    s.settle()
    screen.password.setText("abc12345")
    screen.password2.setText("abc12345")
    s.shot("16_mykey_form")
    screen.on_submit()
    s.shot("17_mykey_done")


def new_holder_card(world: demo.DemoWorld) -> Path:
    """A virtual card of a holder who has not created a MyKey ID (画面16/17)."""
    from datetime import date

    from drivers.card.virtual.ca import issue_card, load_ca
    from drivers.card.virtual.card_file import save_card
    from drivers.card.virtual.cert_builder import Holder

    doc = issue_card(load_ca(world.ca_dir),
                     Holder("溝口 三郎", "神奈川県川崎市高津区溝口3-3", date(1990, 6, 1), "1"),
                     pin="4321", sign_password=None)
    path = world.root / "new-holder.json"
    save_card(doc, path)
    return path


def demo_panel(s: Shooter) -> None:
    """The demo mode's side window (card insert/remove, printed paper)."""
    from terminal_app.ui.application import wait_until
    from terminal_app.ui.demo_panel import DemoPanel

    panel = DemoPanel(s.world, s.reader, s.emulator, s.window)
    panel.resize(420, 650)
    panel.show()
    panel.insert_card(s.world.card("MY123456"))
    wait_until(lambda: panel.papers.count() > 0, 10.0)
    wait_until(lambda: False, 0.1)
    panel.grab().save(str(s.out / "demo_panel.png"), "PNG")


SCENARIOS: tuple[Callable[[Shooter], None], ...] = (registration, library, museum, chamber, fruit,
                                                     mykey, demo_panel)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from drivers.printer.emulator.server import PrinterEmulator
    from terminal_app.ui.application import qt_app

    qt_app()
    with tempfile.TemporaryDirectory(prefix="mykey-shots-") as tmp:
        world = demo.build_world(Path(tmp))
        demo.prepare_cloud(world)
        port = demo.free_port()
        cloud = demo.start_cloud(world, port)
        emulator = PrinterEmulator(port=0, out_dir=Path(tmp) / "papers").start()
        try:
            shooter = Shooter(world, f"http://127.0.0.1:{port}", args.out, emulator.target)
            shooter.emulator = emulator
            for scenario in SCENARIOS:
                scenario(shooter)
        finally:
            emulator.stop()
            demo.stop_process(cloud)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
