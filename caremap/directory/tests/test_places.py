"""Where "near" is: normalising what people type, distances, and looking
places up in the gazetteer and then in the directory's own addresses."""

import pytest

from caremap.directory.models import Address, Location, Place
from caremap.directory.places import (
    KM_PER_MILE,
    Point,
    distance_km,
    district_of,
    locate,
    normalise,
    parse_coordinates,
)

# normalise ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("cf99 9ab", "CF99 9AB"),
        ("CF999AB", "CF99 9AB"),
        ("  Cf99   9aB ", "CF99 9AB"),
        ("sw1a1aa", "SW1A 1AA"),
        ("W1A 0AX", "W1A 0AX"),
        ("m1 1ae", "M1 1AE"),
        ("cf99", "CF99"),
        ("sw1a", "SW1A"),
        ("90210", "90210"),
        ("90210-1234", "90210"),
        ("Pontafon", "pontafon"),
        ("  Merthyr   Tydfil ", "merthyr tydfil"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("Ystradgynlais", "ystradgynlais"),
    ],
)
def test_normalise(typed, key):
    assert normalise(typed) == key


def test_district_of():
    assert district_of("CF99 9AB") == "CF99"
    assert district_of("SW1A 1AA") == "SW1A"
    assert district_of("CF99") is None
    assert district_of("pontafon") is None
    assert district_of("90210") is None


# parse_coordinates --------------------------------------------------------


def test_parse_coordinates():
    assert parse_coordinates("51.70, -3.40") == Point(51.70, -3.40, "51.70, -3.40")
    assert parse_coordinates(" 51.7,-3.4 ") == Point(51.7, -3.4, "51.7,-3.4")
    assert parse_coordinates("-33.8688, 151.2093") == Point(
        -33.8688, 151.2093, "-33.8688, 151.2093"
    )
    assert parse_coordinates("0, 0") == Point(0.0, 0.0, "0, 0")


@pytest.mark.parametrize(
    "text",
    ["91, 0", "-91, 0", "45, 181", "45, -180.5", "Pontafon", "CF99 9AB", "51.7", ""],
)
def test_not_coordinates(text):
    assert parse_coordinates(text) is None


# distance_km --------------------------------------------------------------


def test_one_degree_of_latitude_is_about_111_km():
    assert distance_km(Point(51.0, -3.0), Point(52.0, -3.0)) == pytest.approx(
        111.2, abs=0.1
    )
    assert distance_km(Point(0.0, 0.0), Point(0.0, 1.0)) == pytest.approx(
        111.2, abs=0.1
    )


def test_london_to_cardiff():
    london = Point(51.5074, -0.1278)
    cardiff = Point(51.4816, -3.1791)
    assert distance_km(london, cardiff) == pytest.approx(211, abs=2)
    assert distance_km(cardiff, london) == pytest.approx(distance_km(london, cardiff))


def test_distance_to_itself_and_to_the_antipode():
    here = Point(51.7, -3.4)
    assert distance_km(here, here) == 0
    # Half the circumference: pi times the mean radius.
    assert distance_km(Point(0, 0), Point(0, 180)) == pytest.approx(20015.1, abs=1)


def test_a_mile_in_km():
    assert pytest.approx(1.609344) == KM_PER_MILE


# locate -------------------------------------------------------------------


def make_place(key, kind, latitude, longitude, name=None):
    return Place.objects.create(
        key=key, name=name or key, kind=kind, latitude=latitude, longitude=longitude
    )


def make_address(n, *, city, postal_code, latitude=51.9, longitude=-3.9):
    location = Location.objects.create(
        id=f"location-{n}",
        location_type="physical",
        latitude=latitude,
        longitude=longitude,
    )
    return Address.objects.create(
        id=f"address-{n}",
        location=location,
        address_1=f"{n} High Street",
        city=city,
        postal_code=postal_code,
        state_province="Wales",
        country="GB",
        address_type="physical",
    )


@pytest.fixture
def gazetteer(db):
    make_place("CF99 9AB", Place.Kind.POSTCODE, 51.1, -3.1, "CF99 9AB")
    make_place("CF99", Place.Kind.DISTRICT, 51.2, -3.2, "CF99")
    make_place("pontafon", Place.Kind.PLACE, 51.3, -3.3, "Pontafon")


@pytest.mark.django_db
def test_locate_coordinates_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert locate(" 51.70, -3.40 ") == Point(51.70, -3.40, "51.70, -3.40")


@pytest.mark.django_db
def test_locate_nothing():
    assert locate("") is None
    assert locate("   ") is None
    assert locate(None) is None
    assert locate("Atlantis") is None


def test_locate_exact_postcode_first(gazetteer):
    assert locate("cf999ab") == Point(51.1, -3.1, "CF99 9AB")


def test_locate_falls_back_to_the_district(gazetteer):
    assert locate("CF99 9ZZ") == Point(51.2, -3.2, "CF99")
    assert locate("cf99") == Point(51.2, -3.2, "CF99")


def test_locate_place_name_in_any_case(gazetteer):
    assert locate("  PONTAFON ") == Point(51.3, -3.3, "Pontafon")


def test_gazetteer_before_directory_addresses(gazetteer):
    make_address(1, city="Pontafon", postal_code="CF99 9AB", latitude=50.0)
    assert locate("Pontafon") == Point(51.3, -3.3, "Pontafon")
    assert locate("CF99 9AB") == Point(51.1, -3.1, "CF99 9AB")


def test_district_in_gazetteer_beats_exact_postcode_in_addresses(gazetteer):
    make_address(1, city="Nowhere", postal_code="CF99 9XY", latitude=50.0)
    assert locate("CF99 9XY") == Point(51.2, -3.2, "CF99")


@pytest.mark.django_db
def test_directory_address_by_postcode_when_the_gazetteer_has_none():
    make_address(1, city="Tregarth", postal_code="CF98 1AA", latitude=51.72)
    assert locate("cf98 1aa") == Point(51.72, -3.9, "cf98 1aa")
    assert locate("CF981AA") == Point(51.72, -3.9, "CF981AA")


@pytest.mark.django_db
def test_directory_address_postcode_stored_without_a_space():
    make_address(1, city="Tregarth", postal_code="CF981AA", latitude=51.72)
    assert locate("CF98 1AA") == Point(51.72, -3.9, "CF98 1AA")


@pytest.mark.django_db
def test_directory_address_by_town_any_case():
    make_address(1, city="Tregarth", postal_code="CF98 1AA", latitude=51.72)
    assert locate("tregarth") == Point(51.72, -3.9, "tregarth")


@pytest.mark.django_db
def test_directory_address_first_by_id_with_coordinates():
    make_address(2, city="Tregarth", postal_code="CF98 1AB", latitude=51.75)
    make_address(1, city="Tregarth", postal_code="CF98 1AA", latitude=51.72)
    assert locate("Tregarth").latitude == 51.72
    # An address whose location has no coordinates is passed over.
    Location.objects.filter(pk="location-1").update(latitude=None)
    assert locate("Tregarth").latitude == 51.75
    Location.objects.filter(pk="location-2").update(longitude=None)
    assert locate("Tregarth") is None


@pytest.mark.django_db
def test_zip_code_in_directory_addresses():
    make_address(1, city="Springfield", postal_code="62704", latitude=39.8)
    assert locate("62704-1234").latitude == 39.8


@pytest.mark.django_db
def test_town_typed_with_extra_spaces():
    make_address(1, city="Merthyr Tydfil", postal_code="CF47 8AA", latitude=51.74)
    assert locate("merthyr   tydfil") == Point(51.74, -3.9, "merthyr   tydfil")
