"""gunicorn settings for Masthead (the alternative to granian; see docs/deploy.md).

Sync workers: one request at a time per process, so a slow client cannot starve the others
only because nginx buffers requests and responses in front. Workers count from the CPUs.
"""

import multiprocessing
import os

bind = os.environ.get("MASTHEAD_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("MASTHEAD_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
# nginx keeps upstream connections alive; give them time to be reused.
keepalive = 30
timeout = 30
graceful_timeout = 20
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 20000
max_requests_jitter = 2000
# Load the app before forking: workers share its memory pages and start faster.
preload_app = True
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("MASTHEAD_FORWARDED_ALLOW_IPS", "127.0.0.1")
