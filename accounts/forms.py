from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from . import sso
from .models import User


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail and password do not match an active account. "
        "Check both and try again.",
        "sso_required": "%(domain)s signs in with single sign-on: use “Sign in with "
        "%(provider)s” above. Your Accord password is not used.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Sign in", css_class="w-100"))

    def clean(self):
        # Said before the password is tried, so the person is told what to do instead of being
        # counted towards a lockout for a password that can never work.
        email = self.cleaned_data.get("username") or ""
        if sso.sso_required(email):
            raise ValidationError(
                self.error_messages["sso_required"],
                code="sso_required",
                params={"domain": sso.domain_of(email), "provider": sso.name()},
            )
        return super().clean()


class AccordPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, request=None, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Change password"))

    def clean_old_password(self) -> str:
        """Checked through authenticate(), so a stolen session guessing the current password
        is counted and locked exactly as guesses at the sign-in are (accounts/throttle.py)."""
        old_password = self.cleaned_data["old_password"]
        user = authenticate(self.request, username=self.user.email, password=old_password)
        if user is None or user.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        help_texts = {"time_zone": "Dates and times in Accord are shown in this zone."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save"))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, submit: str = "Continue", help_text: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own form carries next and the CSRF token
        self.helper.add_input(Submit("submit", submit))
