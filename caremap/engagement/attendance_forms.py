"""Forms for a person's groups, their attendance, and a group's register."""

import uuid

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from caremap.concurrency import Guarded
from caremap.directory.models import Listing
from caremap.engagement.models import Attendance
from caremap.forms import THE_DATE_ERRORS, DatePartsField, Form

# The directory kinds that are groups a person goes to, rather than services
# that see them.
GROUP_KINDS = [Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED]

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _date_field(label):
    return DatePartsField(
        label=label,
        help_text=_("For example, 27 3 2026"),
        error_messages={
            "required": _("Enter the date"),
            **THE_DATE_ERRORS,
        },
    )


def _yes_no(label, *, help_text="", required_message):
    field = forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )
    field.inline = True
    return field


def _regular_field():
    return _yes_no(
        _("Do they go regularly?"),
        help_text=_("If they miss a regular group several times, you will be told."),
        required_message=_("Select whether they go regularly"),
    )


def _on_register_field():
    return _yes_no(
        _("Have they agreed to be on the group's register?"),
        help_text=_(
            "A peer volunteer taking the group's register will see their name "
            "and can record whether they went."
        ),
        required_message=_("Select whether they have agreed to be on the register"),
    )


def _long_date(day):
    return formats.date_format(day, "j F Y")


class RegisterAgreementMixin:
    """A register is kept by a directory group's peer volunteer, so only a
    group from the directory can have one."""

    def check_register(self, cleaned, has_service):
        if cleaned.get("on_register") and not has_service:
            self.add_error(
                "on_register",
                _(
                    "Only a group from the directory can keep a register. "
                    "Choose the group from the list, or select No"
                ),
            )


class GroupMembershipForm(Guarded, RegisterAgreementMixin, Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    service = forms.ChoiceField(
        label=_("Which group do they go to?"),
        help_text=_("Mutual-aid meetings and peer-led groups in the directory."),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
        error_messages={
            "invalid_choice": _("Choose a group from the list"),
        },
    )
    service.hide_optional = True
    name = forms.CharField(
        label=_("If the group is not listed, its name"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Keep the name to 200 characters or fewer")},
    )
    name.hide_optional = True
    regular = _regular_field()
    on_register = _on_register_field()
    started_on = _date_field(_("When did they start going?"))

    def __init__(self, *args, listings, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "token": uuid.uuid4(),
                "regular": "yes",
                "on_register": "no",
                "started_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.listings = {listing.service_id: listing for listing in listings}
        labels = dict(Listing.Kind.choices)
        grouped = {}
        for listing in listings:
            grouped.setdefault(labels[listing.kind], []).append(
                (listing.service_id, listing.service.name)
            )
        self.fields["service"].choices = [
            ("", _("Choose a group")),
            *grouped.items(),
        ]

    def clean_started_on(self):
        day = self.cleaned_data["started_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The date they started cannot be in the future")
            )
        return day

    def clean(self):
        cleaned = super().clean()
        service_id = cleaned.get("service")
        name = (cleaned.get("name") or "").strip()
        if "service" in self.errors or "name" in self.errors:
            return cleaned
        if service_id and name:
            self.add_error(
                "name",
                _("Choose a group from the list or type its name, not both"),
            )
        elif not service_id and not name:
            self.add_error(
                "service", _("Choose a group from the list, or type its name below")
            )
        listing = self.listings.get(service_id) if service_id else None
        cleaned["listing"] = listing
        cleaned["name"] = listing.service.name if listing else name
        self.check_register(cleaned, has_service=listing is not None)
        return cleaned


class GroupMembershipChangeForm(Guarded, RegisterAgreementMixin, Form):
    fingerprint_fields = ["regular", "on_register"]

    regular = _regular_field()
    on_register = _on_register_field()

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "regular": "yes" if membership.regular else "no",
                "on_register": "yes" if membership.on_register else "no",
            },
        )
        super().__init__(*args, record=membership, **kwargs)
        self.membership = membership
        if membership.on_register and membership.register_agreed_on:
            self.fields["on_register"].help_text = _(
                "They agreed on %(day)s. Select No if they have changed their "
                "mind: their name will no longer be on the register."
            ) % {"day": _long_date(membership.register_agreed_on)}

    def clean(self):
        cleaned = super().clean()
        self.check_register(cleaned, has_service=self.membership.service_id is not None)
        return cleaned


class StopGoingForm(Guarded, Form):
    fingerprint_fields = ["ended_on"]

    ended_on = _date_field(_("When did they stop going?"))

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, record=membership, **kwargs)
        self.membership = membership

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future"))
        if day < self.membership.started_on:
            raise forms.ValidationError(
                _("They started going on %(day)s. Enter that date or a later one")
                % {"day": _long_date(self.membership.started_on)}
            )
        return day


class AttendanceForm(Guarded, Form):
    on = _date_field(_("Session date"))
    attended = _yes_no(
        _("Did they go?"),
        required_message=_("Select whether they went"),
    )
    source = forms.ChoiceField(
        label=_("Who told you?"),
        choices=[
            (Attendance.Source.SELF, _("They did")),
            (Attendance.Source.STAFF, _("Staff: one of us saw or checked")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who told you")},
    )

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault(
            "initial", {"on": timezone.localdate(), "source": Attendance.Source.SELF}
        )
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_on(self):
        day = self.cleaned_data["on"]
        check_session_date(day, self.membership)
        return day


def check_session_date(day, membership):
    """Refuse a session the person could not have been to as a member."""
    if day > timezone.localdate():
        raise forms.ValidationError(_("The session date cannot be in the future"))
    if day < membership.started_on:
        raise forms.ValidationError(
            _("They started going on %(day)s. Enter that date or a later one")
            % {"day": _long_date(membership.started_on)}
        )
    if membership.ended_on and day > membership.ended_on:
        raise forms.ValidationError(
            _("They stopped going on %(day)s. Enter that date or an earlier one")
            % {"day": _long_date(membership.ended_on)}
        )


class RegisterForm(Guarded, Form):
    on = _date_field(_("Session date"))
    went = forms.MultipleChoiceField(
        label=_("Who went?"),
        help_text=_(
            "Tick everyone who came. Anyone not ticked is recorded as not coming."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Someone on the list has changed since the page was opened. "
                "Check the list and save again"
            )
        },
    )
    went.hide_optional = True

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        self.fields["went"].choices = [
            (str(m.pk), m.register_label) for m in memberships
        ]

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The session date cannot be in the future"))
        return day
