"""The new-assessment form: choose a model, fill it in, save a draft, submit, re-assess."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from ..application import InputError, accounts, assessments, drafts, exchange
from ..application import formview as view_of
from ..application.errors import NoChange, NotOwner, StateError
from ..store.context import get_db
from . import formparts, forms, formview, sessions

bp = Blueprint("assess", __name__)
# The buttons that re-read the form without submitting it, and the control each returns focus
# to (the button pressed; its formaction carries the same fragment).
RETURNS_TO = {
    "refresh": "update-questions",
    "refresh-model": "update-model",
    "prefill": "fill-from-catalogue",
}
ACTIONS = ("submit", "draft", *RETURNS_TO)


def _content():
    return current_app.extensions["modelrisk.content"]


def _defaults() -> dict[str, list[str]]:
    return {
        "requester.name": [g.user["name"]],
        "requester.email": [g.user["email"]],
        "policy": ["default"],
    }


def render_form(
    values: dict,
    errors: list[dict] | None = None,
    status: int = 200,
    draft_id: str | None = None,
    previous_id: str | None = None,
    imported: dict | None = None,
    focus: str | None = None,
):
    """The full form with what was typed, the form's view of it (the questions that apply,
    their severities, answers from a source, progress) and any errors. With `focus`, the errors
    are placed on their fields without a summary and focus returns to that control."""
    content = _content()
    view = view_of.read(content, values)
    labels = formview.field_labels(content, [s.domain for s in view.sections])
    placed = forms.place_errors(errors or [], set(labels))
    model_id = forms.first(values, "model.id")
    return render_template(
        "assess_form.html",
        content=content,
        view=view,
        values=values,
        errors=placed,
        summary=[] if focus else formview.error_summary(placed, labels),
        catalogue=formview.catalogue(content),
        card=formview.model_card(content, model_id),
        choices=formview.choices(content),
        draft_id=draft_id,
        previous_id=previous_id,
        imported=imported,
        focus=focus,
    ), status


@bp.get("/assessments/new")
@sessions.login_required
def new():
    """Step one chooses a model (or 'not in the catalogue'); step two is the form, pre-filled."""
    content, chosen = _content(), request.args.get("model")
    if chosen is None:
        return render_template("assess_choose.html", catalogue=formview.catalogue(content))
    values = _defaults()
    if chosen and content.model(chosen):
        values.update(forms.catalogue_values(content, chosen))
    elif chosen not in ("", "other"):
        flash(f"'{chosen}' is not in the catalogue; describe the model below.", "warning")
    return render_form(values)


@bp.post("/assessments/import")
@sessions.login_required
def import_document():
    """Pre-fill the form from an uploaded model card or ML-BOM (and the Hub's file listing)."""
    content, upload = _content(), request.files.get("document")
    if upload is None or not upload.filename:
        return _import_refused([{"field": "document", "message": "choose a file to upload"}])
    listing = request.files.get("files")
    try:
        draft = exchange.prefill(
            content,
            upload.read(),
            listing.read() if listing and listing.filename else None,
            request.form.get("repo_id", "").strip() or None,
        )
    except InputError as exc:
        return _import_refused(exc.errors)
    values = _defaults()
    model_id = draft["body"]["model"].get("id")
    if model_id:
        values.update(forms.catalogue_values(content, model_id))
    values.update(forms.body_values(content, {**draft["body"], "policy": "default"}))
    del values["title"]  # the assessor names the assessment
    imported = {
        "name": upload.filename,
        "derived": draft["derived"],
        "warnings": draft["warnings"],
    }
    return render_form(values, imported=imported)


def _import_refused(errors: list[dict]):
    return render_template(
        "assess_choose.html",
        catalogue=formview.catalogue(_content()),
        import_errors=errors,
    ), 422


@bp.post("/assessments/new")
@sessions.login_required
def post():
    """Submit, save as a draft, re-read the catalogue, or update the questions for the model
    and deployment as they now stand (the page comes back where the button was)."""
    content, action = _content(), request.form.get("action", "submit")
    values = forms.form_values(request.form)
    draft_id = request.form.get("draft_id") or None
    previous_id = forms.first(values, "previous_id") or None
    if action not in ACTIONS:
        abort(400, description="Unknown form action.")
    if action == "draft":
        return _save_draft(values, draft_id)
    if action == "prefill":
        values.update(forms.catalogue_values(content, forms.first(values, "model.id")))
    if action in RETURNS_TO:
        errors = view_of.read(content, values).errors
        return render_form(values, errors, 200, draft_id, previous_id, focus=RETURNS_TO[action])
    return _submit(values, draft_id, previous_id)


@bp.post("/assessments/form-view")
@sessions.login_required
def form_view():
    """The form's view of the posted values as JSON, for the page's script: which questions
    apply, each one's severity and derived answer (as the page's own markup), progress per
    section, and the answers kept for questions that no longer apply."""
    values = forms.form_values(request.form)
    return jsonify(formparts.as_json(_content(), view_of.read(_content(), values), values))


def _submit(values: dict, draft_id: str | None, previous_id: str | None):
    content, db = _content(), get_db()
    read = view_of.read(content, values)
    try:
        if read.errors:
            errors = view_of.problems(content, read)
        else:
            errors = []
            stored = assessments.submit(
                content, db, read.body, accounts.actor(g.user), previous_id, draft_id
            )
    except InputError as exc:
        errors = exc.errors
    except NotOwner as exc:
        abort(403, description=exc.message)
    except (StateError, NoChange) as exc:
        return render_form(
            values, [{"field": "", "message": exc.message}], 409, draft_id, previous_id
        )
    if errors:
        return render_form(values, errors, 422, draft_id, previous_id)
    flash("Assessment submitted. It now waits for a reviewer.", "success")
    return redirect(url_for("results.show", assessment_id=stored.assessment["id"]))


def _save_draft(values: dict, draft_id: str | None):
    saved = drafts.save(
        get_db(), g.user, forms.first(values, "title"), values, draft_id, _content()
    )
    flash("Draft saved. You can continue it from the dashboard at any time.", "success")
    return redirect(url_for("assess.draft", draft_id=saved))


@bp.get("/drafts/<draft_id>")
@sessions.login_required
def draft(draft_id: str):
    """Continue a saved draft exactly as it was typed."""
    values = drafts.get(get_db(), g.user, draft_id)["form"]
    return render_form(
        values, draft_id=draft_id, previous_id=forms.first(values, "previous_id") or None
    )


@bp.post("/drafts/<draft_id>/delete")
@sessions.login_required
def delete_draft(draft_id: str):
    """Discard one of your drafts."""
    drafts.delete(get_db(), g.user, draft_id)
    flash("Draft discarded.", "info")
    return redirect(url_for("dashboard.index"))


@bp.get("/assessments/<assessment_id>/revise")
@sessions.login_required
def revise(assessment_id: str):
    """Start a new revision from a submitted assessment, with its answers filled in; only its
    submitter (the same person) or an administrator may."""
    stored = assessments.get(get_db(), assessment_id)
    if not assessments.may_revise(get_db(), stored, accounts.actor(g.user)):
        abort(
            403,
            description="Only the person who submitted this assessment or an "
            "administrator may revise it.",
        )
    values = forms.body_values(_content(), stored["input"])
    values["previous_id"] = [stored["id"]]
    return render_form(values, previous_id=stored["id"])
