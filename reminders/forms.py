from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from . import registry


def kind_choices() -> list[tuple[str, str]]:
    return [
        (key, kind.label) for key, kind in registry.kinds().items() if key != registry.DIGEST_KIND
    ]


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="E-mail me about",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a kind to see it only in Accord (the bell), not by e-mail.",
    )
    digest_only = forms.BooleanField(
        label="Only the weekly digest",
        required=False,
        help_text="No e-mail per reminder: one digest a week instead. The bell still shows all.",
    )
    weekly_digest = forms.BooleanField(
        label="Weekly digest by e-mail",
        required=False,
        help_text="What is overdue, at risk and near its notice deadline, every week.",
    )

    def __init__(self, *args, show_digest: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = kind_choices()
        fields = ["email_kinds", "digest_only"]
        if show_digest:
            fields.append("weekly_digest")
        else:
            del self.fields["weekly_digest"]
        self.helper = FormHelper()
        self.helper.layout = Layout(Fieldset("", *fields))
        self.helper.add_input(Submit("submit", "Save preferences"))

    def clean(self) -> dict:
        data = super().clean()
        data.setdefault("weekly_digest", True)
        return data
