"""A horizontal bar chart drawn on the server as SVG (templates/dashboards/sign_off.html): no library, no script,
each bar a real link. Here only its geometry."""

LABEL_WIDTH = 300
BAR_AREA = 420
BAR_HEIGHT = 28
GAP = 12
COUNT_WIDTH = 60
# where each line of a label sits against the middle of its bar, by the number of lines
LINE_OFFSETS = {1: [0], 2: [-8, 9]}
LINE = 40  # characters of a label that fit its column on one line; a longer label wraps onto a second


def label_lines(label):
    """The label on one line, or wrapped at a space onto two (the whole label stays visible: WCAG 2.5.3 wants the
    bar's visible text inside its accessible name, which a cut-off label is not)."""
    if len(label) <= LINE:
        return [label]
    spaces = [index for index, char in enumerate(label) if char == " "]
    if not spaces:
        return [label]
    middle = min(spaces, key=lambda index: abs(index - len(label) / 2))
    return [label[:middle], label[middle + 1 :]]


def bar_chart(bars):
    """Return the geometry of one bar per item of bars ({label, count, url}), scaled to the largest count."""
    largest = max((bar["count"] for bar in bars), default=0) or 1
    drawn = []
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        lines = label_lines(bar["label"])
        width = round(BAR_AREA * bar["count"] / largest) if bar["count"] else 0
        drawn.append(
            {
                **bar,
                "y": y,
                "text_y": y + BAR_HEIGHT / 2,
                "width": max(width, 2) if bar["count"] else 0,
                "count_x": LABEL_WIDTH + width + 8,
                "label_lines": [
                    {"text": line, "y": y + BAR_HEIGHT / 2 + offset}
                    for line, offset in zip(lines, LINE_OFFSETS[len(lines)], strict=True)
                ],
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
