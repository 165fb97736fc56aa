import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from partnerships.access import people_who_see
from partnerships.forms import DATE
from partnerships.models import Contact, Partnership

from .models import ActionItem, Concern, ConcernKind, Kind, Party, Severity, Thread

NEW_ACTION_ROWS = 3
SENTIMENTS = [
    (1, "1 · very poor"),
    (2, "2 · poor"),
    (3, "3 · neutral"),
    (4, "4 · good"),
    (5, "5 · excellent"),
]


def partner_contacts(partnership: Partnership, *, keep=()):
    """The partner's current contacts (and the former ones in ``keep``, already named)."""
    return (
        Contact.objects.filter(organization_id=partnership.organization_id)
        .current(keep=keep)
        .order_by("name")
    )


def owner_choices(partnership: Partnership, *, keep_contact: int | None = None) -> list:
    ours = [(f"u:{u.pk}", str(u)) for u in people_who_see(partnership)]
    theirs = [
        (f"c:{c.pk}", f"{c.name} (former contact)" if c.is_former else c.name)
        for c in partner_contacts(partnership, keep=[keep_contact])
    ]
    choices: list = [("", "— choose —"), ("Our side", ours)]
    if theirs:
        choices.append(("Partner", theirs))
    return choices


def parse_owner(
    value: str, *, keep_contact: int | None = None
) -> tuple[User | None, Contact | None]:
    """``u:12`` is one of ours, ``c:5`` a partner contact. Any user may be named here; the
    service then refuses one who cannot see the partnership, saying so. A former contact only
    stays where they already are (``keep_contact``)."""
    kind, _, pk = (value or "").partition(":")
    if not pk.isdigit():
        raise ValidationError("Choose who owns it.")
    if kind == "u":
        user = User.objects.filter(pk=int(pk), is_active=True).first()
        if user is None:
            raise ValidationError("That person has no active account.")
        return user, None
    if kind == "c":
        contact = Contact.objects.filter(pk=int(pk)).first()
        if contact is None:
            raise ValidationError("That contact no longer exists.")
        if contact.is_former and contact.pk != keep_contact:
            raise ValidationError(f"{contact.name} has left the partner: choose a current contact.")
        return None, contact
    raise ValidationError("Choose who owns it.")


class OwnerField(forms.ChoiceField):
    """Offers the people who can see the partnership and its partner's contacts, but takes any
    value to ``parse_owner``: someone else is refused by the service, which says why."""

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError("Choose who owns it.", code="required")


def owner_value(item: ActionItem) -> str:
    if item.owner_id:
        return f"u:{item.owner_id}"
    return f"c:{item.owner_contact_id}" if item.owner_contact_id else ""


def _not_future(day: datetime.date | None, what: str) -> datetime.date | None:
    if day and day > timezone.localdate():
        raise ValidationError(f"{what} cannot be in the future.")
    return day


