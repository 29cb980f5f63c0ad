"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`."""

import gc
import multiprocessing
import os
import socket

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads connections
# over them evenly. On one shared socket, whichever worker is running when connections arrive
# takes them all: under load one worker of four held 42 or 43 of 50 connections, and its queue
# made p99 latency up to twice what it is with the connections spread. On Linux 5.14 and later
# set net.ipv4.tcp_migrate_req = 1 (docs/deployment.md), so that connections waiting on the
# socket of a worker being restarted move to another worker rather than being reset.
reuse_port = True
# Behind a reverse proxy that buffers slow clients; requests themselves are short.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound, but not often: a new
# worker spends about a second of CPU starting, and the connections its predecessor held move
# to the other workers. Every 5,000 requests cost the kiosk submissions benchmark about 15%
# of its throughput (a restart every few seconds); at national scale (a million responses a
# month, ten or so requests each) 50,000 still restarts each worker about once a day.
max_requests = 50_000
max_requests_jitter = 5_000
# Access logs come from the application as structured lines, without paths that carry tokens.
accesslog = None
# Should an operator turn gunicorn's own access log on (--access-logfile), it leaves the path and
# query out (no %(r)s, %(U)s, %(q)s): they carry invitation and enrolment tokens.
access_log_format = '%(h)s %(t)s "%(m)s" %(s)s %(b)s %(L)s'
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = False


def on_starting(server):
    """Refuse to start where something listens already: with reuse_port a second gunicorn on
    the same address would share its connections without a word instead of failing."""
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a Unix socket: gunicorn itself refuses one in use
        probe = socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections closing do not count
        try:
            probe.bind(address)
        except OSError as error:
            raise SystemExit(f"gunicorn: cannot listen at {address[0]}:{address[1]}: {error.strerror}") from None
        finally:
            probe.close()


def post_worker_init(worker):
    """Once the worker has loaded the application, leave what it loaded out of garbage
    collection (gc.freeze): a full collection then looks at the objects of requests alone.
    Otherwise every full collection went over the whole application and held up every
    request in the worker for it: 70 to 250 ms each under load, two or three a worker in ten
    seconds; now 3 to 8 ms.

    Also redact request paths in gunicorn's own error lines ("Error handling request /i/…")."""
    import logging

    from feedback.log import RedactPaths

    logging.getLogger("gunicorn.error").addFilter(RedactPaths(getattr(getattr(worker, "wsgi", None), "url_map", None)))
    gc.freeze()
