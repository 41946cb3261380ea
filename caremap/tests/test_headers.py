"""The Permissions-Policy header: every response, whatever its status and
whoever asks, denies the browser features Caremap never uses."""

from django.urls import reverse

DENIED = [
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "interest-cohort",
    "browsing-topics",
    "display-capture",
]


def denied_features(response):
    policy = response["Permissions-Policy"]
    directives = dict(part.strip().split("=", 1) for part in policy.split(","))
    return {feature for feature, allowlist in directives.items() if allowlist == "()"}


def test_every_kind_of_response_denies_powerful_features(world, client, sign_in):
    responses = {
        "sign-in page": client.get(reverse("accounts:sign-in")),
        "health check": client.get("/healthz"),
        "HSDS API": client.get("/api/hsds/"),
        "missing page": client.get("/en/no-such-page/"),
        "refused method": client.generic("BREW", reverse("accounts:sign-in")),
        "redirect to sign in": client.get(reverse("people:person-list")),
    }
    signed_in = sign_in(world.alice)
    responses["person page"] = signed_in.get(
        reverse("people:person-detail", args=[world.alices_person.pk])
    )
    responses["refusal"] = signed_in.get(
        reverse("people:person-detail", args=[world.oscars_person.pk])
    )
    assert {name: r.status_code for name, r in responses.items()} == {
        "sign-in page": 200,
        "health check": 200,
        "HSDS API": 200,
        "missing page": 404,
        "refused method": 405,
        "redirect to sign in": 302,
        "person page": 200,
        "refusal": 404,
    }
    for name, response in responses.items():
        missing = set(DENIED) - denied_features(response)
        assert not missing, f"the {name} allows {sorted(missing)}"


def test_a_nul_character_in_the_address_is_refused_before_any_view(world, sign_in):
    # On PostgreSQL a search passing it on would fail; here it never arrives.
    client = sign_in(world.mia)
    for url in [
        "/en/people/?q=%00",
        "/en/people/?q=Sam%00",
        "/en/directory/?%00=1",
        "/en/reports/?period=%00",
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert (
            "Sorry, the page could not use what was sent" in response.content.decode()
        )
    assert client.get("/en/people/?q=Sam").status_code == 200
