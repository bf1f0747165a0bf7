"""Draw the demo newsroom's pictures and cut its one video clip.

Run by hand, never by the site, then commit what it writes under ``masthead/demo/media/``::

    .venv/bin/python scripts/make_demo_media.py            # pictures
    .venv/bin/python scripts/make_demo_media.py --video    # pictures and video (ffmpeg)
    .venv/bin/python scripts/make_demo_media.py --out /tmp/media   # somewhere else

Pictures are flat, abstract editorial illustrations drawn with Pillow at twice their size
and scaled down (cheap anti-aliasing). The video needs ``ffmpeg`` and is only rebuilt with
``--video``: ``make demo`` copies the committed files and never needs ffmpeg.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

MEDIA = Path(__file__).resolve().parents[1] / "masthead" / "demo" / "media"
LEAD_SIZE = (1200, 675)
PORTRAIT_SIZE = (400, 400)
SCALE = 2  # drawn at twice the size, then scaled down
LEAD_LIMIT = 80_000
VIDEO_LIMIT = 300_000

Colour = tuple[int, int, int]
Painter = Callable[[ImageDraw.ImageDraw, random.Random, int, int], None]

INK: Colour = (34, 40, 49)
PAPER: Colour = (246, 241, 231)
PALETTES: dict[str, list[Colour]] = {
    "dawn": [(250, 214, 165), (244, 162, 97), (231, 111, 81), (42, 157, 143), (38, 70, 83)],
    "civic": [(233, 237, 241), (141, 171, 196), (69, 123, 157), (29, 53, 87), (230, 57, 70)],
    "moss": [(237, 242, 228), (169, 196, 140), (99, 148, 101), (47, 87, 72), (242, 204, 143)],
    "night": [(22, 27, 51), (44, 54, 93), (91, 96, 158), (249, 199, 79), (248, 150, 30)],
    "warm": [(255, 243, 224), (255, 183, 77), (239, 108, 0), (142, 36, 170), (55, 71, 79)],
}


def gradient(draw: ImageDraw.ImageDraw, w: int, h: int, top: Colour, bottom: Colour) -> None:
    """Fill the canvas with a vertical blend, in bands (bands keep JPEGs small)."""
    bands = 24
    for i in range(bands):
        t = i / (bands - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.rectangle((0, h * i // bands, w, h * (i + 1) // bands + 1), fill=colour)


def skyline(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    w: int,
    base: int,
    tone: Colour,
    lit: Colour,
    tallest: int,
) -> None:
    """Draw a row of buildings standing on ``base`` with a few lit windows."""
    x = -20
    while x < w:
        width = rng.randint(w // 24, w // 9)
        height = rng.randint(tallest // 4, tallest)
        draw.rectangle((x, base - height, x + width, base), fill=tone)
        for wy in range(base - height + 24, base - 30, 44):
            for wx in range(x + 14, x + width - 20, 34):
                if rng.random() < 0.35:
                    draw.rectangle((wx, wy, wx + 14, wy + 20), fill=lit)
        x += width + rng.randint(0, 12)


def river(draw: ImageDraw.ImageDraw, w: int, top: int, bottom: int, colour: Colour) -> None:
    """Draw a gently waving band of water between ``top`` and ``bottom``."""
    upper = [(x, top + 14 * math.sin(x / 90)) for x in range(0, w + 40, 40)]
    lower = [(x, bottom + 10 * math.sin(x / 70 + 1)) for x in range(w + 40, -40, -40)]
    draw.polygon(upper + lower, fill=colour)


def paint_bridge(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    sky, sun, rust, water, steel = PALETTES["dawn"]
    gradient(draw, w, h, sky, sun)
    draw.ellipse((w * 0.68, h * 0.18, w * 0.82, h * 0.18 + w * 0.14), fill=(252, 236, 200))
    skyline(draw, rng, w, int(h * 0.62), (196, 120, 96), sky, int(h * 0.35))
    river(draw, w, int(h * 0.62), h + 20, water)
    deck = int(h * 0.5)
    draw.rectangle((0, deck, w, deck + 26), fill=steel)
    for i in range(4):
        x0 = i * w // 4
        draw.arc((x0 + 20, deck + 10, x0 + w // 4 - 20, deck + h // 2), 180, 360, steel, 22)
        draw.rectangle((x0 - 12, deck, x0 + 12, h), fill=steel)
    draw.rectangle((w * 0.45, deck - 30, w * 0.55, deck), fill=rust)


def paint_bus(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    sky, light, _mid, deep, red = PALETTES["civic"]
    gradient(draw, w, h, sky, light)
    draw.rectangle((0, h * 0.72, w, h), fill=(90, 96, 104))
    for x in range(0, w, 160):
        draw.rectangle((x + 40, h * 0.85, x + 110, h * 0.87), fill=PAPER)
    body = (w * 0.18, h * 0.32, w * 0.82, h * 0.74)
    draw.rounded_rectangle(body, radius=40, fill=(249, 199, 79))
    draw.rectangle((w * 0.18, h * 0.6, w * 0.82, h * 0.63), fill=INK)
    for i in range(6):
        left = w * 0.22 + i * w * 0.095
        draw.rounded_rectangle((left, h * 0.38, left + w * 0.075, h * 0.52), 10, fill=deep)
    for cx in (w * 0.3, w * 0.7):
        draw.ellipse((cx - 55, h * 0.68, cx + 55, h * 0.68 + 110), fill=INK)
        draw.ellipse((cx - 22, h * 0.68 + 33, cx + 22, h * 0.68 + 77), fill=light)
    draw.rectangle((w * 0.78, h * 0.4, w * 0.8, h * 0.46), fill=red)


def paint_columns(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    sky, light, mid, deep, accent = PALETTES["moss"]
    gradient(draw, w, h, sky, light)
    draw.polygon([(w * 0.15, h * 0.3), (w * 0.5, h * 0.08), (w * 0.85, h * 0.3)], fill=deep)
    draw.rectangle((w * 0.15, h * 0.3, w * 0.85, h * 0.36), fill=mid)
    for i in range(6):
        x = w * 0.2 + i * w * 0.12
        draw.rectangle((x, h * 0.36, x + w * 0.05, h * 0.82), fill=PAPER)
    draw.rectangle((w * 0.1, h * 0.82, w * 0.9, h * 0.9), fill=mid)
    x = 0
    while x < w:
        book = rng.randint(18, 40)
        colour = rng.choice([*PALETTES["warm"][1:], deep, accent])
        draw.rectangle((x, h * 0.9 + rng.randint(0, 16), x + book, h), fill=colour)
        x += book + 4


def paint_bars(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _bg, _light, mid, _deep, red = PALETTES["civic"]
    draw.rectangle((0, 0, w, h), fill=PAPER)
    for y in range(int(h * 0.15), int(h * 0.85), 70):
        draw.line((w * 0.08, y, w * 0.92, y), fill=(220, 214, 204), width=3)
    count = 9
    step = w * 0.84 / count
    for i in range(count):
        height = h * (0.2 + 0.5 * (i / count) + rng.uniform(-0.05, 0.08))
        colour = red if i == count - 1 else mid
        x = w * 0.08 + i * step + step * 0.15
        draw.rectangle((x, h * 0.85 - height, x + step * 0.7, h * 0.85), fill=colour)
    draw.line((w * 0.08, h * 0.85, w * 0.92, h * 0.85), fill=INK, width=6)


def paint_pie(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    colours = [*PALETTES["civic"][1:], PALETTES["dawn"][1], PALETTES["moss"][2]]
    draw.rectangle((0, 0, w, h), fill=PAPER)
    shares = [38, 21, 14, 11, 9, 7]
    box = (w * 0.3, h * 0.1, w * 0.3 + h * 0.8, h * 0.9)
    start = -90.0
    for share, colour in zip(shares, colours, strict=False):
        end = start + share * 3.6
        draw.pieslice(box, start, end, fill=colour, outline=PAPER, width=8)
        start = end
    draw.ellipse((w * 0.3 + h * 0.25, h * 0.35, w * 0.3 + h * 0.55, h * 0.65), fill=PAPER)


def paint_podiums(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _bg, light, mid, deep, red = PALETTES["civic"]
    gradient(draw, w, h, deep, mid)
    for i, colour in enumerate((red, light, (249, 199, 79))):
        cx = w * (0.25 + 0.25 * i)
        draw.ellipse((cx - 60, h * 0.2, cx + 60, h * 0.2 + 120), fill=colour)
        draw.rounded_rectangle((cx - 110, h * 0.2 + 130, cx + 110, h * 0.75), 50, fill=colour)
        draw.polygon(
            [(cx - 130, h * 0.55), (cx + 130, h * 0.55), (cx + 100, h), (cx - 100, h)], fill=INK
        )
        draw.rectangle((cx - 30, h * 0.62, cx + 30, h * 0.68), fill=PAPER)


def paint_map(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    colours = [*PALETTES["moss"][:3], PALETTES["dawn"][0], PALETTES["civic"][1]]
    draw.rectangle((0, 0, w, h), fill=PAPER)
    cols, rows = 7, 4
    points = [
        [
            (
                w * c / (cols - 1) + rng.uniform(-50, 50) * (0 < c < cols - 1),
                h * r / (rows - 1) + rng.uniform(-40, 40) * (0 < r < rows - 1),
            )
            for c in range(cols)
        ]
        for r in range(rows)
    ]
    for r in range(rows - 1):
        for c in range(cols - 1):
            quad = [points[r][c], points[r][c + 1], points[r + 1][c + 1], points[r + 1][c]]
            draw.polygon(quad, fill=rng.choice(colours), outline=PAPER, width=10)
    curve = [(x, h * 0.55 + 90 * math.sin(x / 210)) for x in range(-20, w + 40, 30)]
    draw.line(curve, fill=PALETTES["civic"][2], width=34, joint="curve")


def paint_routes(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    draw.rectangle((0, 0, w, h), fill=PAPER)
    colours = [
        PALETTES["civic"][4],
        PALETTES["civic"][2],
        PALETTES["moss"][2],
        PALETTES["warm"][2],
        PALETTES["warm"][3],
    ]
    for i, colour in enumerate(colours):
        x, y = rng.uniform(0, w * 0.1), h * (0.14 + 0.18 * i)
        path = [(x, y)]
        while x < w:
            if rng.random() < 0.65:
                x += rng.uniform(140, 280)
            else:
                y = min(max(y + rng.choice((-1, 1)) * rng.uniform(80, 160), 60), h - 60)
            path.append((x, y))
        draw.line(path, fill=colour, width=22, joint="curve")
        for px, py in path[2:-1:3]:
            draw.ellipse((px - 22, py - 22, px + 22, py + 22), fill=PAPER, outline=INK, width=8)


def paint_mill(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    sky, _sun, brick, teal, deep = PALETTES["dawn"]
    gradient(draw, w, h, (250, 232, 200), sky)
    draw.rectangle((w * 0.72, h * 0.08, w * 0.78, h * 0.5), fill=brick)
    draw.rectangle((w * 0.08, h * 0.35, w * 0.92, h * 0.85), fill=brick)
    for row in range(3):
        for col in range(11):
            x, y = w * 0.11 + col * w * 0.074, h * 0.4 + row * h * 0.14
            draw.rounded_rectangle((x, y, x + w * 0.045, y + h * 0.1), 12, fill=deep)
    draw.rectangle((0, h * 0.85, w, h), fill=teal)


def paint_storefront(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    base, amber, orange, plum, slate = PALETTES["warm"]
    draw.rectangle((0, 0, w, h), fill=base)
    for i in range(3):
        x0 = w * (0.04 + 0.32 * i)
        colour = (orange, plum, PALETTES["moss"][2])[i]
        draw.rectangle((x0, h * 0.1, x0 + w * 0.28, h * 0.9), fill=slate)
        draw.rectangle((x0 + 20, h * 0.42, x0 + w * 0.28 - 20, h * 0.86), fill=(252, 236, 200))
        for s in range(6):
            sx = x0 + s * w * 0.28 / 6
            stripe = colour if s % 2 == 0 else PAPER
            draw.polygon(
                [
                    (sx, h * 0.28),
                    (sx + w * 0.047, h * 0.28),
                    (sx + w * 0.047, h * 0.38),
                    (sx, h * 0.38),
                ],
                fill=stripe,
            )
        for _ in range(7):
            cx, cy = x0 + rng.uniform(50, w * 0.28 - 50), h * rng.uniform(0.62, 0.8)
            draw.ellipse((cx - 28, cy - 28, cx + 28, cy + 28), fill=rng.choice((orange, amber)))


def paint_port(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    sky, mid, violet, yellow, orange = PALETTES["night"]
    gradient(draw, w, h, sky, mid)
    river(draw, w, int(h * 0.78), h + 20, (30, 40, 70))
    for i in range(3):
        x = w * (0.15 + 0.3 * i)
        draw.line((x, h * 0.78, x, h * 0.15), fill=yellow, width=18)
        draw.line((x - 80, h * 0.2, x + 260, h * 0.2), fill=yellow, width=16)
        draw.line((x + 200, h * 0.2, x + 200, h * 0.45), fill=PAPER, width=4)
    for row in range(3):
        for col in range(12):
            colour = rng.choice((orange, violet, (230, 57, 70), (69, 123, 157)))
            x, y = w * 0.03 + col * w * 0.08, h * 0.72 - row * h * 0.07
            draw.rectangle((x, y, x + w * 0.075, y + h * 0.065), fill=colour)


def paint_heat(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    ramp = [(69, 123, 157), (141, 171, 196), (250, 214, 165), (244, 162, 97), (231, 111, 81)]
    size = 150
    for gy in range(0, h, size):
        for gx in range(0, w, size):
            heat = (1 - gx / w) * 0.6 + (gy / h) * 0.5 + rng.uniform(-0.15, 0.15)
            colour = ramp[min(max(int(heat * len(ramp)), 0), len(ramp) - 1)]
            draw.rectangle((gx, gy, gx + size - 4, gy + size - 4), fill=colour)
    curve = [(x, h * 0.3 + 60 * math.sin(x / 160)) for x in range(-20, w + 40, 30)]
    draw.line(curve, fill=(29, 53, 87), width=26, joint="curve")


def paint_line_chart(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    draw.rectangle((0, 0, w, h), fill=PAPER)
    for y in range(int(h * 0.15), int(h * 0.85), 80):
        draw.line((w * 0.08, y, w * 0.92, y), fill=(220, 214, 204), width=3)
    for colour, lift in ((PALETTES["civic"][2], 0.0), (PALETTES["dawn"][2], 0.18)):
        level, points = 0.5, []
        for i in range(24):
            level += rng.uniform(-0.06, 0.07)
            level = min(max(level, 0.1), 0.8)
            points.append((w * 0.08 + i * w * 0.84 / 23, h * (0.9 - level * 0.8 - lift)))
        draw.line(points, fill=colour, width=14, joint="curve")
    draw.line((w * 0.08, h * 0.85, w * 0.92, h * 0.85), fill=INK, width=6)


def paint_flood(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    sky, light, _mid, deep, red = PALETTES["civic"]
    gradient(draw, w, h, sky, light)
    draw.polygon(
        [(0, h * 0.45), (w * 0.4, h * 0.35), (w, h * 0.5), (w, h), (0, h)], fill=PALETTES["moss"][1]
    )
    for i in range(7):
        x, y = w * (0.06 + 0.13 * i), h * (0.5 + 0.04 * (i % 2))
        draw.rectangle((x, y, x + 90, y + 80), fill=PAPER)
        draw.polygon([(x - 12, y), (x + 45, y - 50), (x + 102, y)], fill=red)
    river(draw, w, int(h * 0.62), h + 20, (69, 123, 157))
    draw.line((0, h * 0.57, w, h * 0.57), fill=deep, width=6)


def paint_solar(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _sky, _sun, _rust, _teal, deep = PALETTES["dawn"]
    gradient(draw, w, h, (210, 232, 240), (250, 236, 210))
    draw.ellipse((w * 0.08, h * 0.08, w * 0.2, h * 0.08 + w * 0.12), fill=PALETTES["night"][3])
    draw.polygon([(0, h * 0.55), (w, h * 0.35), (w, h), (0, h)], fill=(120, 110, 104))
    for row in range(4):
        for col in range(9):
            x = w * 0.1 + col * w * 0.095
            y = h * 0.53 - col * h * 0.021 + row * h * 0.11
            draw.polygon(
                [
                    (x, y),
                    (x + w * 0.085, y - h * 0.019),
                    (x + w * 0.085, y + h * 0.08),
                    (x, y + h * 0.1),
                ],
                fill=deep,
            )


def paint_arcs(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    bg, mid, violet, gold, orange = PALETTES["night"]
    draw.rectangle((0, 0, w, h), fill=bg)
    for i in range(7):
        r = 120 + i * 95
        colour = (gold, orange, violet, mid)[i % 4]
        draw.arc((w / 2 - r, h * 0.95 - r, w / 2 + r, h * 0.95 + r), 180, 360, colour, 30)
    draw.line((w / 2, h * 0.95, w / 2 + 60, h * 0.25), fill=PAPER, width=10)


def paint_mural(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    colours = PALETTES["warm"][1:] + PALETTES["dawn"][2:] + [PALETTES["civic"][4]]
    draw.rectangle((0, 0, w, h), fill=(200, 196, 188))
    for _ in range(16):
        colour = rng.choice(colours)
        x, y, r = rng.uniform(0, w), rng.uniform(0, h * 0.8), rng.uniform(60, 200)
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=colour)
    draw.rectangle((0, h * 0.82, w, h), fill=(80, 84, 90))


def paint_pie_dish(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _base, amber, orange, plum, _slate = PALETTES["warm"]
    draw.rectangle((0, 0, w, h), fill=(44, 62, 80))
    for x in range(0, w, 100):
        draw.rectangle((x, 0, x + 50, h), fill=(52, 73, 94))
    cx, cy, r = w * 0.42, h * 0.55, h * 0.36
    draw.ellipse((cx - r - 30, cy - r - 30, cx + r + 30, cy + r + 30), fill=PAPER)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=amber)
    draw.pieslice((cx - r, cy - r, cx + r, cy + r), 300, 345, fill=plum)
    for degrees in range(0, 360, 30):
        angle = math.radians(degrees)
        spoke = (cx + r * 0.55 * math.cos(angle), cy + r * 0.55 * math.sin(angle))
        draw.line((cx, cy, *spoke), fill=orange, width=8)
    lx = w * 0.8
    draw.line((lx, 0, lx, h * 0.25), fill=INK, width=8)
    draw.rounded_rectangle((lx - 60, h * 0.25, lx + 60, h * 0.5), 20, fill=amber)


def paint_skyline(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    top, mid, violet, gold, orange = PALETTES["night"]
    gradient(draw, w, h, top, violet)
    draw.ellipse((w * 0.75, h * 0.1, w * 0.75 + 110, h * 0.1 + 110), fill=(252, 236, 200))
    skyline(draw, rng, w, int(h * 0.8), mid, gold, int(h * 0.55))
    skyline(draw, rng, w, h, top, orange, int(h * 0.45))


def paint_portrait(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    palette = rng.choice(list(PALETTES.values()))
    back, coat, hair = rng.sample(palette, 3)
    skin = rng.choice(((241, 194, 160), (198, 134, 95), (141, 85, 54), (224, 172, 132)))
    draw.rectangle((0, 0, w, h), fill=back)
    draw.ellipse((w * 0.1, h * 0.68, w * 0.9, h * 1.4), fill=coat)
    draw.rectangle((w * 0.43, h * 0.55, w * 0.57, h * 0.72), fill=skin)
    style = rng.choice(("short", "long", "bun"))
    if style == "long":
        draw.rounded_rectangle((w * 0.27, h * 0.2, w * 0.73, h * 0.7), 80, fill=hair)
    elif style == "bun":
        draw.ellipse((w * 0.42, h * 0.06, w * 0.58, h * 0.22), fill=hair)
    draw.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.64), fill=skin)
    draw.chord((w * 0.28, h * 0.12, w * 0.72, h * 0.52), 180, 360, fill=hair)
    if rng.random() < 0.4:
        for gx in (0.41, 0.59):
            draw.ellipse(
                (w * (gx - 0.06), h * 0.36, w * (gx + 0.06), h * 0.46), outline=INK, width=10
            )


def paint_signs(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    top, _mid, violet, _gold, orange = PALETTES["night"]
    gradient(draw, w, h, violet, orange)
    river(draw, w, int(h * 0.72), h + 20, top)
    bars = [
        (192, 192, 192),
        (192, 192, 0),
        (0, 192, 192),
        (0, 192, 0),
        (192, 0, 192),
        (192, 0, 0),
        (0, 0, 192),
    ]
    for i in range(4):
        x, y = w * (0.06 + 0.24 * i), h * (0.22 + 0.05 * (i % 2))
        draw.rectangle((x + w * 0.085, y, x + w * 0.1, h * 0.75), fill=top)
        draw.rectangle((x, y - 10, x + w * 0.185, y + h * 0.22), fill=INK)
        step = w * 0.165 / len(bars)
        for j, colour in enumerate(bars):
            left = x + w * 0.01 + j * step
            draw.rectangle((left, y + 8, left + step, y + h * 0.2 - 8), fill=colour)


LEAD_IMAGES: dict[str, Painter] = {
    "bridge": paint_bridge,
    "school-bus": paint_bus,
    "library": paint_columns,
    "budget-bars": paint_bars,
    "budget-pie": paint_pie,
    "candidates": paint_podiums,
    "ward-map": paint_map,
    "bus-routes": paint_routes,
    "council-routes": paint_routes,
    "mill": paint_mill,
    "co-op": paint_storefront,
    "storefronts": paint_storefront,
    "port": paint_port,
    "heat-map": paint_heat,
    "heat-chart": paint_line_chart,
    "freight-chart": paint_line_chart,
    "rent-chart": paint_line_chart,
    "river-gauge": paint_line_chart,
    "floodplain": paint_flood,
    "solar-roofs": paint_solar,
    "orchestra": paint_arcs,
    "mural": paint_mural,
    "mural-detail": paint_mural,
    "diner": paint_pie_dish,
    "skyline": paint_skyline,
    "alert-signs": paint_signs,
}
PORTRAITS = (
    "maren-oduya",
    "tomasz-greer",
    "priya-halloran",
    "desmond-achterberg",
    "ruth-abernathy-cole",
    "luis-fenwick",
)


def render(painter: Painter, size: tuple[int, int], seed: str, target: Path) -> int:
    """Draw one picture, save it as a JPEG at ``target`` and return its size in bytes."""
    w, h = size[0] * SCALE, size[1] * SCALE
    image = Image.new("RGB", (w, h), PAPER)
    painter(ImageDraw.Draw(image), random.Random(seed), w, h)
    image = image.resize(size, Image.Resampling.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, "JPEG", quality=78, optimize=True, progressive=True)
    return target.stat().st_size


def make_pictures(media: Path = MEDIA) -> None:
    """Write every lead, body and portrait picture and check each is small enough."""
    for name, painter in LEAD_IMAGES.items():
        size = render(painter, LEAD_SIZE, name, media / "images" / f"{name}.jpg")
        print(f"images/{name}.jpg {size // 1024} KB")
        assert size < LEAD_LIMIT, name
    for name in PORTRAITS:
        size = render(paint_portrait, PORTRAIT_SIZE, name, media / "authors" / f"{name}.jpg")
        print(f"authors/{name}.jpg {size // 1024} KB")


def make_video(media: Path = MEDIA) -> None:
    """Cut the six-second signal-test clip and its poster from ffmpeg's test sources."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is needed to rebuild the video: apt-get install -y ffmpeg")
    target = media / "video" / "signal-test.webm"
    target.parent.mkdir(parents=True, exist_ok=True)
    title = "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    overlay = (
        f"{title}:text='ALDER FALLS ALERT NETWORK':fontsize=26:fontcolor=white:"
        "box=1:boxcolor=black@0.75:boxborderw=12:x=(w-tw)/2:y=h*0.62,"
        f"{title}:text='SIGNAL TEST':fontsize=22:fontcolor=white:"
        "box=1:boxcolor=black@0.75:boxborderw=10:x=(w-tw)/2:y=h*0.76"
    )
    subprocess.run(
        [
            ffmpeg,
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "smptehdbars=size=640x360:rate=24:duration=6",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=1000:sample_rate=48000:duration=6",
            "-vf",
            overlay,
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "0",
            "-crf",
            "40",
            "-c:a",
            "libopus",
            "-b:a",
            "48k",
            "-shortest",
            str(target),
        ],
        check=True,
    )
    poster = media / "video" / "signal-test-poster.jpg"
    subprocess.run(
        [
            ffmpeg,
            "-y",
            "-loglevel",
            "error",
            "-ss",
            "1",
            "-i",
            str(target),
            "-frames:v",
            "1",
            "-q:v",
            "5",
            str(poster),
        ],
        check=True,
    )
    size = target.stat().st_size
    print(f"video/signal-test.webm {size // 1024} KB")
    assert size < VIDEO_LIMIT


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and write the pictures (and, if asked, the video)."""
    parser = argparse.ArgumentParser(description="Draw the demo's pictures and cut its video.")
    parser.add_argument(
        "--video", action="store_true", help="also rebuild the video and its poster (ffmpeg)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=MEDIA,
        help=f"the media folder to write into (default: {MEDIA})",
    )
    options = parser.parse_args(argv)
    make_pictures(options.out)
    if options.video:
        make_video(options.out)


if __name__ == "__main__":
    main(sys.argv[1:])
