"""Django settings for Masthead, read from the environment.

A fresh checkout runs the demo on SQLite with nothing set. Production sets
``MASTHEAD_DEBUG=False`` (the default), a secret via ``MASTHEAD_SECRET_KEY_FILE``,
``DATABASE_URL``, ``REDIS_URL`` and ``MASTHEAD_ALLOWED_HOSTS``; demo-only conveniences are
refused unless ``MASTHEAD_DEMO=True`` (see ``masthead/core/deploy_checks.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from masthead.core.csp import checked_report_uri, checked_sources, content_security_policy
from masthead.core.deploy_checks import refuse_demo_only_settings
from masthead.core.redis_clients import parse_nodes
from masthead.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_optional_bool,
    env_optional_int,
    env_secret,
    env_str,
    parse_database_url,
    parse_replica_url,
)
from masthead.media import media_origins, media_storage

# Lets ``admin.ModelAdmin[Model]`` and friends be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MASTHEAD_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("MASTHEAD_DEBUG", False)
# Demo mode allows the public demo secret and the offline test-payments provider.
DEMO = env_bool("MASTHEAD_DEMO", False)

# Public on purpose: the demo key. checks.py refuses it outside demo/debug mode.
DEMO_SECRET_KEY = "masthead-demo-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_secret("MASTHEAD_SECRET_KEY", DEMO_SECRET_KEY if (DEBUG or DEMO) else "")
SECRET_KEY_FALLBACKS = env_list("MASTHEAD_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("MASTHEAD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("MASTHEAD_CSRF_TRUSTED_ORIGINS")
# CIDRs of proxies whose X-Forwarded-For is believed; nothing is trusted by default.
TRUSTED_PROXIES = env_networks("MASTHEAD_TRUSTED_PROXIES")
# The IPv6 prefix that makes one client network for per-network limits and allowances
# (IPv4 is always a /24). 32-64; checked again when core loads (core.E002).
IPV6_NETWORK_PREFIX = env_int("MASTHEAD_IPV6_NETWORK_PREFIX", 56, minimum=32)

# --- The shared cache's purge (docs/deploy.md, "Purging") ---
# Each cache node's purge location, comma-separated (http://10.0.0.5:8080/_purge). Empty:
# saves purge nothing and pages refresh when their max-age ends.
CACHE_PURGE_URLS = env_list("MASTHEAD_CACHE_PURGE_URLS")
# scheme://host as readers reach the site; blank: every plain ALLOWED_HOSTS entry, both schemes.
CACHE_PURGE_ORIGINS = env_list("MASTHEAD_CACHE_PURGE_ORIGINS")
# The purger (masthead.core.purge.Purger) by dotted path: a CDN's can replace nginx's.
CACHE_PURGER = env_str("MASTHEAD_CACHE_PURGER", "masthead.core.purge.NginxPurger")
CACHE_PURGE_TIMEOUT = float(env_str("MASTHEAD_CACHE_PURGE_TIMEOUT", "1"))  # seconds a request
# Purge once more this long after a save (a render racing the commit); 0: no repeat.
CACHE_PURGE_REPEAT_SECONDS = float(env_str("MASTHEAD_CACHE_PURGE_REPEAT_SECONDS", "2"))

INSTALLED_APPS = [
    "masthead.core",
    "masthead.accounts",
    "masthead.newsroom",
    "masthead.access",
    "masthead.billing",
    "masthead.gifts",
    "masthead.ads",
    "masthead.analytics",
    "masthead.experiments",
    "masthead.gateway",
    # On top of the feature apps; installed everywhere so that load_demo exists in
    # production too. It does nothing at import or ready time.
    "masthead.demo",
    # Site-level commands (manage.py leak_audit); no models, nothing at ready time.
    "masthead.site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, which answers static files without calling inner middleware: the
    # policy then covers every response, static and media included.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "masthead.middleware.DatabaseUnavailableMiddleware",
    # Outside the session and view layers, so no inner layer can make a gift page cacheable.
    "masthead.gifts.middleware.GiftLinkHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # One read of the publication row per request.
    "masthead.newsroom.middleware.PublicationPerRequestMiddleware",
    # The admin reads and shows times in the publication's zone (public pages untouched).
    "masthead.newsroom.middleware.PublicationTimeZoneMiddleware",
]

ROOT_URLCONF = "masthead.urls"
# JSON endpoints answer a CSRF refusal in JSON (and a method they lack with 405).
CSRF_FAILURE_VIEW = "masthead.errors.csrf_failure"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "masthead" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # The auth and messages processors are lazy: public pages never touch
                # ``user`` or ``messages``, so they never read the session or vary on it.
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.newsroom.context_processors.publication",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'masthead.sqlite3'}"), BASE_DIR
    )
}
# A PostgreSQL streaming replica for article pages, fronts and feeds (docs/deploy.md, "The
# replica router"). Unset: no replica, no router, every read on the primary.
REPLICA_DATABASE_URL = env_str("MASTHEAD_REPLICA_DATABASE_URL")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = parse_replica_url(REPLICA_DATABASE_URL, DATABASES["default"], BASE_DIR)
    DATABASE_ROUTERS = ["masthead.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# A Redis Cluster's nodes, comma-separated host:port (a stable interface). When set, the
# cache, the rate limit and the meter live on the cluster (docs/deploy.md, "Redis
# Cluster"); a malformed entry stops the process here.
REDIS_CLUSTER_NODES = parse_nodes(env_str("MASTHEAD_REDIS_CLUSTER_NODES"))
CACHES: dict[str, dict[str, Any]]
if REDIS_CLUSTER_NODES:
    CACHES = {
        "default": {
            "BACKEND": "masthead.core.cluster_cache.RedisClusterCache",
            "LOCATION": ",".join(REDIS_CLUSTER_NODES),
        }
    }
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With Redis, sessions are read from the cache and written to both (a cache miss or outage
# reads the database): a logged-in page view reads no SQL for its session. Trade-off in
# docs/design.md, "The reader pass".
SESSION_ENGINE = "masthead.core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "newsroom:home"

SESSION_COOKIE_SECURE = not (DEBUG or DEMO) and env_bool("MASTHEAD_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MASTHEAD_BEHIND_TLS_PROXY", False) else None
)
# On by default in production (a year); MASTHEAD_HSTS_SECONDS=0 for a site without TLS.
# Browsers only honour it over HTTPS, and Django only sends it on secure requests.
SECURE_HSTS_SECONDS = env_int("MASTHEAD_HSTS_SECONDS", 0 if (DEBUG or DEMO) else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MASTHEAD_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("MASTHEAD_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("MASTHEAD_SSL_REDIRECT", False)
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every request when the folder is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Site-wide assets (masthead/static) belong to no app, so the app finder cannot see them.
STATICFILES_DIRS = [BASE_DIR / "masthead" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MASTHEAD_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads must be shared by every app process: a shared folder (MASTHEAD_MEDIA_ROOT) or
# S3-compatible storage through django-storages (docs/deploy.md).
MEDIA_STORAGE = env_str("MASTHEAD_MEDIA_STORAGE", "filesystem")
STORAGES = {
    "default": media_storage(MEDIA_STORAGE),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The Content-Security-Policy on every response (masthead/core/csp.py, docs/deploy.md).
# Publishers add origins only; a value that is not one stops the process at start-up.
CONTENT_SECURITY_POLICY = content_security_policy(
    media_origins=media_origins(MEDIA_STORAGE),
    img_origins=checked_sources("MASTHEAD_CSP_IMG_ORIGINS", env_list("MASTHEAD_CSP_IMG_ORIGINS")),
    extra_media_origins=checked_sources(
        "MASTHEAD_CSP_MEDIA_ORIGINS", env_list("MASTHEAD_CSP_MEDIA_ORIGINS")
    ),
    # Stripe Checkout and the Stripe portal: billing answers a form POST with a 303 to them.
    form_action_origins=[
        "https://checkout.stripe.com",
        "https://billing.stripe.com",
        *checked_sources(
            "MASTHEAD_CSP_FORM_ACTION_ORIGINS", env_list("MASTHEAD_CSP_FORM_ACTION_ORIGINS")
        ),
    ],
    frame_ancestors=checked_sources(
        "MASTHEAD_CSP_FRAME_ANCESTORS", env_list("MASTHEAD_CSP_FRAME_ANCESTORS")
    ),
    report_uri=checked_report_uri("MASTHEAD_CSP_REPORT_URI", env_str("MASTHEAD_CSP_REPORT_URI")),
)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str(
    "MASTHEAD_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("MASTHEAD_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MASTHEAD_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("MASTHEAD_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_secret("MASTHEAD_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("MASTHEAD_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("MASTHEAD_FROM_EMAIL", "Masthead <newsroom@example.com>")

# --- The paywall (namespaced; code reads these at call time, never at import) ---
# The publisher's choices live in the admin ("Paywall policy"). Each override below, when
# set in the environment, wins over the admin (demo, tests); unset, it is None / "".
PAYWALL_ANONYMOUS_ALLOWANCE = env_optional_int("PAYWALL_ANONYMOUS_ALLOWANCE")
PAYWALL_REGISTERED_ALLOWANCE = env_optional_int("PAYWALL_REGISTERED_ALLOWANCE")
PAYWALL_NETWORK_DAILY_ALLOWANCE = env_optional_int("PAYWALL_NETWORK_DAILY_ALLOWANCE")
PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE = env_optional_int(
    "PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE"
)
# Meter registered readers as visitors until they confirm their address (True/False).
PAYWALL_REQUIRE_EMAIL_CONFIRMATION = env_optional_bool("PAYWALL_REQUIRE_EMAIL_CONFIRMATION")
PAYWALL_FREE_HOURS = env_optional_int("PAYWALL_FREE_HOURS")
PAYWALL_WINDOW = env_str("PAYWALL_WINDOW")  # "calendar_month" or "rolling_30_days"
PAYWALL_TIME_ZONE = env_str("PAYWALL_TIME_ZONE")  # e.g. "America/New_York"
PAYWALL_EXEMPT_SECTIONS = env_str("PAYWALL_EXEMPT_SECTIONS")  # comma-separated slugs
PAYWALL_WALLED_SECTIONS = env_str("PAYWALL_WALLED_SECTIONS")
PAYWALL_FAIL_MODE = env_str("PAYWALL_FAIL_MODE")  # "open" or "closed"
# Access checks per client address per minute before 429.
PAYWALL_CHECK_RATE_LIMIT = env_int("PAYWALL_CHECK_RATE_LIMIT", 120, minimum=1)
# The check's hot path (docs/design.md, "The access check"): anonymous checks and checks
# with a reader pass in one Redis round trip ahead of the middleware, when the meter and the
# cache share one Redis.
PAYWALL_HOT_PATH = env_bool("PAYWALL_HOT_PATH", True)
# "sql" or "redis"; redis needs REDIS_URL or the cluster's nodes (then it is the cluster).
PAYWALL_METER_STORE = env_str(
    "PAYWALL_METER_STORE", "redis" if REDIS_URL or REDIS_CLUSTER_NODES else "sql"
)
PAYWALL_REDIS_URL = env_str("PAYWALL_REDIS_URL")  # the meter's Redis; blank: REDIS_URL
if REDIS_CLUSTER_NODES and PAYWALL_REDIS_URL:
    # Two answers to "where does the meter live?": refuse rather than pick one silently.
    raise ImproperlyConfigured(
        "set MASTHEAD_REDIS_CLUSTER_NODES or PAYWALL_REDIS_URL, not both: "
        "with a cluster, the meter lives on the cluster"
    )
# SQLite's "database is locked" while counting is waited out, never read as a store that
# is down: each attempt waits up to LOCK_WAIT for the write lock, and attempts repeat
# until LOCK_BUDGET is spent, well inside the app server's 30 s request timeout
# (deploy/gunicorn.conf.py). Then the check answers 503 "try again"; nothing is granted.
PAYWALL_METER_LOCK_WAIT_SECONDS = env_float("PAYWALL_METER_LOCK_WAIT_SECONDS", 2.0)
PAYWALL_METER_LOCK_BUDGET_SECONDS = env_float("PAYWALL_METER_LOCK_BUDGET_SECONDS", 10.0)
PAYWALL_VISITOR_COOKIE = "masthead_visitor"
# Reader passes (docs/design.md, "The reader pass"): how many minutes a logged-in reader's
# signed pass lets the access check skip the database (1-60; 0: no passes). Only with the
# Redis meter; it also bounds how long a change stays unseen when Redis is unreachable.
PAYWALL_READER_PASS_MINUTES = env_int("PAYWALL_READER_PASS_MINUTES", 5)
if PAYWALL_READER_PASS_MINUTES > 60:
    raise ImproperlyConfigured("PAYWALL_READER_PASS_MINUTES must be at most 60")

# --- Analytics: the paywall's event record (docs/analytics.md) ---
ANALYTICS_ENABLED = env_bool("ANALYTICS_ENABLED", True)
# Write each event at once on the caller's thread (tests); otherwise a background flusher.
ANALYTICS_SYNC = env_bool("ANALYTICS_SYNC", False)
ANALYTICS_BATCH_SIZE = env_int("ANALYTICS_BATCH_SIZE", 500, minimum=1)
ANALYTICS_FLUSH_SECONDS = env_int("ANALYTICS_FLUSH_SECONDS", 2, minimum=1)
ANALYTICS_BUFFER_SIZE = env_int("ANALYTICS_BUFFER_SIZE", 20000, minimum=1)
ANALYTICS_RETENTION_DAYS = env_int("ANALYTICS_RETENTION_DAYS", 90, minimum=1)
# With Redis, the flusher appends events to a Redis stream and `manage.py drain_events`
# (a process of its own) writes them to the database; False, or no Redis: written here.
ANALYTICS_STREAM = env_bool("ANALYTICS_STREAM", bool(REDIS_URL))
# The stream's cap (approximate): past it the oldest events go, if the drain is not running.
ANALYTICS_STREAM_KEY = env_str("ANALYTICS_STREAM_KEY", "masthead:analytics:events")
ANALYTICS_STREAM_MAX_LENGTH = env_int("ANALYTICS_STREAM_MAX_LENGTH", 1_000_000, minimum=1000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MASTHEAD_LOG_LEVEL", "WARNING")},
}
# --- The gateway in front of an origin CMS (docs/gateway.md) ---
# The origin's own address (http://127.0.0.1:8201); empty: no gateway, native articles only.
GATEWAY_ORIGIN_URL = env_str("GATEWAY_ORIGIN_URL").rstrip("/")
# scheme://host readers use; empty: the request's own (its Host checked against ALLOWED_HOSTS).
GATEWAY_PUBLIC_URL = env_str("GATEWAY_PUBLIC_URL").rstrip("/")
# The sync's privileged REST client (a WordPress application password).
GATEWAY_ORIGIN_USER = env_str("GATEWAY_ORIGIN_USER")
GATEWAY_ORIGIN_PASSWORD = env_secret("GATEWAY_ORIGIN_PASSWORD")
# Who may reach the origin's admin, login and ?preview=true through the gateway.
GATEWAY_ADMIN_NETWORKS = env_networks("GATEWAY_ADMIN_NETWORKS", "127.0.0.1/32,::1/128")
# The level of a post no rule matches (free, metered, registered, subscriber).
GATEWAY_DEFAULT_LEVEL = env_choice(
    "GATEWAY_DEFAULT_LEVEL", "free", ("free", "metered", "registered", "subscriber")
)
# Where the body is (tag.class.class), an optional break class, and the lead-in's length.
GATEWAY_BODY_SELECTOR = env_str("GATEWAY_BODY_SELECTOR", "div.entry-content.wp-block-post-content")
GATEWAY_BREAK_CLASS = env_str("GATEWAY_BREAK_CLASS", "masthead-break")
GATEWAY_LEAD_PARAGRAPHS = env_int("GATEWAY_LEAD_PARAGRAPHS", 2, minimum=1)
# Seconds: one origin request's limit; how long a fetched article page is reused (per
# content version); how old a post's terms may be before a page request asks the origin
# again; the shared cache's max-age for pages the gateway makes public.
GATEWAY_ORIGIN_TIMEOUT = env_float("GATEWAY_ORIGIN_TIMEOUT", 5.0, minimum=0.1)
GATEWAY_ORIGIN_CACHE_SECONDS = env_int("GATEWAY_ORIGIN_CACHE_SECONDS", 60)
GATEWAY_RECHECK_SECONDS = env_int("GATEWAY_RECHECK_SECONDS", 60)
GATEWAY_PAGE_MAX_AGE = env_int("GATEWAY_PAGE_MAX_AGE", 60)
# The leak firewall (docs/firewall.md): the response filter and the gated-text index, by
# dotted path (masthead/gateway/filtering.py says what they receive). Empty turns one off:
# never in production. Its store: Redis (shared by every worker) or the database.
GATEWAY_FIREWALL = env_str("GATEWAY_FIREWALL", "masthead.gateway.filtering.shingle_filter")
GATEWAY_FIREWALL_INDEX = env_str("GATEWAY_FIREWALL_INDEX", "masthead.gateway.filtering.remember")
GATEWAY_FIREWALL_STORE = env_choice(
    "GATEWAY_FIREWALL_STORE", "redis" if REDIS_URL else "database", ("redis", "database")
)
# The content source for native articles, behind the gateway's own.
GATEWAY_NATIVE_CONTENT_SOURCE = "masthead.newsroom.paywall"

# Loaders ``access`` calls through these dotted paths, so it imports no other app.
PAYWALL_ENTITLEMENTS_LOADER = "masthead.billing.entitlements.entitlements_for"
# The same with each piece's end, for reader passes; empty: no passes.
PAYWALL_ENTITLEMENT_TERMS = "masthead.billing.entitlements.entitlement_terms"
PAYWALL_GIFT_VERIFIER = "masthead.gifts.tokens.verify_gift"
# With an origin, the gateway's source: native and origin articles alike (docs/gateway.md).
PAYWALL_CONTENT_SOURCE = (
    "masthead.gateway.source" if GATEWAY_ORIGIN_URL else GATEWAY_NATIVE_CONTENT_SOURCE
)
PAYWALL_CRAWLER_VERIFIER = "masthead.access.crawlers.verdict_for"
# The arm a reader is on while an experiment runs (issue 15); empty: no experiments.
PAYWALL_EXPERIMENT_ARMS = env_str(
    "PAYWALL_EXPERIMENT_ARMS", "masthead.experiments.assignment.arm_for"
)
# Where uploaded files are shown, for protected media (docs/paywall.md, "Protected media").
PAYWALL_MEDIA_SOURCES = [
    "masthead.newsroom.media_uses.media_uses",
    "masthead.ads.media.media_uses",
    # Origin uploads only a walled post's gated part shows (docs/gateway.md).
    "masthead.gateway.media.media_uses",
]
# How long a signed media URL works, and how long a public file may be cached.
PAYWALL_MEDIA_URL_SECONDS = env_int("PAYWALL_MEDIA_URL_SECONDS", 1800, minimum=60)
PAYWALL_MEDIA_PUBLIC_MAX_AGE = env_int("PAYWALL_MEDIA_PUBLIC_MAX_AGE", 300)
# nginx's internal location for uploads (deploy/nginx.conf); empty: the app streams files
# itself (the demo, and any set-up without nginx in front).
PAYWALL_MEDIA_ACCEL_REDIRECT = env_str(
    "PAYWALL_MEDIA_ACCEL_REDIRECT", "" if (DEBUG or DEMO) else "/internal-media/"
)

# --- Search crawlers (docs/crawlers.md) ---
# Overrides the admin's crawler policy when set: True full text, False the preview.
PAYWALL_CRAWLER_FULL_TEXT = env_optional_bool("PAYWALL_CRAWLER_FULL_TEXT")
CRAWLERS_DNS_SERVER = env_str("CRAWLERS_DNS_SERVER")  # empty: the system resolver
CRAWLERS_DNS_PORT = env_int("CRAWLERS_DNS_PORT", 53, minimum=1)
CRAWLERS_DNS_TIMEOUT = float(env_str("CRAWLERS_DNS_TIMEOUT", "1"))  # seconds, all lookups
CRAWLERS_VERDICT_TTL = env_int("CRAWLERS_VERDICT_TTL", 3600)
CRAWLERS_FAILURE_TTL = env_int("CRAWLERS_FAILURE_TTL", 60)
# Refreshed range files; a file missing here falls back to the shipped sample.
CRAWLERS_RANGES_DIR = env_str("CRAWLERS_RANGES_DIR", str(VAR_DIR / "crawler-ranges"))
CRAWLERS_FETCH_TIMEOUT = env_int("CRAWLERS_FETCH_TIMEOUT", 10, minimum=1)
# The publisher logo in JSON-LD (an absolute URL or a path); empty: a neutral default.
MASTHEAD_PUBLISHER_LOGO = env_str("MASTHEAD_PUBLISHER_LOGO")
# "file.json=https://...,other.json=https://..."; unset: the engines' published URLs.
CRAWLERS_RANGE_URLS = (
    dict(item.split("=", 1) for item in env_list("CRAWLERS_RANGE_URLS"))
    if env_list("CRAWLERS_RANGE_URLS")
    else None
)

# --- Billing and gifts (docs/billing.md, docs/gifts.md) ---
# "stripe" or "test" (the offline test-payments provider: demo/debug only).
BILLING_PROVIDER = env_str("BILLING_PROVIDER", "test" if (DEBUG or DEMO) else "stripe")
BILLING_STRIPE_SECRET_KEY = env_secret("BILLING_STRIPE_SECRET_KEY")
BILLING_STRIPE_WEBHOOK_SECRET = env_secret("BILLING_STRIPE_WEBHOOK_SECRET")
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)
GIFTS_MONTHLY_LIMIT = env_int("GIFTS_MONTHLY_LIMIT", 10)
GIFTS_TTL_DAYS = env_int("GIFTS_TTL_DAYS", 14, minimum=1)
GIFTS_MAILS_PER_DAY = env_int("GIFTS_MAILS_PER_DAY", 20)

# --- Abuse limits (docs/security.md) ---
# Registration attempts per client network per window; every POST counts.
ACCOUNTS_REGISTRATIONS_PER_NETWORK = env_int("ACCOUNTS_REGISTRATIONS_PER_NETWORK", 10, minimum=1)
ACCOUNTS_REGISTRATION_WINDOW_SECONDS = env_int(
    "ACCOUNTS_REGISTRATION_WINDOW_SECONDS", 3600, minimum=60
)
# Ad-impression beacons per client address per minute.
ADS_BEACON_RATE_LIMIT = env_int("ADS_BEACON_RATE_LIMIT", 120, minimum=1)

# Keep last: stop at start-up on demo-only settings (an empty or the demo secret, test
# payments) unless MASTHEAD_DEMO or MASTHEAD_DEBUG is on. ``check --deploy`` says the same.
refuse_demo_only_settings(globals())
# How long the access check may reuse an article's facts and rendered gated part; saves in
# the newsroom invalidate at once where the cache is shared (Redis). 0 turns caching off.
NEWSROOM_PAYWALL_CACHE_SECONDS = env_int("NEWSROOM_PAYWALL_CACHE_SECONDS", 60)
# Article pages served from fragments rendered once per content version (docs/newsroom.md,
# "Fragments"): "auto" (on when the cache is shared by every process, i.e. Redis), "on", "off".
NEWSROOM_FRAGMENT_CACHE = env_choice("NEWSROOM_FRAGMENT_CACHE", "auto", ("auto", "on", "off"))
# The longest a fragment is reused (it also bounds how long its ad picks stay), and the
# memory each process may keep fragments in.
NEWSROOM_FRAGMENT_SECONDS = env_int("NEWSROOM_FRAGMENT_SECONDS", 300, minimum=1)
NEWSROOM_FRAGMENT_MEMORY_MB = env_int("NEWSROOM_FRAGMENT_MEMORY_MB", 32, minimum=1)
