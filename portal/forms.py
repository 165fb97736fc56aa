from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row, Submit
from django import forms

from communications.models import Concern
from partnerships.forms import DATE
from partnerships.models import Contact, Partnership

REASON_MAX = 500
REPLY_MAX = 5000


class InviteForm(forms.Form):
    """An existing contact of the partner, or a new one with a name and an e-mail."""

    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        empty_label="Someone new (below)",
        label="Contact of the partner",
    )
    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    title = forms.CharField(label="Job title", max_length=120, required=False)

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        invited = partnership.portal_accesses.filter(revoked_at__isnull=True).values("contact")
        self.fields["contact"].queryset = (
            Contact.objects.current()
            .filter(organization_id=partnership.organization_id)
            .exclude(email="")
            .exclude(pk__in=invited)
        )
        self.fields["contact"].label_from_instance = lambda c: f"{c.label} · {c.email}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "contact",
            Row(Column("name"), Column("email")),
            "title",
        )

    def clean(self):
        data = super().clean()
        if data.get("contact") is None and not self.errors:
            if not data.get("name", "").strip():
                self.add_error("name", "Choose a contact above, or give the new one's name.")
            if not data.get("email"):
                self.add_error("email", "Choose a contact above, or give the new one's e-mail.")
        return data


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "E-mail me a sign-in link", css_class="w-100"))


class PortalConcernForm(forms.ModelForm):
    """A concern raised by the partner: it starts our response clock like any other."""

    class Meta:
        model = Concern
        fields = ["title", "kind", "severity", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": "What is the concern?"}

    def __init__(self, *args, cancel_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["severity"].help_text = "How soon it needs an answer."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("kind"), Column("severity")),
            "description",
            HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>'),
        )
        self.helper.add_input(Submit("submit", "Raise the concern"))


class DueDateProposalForm(forms.Form):
    """A new due date for one of their action items: ours accept or decline it."""

    proposed_on = forms.DateField(
        label="New due date",
        widget=DATE,
        error_messages={
            "required": "Give the new due date you propose.",
            "invalid": "Enter a date, such as 2027-01-15.",
        },
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "Keep the reason to %(limit_value)s characters (it has %(show_value)s)."
        },
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "propose-form"
        self.helper.layout = Layout(Field("proposed_on"), Field("reason"))
        self.helper.add_input(Submit("submit", "Propose the date"))


class PortalReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write your reply first.",
            "max_length": "Keep the reply to %(limit_value)s characters (it has %(show_value)s).",
        },
    )

    def __init__(self, *args, action: str, mentionable: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = ", ".join(f"@[{person}]" for person in mentionable)
        self.fields["body"].help_text = (
            "Formatting: **bold**, *italic*, lines starting with “- ”. "
            + (f"To tell one of our team, mention them: {names}." if names else "")
        )
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.layout = Layout(Field("body"))
        self.helper.add_input(Submit("submit", "Reply"))
