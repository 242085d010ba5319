"""A board's state drawn as a picture: pure functions of a state (portal/whiteboard/state.py), so
an export at any seq shows exactly what the page showed then, and nothing erased, undone or
cleared. Strokes are drawn the way whiteboard.js paints them on the canvas."""

from __future__ import annotations

import io
from xml.sax.saxutils import quoteattr

from PIL import Image, ImageColor, ImageDraw

from portal.whiteboard.state import visible_strokes

#: The board's drawing space: the page's canvas (templates/whiteboard/board.html).
BOARD_WIDTH, BOARD_HEIGHT = 1600, 1000
BACKGROUND = "#ffffff"
#: How strongly a highlighter covers what is under it (globalAlpha in whiteboard.js).
HIGHLIGHTER_OPACITY = 0.35


def stroke_width(stroke: dict) -> float:
    """The pen presses harder or softer; the page varies the width as the pressure changes,
    a picture uses the stroke's mean pressure."""
    if stroke["tool"] != "pen":
        return stroke["width"]
    pressures = [point[2] for point in stroke["points"]]
    return stroke["width"] * (0.5 + sum(pressures) / len(pressures))


def opacity(stroke: dict) -> float:
    return HIGHLIGHTER_OPACITY if stroke["tool"] == "highlighter" else 1.0


def _path_data(points: list[list[float]]) -> str:
    # A single point still needs a segment: with round caps it is drawn as a dot.
    coordinates = [f"{x:g},{y:g}" for x, y, _pressure in points]
    if len(coordinates) == 1:
        coordinates.append(coordinates[0])
    return "M" + " L".join(coordinates)


def board_svg(state: dict) -> str:
    """The board as an SVG document: a <path> per visible stroke, oldest underneath."""
    paths = [
        f'<path d="{_path_data(stroke["points"])}" stroke={quoteattr(stroke["color"])} '
        f'stroke-width="{stroke_width(stroke):g}" stroke-opacity="{opacity(stroke):g}"/>'
        for stroke in visible_strokes(state)
    ]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{BOARD_WIDTH}" '
            f'height="{BOARD_HEIGHT}" viewBox="0 0 {BOARD_WIDTH} {BOARD_HEIGHT}">',
            f'<rect width="100%" height="100%" fill="{BACKGROUND}"/>',
            '<g fill="none" stroke-linecap="round" stroke-linejoin="round">',
            *paths,
            "</g>",
            "</svg>",
            "",
        ]
    )


def board_png(state: dict) -> bytes:
    """The board as a PNG image, the same strokes as `board_svg`."""
    picture = Image.new("RGBA", (BOARD_WIDTH, BOARD_HEIGHT), BACKGROUND)
    for stroke in visible_strokes(state):
        # Each stroke on its own layer: a highlighter crossing itself stays evenly translucent,
        # as one canvas path does, while still tinting what was drawn before it.
        layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
        _draw(ImageDraw.Draw(layer), stroke)
        picture.alpha_composite(layer)
    out = io.BytesIO()
    picture.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw(pen: ImageDraw.ImageDraw, stroke: dict) -> None:
    red, green, blue = ImageColor.getrgb(stroke["color"])[:3]
    colour = (red, green, blue, round(255 * opacity(stroke)))
    width = stroke_width(stroke)
    points = [(x, y) for x, y, _pressure in stroke["points"]]
    if len(points) > 1:
        pen.line(points, fill=colour, width=max(1, round(width)), joint="curve")
    radius = width / 2
    for x, y in (points[0], points[-1]):  # round caps, as lineCap = "round"
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
