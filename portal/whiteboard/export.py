"""A board's state drawn as a picture: pure functions of a state (portal/whiteboard/state.py), so
an export at any seq shows exactly what the page showed then, and nothing erased, undone or
cleared. Strokes are drawn the way whiteboard.js paints them on the canvas."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageColor, ImageDraw

from portal.whiteboard import protocol
from portal.whiteboard.state import visible_strokes

BACKGROUND = "#ffffff"
#: How strongly a highlighter covers what is under it (globalAlpha in whiteboard.js).
HIGHLIGHTER_OPACITY = 0.35


@dataclass(frozen=True)
class Line:
    """A visible stroke as it is drawn: a #rrggbb colour, a width, an opacity and board points."""

    colour: str
    width: float
    opacity: float
    points: list[tuple[float, float]]


def drawn_lines(state: dict) -> list[Line]:
    """The visible strokes that can be drawn, oldest first.

    The log keeps every op as it was accepted, including strokes stored before the protocol
    checked ranges, and one such stroke must not break every export of its board. So each
    number is clamped into the range the protocol allows (docs/whiteboard-protocol.md), and a
    point or stroke without a number or colour where one belongs is left out.
    """
    return [line for stroke in visible_strokes(state) if (line := _line(stroke)) is not None]


def _line(stroke: dict) -> Line | None:
    colour, tool, raw_points = stroke.get("color"), stroke.get("tool"), stroke.get("points")
    width = protocol.clamped(stroke.get("width"), 0, protocol.MAX_WIDTH)
    points = [_board_point(point) for point in raw_points] if isinstance(raw_points, list) else []
    points = [point for point in points if point is not None]
    if not isinstance(colour, str) or not protocol.COLOUR.fullmatch(colour):
        return None
    if tool not in protocol.TOOLS or not width or not points:
        return None
    if tool == "pen":
        # The pen presses harder or softer; the page varies the width as the pressure changes,
        # a picture uses the stroke's mean pressure.
        width *= 0.5 + sum(pressure for _x, _y, pressure in points) / len(points)
    return Line(
        colour=colour.lower(),
        width=width,
        opacity=HIGHLIGHTER_OPACITY if tool == "highlighter" else 1.0,
        points=[(x, y) for x, y, _pressure in points],
    )


def _board_point(point) -> tuple[float, float, float] | None:
    if not isinstance(point, list) or len(point) != len(protocol.POINT_RANGES):
        return None
    values = [
        protocol.clamped(value, *bounds)
        for value, bounds in zip(point, protocol.POINT_RANGES, strict=True)
    ]
    return None if None in values else tuple(values)


def _path_data(points: list[tuple[float, float]]) -> str:
    # A single point still needs a segment: with round caps it is drawn as a dot.
    coordinates = [f"{x:g},{y:g}" for x, y in points]
    if len(coordinates) == 1:
        coordinates.append(coordinates[0])
    return "M" + " L".join(coordinates)


def board_svg(state: dict) -> str:
    """The board as an SVG document: a <path> per visible stroke, oldest underneath. Only
    numbers we formatted and #rrggbb colours reach the markup (see `drawn_lines`)."""
    paths = [
        f'<path d="{_path_data(line.points)}" stroke="{line.colour}" '
        f'stroke-width="{line.width:g}" stroke-opacity="{line.opacity:g}"/>'
        for line in drawn_lines(state)
    ]
    width, height = protocol.BOARD_WIDTH, protocol.BOARD_HEIGHT
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">',
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
    picture = Image.new("RGBA", (protocol.BOARD_WIDTH, protocol.BOARD_HEIGHT), BACKGROUND)
    for line in drawn_lines(state):
        # Each stroke on its own layer: a highlighter crossing itself stays evenly translucent,
        # as one canvas path does, while still tinting what was drawn before it.
        layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
        _draw(ImageDraw.Draw(layer), line)
        picture.alpha_composite(layer)
    out = io.BytesIO()
    picture.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw(pen: ImageDraw.ImageDraw, line: Line) -> None:
    red, green, blue = ImageColor.getrgb(line.colour)[:3]
    colour = (red, green, blue, round(255 * line.opacity))
    if len(line.points) > 1:
        pen.line(line.points, fill=colour, width=max(1, round(line.width)), joint="curve")
    radius = line.width / 2
    for x, y in (line.points[0], line.points[-1]):  # round caps, as lineCap = "round"
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
