from django import forms

from cms.infringers.models import InfringerObjection
from portal.forms import limit_length

GROUNDS_MAX_LENGTH = 5000


class ObjectionForm(forms.ModelForm):
    """A listed company's objection to its entry on the infringer list."""

    class Meta:
        model = InfringerObjection
        fields = ["name", "email", "phone", "grounds"]
        widgets = {"grounds": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["grounds"], GROUNDS_MAX_LENGTH)


class DecisionForm(forms.Form):
    """The case manager's note on an infringer-list decision."""

    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
