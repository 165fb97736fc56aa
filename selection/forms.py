from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from partnerships.models import Organization, Partnership

from .models import SCORE_CHOICES, SCORE_RANGE, Candidate, CandidateStatus, Criterion

LIST_CHOICES = [
    (CandidateStatus.LONG_LIST.value, CandidateStatus.LONG_LIST.label),
    (CandidateStatus.SHORT_LIST.value, CandidateStatus.SHORT_LIST.label),
]
NOTE_WIDGET = {"rows": 3}


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the token
    helper.layout = Layout(*layout)
    return helper


class CandidateNotesMixin(forms.Form):
    past_partnerships = forms.CharField(
        label="Past partnerships",
        required=False,
        widget=forms.Textarea(attrs=NOTE_WIDGET),
        help_text="Who they have partnered with before, and how it went.",
    )
    references = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=NOTE_WIDGET),
        help_text="Who vouches for them, and what they said.",
    )
    risks = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=NOTE_WIDGET),
        help_text="What could go wrong with them as a partner.",
    )


class CandidateForm(CandidateNotesMixin):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label="Organisation",
        empty_label="Choose from the list",
    )
    new_organization_name = forms.CharField(
        label="Or a new organisation",
        required=False,
        max_length=200,
        help_text="Its name; add its details on its page later.",
    )
    status = forms.ChoiceField(label="List", choices=LIST_CHOICES, widget=forms.RadioSelect)

    field_order = ["organization", "new_organization_name", "status"]

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        kwargs.setdefault("initial", {"status": CandidateStatus.LONG_LIST})
        super().__init__(*args, **kwargs)
        taken = Candidate.objects.filter(partnership=partnership).values("organization")
        self.fields["organization"].queryset = Organization.objects.exclude(pk__in=taken).order_by(
            "name"
        )
        self.helper = _helper(
            Row(Column("organization"), Column("new_organization_name")),
            "status",
            "past_partnerships",
            "references",
            "risks",
        )

    def clean(self) -> dict:
        data = super().clean()
        chosen, name = data.get("organization"), (data.get("new_organization_name") or "").strip()
        if chosen and name:
            self.add_error("new_organization_name", "Give a new name only if it is not listed.")
        elif not chosen and not name and "organization" not in self.errors:
            self.add_error("organization", "Choose an organisation, or give a new one's name.")
        return data


class CandidateEditForm(CandidateNotesMixin):
    status = forms.ChoiceField(label="List", choices=LIST_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args, candidate: Candidate, **kwargs) -> None:
        initial = {
            name: getattr(candidate, name) for name in ("past_partnerships", "references", "risks")
        }
        initial["status"] = candidate.status
        super().__init__(*args, initial=initial, **kwargs)
        if candidate.status not in dict(LIST_CHOICES):
            # Chosen or declined: those change through their own actions.
            del self.fields["status"]
        self.helper = _helper(*self.fields)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why is it declined?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the candidate is declined."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("reason")


class ChooseForm(forms.Form):
    reason = forms.CharField(
        label="Reason given to the other candidates",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded on each candidate still on a list, which is declined. "
        "Leave empty to record that this one was chosen.",
    )
    move_on = forms.BooleanField(
        label="Move the partnership to “Agreeing” now",
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("reason", "move_on")


class ScoreForm(forms.Form):
    """A score from 1 to 5 and a comment for every active criterion."""

    def __init__(self, *args, criteria: list[Criterion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            messages = {
                "required": f"Give “{c.name}” a score from 1 to 5.",
                "invalid": SCORE_RANGE,
                "min_value": SCORE_RANGE,
                "max_value": SCORE_RANGE,
                "invalid_choice": SCORE_RANGE,
            }
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=c.name,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages=messages,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=f"Comment on {c.name}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[dict]:
        return [
            {
                "criterion": c,
                "score": self[f"score_{c.pk}"],
                "comment": self[f"comment_{c.pk}"],
            }
            for c in self.criteria
        ]

    def scores(self) -> dict[Criterion, tuple[int, str]]:
        return {
            c: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }
