"""Two ways to work a page in the journeys: with the pointer (Playwright's click, fill, select_option, check), and with
the keyboard alone (Tab and Shift+Tab to reach a control, then Enter, Space, the arrow keys and typing), as someone who
cannot use a mouse would. Every journey that takes `operate` runs both ways (tests/browser/conftest.py).

A keyboard journey that cannot reach a control by Tab fails, naming the control and where the focus went instead.
"""

MAX_TABS = 400


class Pointer:
    name = "pointer"

    def __init__(self, page):
        self.page = page

    def click(self, locator):
        locator.click()

    def fill(self, locator, text):
        locator.fill(text)

    def select(self, locator, *, label=None, value=None, index=None):
        if index is not None:
            locator.select_option(index=index)
        else:
            locator.select_option(label=label) if label is not None else locator.select_option(value)

    def check(self, locator):
        locator.check()

    def focus_and_enter(self, locator):
        locator.focus()
        self.page.keyboard.press("Enter")


class Keys:
    name = "keyboard"
    presses = []  # every Tab and Shift+Tab of the run, for its report

    def __init__(self, page):
        self.page = page
        self.keyboard = page.keyboard

    def _focused(self, locator):
        return locator.evaluate("element => element === document.activeElement")

    def _before_focus(self, locator):
        """Whether the control comes before the focused element in the document (reached by Shift+Tab)."""
        return locator.evaluate(
            """element => {
                const active = document.activeElement;
                if (!active || active === document.body) return false;
                return Boolean(active.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING);
            }"""
        )

    def tab_to(self, locator, *, within=False):
        """Press Tab (or Shift+Tab, for a control above the focus) until the control has the focus; with `within`,
        until the focus is inside it (a radio group, a menu)."""
        locator = locator.first
        locator.wait_for(state="visible")
        test = "(element => element.contains(document.activeElement))" if within else None
        key = "Shift+Tab" if self._before_focus(locator) else "Tab"
        visited = []
        for _ in range(MAX_TABS):
            if locator.evaluate(test) if test else self._focused(locator):
                return
            self.keyboard.press(key)
            Keys.presses.append(key)
            visited.append(self.page.evaluate("() => document.activeElement && document.activeElement.outerHTML"))
        trail = " | ".join(html[:80] for html in visited[-5:] if html)
        raise AssertionError(f"{key} never reached {locator} in {MAX_TABS} presses; the last focused: {trail}")

    def click(self, locator):
        """Reach a link or button and press Enter."""
        self.tab_to(locator)
        self.keyboard.press("Enter")

    def fill(self, locator, text):
        """Reach a field and type into it (a date field: its parts as digits, in the browser's order); the field
        must then hold the text, or the journey fails here."""
        locator = locator.first
        kind = locator.evaluate("element => element.type")
        if kind == "date":
            # Reached going forward, so that the focus is on the date's first part (Shift+Tab lands on its last)
            while self._before_focus(locator):
                self.keyboard.press("Shift+Tab")
                Keys.presses.append("Shift+Tab")
            self.tab_to(locator)
            year, month, day = text.split("-")
            parts = {"year": year, "month": month, "day": day}
            for part in self._date_order():
                self.keyboard.type(parts[part])
        else:
            self.tab_to(locator)
            self.keyboard.press("Control+A")
            if text:
                self.keyboard.type(text)
            else:
                self.keyboard.press("Delete")
        typed = locator.input_value()
        if typed != text:
            raise AssertionError(f"typing {text!r} into {locator} left {typed!r}")

    def _date_order(self):
        """The order in which this browser's date fields take their parts (its own locale's: month first in
        Chromium's en-US, day first in en-GB), found once by typing into a scratch field that is then removed."""
        if not hasattr(self, "order"):
            active = self.page.evaluate_handle("() => document.activeElement")
            self.page.evaluate(
                """() => {
                    const start = document.createElement("button"), field = document.createElement("input");
                    start.id = "date-order-start"; field.id = "date-order"; field.type = "date";
                    document.body.append(start, field);
                    start.focus();
                }"""
            )
            self.keyboard.press("Tab")
            for part in ("11", "20", "2026"):
                self.keyboard.type(part)
            typed = self.page.evaluate("() => document.getElementById('date-order').value")
            self.order = ("month", "day", "year") if typed == "2026-11-20" else ("day", "month", "year")
            self.page.evaluate(
                """active => {
                    document.getElementById("date-order-start").remove();
                    document.getElementById("date-order").remove();
                    if (active && active.focus) active.focus();
                }""",
                active,
            )
        return self.order

    def select(self, locator, *, label=None, value=None, index=None):
        """Reach a drop-down (or list box) and move through its options with the arrow keys to the one wanted."""
        self.tab_to(locator)
        locator = locator.first
        wanted = (
            (lambda option: option["label"].strip() == label)
            if label is not None
            else (lambda option: option["value"] == value)
        )
        options = locator.evaluate("select => [...select.options].map(o => ({label: o.label, value: o.value}))")
        if index is None:
            index = next(position for position, option in enumerate(options) if wanted(option))
        target = index
        for _ in range(len(options) + 1):
            current = locator.evaluate("select => select.selectedIndex")
            if current == target:
                return
            self.keyboard.press("ArrowDown" if current < target else "ArrowUp")
        raise AssertionError(f"the arrow keys never chose {label or value!r} in {locator}")

    def check(self, locator):
        """Tick a checkbox with Space; choose a radio button by entering its group and moving with the arrow keys."""
        locator = locator.first
        kind, name = locator.evaluate("input => [input.type, input.name]")
        if kind != "radio":
            self.tab_to(locator)
            if not locator.is_checked():
                self.keyboard.press("Space")
        else:
            group = self.page.locator(f"input[type=radio][name='{name}']")
            count = group.count()
            self.tab_to(group.first.locator("xpath=ancestor::fieldset[1]"), within=True)
            for _ in range(count + 1):
                if self._focused(locator):
                    break
                self.keyboard.press("ArrowDown")
            else:
                raise AssertionError(f"the arrow keys never reached {locator} in its group")
            if not locator.is_checked():
                self.keyboard.press("Space")
        if not locator.is_checked():
            raise AssertionError(f"{locator} is not ticked after Space")

    def focus_and_enter(self, locator):
        self.click(locator)
