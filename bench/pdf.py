"""Benchmark the PDF report: median time to render a full 80-item report, against HTML-to-PDF.

Not a test: it prints medians and ratios. The HTML side renders the same report model as an
equivalent HTML page through Chromium (cold: one headless process per PDF; warm: one browser
kept open, through Playwright) when they are installed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

from render_samples import content, full_body, stored  # also puts the project on sys.path

from service.report import build, pdf_for
from service.report.layout import RATING_COLOURS

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
TARGET_MS = 100


def timed(fn, runs: int, clock=time.perf_counter) -> list[float]:
    """Milliseconds of `runs` calls of fn (after one untimed warm-up call): wall-clock by
    default, or by another clock (time.process_time: this process's CPU time)."""
    fn()
    out = []
    for _ in range(runs):
        start = clock()
        fn()
        out.append((clock() - start) * 1000)
    return out


def html_for(report: dict) -> str:
    """The report model as one HTML page with the same content and order as the PDF."""
    e = escape
    d = report["decision"]
    parts = [
        f"<h1>{e(d['title'])}</h1><p>{e(d['model']['name'] or '')} &middot; "
        f"{e(d['model']['license_name'] or '')}</p><div class='badge' style='background:"
        f"#{RATING_COLOURS[d['rating']].hexval()[2:]}'>{e(d['rating'].upper())} RISK "
        f"&middot; {d['score']:.2f}</div><h2>Decision: {e(d['decision_label'])}</h2>",
        "<h3>Why</h3><ul>" + "".join(f"<li>{e(r['text'])}</li>" for r in d["reasons"]["items"]),
        "</ul><h3>First actions</h3><ol>"
        + "".join(f"<li>{e(c['item'])} {e(c['text'])}</li>" for c in d["actions"]["items"])
        + "</ol><h3>Sign-off</h3>"
        + _table(
            ["Role", "Name", "Date", "Signature"],
            [[r["role"], r["name"] or "", "", ""] for r in report["signoff"]["roles"]],
        ),
        "<h2 style='break-before:page'>1. Ratings by domain</h2>" + _svg_chart(report["chart"]),
        "<h2>2. Conditions</h2>"
        + _table(
            ["Item", "Blocker", "Why"],
            [[b["item"], b["title"], b["reason"]] for b in report["blockers"]],
        ),
    ]
    for group in report["conditions"]["groups"]:
        parts.append(
            f"<h3>{e(group['title'])}</h3>"
            + _table(["Item", "Condition"], [[c["item"], c["text"]] for c in group["conditions"]])
        )
    parts.append("<h2>3. Licence obligations</h2>")
    for lic in report["licenses"]:
        rows = [[r["label"], r["text"]] for r in lic["rows"]]
        parts.append(f"<h3>{e(lic['name'])}</h3>" + _table(["Term", "Text"], rows))
    parts.append("<h2>4. Risky findings</h2>")
    for f in report["risky"]:
        rows = [
            ("Question", f["question"]),
            ("Answer", f["answer"]),
            ("Note", f["note"]),
            ("Why it counts", f["reason"]),
            ("Remediation", f["remediation"]),
        ]
        parts.append(
            f"<section><h4>{e(f['item'])} {e(f['title'])} &middot; {e(f['severity'])}</h4>"
            + "".join(f"<p><b>{k}</b> {e(v)}</p>" for k, v in rows if v)
            + "</section>"
        )
    parts.append(
        "<h2>Appendix A. Items without risk</h2>"
        + _table(
            ["Item", "Title", "Answer", "Source"],
            [[f["item"], f["title"], f["answer"], f["source_short"]] for f in report["clear"]],
        )
    )
    parts.append(
        "<h2>Appendix B. References</h2>"
        + _table(
            ["Framework", "References"],
            [[f["framework"], "; ".join(r["id"] for r in f["refs"])] for f in report["references"]],
        )
    )
    parts.append(
        "<h2>Appendix C. Method and record</h2>"
        + "".join(f"<p>{e(p)}</p>" for p in report["record"]["method"])
    )
    style = (
        "@page{size:A4;margin:20mm 18mm}body{font:9.5pt 'DejaVu Sans',sans-serif}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;"
        "padding:3px;vertical-align:top}thead{display:table-header-group}"
        "section{break-inside:avoid}.badge{color:#fff;padding:8px;width:60mm}"
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{e(report['meta']['title'])}</title><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def _table(head: list[str], rows: list[list]) -> str:
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v or ''))}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{escape(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{cells}</tbody></table>"
    )


def _svg_chart(chart: dict) -> str:
    bars = "".join(
        f"<text x='0' y='{30 * i + 18}'>{escape(d['title'])}</text><rect x='110' "
        f"y='{30 * i + 5}' width='{3 * d['score']:.1f}' height='20' fill='#"
        f"{RATING_COLOURS[d['rating']].hexval()[2:]}'/>"
        for i, d in enumerate(chart["domains"])
    )
    lines = "".join(
        f"<line x1='{110 + 3 * v}' x2='{110 + 3 * v}' y1='0' y2='125' "
        f"stroke='#555' stroke-dasharray='3 2'/>"
        for v in (chart["thresholds"] or {}).values()
    )
    return f"<svg width='460' height='130' font-size='11'>{bars}{lines}</svg>"


def chromium() -> str | None:
    """The Chromium executable, if installed."""
    return next((p for p in map(shutil.which, CHROMIUM) if p), None)


def chromium_cold(browser: str, html: Path, pdf: Path) -> None:
    """One headless Chromium process prints the page to PDF (what a CLI or job would do)."""
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def chromium_warm(browser: str, html_text: str, runs: int) -> list[float] | None:
    """Print with one browser kept open (what a server would do), via Playwright if present."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        page = chrome.new_page()

        def once():
            page.set_content(html_text)
            page.pdf(format="A4")

        try:
            return timed(once, runs)
        finally:
            chrome.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed reportlab renders")
    parser.add_argument("--html-runs", type=int, default=5, help="timed Chromium renders")
    args = parser.parse_args()
    record = stored(content(), full_body(content()), "bench-full")
    items = len(record["result"]["findings"])
    pdf = pdf_for(record)
    from pypdf import PdfReader

    print(
        f"report: {items} applicable items, {len(PdfReader(io.BytesIO(pdf)).pages)} pages, "
        f"{len(pdf) // 1024} KiB"
    )
    rows = [("reportlab (this service)", timed(lambda: pdf_for(record), args.runs))]
    browser = chromium()
    if browser:
        html_text = html_for(build(record))
        with tempfile.TemporaryDirectory() as tmp:
            html, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
            html.write_text(html_text, encoding="utf-8")
            rows.append(
                (
                    "Chromium --print-to-pdf (cold)",
                    timed(lambda: chromium_cold(browser, html, out), args.html_runs),
                )
            )
        warm = chromium_warm(browser, html_text, args.html_runs)
        if warm:
            rows.append(("Chromium via Playwright (warm)", warm))
    else:
        print("Chromium not installed: no HTML-to-PDF comparison")
    base = statistics.median(rows[0][1])
    print(f"\n{'renderer':34} {'runs':>5} {'median ms':>10} {'min ms':>8} {'ratio':>7}")
    for name, times in rows:
        median = statistics.median(times)
        print(f"{name:34} {len(times):5d} {median:10.1f} {min(times):8.1f} {median / base:6.1f}x")
    print(
        f"\ntarget: reportlab median at most {TARGET_MS} ms "
        f"({'met' if base <= TARGET_MS else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
