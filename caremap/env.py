"""Typed readers for settings that come from environment variables.

Each reader fails loudly with ImproperlyConfigured when a value is present but
malformed: a typo in production configuration must stop start-up, not quietly
fall back to a default.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    """Read a string, also from NAME_FILE (for secrets mounted as files)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points at {file_path!r}, which cannot be read: {exc}"
            ) from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false, yes/no, on/off or 1/0, not {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(choices)}, not {raw!r}."
        )
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(
            f"{name} is a comma-separated list and must not contain empty items: {raw!r}."
        )
    return items


def env_origins(name: str) -> list[str]:
    origins = env_list(name, [])
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"Each entry of {name} must start with http:// or https://, not {origin!r}."
            )
    return origins


def env_timezone(name: str, default: str) -> str:
    import zoneinfo

    value = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/London, not {value!r}."
        ) from None
    return value


def env_database(name: str, default: str) -> dict:
    import dj_database_url

    url = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} is not a usable database URL: {exc}"
        ) from exc
    engine = config.get("ENGINE", "")
    if engine not in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }:
        raise ImproperlyConfigured(
            f"{name} must be a sqlite:// or postgres:// URL; {engine or 'that scheme'} "
            "is not supported."
        )
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers carry on while one request writes; the busy timeout
        # makes a second writer wait instead of failing with "database is locked".
        # IMMEDIATE transactions take the write lock up front, so two requests
        # cannot both read and then deadlock upgrading to a write.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        # PostgreSQL's JIT compiler switches on for queries it thinks costly,
        # such as a report over a whole area, and then spends longer compiling
        # (about half a second each, measured) than the query takes to run.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config
