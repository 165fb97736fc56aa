from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import roles
from accounts.models import User
from partnerships.forms import DATE
from partnerships.models import Contact, Partnership
from reminders.models import Cadence

from .documents import check_document
from .models import Agreement, Channel, CommunicationPlan, EscalationStep, Responsibility


def people() -> "forms.models.QuerySet[User]":
    """Users who work on partnerships: executives and partner managers."""
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[roles.EXECUTIVE, roles.PARTNER_MANAGER]
        )
        .distinct()
        .order_by("full_name", "email")
    )


def partner_contacts(partnership: Partnership, *, keep=()):
    """The partner's current contacts (and the former one in ``keep``, already named)."""
    return (
        Contact.objects.filter(organization_id=partnership.organization_id)
        .current(keep=keep)
        .order_by("name")
    )


def _helper(*layout, submit: str, cancel_url: str = "") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit))
    if cancel_url:
        helper.layout.append(
            HTML(f'<a class="btn btn-link float-end" href="{cancel_url}">Cancel</a>')
        )
    return helper


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "effective_date",
            "expiry_date",
            "notice_period_days",
            "auto_renew",
            "commercial_terms",
        ]
        widgets = {
            "effective_date": DATE,
            "expiry_date": DATE,
            "commercial_terms": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, submit: str, cancel_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "title",
            Row(Column("effective_date"), Column("expiry_date")),
            Row(Column("notice_period_days"), Column("auto_renew", css_class="pt-md-4")),
            "commercial_terms",
            submit=submit,
            cancel_url=cancel_url,
        )


class SignForm(forms.Form):
    signed_on = forms.DateField(label="Date signed", widget=DATE)
    our_signatory = forms.CharField(
        label="Signed for us by", max_length=150, help_text="Name and title, as on the document."
    )
    partner_signatory = forms.CharField(
        label="Signed for the partner by",
        max_length=150,
        help_text="Name and title, as on the document.",
    )

    def __init__(self, *args, cancel_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()
        self.helper = _helper(
            "signed_on",
            Row(Column("our_signatory"), Column("partner_signatory")),
            submit="Sign the agreement",
            cancel_url=cancel_url,
        )

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise ValidationError("The date signed cannot be in the future.")
        return value


class DocumentForm(forms.Form):
    document = forms.FileField(
        label="Signed document",
        help_text="A PDF or Word (DOCX) file, at most 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, cancel_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("document", submit="Upload", cancel_url=cancel_url)
        self.helper.form_enctype = "multipart/form-data"
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_document(self):
        upload = self.cleaned_data["document"]
        check_document(upload)
        return upload


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = Responsibility
        fields = ["party", "area", "description", "accountable_user", "accountable_contact"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "accountable_user": "One of ours…",
            "accountable_contact": "…or a contact at the partner. Name one, not both.",
        }

    def __init__(self, *args, partnership: Partnership, cancel_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accountable_user"].queryset = people()
        self.fields["accountable_contact"].queryset = partner_contacts(
            partnership, keep=[self.instance.accountable_contact_id]
        )
        self.fields["accountable_contact"].label_from_instance = _contact_label
        self.helper = _helper(
            Row(Column("party", css_class="col-md-4"), Column("area", css_class="col-md-8")),
            "description",
            Row(Column("accountable_user"), Column("accountable_contact")),
            submit="Save responsibility",
            cancel_url=cancel_url,
        )


def _contact_label(contact: Contact) -> str:
    return contact.label


class PlanForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="How the parties meet and talk.",
    )

    class Meta:
        model = CommunicationPlan
        fields = [
            "check_in_cadence",
            "review_cadence",
            "channels",
            "our_lead",
            "partner_lead",
            "reporting",
            "reporting_frequency",
        ]
        widgets = {"reporting": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "check_in_cadence": "How often the partner manager checks in with the partner.",
            "review_cadence": "How often the partnership is reviewed against its KPIs.",
        }

    def __init__(self, *args, partnership: Partnership, cancel_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check_in_cadence"].queryset = Cadence.objects.filter(purpose="check_in")
        self.fields["review_cadence"].queryset = Cadence.objects.filter(purpose="review")
        self.fields["our_lead"].queryset = people()
        self.fields["partner_lead"].queryset = partner_contacts(
            partnership, keep=[self.instance.partner_lead_id]
        )
        self.fields["partner_lead"].label_from_instance = _contact_label
        self.helper = _helper(
            Row(Column("check_in_cadence"), Column("review_cadence")),
            "channels",
            Row(Column("our_lead"), Column("partner_lead")),
            Row(
                Column("reporting", css_class="col-md-8"),
                Column("reporting_frequency", css_class="col-md-4"),
            ),
            submit="Save the plan",
            cancel_url=cancel_url,
        )


class StepForm(forms.ModelForm):
    class Meta:
        model = EscalationStep
        fields = [
            "level",
            "mechanism",
            "our_person",
            "our_role",
            "partner_person",
            "partner_role",
            "days_to_respond",
        ]

    def __init__(self, *args, partnership: Partnership, cancel_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["our_person"].queryset = people()
        self.fields["partner_person"].queryset = partner_contacts(
            partnership, keep=[self.instance.partner_person_id]
        )
        self.fields["partner_person"].label_from_instance = _contact_label
        self.fields["level"].min_value = 1
        self.fields["level"].widget.attrs["min"] = 1
        self.fields["days_to_respond"].widget.attrs["min"] = 1
        self.helper = _helper(
            Row(Column("level", css_class="col-md-3"), Column("mechanism", css_class="col-md-9")),
            Row(Column("our_person"), Column("our_role")),
            Row(Column("partner_person"), Column("partner_role")),
            Row(Column("days_to_respond", css_class="col-md-4")),
            submit="Save step",
            cancel_url=cancel_url,
        )


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "approve", "reopen", "terminate", "expire")]
    )
    note = forms.CharField(required=False, max_length=2000)


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(coerce=int, label="Compare version")
    b = forms.TypedChoiceField(coerce=int, label="with version")

    def __init__(self, *args, versions: list[Agreement], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.pk, f"v{v.version} · {v.get_status_display()}") for v in versions]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
