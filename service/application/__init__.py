"""The application functions: one function per operation, called by every edge.

The API, the web pages and the CLI parse their input, call one of these and present what it
returns; none of them validates, scores, queries or audits on its own. Each operation that
writes is one transaction with its audit event. Refusals are ApplicationError subclasses
(errors.py) that carry what an edge needs to show them.

    inputs.py       the assessment body's schema; field errors (dotted path + JSON Pointer)
    assessments.py  validate, evaluate, submit (revise), get, list, revisions, PDF report
    reviews.py      review (four eyes), the workflow's statuses and review decisions
    accounts.py     account rules, create, disable, sign in and out, change password, roles
    keys.py         API keys: create, revoke, list, authorise a request (scope, rate limit)
    drafts.py       save, read, list and discard form drafts
    catalogue.py    checklists, policies, licences, models, the framework crosswalk
    maintenance.py  migrations, the audit chain, old idempotency records
"""

from .errors import ApplicationError, InputError, NotFound

__all__ = ["ApplicationError", "InputError", "NotFound"]
