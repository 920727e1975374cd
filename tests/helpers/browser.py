"""Browser test constants shared by tests/browser (the fixtures are in its conftest.py)."""

from __future__ import annotations

LAPTOP = {"width": 1366, "height": 820}
PHONE = {"width": 390, "height": 844}

# Separators a long value (URI, path, id) may break after (format.js `breakable`), and space.
SEPARATORS = "/._-:?&= "

# The pairs of characters each line break of an element's text falls between: a break is
# where a character's box starts below the line of the one before it.
LINE_BREAKS_JS = """(element) => {
  const chars = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i += 1) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && rect.width > 0) chars.push([node.data[i], rect.top, rect.height]);
    }
  }
  const breaks = [];
  for (let i = 1; i < chars.length; i += 1) {
    if (chars[i][1] > chars[i - 1][1] + chars[i - 1][2] / 2) breaks.push(chars[i - 1][0] + chars[i][0]);
  }
  return breaks;
}"""


def line_breaks(locator) -> list[str]:
    """Where the text of `locator` (a Playwright Locator) wraps: the two characters around each break."""
    return locator.evaluate(LINE_BREAKS_JS)


def assert_breaks_at_separators(locator, must_wrap: bool = False) -> None:
    """The value wraps (if it has to) only after a separator, never inside a word, and stays
    inside the element's box."""
    breaks = line_breaks(locator)
    assert all(pair[0] in SEPARATORS for pair in breaks), f"{locator}: breaks inside a word at {breaks}"
    assert not must_wrap or breaks, f"{locator}: expected the value to wrap at this width"
    assert locator.evaluate("(e) => e.scrollWidth <= e.clientWidth + 1 || getComputedStyle(e).display === 'inline'")


def assert_within_the_phone(locator) -> None:
    """A control is on the phone's screen from left to right as the page is (not scrolled out
    of a table's frame, nor past the screen's edge)."""
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{locator}: {box}"
