"""Planned-versus-actual line charts as inline SVG: no JavaScript, renders offline, prints cleanly."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 320, 150, 44, 12, 12, 26


def _fmt(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral() else f"{value:.1f}"


def trajectory_svg(points, title: str) -> str:
    """points: YearPoint list. Planned path dashed grey, actual path solid blue, with year labels."""
    values = [p.planned for p in points if p.planned is not None] + [p.actual for p in points if p.actual is not None]
    if not values:
        return mark_safe('<p class="small text-muted mb-0">无可绘制的数据。</p>')
    low, high = min(values + [Decimal(0)]), max(values)
    span = (high - low) or Decimal(1)
    step = (WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(points) - 1, 1)

    def xy(index, value):
        x = PAD_LEFT + step * index
        y = PAD_TOP + float((high - value) / span) * (HEIGHT - PAD_TOP - PAD_BOTTOM)
        return f"{x:.1f},{y:.1f}"

    def line(attr, css):
        coords = [xy(i, getattr(p, attr)) for i, p in enumerate(points) if getattr(p, attr) is not None]
        if not coords:
            return ""
        dots = "".join(f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="3" class="{css}"/>' for c in coords)
        return f'<polyline points="{" ".join(coords)}" class="{css}" fill="none"/>{dots}'

    labels = "".join(
        f'<text x="{PAD_LEFT + step * i:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{p.year}</text>'
        for i, p in enumerate(points)
    )
    axis = (
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 4}" text-anchor="end">{_fmt(high)}</text>'
        f'<text x="{PAD_LEFT - 4}" y="{HEIGHT - PAD_BOTTOM}" text-anchor="end">{_fmt(low)}</text>'
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" '
        f'x2="{WIDTH - PAD_RIGHT}" y2="{HEIGHT - PAD_BOTTOM}" class="axis"/>'
    )
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="trajectory" role="img" aria-label="{escape(title)}：计划与实际">'
        f"<title>{escape(title)}：计划（虚线）与实际（实线）</title>{axis}{labels}"
        f"{line('planned', 'planned')}{line('actual', 'actual')}</svg>"
    )
