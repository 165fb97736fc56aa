from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from objectives.models import Objective
from partnerships.access import people_who_see
from partnerships.forms import DATE
from partnerships.models import Partnership

from .models import CURRENCY_SYMBOL, Decision, Milestone, Opportunity, OpportunityStatus


def _cancel(url: str) -> HTML:
    return HTML(format_html('<a class="btn btn-link float-end" href="{}">Cancel</a>', url))


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "objective", "target_date", "description"]
        widgets = {"target_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args, partnership: Partnership, cancel_url: str, submit: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.filter(
            partnership=partnership
        ).order_by("title")
        self.fields["objective"].empty_label = "— none —"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("target_date"), Column("objective")),
            "description",
            _cancel(cancel_url),
        )
        self.helper.add_input(Submit("submit", submit))


class AchieveForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["achieved_on", "evidence", "value_amount", "value_unit", "value_note"]
        widgets = {"achieved_on": DATE, "evidence": forms.Textarea(attrs={"rows": 3})}
        labels = {"achieved_on": "Achieved on"}

    def __init__(self, *args, cancel_url: str, submit: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achieved_on"].required = True
        self.fields["achieved_on"].error_messages["required"] = "Give the day it was achieved."
        self.fields["evidence"].required = True
        self.fields["evidence"].error_messages["required"] = (
            "Say what shows the milestone was achieved."
        )
        if not self.initial.get("achieved_on"):
            self.initial["achieved_on"] = timezone.localdate()
        if not self.initial.get("value_unit"):
            self.initial["value_unit"] = CURRENCY_SYMBOL
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "achieved_on",
            "evidence",
            Row(Column("value_amount"), Column("value_unit")),
            "value_note",
            _cancel(cancel_url),
        )
        self.helper.add_input(Submit("submit", submit))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("value_amount") is not None and not (data.get("value_unit") or "").strip():
            self.add_error("value_unit", "Give the unit of the realised value.")
        return data

    def _post_clean(self) -> None:
        # The service checks the whole row (constraints included); the form checks its fields.
        pass


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "estimated_value",
            "horizon",
            "status",
            "declined_reason",
            "owner",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "declined_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args, partnership: Partnership, cancel_url: str, submit: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_who_see(partnership)
        self.fields["owner"].error_messages["required"] = "Name who owns the opportunity."
        self.fields["declined_reason"].help_text = "Only when it is declined: required then."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            "description",
            Row(Column("estimated_value"), Column("horizon"), Column("status")),
            "declined_reason",
            "owner",
            _cancel(cancel_url),
        )
        self.helper.add_input(Submit("submit", submit))

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") == OpportunityStatus.DECLINED
            and not (data.get("declined_reason") or "").strip()
        ):
            self.add_error("declined_reason", "Say why the opportunity was declined.")
        return data

    def _post_clean(self) -> None:
        pass


class RenewalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose renew, renegotiate or exit."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the partnership delivered, and what should change (or why it ends).",
        error_messages={"required": "Give the rationale for the decision."},
    )

    def __init__(self, *args, cancel_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].help_text = (
            "Renew or renegotiate opens a new agreement version to sign; exit ends the "
            "partnership, with the rationale as its reason."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout("decision", "rationale", _cancel(cancel_url))
        self.helper.add_input(Submit("submit", "Record the decision"))
