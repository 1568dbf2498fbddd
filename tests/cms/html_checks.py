"""Structural accessibility checks for rendered pages: one h1 and no skipped
heading levels, unique ids, every form control labelled, every image with
alt text, every SVG chart with role="img" and a name, well-nested elements."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Optional end tags (HTML allows leaving them out); the templates close them anyway.
LABELLED_INPUTS = {"text", "search", "email", "tel", "url", "number", "password", "date", "checkbox", "radio", "file"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.images: list[dict] = []
        self.svgs: list[dict] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in {"input", "select", "textarea"}:
            kind = attrs.get("type", "text") if tag == "input" else tag
            if tag != "input" or kind in LABELLED_INPUTS:
                self.controls.append({**attrs, "_inside_label": self.label_depth > 0, "_tag": tag})
        if tag == "img":
            self.images.append(attrs)
        if tag == "svg":
            self.svgs.append(attrs)
        if tag not in VOID and not self.get_starttag_text().rstrip().endswith("/>"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '—'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def assert_accessible_html(html: str) -> None:
    page = _Collector()
    page.feed(html)
    page.close()
    assert not page.errors, page.errors[:5]
    assert page.headings.count(1) == 1, f"one h1 expected, headings: {page.headings}"
    assert page.headings[0] == 1, f"the first heading is not h1: {page.headings}"
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading level skipped: h{before} → h{after} in {page.headings}"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for control in page.controls:
        named = (control.get("id") in page.label_for or control["_inside_label"] or control.get("aria-label")
                 or control.get("aria-labelledby"))
        assert named, f"unlabelled <{control['_tag']}> {control.get('name')}"
    for image in page.images:
        assert "alt" in image, f"image without alt: {image.get('src')}"
    for svg in page.svgs:
        assert svg.get("role") == "img" and (svg.get("aria-label") or svg.get("aria-labelledby")), svg
