"""How gunicorn serves modelrisk: the one place, used by `make run` and the live tests.

Threaded workers (`gthread`): a connection waiting for its request is parked on the worker's
poller, not on a thread, and each thread serves one request at a time. A client that sends its
headers and then dawdles over the body holds one thread, not the worker: WORKERS x THREADS
such clients would be needed to starve the service, and each such request fails (400) once its
body stops arriving for MODELRISK_BODY_READ_TIMEOUT seconds, which frees its thread. Behind a
reverse proxy that buffers bodies (nginx does by default) no slow client reaches gunicorn at
all; set MODELRISK_TRUSTED_PROXIES then.

A worker takes a new connection only while one of its threads is free to serve it
(`BalancedThreadWorker`); otherwise the connection waits in the listening socket's queue for a
worker that has one. Plain `gthread` accepts whenever its main loop wakes, so under load one
worker could hold 14 of 16 clients and queue their requests while the other idled. With this
rule 1,000 report downloads at 16 connections (`make bench`) take 0.81 s at the 99th percentile
instead of 1.34 s, at the same throughput; the median rose from 0.27 to 0.72 s, as every
client now waits its fair share instead of two waiting little and fourteen long.

Change a value with gunicorn's own options (`--workers 4`, `GUNICORN_CMD_ARGS`); the
environment variable WEB_CONCURRENCY sets the worker count as gunicorn documents it.
"""

import gc
import os

from gunicorn.workers.gthread import ThreadWorker

# Imported by name: a module-level `config` would be read as gunicorn's own setting.
from service.config import from_environment


class BalancedThreadWorker(ThreadWorker):
    """gthread that stops accepting while every thread has a request (see the module's text).

    A connection counts from the moment it is handed to a thread until gunicorn takes it back:
    answered, closed, or parked on the poller when its first bytes have not come within
    gunicorn's short wait for them (a silent new connection holds a thread until then). A
    kept-alive connection waiting for its next request holds no thread and does not count. All
    three hooks run on the worker's main loop, so the count needs no lock. One event batch of
    the loop may still accept one connection past the limit; the next turn stops it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.busy = 0

    def enqueue_req(self, conn):
        super().enqueue_req(conn)
        self.busy += 1  # once the thread pool has taken it (its callback runs on this loop too)
        if self.busy >= self.cfg.threads:
            super().set_accept_enabled(False)

    def finish_request(self, conn, fs):
        self.busy -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)


# The three hooks are gunicorn's own (27.x); a release without one of them must stop start-up,
# not quietly serve without the rule (tests/robust/test_slow_clients.py tries the rule live).
for _hook in ("enqueue_req", "finish_request", "set_accept_enabled"):
    if not callable(getattr(ThreadWorker, _hook, None)):
        raise RuntimeError(f"gunicorn.conf.py: gunicorn's ThreadWorker has no {_hook}()")


wsgi_app = "wsgi:app"
worker_class = BalancedThreadWorker
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


def post_worker_init(worker):
    """Once the app is loaded, move every object it made into the collector's permanent
    generation (gc.freeze): a full collection then looks only at what requests made since.
    Without it each worker's full collection walked the whole loaded app and stopped every
    thread of the worker for 30 to 38 ms, a few times a minute under load; frozen, it takes
    under 1 ms (`make bench`, POSTs at 16 connections). Frozen objects are never collected,
    which costs nothing here: the app lives as long as the worker."""
    gc.freeze()