class CheckInForm(forms.Form):
    """The quick log: the check-in, the open actions it closes, new actions and a concern."""

    held_on = forms.DateField(label="Date held", widget=DATE)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.CALL)
    sentiment = forms.TypedChoiceField(
        choices=SENTIMENTS,
        coerce=int,
        initial=3,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": "Sentiment goes from 1 (very poor) to 5 (excellent)."},
        help_text="How the relationship feels after this conversation.",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What was discussed and decided."
    )
    topics = forms.CharField(
        required=False, help_text="Comma-separated, for example: volumes, pricing, Q3 launch."
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Our attendees",
        widget=forms.CheckboxSelectMultiple,
    )
    partner_attendees = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Partner attendees",
        widget=forms.CheckboxSelectMultiple,
    )
    shared = forms.BooleanField(
        required=False,
        label="Share with the partner",
        help_text="Include it in the summary the partner may see.",
    )
    close_actions = forms.ModelMultipleChoiceField(
        queryset=ActionItem.objects.none(),
        required=False,
        label="Done since the last check-in",
        widget=forms.CheckboxSelectMultiple,
    )
    concern_title = forms.CharField(required=False, max_length=200, label="Concern raised")
    concern_kind = forms.ChoiceField(choices=ConcernKind.choices, initial="issue", label="Kind")
    concern_severity = forms.ChoiceField(
        choices=Severity.choices, initial=Severity.MEDIUM, label="Severity"
    )
    concern_raised_by = forms.ChoiceField(
        choices=Party.choices, initial=Party.PARTNER, label="Raised by"
    )

    def __init__(self, *args, partnership: Partnership, open_actions=None, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["attendees"].queryset = people_who_see(partnership)
        self.fields["partner_attendees"].queryset = partner_contacts(partnership)
        self.fields["partner_attendees"].label_from_instance = lambda c: (
            f"{c.name}, {c.title}" if c.title else c.name
        )
        self.open_actions = list(open_actions or [])
        self.fields["close_actions"].queryset = ActionItem.objects.filter(
            pk__in=[a.pk for a in self.open_actions]
        )
        self.fields["close_actions"].label_from_instance = lambda a: (
            f"{a.title} — {a.owner_name}" + (f", due {a.due_on:%-d %b}" if a.due_on else "")
        )
        if not self.open_actions:
            del self.fields["close_actions"]
        choices = owner_choices(partnership)
        for i in range(1, NEW_ACTION_ROWS + 1):
            self.fields[f"action_{i}_title"] = forms.CharField(
                required=False, max_length=200, label=f"Action {i}"
            )
            self.fields[f"action_{i}_owner"] = OwnerField(
                choices=choices, required=False, label="Owner"
            )
            self.fields[f"action_{i}_due"] = forms.DateField(
                required=False, label="Due", widget=DATE
            )

    def clean_held_on(self):
        return _not_future(self.cleaned_data.get("held_on"), "A check-in's date")

    def action_rows(self) -> list[tuple]:
        return [
            (self[f"action_{i}_title"], self[f"action_{i}_owner"], self[f"action_{i}_due"])
            for i in range(1, NEW_ACTION_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        self.new_actions = []
        for i in range(1, NEW_ACTION_ROWS + 1):
            title = (data.get(f"action_{i}_title") or "").strip()
            owner = data.get(f"action_{i}_owner")
            due = data.get(f"action_{i}_due")
            if not title:
                if owner or due:
                    self.add_error(
                        f"action_{i}_title", "Say what has to be done, or clear the row."
                    )
                continue
            try:
                user, contact = parse_owner(owner)
            except ValidationError as exc:
                self.add_error(f"action_{i}_owner", exc)
                continue
            self.new_actions.append((i, title, user, contact, due))
        return data


class ActionItemForm(forms.Form):
    title = forms.CharField(max_length=200, label="What")
    owner = OwnerField(label="Owner")
    due_on = forms.DateField(required=False, label="Due date", widget=DATE)

    def __init__(self, *args, partnership: Partnership, submit: str, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Editing an item a former contact owns keeps them on offer; nothing new can name them.
        kind, _, pk = str(self.initial.get("owner") or "").partition(":")
        self.keep_contact = int(pk) if kind == "c" and pk.isdigit() else None
        self.fields["owner"].choices = owner_choices(partnership, keep_contact=self.keep_contact)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("owner"), Column("due_on")),
            HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>'),
        )
        self.helper.add_input(Submit("submit", submit))

    def clean_owner(self):
        self.owner_user, self.owner_contact = parse_owner(
            self.cleaned_data.get("owner"), keep_contact=self.keep_contact
        )
        return self.cleaned_data["owner"]


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["title", "kind", "severity", "raised_by", "owner", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, partnership: Partnership, cancel_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_who_see(partnership)
        self.fields["owner"].empty_label = "The partnership's managers"
        self.fields["severity"].help_text = "Sets the response clock (administrators set targets)."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("kind"), Column("severity"), Column("raised_by")),
            "owner",
            "description",
            HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>'),
        )
        self.helper.add_input(Submit("submit", "Raise the concern"))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was done, and what both sides agreed.",
        error_messages={"required": "Say how the concern was resolved before closing it."},
    )

    def __init__(self, *args, cancel_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "resolution",
            HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>'),
        )
        self.helper.add_input(Submit("submit", "Resolve the concern"))


class EscalateForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it goes up, and what the next level should know.",
    )

    def __init__(self, *args, cancel_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "note", HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>')
        )
        self.helper.add_input(Submit("submit", "Escalate one level", css_class="btn-warning"))


MENTION_HELP = (
    "Formatting: **bold**, *italic*, `code`, [link](https://…), lines starting with “- ”. "
    "Mention someone with @[Full Name] or @their@e-mail."
)


class ThreadForm(forms.ModelForm):
    class Meta:
        model = Thread
        fields = ["title", "body", "is_idea", "shared"]
        labels = {"body": "Message"}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"body": MENTION_HELP}

    def __init__(self, *args, cancel_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            "body",
            "is_idea",
            "shared",
            HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>'),
        )
        self.helper.add_input(Submit("submit", "Post"))


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply", widget=forms.Textarea(attrs={"rows": 3}), help_text=MENTION_HELP
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(Field("body"))
        self.helper.add_input(Submit("submit", "Reply"))


COMMENT_MAX = 2000


class ActionCommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the comment first.",
            "max_length": "Keep the comment to %(limit_value)s characters (it has %(show_value)s).",
        },
    )

    def __init__(self, *args, action: str, submit: str = "Comment", help_text: str = "", **kw):
        super().__init__(*args, **kw)
        self.fields["body"].help_text = help_text
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(Field("body"))
        self.helper.add_input(Submit("submit", submit))


class SendSummaryForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Send to",
        error_messages={"required": "Choose at least one partner contact."},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = partner_contacts(partnership).exclude(email="")
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} <{c.email}>"
