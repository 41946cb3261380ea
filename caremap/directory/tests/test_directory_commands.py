"""`caremap directory import --area` and `caremap directory places`, and
finding what was imported."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from caremap.directory.models import Listing, Place
from caremap.privacy.models import AuditEvent

EXAMPLES = Path(__file__).parent / "hsds" / "examples"
COUNSELLING = "ac148810-d857-441c-9679-408f346de14b"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def run_failing(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("directory", *args)
    assert exit_info.value.code == 1
    return capsys.readouterr().err.splitlines()


def test_import_into_an_area_lists_the_services_once(world, capsys):
    call_command(
        "directory",
        "import",
        str(EXAMPLES / "service_full.json"),
        "--area",
        "North Valley",
    )
    assert "1 services newly listed" in capsys.readouterr().out
    listing = Listing.objects.get(service_id=COUNSELLING)
    assert listing.area == world.area
    # Caremap's own facts survive a re-import of the HSDS data.
    Listing.objects.filter(pk=listing.pk).update(peer_led=True, kind="health")
    call_command(
        "directory",
        "import",
        str(EXAMPLES / "service_full.json"),
        "--area",
        "North Valley",
    )
    assert "newly listed" not in capsys.readouterr().out
    listing.refresh_from_db()
    assert (listing.peer_led, listing.kind) == (True, "health")
    assert Listing.objects.count() == 1
    summaries = sorted(
        AuditEvent.objects.filter(record_type="directory").values_list(
            "summary", flat=True
        )
    )
    assert len(summaries) == 2
    assert sum("listed 1 services in North Valley" in s for s in summaries) == 1


def test_import_without_an_area_lists_nothing(world, capsys):
    call_command("directory", "import", str(EXAMPLES / "service_full.json"))
    assert Listing.objects.count() == 0


def test_import_into_an_unknown_area_is_refused(world, capsys):
    lines = run_failing(
        capsys, "import", str(EXAMPLES / "service_full.json"), "--area", "Atlantis"
    )
    assert lines == ["--area: no area is called 'Atlantis' (areas: North Valley)"]
    assert Listing.objects.count() == 0


def test_imported_service_is_found_by_its_taxonomy_term(world, instruments, sign_in):
    call_command(
        "directory",
        "import",
        str(EXAMPLES / "service_full.json"),
        "--area",
        "North Valley",
    )
    client = sign_in(world.alice)
    page = BeautifulSoup(client.get(reverse("directory:search")).content, "html.parser")
    option = page.find("option", attrs={"value": f"term:{TERM}"})
    assert option is not None and option.get_text() == "name"
    found = BeautifulSoup(
        client.get(reverse("directory:search"), {"need": f"term:{TERM}"}).content,
        "html.parser",
    )
    names = [h.get_text(strip=True) for h in found.select("main ul h3")]
    assert names == ["Community Counselling"]
    nothing = client.get(reverse("directory:search"), {"need": "term:no-such-term"})
    assert "There is a problem" in nothing.content.decode()


def test_places_load_and_update(tmp_path, db, capsys):
    path = tmp_path / "places.csv"
    path.write_text(
        "name,latitude,longitude,kind\n"
        "CF99 9ZZ,51.7,-3.4,postcode\n"
        "Pontafon,51.68,-3.31,\n",
        encoding="utf-8",
    )
    call_command("directory", "places", str(path))
    assert "2 places added, 0 updated" in capsys.readouterr().out
    assert Place.objects.get(key="CF99 9ZZ").kind == "postcode"
    assert Place.objects.get(key="pontafon").kind == "place"
    path.write_text("name,latitude,longitude\nPontafon,51.69,-3.32\n", encoding="utf-8")
    call_command("directory", "places", str(path))
    assert "0 places added, 1 updated" in capsys.readouterr().out
    assert Place.objects.get(key="pontafon").latitude == 51.69


GOOD = "Good,1,1\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name,latitude\nX,1\n", "missing columns: longitude"),
        (
            "name,latitude,longitude\n" + GOOD + "X,north,1\n",
            "line 3: latitude 'north' is not a number",
        ),
        (
            "name,latitude,longitude\n" + GOOD + "X,1,190\n",
            "line 3: longitude 190.0 is outside -180 to 180",
        ),
        ("name,latitude,longitude\n" + GOOD + ",1,1\n", "line 3: name is empty"),
        (
            "name,latitude,longitude,kind\nGood,1,1,place\nX,1,1,city\n",
            "line 3: kind 'city' is not one of postcode, district, place",
        ),
    ],
)
def test_bad_places_are_named_and_nothing_is_loaded(
    tmp_path, db, capsys, text, problem
):
    path = tmp_path / "places.csv"
    path.write_text(text, encoding="utf-8")
    lines = run_failing(capsys, "places", str(path))
    assert lines == [f"{path}: {problem}"]
    # The good row before the bad one is not loaded either.
    assert Place.objects.count() == 0
