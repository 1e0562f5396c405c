"""How gunicorn serves modelrisk: the one place, used by `make run` and the live tests.

Threaded workers (`gthread`): a connection waiting for its request is parked on the worker's
poller, not on a thread, and each thread serves one request at a time. A client that sends its
headers and then dawdles over the body holds one thread, not the worker: WORKERS x THREADS
such clients would be needed to starve the service, and each such request fails (400) once its
body stops arriving for MODELRISK_BODY_READ_TIMEOUT seconds, which frees its thread. Behind a
reverse proxy that buffers bodies (nginx does by default) no slow client reaches gunicorn at
all; set MODELRISK_TRUSTED_PROXIES then.

Change a value with gunicorn's own options (`--workers 4`, `GUNICORN_CMD_ARGS`); the
environment variable WEB_CONCURRENCY sets the worker count as gunicorn documents it.
"""

import os

# Imported by name: a module-level `config` would be read as gunicorn's own setting.
from service.config import from_environment

wsgi_app = "wsgi:app"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 8
# A worker that does not report to the master for this long is restarted. With gthread the
# main loop reports while requests run in threads; the time a request takes is bounded by the
# service itself (bounded inputs, the report's REPORT_TIME_BUDGET).
timeout = 30
graceful_timeout = 30
keepalive = 5
BODY_READ_TIMEOUT = float(from_environment("BODY_READ_TIMEOUT"))


def pre_request(worker, req):
    """Bound every read of this request's body: a blocking read that waits longer than
    BODY_READ_TIMEOUT raises, the request fails, and its thread is free again."""
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    if sock is not None and hasattr(sock, "settimeout"):
        sock.settimeout(BODY_READ_TIMEOUT)
