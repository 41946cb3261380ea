"""With DEBUG off, the key that signs sessions and reset links must be hard
to guess, and old keys can be kept for a rotation. Each case starts the
settings in a fresh interpreter, as a deployment would."""

import json
import secrets

import pytest
from django.urls import reverse

from caremap.testing.processes import run_python

PROBE = """
import json
from caremap import settings as s
print(json.dumps({"key": s.SECRET_KEY, "fallbacks": s.SECRET_KEY_FALLBACKS}))
"""


def start(**environment):
    return run_python(
        PROBE, DEBUG="false", ALLOWED_HOSTS="caremap.example.org", **environment
    )


def strong_key():
    return secrets.token_urlsafe(50)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("short-but-sweet", "shorter than 50 characters"),
        (secrets.token_urlsafe(30)[:49], "shorter than 50 characters"),
        ("abcd" * 20, "fewer than 5 different characters"),
        ("django-insecure-" + secrets.token_urlsafe(50), "django-insecure-"),
    ],
)
def test_a_weak_key_stops_start_up_with_one_clear_message(key, reason):
    result = start(SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too easy to guess" in result.stderr
    assert reason in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr
    # The message never repeats the key.
    assert key not in result.stderr


def test_a_strong_key_starts():
    key = strong_key()
    result = start(SECRET_KEY=key)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"key": key, "fallbacks": []}


def test_old_keys_are_kept_for_a_rotation():
    new, old, older = strong_key(), strong_key(), strong_key()
    result = start(SECRET_KEY=new, SECRET_KEY_FALLBACKS=f"{old}, {older}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["fallbacks"] == [old, older]


def test_a_weak_old_key_is_refused_too():
    result = start(SECRET_KEY=strong_key(), SECRET_KEY_FALLBACKS="changeme")
    assert result.returncode != 0
    assert "SECRET_KEY_FALLBACKS is too easy to guess" in result.stderr


def test_development_needs_no_key():
    result = run_python(PROBE, DEBUG="true")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("keep_old", "status"), [(True, 200), (False, 302)])
def test_rotating_the_key_signs_nobody_out_while_the_old_one_is_kept(
    world, client, settings, sign_in, keep_old, status
):
    old = strong_key()
    settings.SECRET_KEY = old
    sign_in(world.alice)
    settings.SECRET_KEY = strong_key()
    settings.SECRET_KEY_FALLBACKS = [old] if keep_old else []
    assert client.get(reverse("home")).status_code == status
