"""The errors of the application functions: one base class that carries what an edge shows.

Every error has a `kind` (a stable name: the API's problem type, the web's choice of page) and
a message safe to show; a validation error also lists its field errors, each
{field, pointer, message}. The edges map kinds to statuses in one place (service.errors).
"""

from __future__ import annotations


class ApplicationError(Exception):
    """An operation refused; `kind` names why, `errors` lists the fields at fault, if any."""

    kind = "invalid-request"
    keep_writes = False  # True when what the refusal wrote (its audit event) must be kept

    def __init__(self, message: str, errors: list[dict] | None = None, **facts):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.facts = facts  # what an edge may need besides (a limit, a scope, a retry delay)


class InputError(ApplicationError):
    """Fields are missing or invalid; `errors` lists {field, pointer, message}."""

    kind = "validation-error"

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)


class NotFound(ApplicationError):
    """There is no such assessment, draft, account, key, checklist or framework."""

    kind = "not-found"


class StateError(ApplicationError):
    """The assessment's status does not allow this (e.g. reviewing a reviewed one)."""

    kind = "invalid-state"


class FourEyesError(ApplicationError):
    """The reviewer submitted a revision of the assessment (as an account or through a key they
    own), or is a service key that stands for no person: a second person must review it."""

    kind = "four-eyes"


class RoleRequired(ApplicationError):
    """The person an actor stands for lacks the role the operation needs."""

    kind = "role-required"


class NotOwner(ApplicationError):
    """Only the person who submitted an assessment, or an administrator, may revise it."""

    kind = "not-owner"


class NoChange(ApplicationError):
    """A new revision must change the input of the latest one."""

    kind = "no-input-changed"


class ReportTimeout(ApplicationError):
    """The PDF report did not render within its time budget."""

    kind = "report-timeout"


class LoginRefused(ApplicationError):
    """Sign-in refused; the message never says which part was wrong."""

    kind = "login-refused"


class Throttled(LoginRefused):
    """Too many failed sign-ins for this account or client; `facts` has `retry_after` seconds."""

    kind = "throttled"


class PasswordExpired(LoginRefused):
    """The right one-time password, past its expiry: an administrator must issue a new one."""

    kind = "password-expired"


class Unauthorized(ApplicationError):
    """No valid API key was presented (missing, malformed, unknown or revoked)."""

    kind = "unauthorized"


class InsufficientScope(ApplicationError):
    """The API key lacks the scope of the operation; `facts` has `scope`."""

    kind = "insufficient-scope"


class RateLimited(ApplicationError):
    """The key used up its requests for this window; `facts` has limit, remaining, reset."""

    kind = "rate-limited"


class KeyReused(ApplicationError):
    """An Idempotency-Key came back with a different request."""

    kind = "idempotency-key-reused"
