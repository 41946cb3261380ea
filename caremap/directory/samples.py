"""Many plausible directory entries at once, for benchmarks and for tests
that must show a page costs the same with 10 services as with 1,000."""

import random

from caremap.directory.models import (
    Address,
    CostOption,
    Language,
    Listing,
    ListingTag,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
)

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DOMAINS = ["social-support", "community-involvement", "meaningful-activities", "coping"]
NEEDS = ["peer-support", "housing", "work-learning", "money"]
PATHWAYS = ["abstinence", "moderation", "medication_assisted", "harm_reduction"]


def bulk_services(area, count, *, prefix="sample", seed=1, centre=(51.70, -3.40)):
    """Create `count` listed services in `area`, each with an organisation
    (shared by ten), a located venue with an address, a weekly or monthly
    schedule, a cost, a language and tags. Returns the services' ids."""
    rng = random.Random(seed)  # noqa: S311 - made-up places, not secrets
    organizations = [
        Organization(
            id=f"{prefix}-org-{n}", name=f"{prefix} organisation {n}", description="-"
        )
        for n in range((count + 9) // 10)
    ]
    Organization.objects.bulk_create(organizations)
    services, locations, addresses, at_locations = [], [], [], []
    schedules, costs, languages, listings = [], [], [], []
    kinds = list(Listing.Kind.values)
    for n in range(count):
        service_id = f"{prefix}-service-{n}"
        services.append(
            Service(
                id=service_id,
                name=f"{prefix.title()} service {n:04d}",
                description=f"A made-up service number {n} for measuring pages.",
                status="active",
                organization_id=organizations[n // 10].id,
            )
        )
        locations.append(
            Location(
                id=f"{prefix}-location-{n}",
                location_type="physical",
                name=f"Venue {n}",
                latitude=centre[0] + rng.uniform(-0.15, 0.15),
                longitude=centre[1] + rng.uniform(-0.25, 0.25),
            )
        )
        addresses.append(
            Address(
                id=f"{prefix}-address-{n}",
                location_id=f"{prefix}-location-{n}",
                address_1=f"{n} Sample Street",
                city="Sampletown",
                state_province="Wales",
                postal_code=f"CF98 {n % 10}AA",
                country="GB",
                address_type="physical",
            )
        )
        at_locations.append(
            ServiceAtLocation(
                id=f"{prefix}-sal-{n}",
                service_id=service_id,
                location_id=f"{prefix}-location-{n}",
            )
        )
        day = DAYS[n % 7]
        monthly = n % 5 == 0
        schedules.append(
            Schedule(
                id=f"{prefix}-schedule-{n}",
                service_at_location_id=f"{prefix}-sal-{n}",
                freq="MONTHLY" if monthly else "WEEKLY",
                byday=f"{1 + n % 4}{day}" if monthly else day,
                interval=1,
                opens_at=f"{9 + n % 10:02d}:30",
                closes_at=f"{10 + n % 10:02d}:30",
                description="A regular meeting.",
            )
        )
        costs.append(
            CostOption(
                id=f"{prefix}-cost-{n}",
                service_id=service_id,
                option="Free",
                amount=0,
                currency="GBP",
            )
        )
        languages.append(
            Language(
                id=f"{prefix}-language-{n}",
                service_id=service_id,
                name="English",
                code="en",
            )
        )
        listings.append(
            Listing(
                service_id=service_id,
                area=area,
                kind=kinds[n % len(kinds)],
                peer_led=n % 3 == 0,
                independent=n % 3 == 0,
            )
        )
    Service.objects.bulk_create(services)
    Location.objects.bulk_create(locations)
    Address.objects.bulk_create(addresses)
    ServiceAtLocation.objects.bulk_create(at_locations)
    Schedule.objects.bulk_create(schedules)
    CostOption.objects.bulk_create(costs)
    Language.objects.bulk_create(languages)
    Listing.objects.bulk_create(listings)
    saved = Listing.objects.filter(service_id__in=[s.id for s in services])
    tags = []
    for n, listing in enumerate(saved.order_by("pk")):
        tags += [
            ListingTag(listing=listing, kind="domain", value=DOMAINS[n % 4]),
            ListingTag(listing=listing, kind="need", value=NEEDS[n % 4]),
            ListingTag(listing=listing, kind="pathway", value=PATHWAYS[n % 4]),
        ]
    ListingTag.objects.bulk_create(tags)
    return [s.id for s in services]
