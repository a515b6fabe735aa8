"""画面87 自治体ポイント集計 for the terminal's own place.

GIVEN two point uses at this museum today WHEN the clerk runs 集計 for this month THEN the count,
the points and one detail row per use are shown; 明細ダウンロード saves the CSV; a reversed
period is refused inline without asking the cloud."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt

from drivers.card.virtual.reader import VirtualReader
from tests.terminal.ui.harness import MUSEUM, register

CLICK = Qt.MouseButton.LeftButton


def test_report_shows_uses_at_this_place_and_saves_csv(make_window: Any, cloud: Any,
                                                       qtbot: Any, tmp_path: Path) -> None:
    window = make_window(cloud.url, reader=VirtualReader(cloud.world.card("MY123456").path))
    services = window.ctx.services
    register(services, MUSEUM)
    window.ctx.terminal = services.registration.terminal_info()
    card = services.cards.read()
    point_id = card.balances[0].point_id
    services.points.spend(card, point_id, 500)
    services.points.spend(card, point_id, 120)
    screen = window.navigate("s87")
    qtbot.mouseClick(screen.run_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.summary.text("place") == "川崎市藤子・F・不二雄ミュージアム"
    assert (screen.summary.text("count"), screen.summary.text("points")) == ("2", "620")
    assert screen.table.rowCount() == 2
    amounts = sorted(screen.table.item(r, 3).text() for r in range(2))
    assert amounts == ["120", "500"]
    assert {screen.table.item(r, 2).text() for r in range(2)} == {"MY123456"}
    target = tmp_path / "meisai.csv"
    screen.choose_path = lambda default: str(target)
    qtbot.mouseClick(screen.csv_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.status.text == f"明細を保存しました: {target}"
    text = target.read_bytes().decode("utf-8-sig")
    assert "MY123456" in text and len(text.strip().splitlines()) >= 3


def test_reversed_period_is_refused_inline(make_window: Any, cloud: Any, qtbot: Any) -> None:
    window = make_window(cloud.url)
    register(window.ctx.services, MUSEUM)
    screen = window.navigate("s87")
    screen.start.setDate(QDate(2026, 11, 30))
    screen.end.setDate(QDate(2026, 11, 1))
    qtbot.mouseClick(screen.run_button, CLICK)
    assert screen.form.error_text("period") == "集計対象期間の開始日は終了日以前にしてください。"
    assert not window.ctx.jobs.busy
