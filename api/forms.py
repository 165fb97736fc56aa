from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from partnerships.forms import DATE


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What it is for, so you know it when you revoke it."
    )
    access = forms.ChoiceField(
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
        widget=forms.RadioSelect,
        help_text="A read-write token changes data as you would: with your role, on your "
        "partnerships.",
    )
    expires_on = forms.DateField(
        label="Expires", required=False, widget=DATE, help_text="Leave empty for no expiry."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("create", "Create token"))
