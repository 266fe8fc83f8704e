"""A horizontal bar chart drawn on the server as SVG: no library, no script, each bar a real link."""

from caredirector.html import html, join

LABEL_WIDTH = 300
BAR_AREA = 420
BAR_HEIGHT = 28
GAP = 12
COUNT_WIDTH = 60


def bar_chart(bars):
    """Return the geometry of one bar per item of bars ({label, count, url}), scaled to the largest count."""
    largest = max((bar["count"] for bar in bars), default=0) or 1
    drawn = []
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(BAR_AREA * bar["count"] / largest) if bar["count"] else 0
        drawn.append(
            {
                **bar,
                "y": y,
                "text_y": y + BAR_HEIGHT / 2,
                "width": max(width, 2) if bar["count"] else 0,
                "count_x": LABEL_WIDTH + width + 8,
                "short_label": bar["label"] if len(bar["label"]) <= 40 else bar["label"][:38] + "…",
            }
        )
    chart = {
        "bars": drawn,
        "width": LABEL_WIDTH + BAR_AREA + COUNT_WIDTH,
        "height": GAP + len(bars) * (BAR_HEIGHT + GAP),
        "label_x": LABEL_WIDTH - 10,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
    chart["bar_links"] = _bar_links(chart)
    return chart


def _bar_links(chart):
    """Each bar as a link holding its title, its hit area, its label, its bar and its count (built in Python: a
    template cost 0.15 ms a bar, which the 300 bars of the chart by user made 45 ms)."""
    return join(
        html(
            '<a href="{}" class="bar-link" aria-label="{}: {} form{}"><title>{}: {}</title>'
            '<rect class="bar-hit" x="0" y="{}" width="{}" height="{}"></rect>'
            '<text class="bar-label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>'
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
            '<text class="bar-count" x="{}" y="{}" dominant-baseline="middle">{}</text></a>',
            bar["url"],
            bar["label"],
            bar["count"],
            "" if bar["count"] == 1 else "s",
            bar["label"],
            bar["count"],
            bar["y"],
            chart["width"],
            chart["bar_height"],
            chart["label_x"],
            bar["text_y"],
            bar["short_label"],
            chart["bar_x"],
            bar["y"],
            bar["width"],
            chart["bar_height"],
            bar["count_x"],
            bar["text_y"],
            bar["count"],
        )
        for bar in chart["bars"]
    )
