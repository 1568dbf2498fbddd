import re
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import FileField as CheckedFileField

INSTALMENT_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+([0-9]+(?:\.[0-9]{1,2})?)\s*$")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class AgreementTermsForm(forms.Form):
    """The mediator's form for one version of the settlement agreement."""

    payment_amount = forms.DecimalField(label=_("Payment to the claimant (CNY)"), min_value=Decimal("0"),
                                        max_digits=14, decimal_places=2, required=False)
    instalments = forms.CharField(label=_("Instalments"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=2000,
                                  help_text=_("One per line: date and amount, e.g. 2026-12-31 10000"))
    cease_infringement = forms.BooleanField(label=_("Stop the infringement"), required=False)
    remove_urls = forms.CharField(label=_("Listings to remove (one URL per line)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    remove_by = forms.DateField(label=_("Remove the listings by"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    destroy_stock = forms.BooleanField(label=_("Destroy infringing stock"), required=False)
    public_apology = forms.CharField(label=_("Public apology"), required=False, max_length=1000)
    confidentiality = forms.BooleanField(label=_("Confidentiality"), required=False, initial=True)
    costs = forms.CharField(label=_("Costs"), required=False, max_length=500)
    default_consequences = forms.CharField(label=_("Consequences of default"), required=False, max_length=1000)
    other = forms.CharField(label=_("Other terms"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=4000)

    def clean_instalments(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["instalments"].splitlines(), start=1):
            if not line.strip():
                continue
            match = INSTALMENT_LINE.match(line)
            if match and not _is_date(match.group(1)):
                match = None  # e.g. 2026-13-45: the right shape, not a day
            if not match:
                raise forms.ValidationError(_("Line %(n)s: write a date and an amount, e.g. 2026-12-31 10000")
                                            % {"n": n})
            rows.append({"date": match.group(1), "amount": match.group(2)})
        return rows

    def clean_remove_urls(self):
        field = forms.URLField(assume_scheme="https")
        return [field.clean(u.strip()) for u in self.cleaned_data["remove_urls"].splitlines() if u.strip()]

    def terms(self) -> dict:
        data = self.cleaned_data
        return {**{k: data[k] for k in ("instalments", "cease_infringement", "remove_urls", "destroy_stock",
                                         "public_apology", "confidentiality", "costs", "default_consequences",
                                         "other")},
                "payment_amount": str(data["payment_amount"] or 0),
                "remove_by": data["remove_by"].isoformat() if data["remove_by"] else ""}

    @classmethod
    def initial_from(cls, terms: dict) -> dict:
        if not terms:
            return {}
        return {**terms, "instalments": "\n".join(f"{i['date']} {i['amount']}" for i in terms.get("instalments", [])),
                "remove_urls": "\n".join(terms.get("remove_urls", []))}


class SignForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label=_("Code from your authenticator app (if you use one)"), required=False,
                                max_length=6)


class RulingForm(forms.Form):
    result = forms.ChoiceField(label=_("Ruling"), choices=[("confirmed", _("Confirmed")),
                                                           ("rejected", _("Not confirmed"))], widget=forms.RadioSelect)
    ruling_number = forms.CharField(label=_("Ruling number"), max_length=80,
                                    help_text=_("e.g. (2026)浙0106民特123号"))
    ruling_date = forms.DateField(label=_("Ruling date"), widget=forms.DateInput(attrs={"type": "date"}))
    # Checked by size and content like every upload (portal.forms.FileField).
    ruling_pdf = CheckedFileField(label=_("The ruling (PDF)"), required=False)
