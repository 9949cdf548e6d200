"""One document written twice, as HTML and as Markdown, with a table of contents of its sections."""

import base64
import html
import os
import re

from ..records import read_bounded

STYLE = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}h1{border-bottom:2px solid #1f77b4}
h2{margin-top:2em;border-bottom:1px solid #ccc}
h3{margin-top:1.6em}table{border-collapse:collapse;margin:1em 0;font-size:14px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f6fa}figure{margin:1em 0}
img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:13px}.findings li{margin:.3em 0}
details{margin:1em 0}code{background:#f3f3f3;padding:0 3px}.meta{color:#666;font-size:13px}
.answer{font-size:1.08em;background:#f3f8fc;border-left:4px solid #1f77b4;padding:.5em .8em}
nav.toc{background:#fafafa;border:1px solid #e3e3e3;padding:.2em 1.2em;margin:1em 0}nav.toc ol{margin:.3em 0}
nav.toc h2{border:none;margin:.6em 0 .2em;font-size:1.1em}.commands td:nth-child(2){white-space:nowrap;
font-family:ui-monospace,monospace;font-size:13px}
table.sweep td:first-child,table.setup td:last-child{white-space:nowrap}
.trace h4{margin:1.2em 0 .4em}p.question{font-weight:600;margin:1.2em 0 .3em}pre.formulas{background:#fafafa;border:1px solid #e3e3e3;padding:.6em .8em;
font-size:14px;overflow-x:auto}"""


def slug(text):
    """'What does the learning rate do?' -> 'what-does-the-learning-rate-do'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


class Document:
    """Writes the same content as HTML and as Markdown; ``page`` and ``markdown`` put the table of
    contents (every h2 and h3, each linking to its heading's id) where ``contents`` was called."""

    def __init__(self, root):
        self.root, self.html, self.md = root, [], []
        self.sections = []  # (level, id, text) of each heading, in order
        self._toc_at = None

    def heading(self, text, level=2, anchor=None):
        """A heading with a unique id (``anchor``, else made from the text); returns the id."""
        used = {a for _, a, _ in self.sections}
        anchor = anchor or slug(text)
        base, k = anchor, 2
        while anchor in used:
            anchor, k = f"{base}-{k}", k + 1
        self.sections.append((level, anchor, text))
        self.html.append(f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>')
        self.md += [f'<a id="{anchor}"></a>', "", "#" * level + " " + text, ""]
        return anchor

    def contents(self):
        self._toc_at = (len(self.html), len(self.md))

    def para(self, text, css=None):
        attribute = f' class="{css}"' if css else ""
        self.html.append(f"<p{attribute}>{html.escape(text)}</p>")
        self.md += [f"**{text}**" if css == "answer" else text, ""]

    def link(self, text, targets):
        """``text`` followed by links to this page's sections: ``targets`` is [(label, anchor)]."""
        links = ", ".join(f'<a href="#{a}">{html.escape(label)}</a>' for label, a in targets)
        self.html.append(f"<p>{html.escape(text)} {links}.</p>")
        self.md += [text + " " + ", ".join(f"[{label}](#{a})" for label, a in targets) + ".", ""]

    def formulas(self, lines):
        """Lines of formulas, set in a fixed-width font so that their terms line up."""
        self.html.append('<pre class="formulas">' + html.escape("\n".join(lines)) + "</pre>")
        self.md += ["```text", *lines, "```", ""]

    def bullets(self, items, css=""):
        self.html.append(f'<ul class="{css}">' + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
        self.md += [f"- {i}" for i in items] + [""]

    def table(self, header, rows, css=None):
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        attribute = f' class="{css}"' if css else ""
        self.html.append(f"<table{attribute}><tr>{head}</tr>{body}</table>")
        self.md += ["| " + " | ".join(map(str, header)) + " |", "|" + " --- |" * len(header)]
        self.md += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows] + [""]

    def figure(self, path, caption):
        data = base64.b64encode(read_bounded(path, "figure", "remove the file, or train again to rewrite it",
                                             "figure_bytes")).decode("ascii")
        self.html.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        self.md += [f"![{caption}]({os.path.relpath(path, self.root)})", "", f"*{caption}*", ""]

    def details(self, summary, header, rows):
        """A table folded under ``summary`` in HTML; in Markdown, ``summary`` then the table."""
        self.html.append(f"<details><summary>{html.escape(summary)}</summary>")
        self.md += [f"{summary}:", ""]
        self.table(header, rows)
        self.html.append("</details>")

    def folded(self, summary, html_body, md_body):
        """A folded block of ready-made HTML and Markdown (a backpropagation trace)."""
        self.html.append(f"<details><summary>{html.escape(summary)}</summary>{html_body}</details>")
        self.md += [f"<details><summary>{html.escape(summary)}</summary>", "", md_body, "</details>", ""]

    def _toc(self):
        """The table of contents as HTML and Markdown: each h2, with its h3s under it."""
        tree = []
        for level, anchor, text in self.sections:
            if level == 2 or (level == 3 and not tree):
                tree.append((anchor, text, []))
            elif level == 3:
                tree[-1][2].append((anchor, text))

        def link(anchor, text):
            return f'<a href="#{anchor}">{html.escape(text)}</a>'

        items = "".join(f"<li>{link(a, t)}" + (f"<ol>{''.join(f'<li>{link(*kid)}</li>' for kid in kids)}</ol>"
                                                if kids else "") + "</li>" for a, t, kids in tree)
        markdown = ["**Contents**", ""]
        for anchor, text, kids in tree:
            markdown.append(f"1. [{text}](#{anchor})")
            markdown += [f"   1. [{kid_text}](#{kid})" for kid, kid_text in kids]
        return f'<nav class="toc"><h2>Contents</h2><ol>{items}</ol></nav>', markdown + [""]

    def page(self, title):
        """The HTML page: the body with the table of contents in place, styles inline, nothing to fetch."""
        body = list(self.html)
        if self._toc_at is not None:
            body.insert(self._toc_at[0], self._toc()[0])
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
                f"<style>{STYLE}</style></head><body>" + "\n".join(body) + "</body></html>\n")

    def markdown(self):
        lines = list(self.md)
        if self._toc_at is not None:
            lines[self._toc_at[1]:self._toc_at[1]] = self._toc()[1]
        return "\n".join(lines)
