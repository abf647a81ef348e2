"""Read the main form of a page into the data a browser would send for it unchanged."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.data: dict[str, str] = {}
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self.data = {}
            self.forms.append(self.data)
            self.inside = True
        if not self.inside or ("name" not in values and tag != "option"):
            return
        name = values.get("name", "")
        if tag == "input":
            kind = values.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in values:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.data[name] = values.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select:
            # A browser sends the selected option, or the first one when none is selected.
            if "selected" in values or self.select not in self.data:
                self.data[self.select] = values.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += data


def form_data(html: str) -> dict[str, str]:
    """The fields of the page's largest POST form (not the header's language switch) with their current
    values, unchecked boxes left out."""
    reader = _FormReader()
    reader.feed(html)
    return max(reader.forms, key=len, default={})
