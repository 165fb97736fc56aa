from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from partnerships.access import people_who_see
from partnerships.forms import DATE
from partnerships.models import Partnership

from .models import Alignment, AlignmentKind, Objective, Party


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = [
            "party",
            "category",
            "title",
            "description",
            "success_measure",
            "baseline",
            "current",
            "target",
            "unit",
            "due_date",
            "owner",
            "priority",
            "status",
        ]
        labels = {"party": "Whose objective", "success_measure": "Success measure"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE,
        }

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["owner"].queryset = people_who_see(partnership)
        self.fields["owner"].empty_label = "Nobody yet"
        self.fields["party"].widget = forms.RadioSelect(choices=Party.choices)
        for name in ("baseline", "current", "target"):
            self.fields[name].widget.attrs["step"] = "any"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Row(Column("party", css_class="col-md-5"), Column("category", css_class="col-md-7")),
            "title",
            "description",
            "success_measure",
            Row(Column("baseline"), Column("current"), Column("target"), Column("unit")),
            Row(Column("due_date"), Column("owner"), Column("priority"), Column("status")),
        )


class AlignmentForm(forms.Form):
    """Link two objectives. Linking a pair already linked changes that link."""

    objective = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        label="Our objective",
        empty_label="Choose one of our objectives",
    )
    partner_objective = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        label="The partner's objective",
        empty_label="Choose one of the partner's objectives",
    )
    kind = forms.ChoiceField(
        label="Relation", choices=AlignmentKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why they support each other, or where they clash.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        objectives = Objective.objects.filter(partnership=partnership).order_by("title", "pk")
        self.fields["objective"].queryset = objectives.filter(party=Party.OURS)
        self.fields["partner_objective"].queryset = objectives.filter(party=Party.PARTNER)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("objective"), Column("partner_objective")), "kind", "note"
        )


class AlignmentEditForm(forms.ModelForm):
    class Meta:
        model = Alignment
        fields = ["kind", "note"]
        widgets = {
            "kind": forms.RadioSelect(choices=AlignmentKind.choices),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
