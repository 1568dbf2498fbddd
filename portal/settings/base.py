"""Settings shared by every environment.

Everything that differs between environments is read from the environment
(django-environ) in dev.py, test.py and production.py. Secrets never live here.
"""

from pathlib import Path

import environ
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# var/ holds everything a running instance writes: database, uploads, generated
# keys. It is git-ignored and may be moved with PORTAL_VAR_DIR.
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

# --- Applications -----------------------------------------------------------
INSTALLED_APPS = [
    "daphne",  # must precede staticfiles: runserver then serves HTTP and WebSocket
    "portal.apps.PortalConfig",
    "mediation.apps.MediationConfig",
    "arbitration.apps.ArbitrationConfig",
    "notary.apps.NotaryConfig",
    "cms.apps.CmsConfig",
    # Wagtail; wagtail-localize translates pages segment by segment and keeps
    # translations in step with the Chinese originals (wagtail_localize.locales
    # replaces wagtail.locales).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc served from our static files, no CDN
    "csp",  # Content-Security-Policy header (settings below; portal.middleware adds the WebSocket origin)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Language: from the /en/ prefix on public pages, from the cookie or the
    # browser elsewhere (portal.i18n).
    "portal.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must be last: it turns lockouts raised by the backend into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
                "portal.context_processors.notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# DATABASE_URL selects the engine; the default is a SQLite file under var/.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, authentication, two-factor, lockout -----------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout check runs first
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"

# Lock an account (per username and IP) after 5 failed logins for one hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_VERBOSE = False  # no banner on every manage.py call
AXES_RESET_ON_SUCCESS = True
# The login form posts the email address in its "username" field.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Case managers and admins must pass TOTP two-factor before any page but the
# 2FA pages themselves. Only dev settings may switch this off (demo logins).
PORTAL_REQUIRE_STAFF_2FA = True
OTP_TOTP_ISSUER = "IP Dispute Resolution Centre"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True  # stored in UTC, shown in Beijing time
# Page content exists per locale (Wagtail i18n). Chinese pages are served at /,
# English ones at /en/ (portal.urls); app pages keep one URL in both languages.
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Public media only (CMS images, e.g. neutrals' photos). Case files never go here.
MEDIA_ROOT = VAR_DIR / "media"
# Case files: outside any web root, generated names, served only by
# permission-checked views (portal.views.documents).
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: maximum size of one case document, and the types accepted (checked
# by content with libmagic, never by extension).
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temp file
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Temporary upload files live next to the storage so moving them in is a rename.
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=str(VAR_DIR / "tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)  # Django checks that it exists

# --- Channels, tasks, cache, email ----------------------------------------------
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@ipdr.example.cn")

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = _("IP Dispute Resolution Centre")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = True
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Portal ---------------------------------------------------------------------
# Case numbers look like ZJIP-M-2026-000123: prefix, track letter, year, serial.
PORTAL_CASE_NUMBER_PREFIX = env.str("PORTAL_CASE_NUMBER_PREFIX", default="ZJIP")
# Days a claimant has to correct a filing the centre returned.
PORTAL_CORRECTION_DAYS = env.int("PORTAL_CORRECTION_DAYS", default=15)
# Where the centre (the mediation organisation) is: GB/T 2260 district code.
PORTAL_CENTRE_REGION_CODE = env.str("PORTAL_CENTRE_REGION_CODE", default="330106")
PORTAL_CENTRE_NAME = env.str("PORTAL_CENTRE_NAME", default="知识产权纠纷调解仲裁中心")
# Days before every party deadline (consent, mediation period, judicial
# confirmation, arbitration time limits) that the people concerned are reminded.
DEADLINE_REMINDER_DAYS = tuple(env.list("DEADLINE_REMINDER_DAYS", cast=int, default=[3, 1]))

# --- Mediation --------------------------------------------------------------------
# Days the respondent has to consent; hours before that deadline a reminder goes
# out; length of the mediation period from consent; the one extension both
# parties may agree to.
MEDIATION_CONSENT_DAYS = env.int("MEDIATION_CONSENT_DAYS", default=7)
MEDIATION_CONSENT_REMINDER_HOURS = env.int("MEDIATION_CONSENT_REMINDER_HOURS", default=48)
MEDIATION_PERIOD_DAYS = env.int("MEDIATION_PERIOD_DAYS", default=30)
MEDIATION_EXTENSION_DAYS = env.int("MEDIATION_EXTENSION_DAYS", default=30)
# Civil Procedure Law art. 205: apply jointly within 30 days of the agreement taking effect.
JUDICIAL_CONFIRMATION_DAYS = env.int("JUDICIAL_CONFIRMATION_DAYS", default=30)
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.sms.ConsoleBackend")

# --- Public site: infringer list ---------------------------------------------------
# A respondent is proposed for the repeat and wilful infringer list with at least
# INFRINGER_MIN_CASES decided infringements (court-confirmed settlements, awards)
# within INFRINGER_WINDOW_DAYS; an approved entry is shown for INFRINGER_LISTING_DAYS.
INFRINGER_MIN_CASES = env.int("INFRINGER_MIN_CASES", default=2)
INFRINGER_WINDOW_DAYS = env.int("INFRINGER_WINDOW_DAYS", default=730)
INFRINGER_LISTING_DAYS = env.int("INFRINGER_LISTING_DAYS", default=365)

# --- Notary ---------------------------------------------------------------------
# Keys and certificates are generated here at first run (self-hosted); production
# may point these at keys it manages. See notary/keys.py and docs/notary.md.
NOTARY_DIR = Path(env.str("NOTARY_DIR", default=str(VAR_DIR / "notary")))
NOTARY_LOG_KEY_FILE = env.str("NOTARY_LOG_KEY_FILE", default="")
# The log's origin line and key name (schema-less URLs, per C2SP).
NOTARY_LOG_ORIGIN = env.str("NOTARY_LOG_ORIGIN", default="ipdr.example.cn/notary/log")
NOTARY_LOG_KEY_NAME = env.str("NOTARY_LOG_KEY_NAME", default="ipdr.example.cn/notary/log")
NOTARY_ORGANISATION = env.str("NOTARY_ORGANISATION", default="IPDR Centre")
# An external RFC 3161 TSA (e.g. a national time service); empty = built-in local TSA.
NOTARY_TSA_URL = env.str("NOTARY_TSA_URL", default="")
# Largest evidence file accepted through the notary upload path.
NOTARY_MAX_UPLOAD_BYTES = env.int("NOTARY_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024 * 1024)
# Web-page capture: Debian's chromium; private addresses only where explicitly allowed.
NOTARY_CHROMIUM_PATH = env.str("NOTARY_CHROMIUM_PATH", default="")
NOTARY_CAPTURE_ALLOW_PRIVATE = env.bool("NOTARY_CAPTURE_ALLOW_PRIVATE", default=False)
# Public base URL printed on certificates (QR code to the verification page).
PORTAL_PUBLIC_URL = env.str("PORTAL_PUBLIC_URL", default="http://127.0.0.1:8000")

# --- Cookies and security headers ---------------------------------------------------
# Lax, not Strict: people arrive from emailed links (invitations, notices) and must
# find themselves logged in. The CSRF cookie stays readable by scripts: chat.js
# sends it with session uploads. production.py adds Secure and HSTS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): no inline script or style anywhere on the
# portal; scripts and styles come from static/ only. A nonce is added to a page's
# policy only when its template asks for one (request.csp_nonce: the API docs,
# whose Swagger UI and Redoc need an inline start-up script and inject styles;
# Redoc's few extra needs are granted on its view alone, in portal/api/urls.py).
# portal.middleware.ContentSecurityPolicyMiddleware adds this host's ws:/wss:
# origin to connect-src for the live sessions. The two back offices (Wagtail and
# Django admin) ship their own inline scripts and styles: they are left out, and
# are reachable by staff only, after two-factor authentication.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"},
                "wagtail": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

# --- Arbitration ------------------------------------------------------------------------------
# Procedures (deadlines, tribunal size, the expedited threshold) and the fee schedule
# are data, edited in the back office; only the payment provider is configured here.
ARBITRATION_PAYMENT_PROVIDER = env.str("ARBITRATION_PAYMENT_PROVIDER",
                                       default="arbitration.payments.DevelopmentProvider")
# Shown to payers with the bank-transfer provider (account name, bank, account number).
ARBITRATION_BANK_DETAILS = env.str("ARBITRATION_BANK_DETAILS",
                                   default="户名：知识产权纠纷调解仲裁中心；开户行：示例银行杭州分行；账号：0000 0000 0000 0000")

# --- Live mediation sessions (mediation/consumers.py, docs/sessions.md) -----------
# Each WebSocket connection may send SESSION_RATE_PER_SEC frames a second on
# average, SESSION_RATE_BURST at once; larger frames than SESSION_MAX_FRAME_BYTES
# are refused with an error frame (the connection stays open).
SESSION_RATE_PER_SEC = env.float("SESSION_RATE_PER_SEC", default=5.0)
SESSION_RATE_BURST = env.int("SESSION_RATE_BURST", default=20)
SESSION_MAX_FRAME_BYTES = env.int("SESSION_MAX_FRAME_BYTES", default=16 * 1024)

# --- REST API for platforms and courts (portal/api/, docs/api.md) -----------------
# Organisations' systems authenticate with `Authorization: Bearer <token>`;
# errors are RFC 9457 problem+json in the requester's language.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.HasTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["portal.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Pagination",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IP Dispute Resolution Centre API",
    "DESCRIPTION": "For e-commerce platforms (complaints) and courts (referrals, judicial confirmation). "
                   "See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_public_api"],  # not Wagtail's internal admin API
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "portal.api.schema.add_problem_responses"],
    "ENUM_NAME_OVERRIDES": {"CaseStateEnum": "portal.models.CaseState", "PartyKindEnum": "portal.models.Party.Kind",
                            "DocumentKindEnum": "portal.api.services.DOCUMENT_KINDS",
                            "MediationStateEnum": "mediation.models.MediationState",
                            "ArbitrationStateEnum": "arbitration.models.ArbitrationState"},
}
# Requests a token may make: all endpoints together, and bulk filings alone.
API_RATE = env.str("API_RATE", default="600/min")
API_BULK_RATE = env.str("API_BULK_RATE", default="30/min")
# Largest JSON request body (a bulk filing of 500 complaints is about 1 MiB);
# larger bodies get 413. Evidence uploads are limited by PORTAL_UPLOAD_MAX_BYTES.
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=8 * 1024 * 1024)
API_BULK_MAX_ITEMS = 500
# Webhooks: attempts before a delivery is given up, and the first retry delay
# (doubled after each failure: 1, 2, 4 ... minutes). Deliveries to private or
# loopback addresses are refused unless WEBHOOK_ALLOW_PRIVATE (dev and tests).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
