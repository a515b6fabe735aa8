"""A small self-drawn SVG line chart: points used per day, one line per installation place.

Server-side and dependency-free: the report page embeds the returned SVG markup inline. Places
beyond the largest few are summed as その他 so the chart stays readable.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 760, 260, 70, 30, 10, 30
COLOURS = ("#1f5fa8", "#d9822b", "#2e8b57", "#a83279", "#6b6b6b", "#b8a100")
MAX_LINES = 5


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[int]


def series(points: list[tuple[date, str, int]], first: date, last: date) -> list[Series]:
    """One list of daily totals per place (largest places first, the rest as その他)."""
    days = (last - first).days + 1
    by_place: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for day, place, amount in points:
        if first <= day <= last:
            by_place[place][(day - first).days] += amount
    ranked = sorted(by_place.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    top, rest = ranked[:MAX_LINES], ranked[MAX_LINES:]
    if rest:
        top.append(("その他", [sum(col) for col in zip(*(v for _, v in rest))]))
    return [Series(name, COLOURS[i % len(COLOURS)], values) for i, (name, values) in enumerate(top)]


def svg(lines: list[Series], first: date) -> str:
    """The chart as SVG markup (text is escaped)."""
    if not lines:
        return ""
    days = len(lines[0].values)
    peak = max(1, max(max(s.values) for s in lines))
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 24 * len(lines)}"'
              ' role="img" aria-label="日別利用ポイント数" class="chart" id="daily-chart">')]
    parts += _axes(first, days, peak)
    parts += [_polyline(s, days, peak) for s in lines]
    parts += [_legend(i, s) for i, s in enumerate(lines)]
    return "".join(parts) + "</svg>"


def _x(i: int, days: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * i / (days - 1) if days > 1 else span / 2)


def _y(value: int, peak: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / peak)


def _axes(first: date, days: int, peak: int) -> list[str]:
    base = HEIGHT - BOTTOM
    out = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#333"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#333"/>',
           f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11">{peak:,}</text>',
           f'<text x="{LEFT - 6}" y="{base}" text-anchor="end" font-size="11">0</text>']
    step = max(1, days // 8)
    for i in range(0, days, step):
        label = (first + timedelta(days=i)).strftime("%m/%d")
        out.append(f'<text x="{_x(i, days):.1f}" y="{base + 16}" text-anchor="middle" font-size="11">{label}</text>')
    return out


def _polyline(s: Series, days: int, peak: int) -> str:
    pts = " ".join(f"{_x(i, days):.1f},{_y(v, peak):.1f}" for i, v in enumerate(s.values))
    return (f'<polyline fill="none" stroke="{s.colour}" stroke-width="2" points="{pts}">'
            f'<title>{escape(s.name)}</title></polyline>')


def _legend(i: int, s: Series) -> str:
    y = HEIGHT + 8 + 24 * i
    return (f'<rect x="{LEFT}" y="{y}" width="14" height="14" fill="{s.colour}"/>'
            f'<text x="{LEFT + 20}" y="{y + 12}" font-size="12">{escape(s.name)}（計 {sum(s.values):,} pt）</text>')
