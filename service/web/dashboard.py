"""The dashboard: assessments with filters and search, approvals falling due, your drafts, the
register as CSV, and how many approvals the current content would change."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for

from ..application import assessments, drafts, exchange, portfolio
from ..application.reviews import STATUSES
from ..content.model import DECISIONS, RATINGS
from ..store.context import get_db
from . import sessions

bp = Blueprint("dashboard", __name__)
PER_PAGE = 25
DUE_WITHIN_DAYS = 30
FILTERS = {"status": STATUSES, "rating": RATINGS, "decision": DECISIONS}


def _filters() -> dict:
    """The filters from the query string; values outside the known sets are ignored."""
    out = {k: request.args.get(k) for k in FILTERS if request.args.get(k) in FILTERS[k]}
    if request.args.get("reassessment_due") == "yes":
        out["reassessment_due"] = "yes"
    q = request.args.get("q", "").strip()[:200]
    if q:
        out["q"] = q
    return out


def _store_filters(filters: dict) -> dict:
    """The store's filter names: the search box matches title, model and requester."""
    out = {k: v for k, v in filters.items() if k not in ("q", "reassessment_due")}
    if "reassessment_due" in filters:
        out["reassessment_due"] = True
    if "q" in filters:
        out["q"] = f"%{filters['q']}%"
    return out


def _page_number() -> int:
    """The page asked for; anything but a plain number of sane length is page 1 (str.isdigit
    also accepts digits like '²' that int() refuses, and SQLite offsets are 64-bit)."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 1


@bp.get("/")
def root():
    """Signed-in users land on the dashboard, others on the sign-in page."""
    return redirect(url_for("dashboard.index" if g.get("user") else "web_auth.login"))


@bp.get("/dashboard")
@sessions.login_required
def index():
    """Assessments, newest first, filtered; approvals expiring within 30 days or expired."""
    db, filters, page = get_db(), _filters(), _page_number()
    items, total = assessments.list_assessments(db, _store_filters(filters), page, PER_PAGE)
    due = assessments.due_approvals(db, DUE_WITHIN_DAYS)
    return render_template(
        "dashboard.html",
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filters=filters,
        options=FILTERS,
        due=due,
        due_days=DUE_WITHIN_DAYS,
        drafts=drafts.list_drafts(db, g.user),
        impact=portfolio.approved_would_change(current_app.extensions["modelrisk.content"], db),
    )


@bp.get("/dashboard/assessments.csv")
@sessions.login_required
def register_csv():
    """The register as CSV, with the dashboard's filters and search."""
    lines = exchange.register_csv(get_db(), _store_filters(_filters()))
    response = Response("".join(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="assessments.csv"'
    return response
