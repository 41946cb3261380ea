"""Caremap's one settings module. Every deployment-specific value comes from the
environment (see .env.example); nothing here reads a local file of secrets."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from caremap.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_origins,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DEBUG = env_bool("DEBUG", False)

MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def weak_key(key):
    """Why a signing key is too easy to guess, as Django's own deployment
    check judges it, or "" when it is strong enough."""
    if len(key) < 50:
        return "shorter than 50 characters"
    if len(set(key)) < 5:
        return "made of fewer than 5 different characters"
    if key.startswith("django-insecure-"):
        return "Django's development key (it starts with 'django-insecure-')"
    return ""


SECRET_KEY = env_str("SECRET_KEY")
# Older keys, newest first, still accepted for signatures (sessions, reset
# links) made before a rotation; new ones use SECRET_KEY only.
SECRET_KEY_FALLBACKS = [
    key.strip() for key in env_str("SECRET_KEY_FALLBACKS").split(",") if key.strip()
]
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set when DEBUG is off. Generate one with: {MAKE_A_KEY}"
        )
    for name, key in [("SECRET_KEY", SECRET_KEY)] + [
        ("SECRET_KEY_FALLBACKS", key) for key in SECRET_KEY_FALLBACKS
    ]:
        if weak_key(key):
            raise ImproperlyConfigured(
                f"{name} is too easy to guess: {weak_key(key)}. It signs sessions "
                "and password-reset links, so it must be a long random string. "
                f"Generate one with: {MAKE_A_KEY}"
            )
elif not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    # Named partials (`template.html#name`) for the fragments htmx swaps in;
    # the loaders are set out in TEMPLATES below.
    "template_partials.apps.SimpleAppConfig",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "caremap",
    "caremap.accounts",
    "caremap.organisations",
    "caremap.people",
    "caremap.instruments",
    "caremap.assessments",
    "caremap.directory",
    "caremap.referrals",
    "caremap.careplans",
    "caremap.episodes",
    "caremap.engagement",
    "caremap.reports",
    "caremap.selfaudits",
    "caremap.planaudits",
    "caremap.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "caremap.http.refuse_nul_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether this session was confirmed with a two-step code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Outside the idle sign-out, so that its redirect too reaches htmx as a
    # whole-page visit.
    "caremap.htmx.RedirectMiddleware",
    "caremap.accounts.middleware.SessionTimeoutMiddleware",
    "caremap.accounts.middleware.TwoStepRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "caremap.privacy.middleware.AuditContextMiddleware",
    "caremap.accounts.middleware.PrivateCacheMiddleware",
    # Last, so that lockouts are decided after authentication has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caremap.urls"
WSGI_APPLICATION = "caremap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            ["django.template.loaders.app_directories.Loader"],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caremap.context_processors.shell",
            ],
        },
    },
]
FORM_RENDERER = "caremap.forms.GovukFormRenderer"

DATABASES = {
    "default": env_database(
        "DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'caremap.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out sign-in must be refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "caremap.accounts.backends.PasswordBackend",
    "caremap.accounts.backends.AdministratorBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sign-in throttling (see caremap/accounts/lockout.py): failures are counted
# for one email from one client address, for one email from anywhere, and for
# one client address whatever emails it tries (password spraying); reaching a
# limit pauses signing in for that count for the cool-off time. The per-account
# limit is the higher, since anyone who knows an address can use it to pause
# that person's signing in. A limit of 0 switches the wider counts off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_ACCOUNT_FAILURE_LIMIT = env_int("AXES_ACCOUNT_FAILURE_LIMIT", 20, minimum=0)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 30, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "caremap.accounts.lockout.SignInAttemptHandler"
# Every spelling of an address (case, spaces) counts as the account it means.
AXES_USERNAME_CALLABLE = "caremap.accounts.lockout.username_for_lockout"
AXES_LOCKOUT_CALLABLE = "caremap.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts refused during a pause are not counted, so that nobody can keep an
# account paused for ever by going on trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The sign-in form posts the email in a field called "username" (Django's
# AuthenticationForm), whatever the user model calls it.
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# However active they are, staff sign in again after this long (a working
# day by default). The cookie lasts as long, so a session left unused for a
# whole day is gone from the server as well.
SESSION_MAX_AGE = timedelta(hours=env_int("SESSION_MAX_HOURS", 8, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Two-step verification (caremap/accounts/twostep.py): required of
# administrators when this is on (off by default so the demo works; a live
# service should turn it on), and of managers in areas that require it.
TWO_STEP_FOR_ADMINISTRATORS = env_bool("TWO_STEP_FOR_ADMINISTRATORS", False)
OTP_TOTP_ISSUER = "Caremap"
# Django admin lists authenticator devices; it must never show their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff are signed out after this many minutes without a request.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30, minimum=1))

# Assessments: the instrument preselected when a navigator starts one, and
# how long a self-completion link stays usable.
DEFAULT_INSTRUMENT = env_str("DEFAULT_INSTRUMENT", "recovery-capital-profile")
ASSESSMENT_LINK_DAYS = env_int("ASSESSMENT_LINK_DAYS", 7, minimum=1)
# How long an invitation to join an organisation's staff can be accepted.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)

# Directory searches measure distance in miles or kilometres.
DIRECTORY_DISTANCE_UNIT = env_choice("DIRECTORY_DISTANCE_UNIT", "mi", ("mi", "km"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/London")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or PROJECT_DIR / "staticfiles")
# Uploaded files (audit evidence) hold private material, so no URL serves
# this folder: each file is sent by a view that checks permission first.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or PROJECT_DIR / "var" / "files")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when collectstatic has not been run
# (development and tests); production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

# Request bodies. The largest real form (a review of a long plan, every note
# full, in letters that take 12 bytes each once encoded) is about 300 KB, so
# 2 MB is far from refusing real work, yet low enough that a pasted megabyte
# still reaches its form and is refused beside its field ("Keep this to N
# characters or fewer") rather than by a bare error page. Anything bigger is
# refused before it is read, with templates/400.html. Files do not count
# here: evidence (up to 10 MB, checked by its form) streams to a temporary
# file once it passes FILE_UPLOAD_MAX_MEMORY_SIZE. The front server's body
# limit must allow those 10 MB (see the README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A register of a large group ticks one box a member; no real form comes
# near a thousand fields, and each field costs parsing time.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Evidence is attached one file at a time.
DATA_UPLOAD_MAX_NUMBER_FILES = 10

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Caremap <caremap@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. Cookies are only marked secure outside DEBUG, where the
# service must sit behind HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features Caremap never uses, refused to every page and
# anything it might embed, so an injected script could not reach a camera,
# microphone or location either. Empty lists deny a feature outright.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    ]
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_int("PROXY_COUNT", 0, minimum=0):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step, and every CSS rule it does not
    # support (GOV.UK Frontend has many), below ERROR.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

SERVICE_NAME = _("Caremap")
