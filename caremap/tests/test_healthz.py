import json

from caremap.testing.processes import django_probe, run_python


def test_it_reports_a_working_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )


def test_it_answers_without_a_language_prefix_or_sign_in(client, db):
    response = client.get("/healthz", follow=False)
    assert response.status_code == 200


def test_it_names_the_database_when_it_cannot_be_reached(tmp_path):
    """A database that cannot be opened gives 503 naming the failing part."""
    missing = tmp_path / "no-such-folder" / "caremap.sqlite3"
    result = run_python(
        django_probe(
            "from django.test import Client\n"
            "r = Client().get('/healthz')\n"
            "print(json.dumps([r.status_code, r.json()]))"
        ),
        DEBUG="true",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{missing}",
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body == {"status": "error", "database": "unavailable"}


def test_it_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405
