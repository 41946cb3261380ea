"""Settings come from the environment and refuse bad values loudly. Each case
imports the settings module in a fresh interpreter, as a deployment would."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from caremap import env
from caremap.testing.processes import django_probe, run_python

PROBE = """
import json
from caremap import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "CSRF_COOKIE_SECURE": getattr(s, "CSRF_COOKIE_SECURE", False),
    "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "TIME_ZONE": s.TIME_ZONE,
}))
"""


def load_settings(**environment):
    return run_python(PROBE, **environment)


def test_production_requires_a_secret_key():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_turns_on_secure_cookies_and_hsts():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="a-long-random-test-key-" + "0123456789" * 3,
        ALLOWED_HOSTS="caremap.example.org",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["ALLOWED_HOSTS"] == ["caremap.example.org"]


def test_a_malformed_boolean_stops_start_up():
    result = load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of true/false" in result.stderr


def test_database_url_selects_postgresql():
    result = load_settings(
        DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ENGINE"] == "django.db.backends.postgresql"


def test_an_unsupported_database_is_refused():
    result = load_settings(DEBUG="true", DATABASE_URL="mysql://root@localhost/caremap")
    assert result.returncode != 0
    assert "must be a sqlite:// or postgres:// URL" in result.stderr


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env.env_int("EMAIL_PORT", 25)


def test_env_int_enforces_a_minimum(monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("SESSION_IDLE_MINUTES", 30, minimum=1)


def test_env_list_rejects_empty_items(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example.org,,b.example.org")
    with pytest.raises(ImproperlyConfigured, match="must not contain empty items"):
        env.env_list("ALLOWED_HOSTS", [])


def test_csrf_trusted_origins_need_a_scheme(monkeypatch):
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "caremap.example.org")
    with pytest.raises(
        ImproperlyConfigured, match="must start with http:// or https://"
    ):
        env.env_origins("CSRF_TRUSTED_ORIGINS")


def test_time_zone_must_exist(monkeypatch):
    monkeypatch.setenv("TIME_ZONE", "Europe/Atlantis")
    with pytest.raises(ImproperlyConfigured, match="IANA time zone"):
        env.env_timezone("TIME_ZONE", "Europe/London")


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.env_str("SECRET_KEY") == "from-a-file"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; a file database does.
    assert mode in {"wal", "memory"}
    assert timeout >= 20_000


def test_a_file_database_uses_wal(tmp_path):
    result = run_python(
        django_probe(
            "from django.db import connection\n"
            "cursor = connection.cursor()\n"
            "cursor.execute('PRAGMA journal_mode')\n"
            "print(cursor.fetchone()[0])"
        ),
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_env_choice_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("DIRECTORY_DISTANCE_UNIT", "furlongs")
    with pytest.raises(ImproperlyConfigured, match="DIRECTORY_DISTANCE_UNIT.*mi, km"):
        env.env_choice("DIRECTORY_DISTANCE_UNIT", "mi", ("mi", "km"))
    monkeypatch.setenv("DIRECTORY_DISTANCE_UNIT", "km")
    assert env.env_choice("DIRECTORY_DISTANCE_UNIT", "mi", ("mi", "km")) == "km"
