"""axe-core in the browser tests: WCAG 2.2 AA checks of the page Playwright has open.

axe-core's own file, from the npm registry, is vendored beside this module with its version in the folder's name
(nothing is downloaded at test time). It is evaluated in the page through Playwright, which the page's
Content-Security-Policy does not govern, so the pages are checked with their real CSP on.
"""

from pathlib import Path
from urllib.parse import urlsplit

AXE_VERSION = "4.14.1"
AXE_FILE = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
# The Public Sector Bodies Accessibility Regulations' standard: WCAG 2.2 level A and AA, and the 2.0 and 2.1 rules it
# takes in; experimental rules with those tags included.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DECIDE = {"target-size"}

_source = []


def violations(page):
    """axe-core's violations on the page as it is now (each with its rule, impact and failing nodes)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if not _source:
            _source.append(AXE_FILE.read_text(encoding="utf-8"))
        page.evaluate(_source[0])
    # Named rule by rule, so that the rules axe marks experimental (label-content-name-mismatch among them) run too
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "rule", values: axe.getRules(tags).map(rule => rule.ruleId)},
            resultTypes: ["violations", "incomplete"],
        })""",
        TAGS,
    )
    # What axe could not decide for itself ("needs review") fails too where the tests have no other check of it:
    # target sizes (WCAG 2.5.8), whose overlapping targets axe leaves undecided
    undecided = [
        {**found, "id": f"{found['id']} (needs review)"} for found in result["incomplete"] if found["id"] in DECIDE
    ]
    return result["violations"] + undecided


def describe(where, found):
    """One line per failing node: the page (and state), the rule, its impact, the element and axe's summary."""
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: "
                f"{node['html'][:160]} – {summary[:300]}"
            )
    return lines


def path_of(page):
    return urlsplit(page.url).path


def page_overflow(page, width=320):
    """How many CSS pixels the page is wider than a `width` px viewport (WCAG 1.4.10 Reflow): 0 when it reflows.

    The viewport is narrowed in place (the layout reflows without a reload) and put back afterwards."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": size["height"]})
    try:
        page.wait_for_timeout(50)
        return page.evaluate(
            "w => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - w", width
        )
    finally:
        page.set_viewport_size(size)


def widest(page, width=320):
    """The elements that reach past a `width` px viewport, outermost first (to say what does not reflow)."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": size["height"]})
    try:
        page.wait_for_timeout(50)
        return page.evaluate(
            """w => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest(".table-responsive"))
                .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 1)
                .slice(0, 3)
                .map(e => e.outerHTML.slice(0, 120))""",
            width,
        )
    finally:
        page.set_viewport_size(size)
