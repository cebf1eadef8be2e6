"""Text from files and users shown as text, never as markup: one rule per renderer.

Sources, file and sheet names, notes, user names — anything a file or a person brought in — pass
through `markdown_literal` before a Streamlit element that reads Markdown (st.markdown, captions,
alerts, labels, help tooltips), through `html_literal` into HTML a page writes itself (st.html),
and through `plotly_literal` before a Plotly title, subtitle, annotation, axis label or hover
text (Plotly draws a subset of HTML there: <a href>, <b>, <br>). All are for text only: call them on the data, not on markup the code writes around it.
No Streamlit here (the layer rule), so exports and tests use the same functions.
"""

from __future__ import annotations

import html
import re

# CommonMark lets every ASCII punctuation character be escaped with a backslash; escaping them all
# covers emphasis, links and images, code, headings, tables, HTML, Streamlit's :colour[…] and
# :emoji: directives and LaTeX ($…$), whatever plugins a Streamlit release adds on top.
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit's Markdown links bare URLs (GitHub's "autolink literals") after escapes are read, so
# an escaped https://… still became a link. A word joiner (U+2060: invisible, no width, no break)
# inside "://", after "www" and before "@" stops that and leaves what the reader sees unchanged.
WORD_JOINER = "\u2060"
_SCHEME = re.compile(r"\\:\\/\\/")
_WWW = re.compile(r"(?i)(www)(?=\\\.)")
_AT = re.compile(r"\\@")


def markdown_literal(text: object) -> str:
    """`text` as Streamlit Markdown that shows exactly these characters (line breaks and runs of
    spaces become one space, as they would in HTML). None → ""."""
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    escaped = _ASCII_PUNCTUATION.sub(r"\\\1", flat)
    escaped = _SCHEME.sub("\\:\\/" + WORD_JOINER + "\\/", escaped)
    escaped = _WWW.sub(r"\1" + WORD_JOINER, escaped)
    return _AT.sub(WORD_JOINER + "\\@", escaped)


# Control characters (a CSV can carry them) have no glyph; plotly.js fails on some of them in an
# exported image, and python-docx refuses them outright.
# C0 controls but tab and line breaks, DEL, and C1 controls (\x9b opens a terminal escape too).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: object) -> str:
    """`text` without control characters (tab and line breaks stay). None → ""."""
    return "" if text is None else _CONTROL.sub("", str(text))


def plotly_literal(text: object) -> str:
    """`text` for a Plotly title, annotation, tick or hover label: <, > and & as entities, which
    Plotly shows as the characters; control characters left out. None → ""."""
    plain = without_controls(text)
    return plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_literal(text: object) -> str:
    """`text` for HTML text or a quoted attribute: & < > " ' as entities, control characters
    left out. None → ""."""
    return html.escape(without_controls(text), quote=True)
