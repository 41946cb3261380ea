"""A person's episodes: the list (grouped into journeys), recording a
referral, moving it on, and the exit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.engagement.alerting import schedule_check_ups
from caremap.episodes import actions
from caremap.episodes.continuity import Span, journeys
from caremap.episodes.forms import EpisodeForm, ExitForm
from caremap.episodes.models import Episode
from caremap.episodes.permissions import get_episode_for_user
from caremap.http import allow
from caremap.people.permissions import CHANGE, get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


@allow("GET")
@login_required
def person_episodes(request, person_pk):
    person = get_person_for_user(request, person_pk)
    episodes = list(
        Episode.objects.filter(person=person, organisation=person.organisation)
    )
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=person,
        person=person,
        summary="Looked at the person's episodes",
    )
    return render(
        request,
        "episodes/person_episodes.html",
        {
            "person": person,
            "journeys": _journeys(episodes),
            "waiting": [e for e in episodes if e.stage == "waiting"],
            "can_change": request.user.has_perm(CHANGE, person),
            "has_open": any(e.ended_on is None for e in episodes),
        },
    )


def _journeys(episodes):
    """The episodes as journeys, newest first, each episode newest first;
    episodes that never started stand alone."""
    by_pk = {episode.pk: episode for episode in episodes}
    grouped = [
        [by_pk[span.key] for span in journey]
        for journey in journeys(Span(e.pk, e.started_on, e.ended_on) for e in episodes)
    ]
    in_a_journey = {e.pk for journey in grouped for e in journey}
    grouped += [[e] for e in episodes if e.pk not in in_a_journey]
    grouped.sort(key=lambda journey: max(e.referred_on for e in journey), reverse=True)
    return [
        sorted(j, key=lambda e: (e.referred_on, e.pk), reverse=True) for j in grouped
    ]


@allow("GET")
@login_required
def episode_detail(request, pk):
    episode = get_episode_for_user(request, pk)
    representations = (
        list(Episode.objects.representations_of(episode).select_related("organisation"))
        if episode.successful
        else []
    )
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=episode,
        person=episode.person,
        summary="Looked at an episode",
    )
    return render(
        request,
        "episodes/episode_detail.html",
        {
            "episode": episode,
            "person": episode.person,
            # Only whether, when and if here: never which other service.
            "returned_here": [
                r
                for r in representations
                if r.organisation_id == episode.organisation_id
            ],
            "returned_elsewhere": [
                r
                for r in representations
                if r.organisation_id != episode.organisation_id
            ],
            "can_change": request.user.has_perm(CHANGE, episode.person),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def episode_create(request, person_pk):
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    form = EpisodeForm(drafts.form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            episode = actions.record_episode(person, by=request.user, **_fields(form))
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, _("The referral has been recorded."))
            return redirect(episode)
    return render(
        request,
        "episodes/episode_form.html",
        {"form": form, "person": person, "episode": None},
    )


@allow("GET", "POST")
@login_required
@guarded
def episode_edit(request, pk):
    episode = get_episode_for_user(request, pk, perm=CHANGE)
    return _change(
        request,
        episode,
        EpisodeForm,
        "episodes/episode_form.html",
        _("The episode has been saved."),
    )


@allow("GET", "POST")
@login_required
@guarded
def episode_exit(request, pk):
    episode = get_episode_for_user(request, pk, perm=CHANGE)
    response = _change(
        request,
        episode,
        ExitForm,
        "episodes/exit_form.html",
        _("The exit has been recorded."),
    )
    if response.status_code == 302:
        # Check-ups follow a completed exit at once, not at the next run of
        # `caremap alerts run` (which makes any this misses).
        schedule_check_ups(episode)
    return response


def _change(request, episode, form_class, template, success):
    # The form works on a copy, so a refused change leaves `episode` as
    # stored for the page's summary.
    stored = Episode.objects.get(pk=episode.pk)
    stored.person, stored.organisation = episode.person, episode.organisation
    form = form_class(drafts.form_data(request), instance=stored)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_episode(episode, by=request.user, **_fields(form))
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, success)
            return redirect(episode)
    return render(
        request,
        template,
        {"form": form, "person": episode.person, "episode": episode},
    )


def _fields(form):
    return {name: form.cleaned_data[name] for name in form.Meta.fields}
