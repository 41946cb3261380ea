from django.urls import reverse


def test_navigator_sees_person_list(world, sign_in):
    client = sign_in(world.alice)
    response = client.get(reverse("people:person-list"))
    assert response.status_code == 200
    assert b"Sam Jones" in response.content
