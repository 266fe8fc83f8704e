"""A horizontal bar chart drawn on the server as SVG (templates/dashboards/sign_off.html): no library, no script,
each bar a real link. Here only its geometry."""

import textwrap

LABEL_WIDTH = 300
BAR_AREA = 420
BAR_HEIGHT = 28
GAP = 12
COUNT_WIDTH = 60
LINE = 34  # characters of a label that fit its column (290 px at 15 px); a longer label wraps onto more lines
LINE_HEIGHT = 17


def label_lines(label):
    """The label on as many lines as it needs, broken at spaces: the whole label stays visible, for WCAG 2.5.3 wants
    the bar's visible text inside its accessible name, which a cut-off label is not (a word longer than a line is
    kept whole)."""
    return textwrap.wrap(label, LINE, break_long_words=False, break_on_hyphens=False) or [label]


def bar_chart(bars):
    """Return the geometry of one bar per item of bars ({label, count, url}), scaled to the largest count; a bar
    whose label takes several lines takes the height they need."""
    largest = max((bar["count"] for bar in bars), default=0) or 1
    drawn = []
    y = GAP
    for bar in bars:
        lines = label_lines(bar["label"])
        height = max(BAR_HEIGHT, len(lines) * LINE_HEIGHT)
        middle = y + height / 2
        width = round(BAR_AREA * bar["count"] / largest) if bar["count"] else 0
        drawn.append(
            {
                **bar,
                "y": middle - BAR_HEIGHT / 2,
                "row_y": y,
                "row_height": height,
                "text_y": middle,
                "width": max(width, 2) if bar["count"] else 0,
                "count_x": LABEL_WIDTH + width + 8,
                "label_lines": [
                    {"text": line, "y": middle + (index - (len(lines) - 1) / 2) * LINE_HEIGHT}
                    for index, line in enumerate(lines)
                ],
            }
        )
        y += height + GAP
    chart = {
        "bars": drawn,
        "width": LABEL_WIDTH + BAR_AREA + COUNT_WIDTH,
        "height": y,
        "label_x": LABEL_WIDTH - 10,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
    return chart
