"""Forms that render GOV.UK Design System markup.

Every form in Caremap inherits `GovukFormMixin` (through `Form` or `ModelForm`
below): labels, hints, fieldsets for grouped inputs, an error summary linked to
the first input of each field, and a message beside each field. Browsers are
not asked to validate (no `required` attributes, `novalidate` on the form), so
every message comes from the server, in the user's language.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


# Widget types (BoundField.widget_type) rendered as a group inside a fieldset.
GROUPED_WIDGETS = {"radioselect", "checkboxselectmultiple", "dateparts"}

INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
}


class GovukBoundField(BoundField):
    @property
    def is_grouped(self):
        return self.widget_type in GROUPED_WIDGETS

    @property
    def hint_id(self):
        return f"{self.auto_id}_helptext"

    @property
    def error_id(self):
        return f"{self.auto_id}_error"

    @property
    def first_input_id(self):
        """Where the error summary link should land."""
        if self.widget_type in {"radioselect", "checkboxselectmultiple"}:
            return f"{self.auto_id}_0"
        if self.widget_type == "dateparts":
            missing = getattr(self.field, "first_bad_part", None) or "day"
            return f"{self.auto_id}_{missing}"
        return self.auto_id

    def options(self):
        """Each choice of a radio or checkbox group, with its hint when the
        field gives one (`field.hints`, by value)."""
        hints = getattr(self.field, "hints", {})
        return [(choice, hints.get(choice.data["value"])) for choice in self]

    @property
    def described_by(self):
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base = INPUT_CLASSES.get(self.widget_type, "govuk-input")
        # Keep classes a form gives its widget (a width, say) beside ours.
        classes = [base, widget.attrs.get("class", ""), attrs.get("class", "")]
        if self.errors:
            classes.append(f"{base}--error")
        attrs["class"] = " ".join(c for c in classes if c)
        if self.described_by and not self.is_grouped:
            attrs["aria-describedby"] = self.described_by
        else:
            attrs.pop("aria-describedby", None)
        # A browser enforcing maxlength silently cuts pasted text short; the
        # server's message beside the field says what is too long instead.
        widget.attrs.pop("maxlength", None)
        return attrs


class GovukFormMixin:
    use_required_attribute = False
    bound_field_class = GovukBoundField
    template_name_div = "govuk/forms/form.html"

    def full_clean(self):
        super().full_clean()
        self._word_length_errors()

    def _word_length_errors(self):
        """Every "too long" message in one wording, with the numbers grouped
        as people write them, unless a field words its own."""
        for name, errors in (self._errors or {}).items():
            field = self.fields.get(name)
            if field is None or "max_length" in field.error_messages:
                continue
            for index, error in enumerate(errors.data):
                if getattr(error, "code", None) != "max_length" or not error.params:
                    continue
                errors.data[index] = ValidationError(
                    gettext(
                        "Keep this to %(limit)s characters or fewer (it has %(count)s)"
                    )
                    % {
                        "limit": number_format(
                            error.params["limit_value"], force_grouping=True
                        ),
                        "count": number_format(
                            error.params["show_value"], force_grouping=True
                        ),
                    },
                    code="max_length",
                )

    def add_model_errors(self, error):
        """Show a ValidationError from an action beside the fields it names,
        or at the top when the form has no such field."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

    def error_summary(self):
        """(message, link) pairs in field order for the error summary."""
        items = [(str(error), "#") for error in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            for error in bound.errors:
                items.append((str(error), f"#{bound.first_input_id}"))
        return items


class Form(GovukFormMixin, forms.Form):
    pass


class ModelForm(GovukFormMixin, forms.ModelForm):
    pass


class DatePartsWidget(forms.MultiWidget):
    """GOV.UK's date input: three boxes for day, month and year, so nobody has
    to guess a date format."""

    template_name = "govuk/forms/widgets/date_parts.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts
        }
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # MultiWidget numbers its parts (_0, _1, _2); name them instead, so
        # ids match the field names and error links read well.
        base_id = context["widget"]["attrs"].get("id")
        if base_id:
            for part, subwidget in zip(
                self.parts, context["widget"]["subwidgets"], strict=True
            ):
                subwidget["attrs"]["id"] = f"{base_id}_{part}"
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, dict):
            return [value.get(part, "") for part in self.parts]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        return {part: (data.get(f"{name}_{part}") or "").strip() for part in self.parts}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in self.parts)


# For date fields whose label is a question ("By when?") rather than a name
# the default messages could start with.
THE_DATE_ERRORS = {
    "missing": _("The date must include a %(part)s"),
    "not_number": _("The date must be a real date"),
    "invalid": _("The date must be a real date"),
}


class DatePartsField(forms.Field):
    """A date typed as day, month and year, with the specific messages GOV.UK
    recommends ("must include a month", "must be a real date")."""

    widget = DatePartsWidget
    default_error_messages = {
        "required": _("Enter %(label)s"),
        "missing": _("%(label)s must include a %(part)s"),
        "not_number": _("%(label)s must be a real date"),
        "invalid": _("%(label)s must be a real date"),
        "year_digits": _("Year must include 4 numbers"),
    }
    part_names = {"day": _("day"), "month": _("month"), "year": _("year")}

    def _label(self):
        return str(self.label or _("the date"))

    def to_python(self, value):
        self.first_bad_part = None
        if not value or not isinstance(value, dict):
            return None
        if not any(value.values()):
            return None
        label = self._label()
        for part in DatePartsWidget.parts:
            if not value.get(part):
                self.first_bad_part = part
                raise ValidationError(
                    self.error_messages["missing"],
                    code="missing",
                    params={"label": label, "part": self.part_names[part]},
                )
        try:
            day, month, year = (int(value[p]) for p in DatePartsWidget.parts)
        except ValueError:
            raise ValidationError(
                self.error_messages["not_number"],
                code="not_number",
                params={"label": label},
            ) from None
        if len(value["year"]) != 4:
            self.first_bad_part = "year"
            raise ValidationError(
                self.error_messages["year_digits"], code="year_digits"
            )
        try:
            return datetime.date(year, month, day)
        # A day or month of thirty digits overflows a C int rather than
        # failing the range check; either way it is not a real date.
        except (ValueError, OverflowError):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"label": label}
            ) from None

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(
                self.error_messages["required"],
                code="required",
                params={"label": self._label().lower()},
            )
