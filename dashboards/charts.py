"""A horizontal bar chart drawn on the server as SVG (templates/dashboards/sign_off.html): no library, no script,
each bar a real link. Here only its geometry."""

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
    return chart
