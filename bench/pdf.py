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
    c = report["cover"]
    parts = [
        f"<h1>{e(c['title'])}</h1><p>{e(c['model']['name'] or '')} &middot; "
        f"{e(c['model']['publisher'] or '')}</p><div class='badge' style='background:"
        f"#{RATING_COLOURS[c['rating']].hexval()[2:]}'>{e(c['rating'].upper())} RISK "
        f"&middot; {c['score']:.2f}</div><h2>Decision: {e(c['decision_label'])}</h2>",
        "<h2>1. Executive summary</h2><ul>"
        + "".join(f"<li>{e(s)}</li>" for s in report["summary"])
        + "</ul>",
        "<h2>2. Domain scores</h2>" + _svg_chart(report["chart"]),
        "<h2>3. Blockers</h2>"
        + _table(
            ["Item", "Blocker", "Reason"],
            [
                [b["item"], b["title"], b["reason"] + " " + (b["fact"] or "")]
                for b in report["blockers"]
            ],
        ),
        "<h2>4. Conditions</h2>"
        + _table(
            ["", "Item", "Condition", "Done"],
            [
                ["\u2610", x["item"], f"{x['kind_label']}: {x['text']}", ""]
                for x in report["conditions"]
            ],
        ),
        "<h2>5. Licence obligations</h2>",
    ]
    for lic in report["licenses"]:
        parts.append(
            f"<h3>{e(lic['name'])}</h3>"
            + _table(
                ["Obligation", "Terms"],
                [
                    [r["label"], r["text"] + (" (unverified)" if r["unverified"] else "")]
                    for r in lic["rows"]
                ],
            )
        )
    for n, d in enumerate(report["domains"], 6):
        parts.append(f"<h2>{n}. {e(d['title'])}</h2><p>Score {d['score']:.2f}</p>")
        for f in d["findings"]:
            rows = [
                ("Question", f["question"]),
                ("Answer", f["answer"]),
                ("Note", f["note"]),
                ("Evidence", f["evidence_url"]),
                ("Why it counts", f["reason"]),
                ("Remediation", f["remediation"]),
                ("References", "; ".join(f["references"])),
            ]
            parts.append(
                f"<section><h4>{e(f['item'])} {e(f['title'])} &middot; "
                f"{f['points']:.2f} points &middot; {e(f['severity'])}</h4>"
                + "".join(f"<p><b>{k}</b> {e(v)}</p>" for k, v in rows if v)
                + "</section>"
            )
    parts.append(
        "<h2>Review history</h2>"
        + _table(
            ["Reviewer", "Time", "Decision", "Comment"],
            [
                [r["reviewer"], r["time"], r["decision_label"], r["comment"]]
                for r in report["reviews"]
            ],
        )
    )
    parts.append(
        "<h2>Sign-off</h2>"
        + _table(
            ["Role", "Name", "Date", "Signature"],
            [[s["role"], s["name"] or "", "", ""] for s in report["signoff"]],
        )
    )
    parts.append(
        "<h2>Appendix</h2>" + "".join(f"<p>{e(p)}</p>" for p in report["appendix"]["method"])
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
