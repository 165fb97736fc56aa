from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from communications.forms import owner_choices, parse_owner
from objectives.models import Objective
from partnerships.access import people_who_see
from partnerships.forms import DATE
from partnerships.models import Contact, Partnership

from .models import KPI, RATINGS, DecisionKind, Measurement, Review

NUMBER = {"invalid": "Enter a number, such as 42 or 97.5 (a dot for decimals, no units)."}


def _buttons(submit: str, cancel_url: str = "") -> HTML:
    cancel = format_html('<a class="btn btn-link" href="{}">Cancel</a>', cancel_url)
    return HTML(
        format_html(
            '<div class="d-flex gap-2 mt-2"><button class="btn btn-primary" type="submit">{}'
            "</button>{}</div>",
            submit,
            cancel if cancel_url else "",
        )
    )


class KPIForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = [
            "name", "unit", "direction", "baseline", "target", "red_flag", "frequency", "owner",
            "objective", "shared",
        ]  # fmt: skip
        error_messages = {f: NUMBER for f in ("baseline", "target", "red_flag")}
        widgets = {"direction": forms.RadioSelect}

    def __init__(self, *args, partnership: Partnership, cancel_url: str, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["owner"].queryset = people_who_see(partnership)
        self.fields["owner"].empty_label = "— nobody yet —"
        self.fields["objective"].queryset = Objective.objects.filter(
            partnership=partnership
        ).order_by("title")
        self.fields["objective"].empty_label = "— none —"
        for name in ("baseline", "target", "red_flag"):
            self.fields[name].widget.attrs.update(step="any", inputmode="decimal")
        self.fields["name"].widget.attrs["placeholder"] = "For example “On-time delivery”"
        self.fields[
            "target"
        ].help_text = "Above the baseline when higher is better, below it when lower is better."
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-8"), Column("unit", css_class="col-md-4")),
            InlineRadios("direction"),
            Row(
                Column("baseline", css_class="col-md-4"),
                Column("target", css_class="col-md-4"),
                Column("red_flag", css_class="col-md-4"),
            ),
            Row(Column("frequency", css_class="col-md-4"), Column("owner", css_class="col-md-8")),
            "objective",
            "shared",
            _buttons(submit, cancel_url),
        )


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["period", "value", "note"]
        widgets = {"period": DATE, "note": forms.TextInput}
        error_messages = {"value": NUMBER}

    def __init__(self, *args, kpi: KPI, cancel_url: str = "", inline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        period = self.fields["period"]
        period.label = "Period"
        period.help_text = {
            "weekly": "Any day of the week: it is stored as its Monday.",
            "monthly": "Any day of the month: it is stored as the 1st.",
            "quarterly": "Any day of the quarter: it is stored as its first day.",
        }[kpi.frequency]
        self.fields["value"].label = f"Value ({kpi.unit})" if kpi.unit else "Value"
        self.fields["value"].widget.attrs.update(step="any", inputmode="decimal")
        self.fields["note"].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("period", timezone.localdate())
        if self.instance.pk:
            del self.fields["period"]
        self.helper = FormHelper()
        if inline:
            self.helper.form_tag = False
            self.helper.layout = Layout(
                Row(
                    Column("period", css_class="col-md-3"),
                    Column("value", css_class="col-md-3"),
                    Column("note", css_class="col-md-6"),
                )
            )
        else:
            self.helper.layout = Layout(
                *[f for f in ("period", "value", "note") if f in self.fields],
                _buttons("Save", cancel_url),
            )

    def validate_unique(self) -> None:
        # The service normalises the period first, then refuses a second one in words.
        pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns KPI, Period, Value and optionally Note; other columns are ignored.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("file", _buttons("Import", cancel_url))


class ReviewScheduleForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["kind", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-7"), Column("due_on", css_class="col-md-5")),
            _buttons("Schedule the review", cancel_url),
        )

    def validate_unique(self) -> None:
        pass  # the service says it in words


class ReviewHoldForm(forms.Form):
    held_on = forms.DateField(label="Date held", widget=DATE)
    attendees = forms.ModelMultipleChoiceField(
        label="Our attendees", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    partner_attendees = forms.ModelMultipleChoiceField(
        label="Partner attendees",
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rating = forms.TypedChoiceField(
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="How the partnership performed over the period.",
        error_messages={"required": "Rate how the partnership performed, from 1 to 5."},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the review concluded; record each decision after holding it.",
        error_messages={"required": "Summarise what the review concluded."},
    )

    def __init__(
        self, *args, partnership: Partnership, cancel_url: str, action: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people_who_see(partnership)
        self.fields["partner_attendees"].queryset = (
            Contact.objects.filter(organization_id=partnership.organization_id)
            .current()
            .order_by("name")
        )
        self.initial.setdefault("held_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.form_action = action
        partner = "partner_attendees" if partnership.organization_id else HTML("")
        self.helper.layout = Layout(
            Row(Column("held_on", css_class="col-md-4")),
            Row(Column("attendees", css_class="col-md-6"), Column(partner, css_class="col-md-6")),
            InlineRadios("rating"),
            "summary",
            _buttons("Hold the review and freeze its snapshot", cancel_url),
        )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise ValidationError("A review cannot be held in the future.")
        return held_on


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what was decided."},
    )
    kind = forms.ChoiceField(
        label="It becomes",
        choices=DecisionKind.choices,
        initial=DecisionKind.NOTE,
        widget=forms.RadioSelect,
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    due_on = forms.DateField(label="Due date", required=False, widget=DATE)
    objective = forms.ModelChoiceField(
        label="Objective", queryset=Objective.objects.none(), required=False
    )
    new_target = forms.DecimalField(
        label="New target",
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages=NUMBER,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    new_due_date = forms.DateField(label="New due date", required=False, widget=DATE)
    reason = forms.CharField(
        label="Why", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the objective's history.",
    )  # fmt: skip

    def __init__(
        self, *args, partnership: Partnership, cancel_url: str, action: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(partnership)
        objectives = Objective.objects.filter(partnership=partnership).order_by("title")
        self.fields["objective"].queryset = objectives
        self.fields["objective"].empty_label = "— choose —"
        self.fields["objective"].label_from_instance = _objective_label
        self.owner_user = self.owner_contact = None
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(
            "text",
            InlineRadios("kind"),
            Div(
                Fieldset(
                    '<span class="h6">The action item</span>',
                    Row(
                        Column("owner", css_class="col-md-7"),
                        Column("due_on", css_class="col-md-5"),
                    ),
                ),
                css_class="decision-part",
                data_kind=DecisionKind.ACTION,
            ),
            Div(
                Fieldset(
                    '<span class="h6">The adjustment of the objective</span>',
                    "objective",
                    Row(
                        Column("new_target", css_class="col-md-6"),
                        Column("new_due_date", css_class="col-md-6"),
                    ),
                    "reason",
                ),
                css_class="decision-part",
                data_kind=DecisionKind.ADJUSTMENT,
            ),
            _buttons("Record the decision", cancel_url),
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == DecisionKind.ACTION:
            try:
                self.owner_user, self.owner_contact = parse_owner(data.get("owner") or "")
            except ValidationError as exc:
                self.add_error("owner", exc)
            if not data.get("due_on"):
                self.add_error("due_on", "Give the action item a due date.")
        elif kind == DecisionKind.ADJUSTMENT:
            if not data.get("objective"):
                self.add_error("objective", "Choose the objective to adjust.")
            nothing_new = data.get("new_target") is None and not data.get("new_due_date")
            if nothing_new and "new_target" not in self.errors:
                self.add_error("new_target", "Give a new target, a new due date, or both.")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why the objective changes.")
        return data


def _objective_label(objective: Objective) -> str:
    target = f"{objective.target.normalize():,f}" if objective.target is not None else "no target"
    due = f"{objective.due_date:%-d %b %Y}" if objective.due_date else "no due date"
    return f"{objective.title} (target {target} {objective.unit}, due {due})".replace("  ", " ")
