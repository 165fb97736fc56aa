import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout, Submit
from django import forms
from django.utils import timezone

from accounts.models import User
from partnerships.forms import DATE
from partnerships.models import Partnership

from . import services
from .models import RATING_LABELS, Kind

DEFAULT_DAYS_OPEN = 14


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class OpenForm(forms.Form):
    """Who answers on each side, and until when."""

    ours = PeopleField(
        queryset=None,
        label="Our people",
        required=False,
        help_text="Its managers and our executives: everyone of ours who sees the partnership.",
    )
    theirs = PeopleField(
        queryset=None,
        label="The partner's people",
        required=False,
        help_text="Those invited to this partnership's portal; they answer there.",
    )
    closes_on = forms.DateField(
        label="Closing date",
        widget=DATE,
        help_text="The last day to answer: the check closes by itself at the end of that day, "
        "in your time zone.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ours = services.our_candidates(partnership)
        theirs = services.partner_candidates(partnership)
        self.fields["ours"].queryset = ours.prefetch_related("groups")
        self.fields["theirs"].queryset = theirs
        self.fields["ours"].label_from_instance = _with_role
        self.fields["theirs"].label_from_instance = lambda u: (
            f"{u.partner_contact.name}, {u.partner_contact.title}"
            if u.partner_contact.title
            else u.partner_contact.name
        )
        partner = partnership.organization.name if partnership.organization else "the partner"
        self.fields["theirs"].label = f"{partner}'s people"
        if not self.is_bound:
            managers = set(partnership.managers.values_list("pk", flat=True))
            managers.add(partnership.executive_sponsor_id)
            self.initial.setdefault("ours", [pk for pk in managers])
            self.initial.setdefault("theirs", list(theirs.values_list("pk", flat=True)))
            self.initial.setdefault(
                "closes_on", timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS_OPEN)
            )
        needed = services.min_answers()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            HTML(
                '<p class="small text-body-secondary">Answers are anonymous: each side\'s '
                f"results show only once at least {needed} of its people have answered, and "
                "nobody, us included, sees who said what.</p>"
            ),
            "ours",
            "theirs",
            Field("closes_on", css_class="w-auto"),
        )
        self.helper.add_input(Submit("submit", "Open the health check"))


class AnswerForm(forms.Form):
    """One field per rating (1–5) with its comment, and one per open question. Rendered by
    templates/healthcheck/_answer_form.html, grouped by area."""

    def __init__(self, *args, questions: list, answers: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        answers = answers or {}
        self.questions = questions
        choices = [(str(n), f"{n} · {label}") for n, label in RATING_LABELS.items()]
        for q in questions:
            given = answers.get(q.pk)
            if q.kind == Kind.RATING:
                self.fields[f"rating_{q.pk}"] = forms.TypedChoiceField(
                    label=q.text,
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": "Choose how far you agree, from 1 to 5.",
                        "invalid_choice": "Choose how far you agree, from 1 to 5.",
                    },
                    initial=str(given.rating) if given and given.rating else None,
                )
                self.fields[f"comment_{q.pk}"] = forms.CharField(
                    label="Comment (optional)",
                    required=False,
                    max_length=services.COMMENT_MAX,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=given.comment if given else "",
                )
            else:
                self.fields[f"open_{q.pk}"] = forms.CharField(
                    label=q.text,
                    required=False,
                    max_length=services.OPEN_ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=given.comment if given else "",
                )

    def groups(self) -> list[dict]:
        """The bound fields by area, in the order asked; the open questions last."""
        groups: list[dict] = []
        for q in self.questions:
            key = q.area if q.kind == Kind.RATING else "open"
            if not groups or groups[-1]["key"] != key:
                label = q.get_area_display() if q.kind == Kind.RATING else "In your own words"
                groups.append({"key": key, "label": label, "items": []})
            if q.kind == Kind.RATING:
                groups[-1]["items"].append(
                    {
                        "question": q,
                        "rating": self[f"rating_{q.pk}"],
                        "comment": self[f"comment_{q.pk}"],
                    }
                )
            else:
                groups[-1]["items"].append({"question": q, "open": self[f"open_{q.pk}"]})
        return groups

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "ratings": {
                q.pk: data.get(f"rating_{q.pk}") for q in self.questions if q.kind == Kind.RATING
            },
            "comments": {
                q.pk: data.get(f"comment_{q.pk}", "")
                for q in self.questions
                if q.kind == Kind.RATING
            },
            "open_answers": {
                q.pk: data.get(f"open_{q.pk}", "") for q in self.questions if q.kind == Kind.OPEN
            },
        }


class GapActionsForm(forms.Form):
    """Action items for the widest gaps of a closed check: one per area ticked."""

    areas = forms.MultipleChoiceField(
        label="Areas to act on", widget=forms.CheckboxSelectMultiple, required=False
    )
    owner = forms.ModelChoiceField(
        queryset=None, label="Owner", required=False, empty_label="Choose one of ours"
    )
    due_on = forms.DateField(label="Due date", widget=DATE, required=False)

    def __init__(self, *args, check, gaps: list[dict], owners, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [
            (g["area"], f"{g['label']} (a gap of {abs(g['gap']):.1f})") for g in gaps
        ]
        self.fields["owner"].queryset = owners
        if not self.is_bound:
            self.initial.setdefault("areas", [g["area"] for g in gaps[:1]])
            self.initial.setdefault("owner", check.opened_by_id)
            self.initial.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=30))
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout("areas", "owner", Field("due_on", css_class="w-auto"))
        self.helper.add_input(Submit("submit", "Create the action items"))


def _with_role(user: User) -> str:
    # role_names from the prefetched groups: one query for the list, not one a person.
    user.__dict__.setdefault("role_names", frozenset(g.name for g in user.groups.all()))
    return f"{user} · {user.role_label}" if user.role_label else str(user)
