"""What the preview adds to the pages it serves: the reload script, the error box and the waiting page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

RELOAD_JS_URL = "/__scalpsite/reload.js"
VERSION_URL = "/__scalpsite/version"
OVERLAY_CSS_URL = "/__scalpsite/overlay.css"

# A same-origin file, not inline code, so the pages' CSP (script-src 'self') allows it.
RELOAD_JS = """\
(function () {
  var seen = document.currentScript.dataset.version;
  function poll() {
    fetch("%s?since=" + encodeURIComponent(seen), {cache: "no-store"})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (v) { if (v !== seen) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % VERSION_URL

WAITING_PAGE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scalpsite preview</title></head>
<body><h1>No site to show yet</h1><pre>{message}</pre>
<p>Fix the journal and save: this page reloads when a build succeeds.</p></body></html>
"""

# The error box of the preview, at the top of every page; a file, since the pages' CSP forbids inline style.
OVERLAY_CSS = """\
#scalpsite-overlay { position: sticky; top: 0; z-index: 2147483647; max-height: 40vh; overflow: auto;
  margin: 0; padding: .75rem 1rem; background: #fff1f0; color: #5f0b0b; border-bottom: 3px solid #b3261e;
  font: 15px/1.4 system-ui, sans-serif; text-align: left; }
#scalpsite-overlay h2 { margin: 0 0 .4rem; font-size: 1rem; color: inherit; }
#scalpsite-overlay ul { margin: 0; padding-left: 1.2rem; }
#scalpsite-overlay li { margin: .15rem 0; white-space: pre-wrap; }
#scalpsite-overlay code { font: 13px/1.4 ui-monospace, monospace; font-weight: bold; }
#scalpsite-overlay p { margin: .4rem 0 0; font-size: .85rem; }
"""


@dataclass(frozen=True)
class PreviewProblem:
    """One line of the error box: where (file:line, or empty for a failed build) and what."""

    where: str
    message: str



def inject(page: bytes, version: int) -> bytes:
    """The page with the reload script referenced just before </body>."""
    tag = f'<script src="{RELOAD_JS_URL}" data-version="{version}"></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def overlay(page: bytes, problems: tuple[PreviewProblem, ...], failed: bool) -> bytes:
    """The page with the box listing the last build's errors just after <body>; unchanged when there are none."""
    if not problems:
        return page
    box = overlay_html(problems, failed).encode()
    match = re.search(rb"<body\b[^>]*>", page, re.IGNORECASE)
    at = match.end() if match else 0
    return page[:at] + box + page[at:]


def overlay_html(problems: tuple[PreviewProblem, ...], failed: bool) -> str:
    """The error box: a heading, then one escaped line per problem."""
    if failed:
        title = "The last build failed; you are seeing the previous output"
    else:
        title = f"The last build found {len(problems)} error{'s' if len(problems) != 1 else ''}"
    items = "".join(f"<li><code>{html.escape(p.where)}</code> {html.escape(p.message)}</li>" if p.where
                    else f"<li>{html.escape(p.message)}</li>" for p in problems)
    return (f'<link rel="stylesheet" href="{OVERLAY_CSS_URL}">'
            f'<section id="scalpsite-overlay" role="alert"><h2>{html.escape(title)}</h2><ul>{items}</ul>'
            "<p>Shown by the preview only; fix the journal and save to rebuild.</p></section>")
