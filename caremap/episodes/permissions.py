"""The one way views get an episode: through its person, checked and audited
by `get_person_for_user`."""

from caremap.episodes.models import Episode
from caremap.people.permissions import (
    VIEW,
    get_person_for_user,
    refuse_missing,
)


def get_episode_for_user(request, pk, *, perm=VIEW):
    """Episode `pk`, if request.user holds `perm` on its person (403 for
    users who never work with named people, 404 for staff who cannot see
    them)."""
    episode = Episode.objects.select_related("organisation").filter(pk=pk).first()
    if episode is None:
        refuse_missing(request)
    episode.person = get_person_for_user(request, episode.person_id, perm=perm)
    return episode
