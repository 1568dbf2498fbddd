from django import forms
from django.utils.translation import gettext_lazy as _


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What it shows"), max_length=300, required=False)


class CaptureForm(forms.Form):
    url = forms.URLField(label=_("Web page address"), max_length=2000, assume_scheme="https",
                         help_text=_("The server opens the page in its own browser and preserves a screenshot, "
                                     "the page's HTML and the capture details."))


class VerifyForm(forms.Form):
    q = forms.CharField(label=_("SHA-256 hash or certificate number"), max_length=80, required=False,
                        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def clean_q(self):
        return self.cleaned_data["q"].strip()
