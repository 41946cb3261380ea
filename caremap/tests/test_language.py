from django.urls import reverse
from django.utils import translation


def test_the_sign_in_page_is_reachable_in_welsh(client, db):
    with translation.override("cy"):
        url = reverse("accounts:sign-in")
    assert url.startswith("/cy/")
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()


def test_every_page_links_to_the_same_page_in_the_other_language(world, sign_in):
    client = sign_in(world.alice)
    person_url = reverse("people:person-detail", args=[world.alices_person.pk])
    html = client.get(person_url).content.decode()
    assert f'href="/cy/people/{world.alices_person.pk}/"' in html
    assert 'hreflang="cy"' in html
    welsh = client.get(f"/cy/people/{world.alices_person.pk}/")
    assert welsh.status_code == 200
    assert f'href="/en/people/{world.alices_person.pk}/"' in welsh.content.decode()


def test_the_welsh_catalogue_translates_the_shell(client, db):
    with translation.override("cy"):
        url = reverse("accounts:sign-in")
    html = client.get(url).content.decode()
    assert "Mewngofnodi" in html


def test_a_path_without_a_language_redirects_to_one(client, db):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/en/people/"
