"""What a page draws as its own HTML (st.html: Hồ sơ's tables, Tổng quan's cards) as a reader
sees it: the tables' headers and cells, the cards' rates, and the text, entities read."""

from __future__ import annotations

from html.parser import HTMLParser

from streamlit.testing.v1 import AppTest


class _Reader(HTMLParser):
    """Tables (caption, headers, rows of cell texts), elements of a class, and all the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.text: list[str] = []
        self.by_class: dict[str, list[str]] = {}
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._open: list[tuple[str, str | None, list[str]]] = []  # tag, class, text so far
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("style", "script"):
            self._open.append((tag, None, []))
            return
        cls = dict(attrs).get("class")
        self._open.append((tag, cls, []))
        if tag == "table":
            self.tables.append({"caption": "", "headers": [], "rows": []})
        elif tag == "tr" and self.tables:
            self._row: list[str] = []
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        open_tag, cls, words = self._open.pop()
        if cls:
            for name in cls.split():
                self.by_class.setdefault(name, []).append("".join(words).strip())
        for _, _, outer in self._open:
            outer.extend(words)
        if tag == "th" and self._cell is not None:
            self.tables[-1]["headers"].append("".join(self._cell))
            self._cell = None
        elif tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self.tables and getattr(self, "_row", None):
            self.tables[-1]["rows"].append(self._row)
            self._row = []
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption)
            self._caption = None
        if tag in ("div", "tr", "caption", "table"):
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1][0] in ("style", "script"):
            return
        if self._open:
            self._open[-1][2].append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)
        self.text.append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def drawn(at: AppTest) -> list[_Reader]:
    """Each st.html element of the page that shows something (not a style only)."""
    return [read(h.value) for h in at.get("html") if "</style>" not in h.value.strip()[-8:]]


def html_tables(at: AppTest) -> list[dict[str, list[str]]]:
    """Every HTML table of the page: header → its column's cells, as they read."""
    return [
        {h: [row[i] for row in table["rows"]] for i, h in enumerate(table["headers"])}
        for reader in drawn(at)
        for table in reader.tables
    ]


def html_table_with(at: AppTest, header: str) -> dict[str, list[str]]:
    return next(t for t in html_tables(at) if header in t)


def card_rates(at: AppTest) -> list[str]:
    """The rate on each of Tổng quan's cards, in order."""
    return [rate for reader in drawn(at) for rate in reader.by_class.get("rate", [])]


def html_text(at: AppTest) -> str:
    """The words of the page's HTML elements, a line per block."""
    return "\n".join("".join(reader.text) for reader in drawn(at))
