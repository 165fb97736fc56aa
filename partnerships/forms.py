from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User

from .models import Contact, Organization, Partnership, Stage

# A date field as the browser's own date picker (ISO, whatever the locale).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = [
            "name",
            "type",
            "tier",
            "description",
            "executive_sponsor",
            "managers",
            "organization",
            "start_date",
            "check_in_cadence",
            "review_cadence",
        ]
        widgets = {
            "start_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "managers": forms.SelectMultiple(attrs={"size": 5}),
        }
        help_texts = {
            "managers": "Partner managers who run it day to day. Hold Ctrl or ⌘ to pick several.",
            "organization": "Leave empty until the partner is chosen.",
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executive_sponsor"].queryset = User.objects.executives()
        self.fields["managers"].queryset = User.objects.partner_managers()
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        if self.instance.pk is None and user.is_executive:
            self.fields["executive_sponsor"].initial = user.pk
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Row(Column("type"), Column("tier")),
            "description",
            Row(Column("executive_sponsor"), Column("managers")),
            Row(Column("organization"), Column("start_date")),
            Row(Column("check_in_cadence"), Column("review_cadence")),
        )
        self.helper.add_input(
            Submit("submit", "Save changes" if self.instance.pk else "Create partnership")
        )


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note",
        help_text="Why now? Required when ending the partnership.",
    )


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organization
        fields = ["name", "website", "industry", "region", "size", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Row(Column("website"), Column("industry")),
            Row(Column("region"), Column("size")),
            "notes",
        )
        self.helper.add_input(
            Submit("submit", "Save changes" if self.instance.pk else "Create organization")
        )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "left_on"]
        widgets = {"left_on": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        rows = [Row(Column("name"), Column("title")), Row(Column("email"), Column("phone"))]
        if self.instance.pk:
            rows.append(Row(Column("left_on", css_class="col-md-6")))
        else:
            del self.fields["left_on"]  # a new contact is a current one
        self.helper.layout = Layout(*rows)
        self.helper.add_input(Submit("submit", "Save contact" if self.instance.pk else "Add"))


class ContactReassignForm(forms.Form):
    """Who takes over what a contact who left was named for."""

    to = forms.ModelChoiceField(
        label="Hand their part to",
        queryset=Contact.objects.none(),
        empty_label="— choose a contact —",
        error_messages={"required": "Choose who takes over."},
    )

    def __init__(self, *args, contact: Contact, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        field.queryset = (
            Contact.objects.filter(organization_id=contact.organization_id)
            .current()
            .exclude(pk=contact.pk)
            .order_by("name")
        )
        field.label_from_instance = lambda c: c.label
