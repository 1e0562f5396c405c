"""The application functions: one function per operation, called by every edge.

The API, the web pages and the CLI parse their input, call one of these and present what it
returns; none of them validates, scores, queries or audits on its own. Each operation that
writes is one transaction with its audit event. Refusals are ApplicationError subclasses
(errors.py) that carry what an edge needs to show them.

    inputs.py       the assessment body's schema; field errors (dotted path + JSON Pointer)
    assessments.py  validate, evaluate, submit (revise), get, list, revisions, PDF report
    reviews.py      review (four eyes per person, risk acceptance), statuses, decisions
    people.py       the person behind an actor (an account, or the owner of a key)
    accounts.py     account rules, create, disable, reset, sign in and out, change password
    sessions.py     server-side sessions: start, read (idle and absolute limits), end
    throttle.py     sign-in throttling: a growing delay per account and per client
    keys.py         API keys: create (with an owner), revoke, list, authorise a request
    drafts.py       save, read, list and discard form drafts
    catalogue.py    checklists, policies, licences, models, the framework crosswalk
    maintenance.py  migrations, the audit chain, old idempotency records
"""

from .errors import ApplicationError, InputError, NotFound

__all__ = ["ApplicationError", "InputError", "NotFound"]
