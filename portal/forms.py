"""Forms for accounts, the filing wizard and screening."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import (
    ArbitrationAgreement,
    Case,
    CaseDocument,
    Channel,
    IPRight,
    IPType,
    NotificationCategory,
    Party,
    Track,
    User,
)
from portal.notifications import Channels, preferences_for
from portal.services.documents import check_upload
from portal.validators import validate_credit_code, validate_id_number


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                 "autocomplete": "email"}))


class RegistrationForm(forms.ModelForm):
    """Self-registration for rights holders, respondents and lawyers."""

    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "preferred_language"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            user = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        user.role = User.Role.PARTY
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


def limit_length(field: forms.CharField, limit: int) -> None:
    """Give a text field of a model form (a TextField has no max_length) a limit
    that the form checks and the browser knows."""
    field.max_length = limit
    field.validators.append(validators.MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


# Free text has limits like everything else (the API's are the same: portal/api/serializers.py).
FACTS_MAX_LENGTH = 20000
NOTE_MAX_LENGTH = 2000


class FileField(forms.FileField):
    """A file field that checks size and content type (not the extension) on clean."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "chunks"):
            check_upload(upload)
        return upload


# --- wizard: start ---------------------------------------------------------------------

class StartFilingForm(forms.Form):
    """The first screen: staff pick walk-in or hotline; clerks give the court's reference."""

    channel = forms.ChoiceField(label=_("Received through"), choices=[(Channel.WALK_IN, Channel.WALK_IN.label),
                                                                      (Channel.HOTLINE, Channel.HOTLINE.label)])
    intake_note = forms.CharField(label=_("Intake note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=NOTE_MAX_LENGTH,
                                  help_text=_("Who came or called, when, and what they asked for."))

    def __init__(self, *args, mode: str, **kwargs):
        super().__init__(*args, **kwargs)
        if mode == "court":
            del self.fields["channel"]
            del self.fields["intake_note"]
            self.fields["court_reference"] = forms.CharField(
                label=_("Court's reference number"), max_length=64,
                help_text=_("e.g. (2026)浙0106民诉前调1234号"))
        elif mode == "online":
            del self.fields["channel"]
            del self.fields["intake_note"]


# --- wizard: parties ---------------------------------------------------------------------

class PartyForm(forms.ModelForm):
    shop_url = forms.URLField(label=_("e-commerce shop URL"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Party
        fields = ["kind", "name", "credit_code", "id_number", "address", "region_code", "phone", "email", "shop_url",
                  "related_parties"]
        widgets = {"kind": forms.RadioSelect, "related_parties": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, side: str, **kwargs):
        self.side = side
        super().__init__(*args, **kwargs)
        from portal.models import Court

        districts = Court.objects.filter(level=Court.Level.BASIC).order_by("region_code").values_list(
            "region_code", "name", "name_en")
        # Courts are named in the interface's language: the English name where there is one.
        english = not (get_language() or "").startswith("zh")
        self.fields["region_code"] = forms.ChoiceField(
            label=_("District (for court jurisdiction)"), required=False,
            choices=[("", _("Not known / elsewhere"))] + [
                (code, f"{code} · {name_en if english and name_en else name}") for code, name, name_en in districts],
            help_text=_("Where the party resides or has its seat; decides which courts may confirm a settlement."))
        if side == Party.Side.CLAIMANT:
            del self.fields["shop_url"]
        limit_length(self.fields["related_parties"], NOTE_MAX_LENGTH)

    def clean_credit_code(self):
        value = self.cleaned_data.get("credit_code", "").strip().upper()
        if value:
            validate_credit_code(value)
        return value

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip().upper()
        if value:
            validate_id_number(value)
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if self.side == Party.Side.CLAIMANT:
            if kind == Party.Kind.ENTITY and not data.get("credit_code") and "credit_code" not in self.errors:
                self.add_error("credit_code", _("A claimant company needs its unified social credit code."))
            if kind == Party.Kind.PERSON and not data.get("id_number") and "id_number" not in self.errors:
                self.add_error("id_number", _("A claimant person needs their ID number."))
            if not data.get("phone") and not data.get("email"):
                self.add_error("phone", _("Give a phone number or an email address."))
        else:
            if not any(data.get(f) for f in ("address", "phone", "email", "shop_url")):
                self.add_error("address", _("Give at least one way to reach the respondent: address, phone, "
                                            "email or shop URL."))
        return data


class BasePartyFormSet(BaseInlineFormSet):
    side = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Party.objects.filter(side=self.side))
        kwargs.setdefault("prefix", self.side)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "side": self.side}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, side=self.side, renderer=self.renderer)
        self.add_fields(form, None)
        return form

    def save_new(self, form, commit=True):
        form.instance.side = self.side
        return super().save_new(form, commit)


class ClaimantFormSet(inlineformset_factory(Case, Party, form=PartyForm, formset=BasePartyFormSet,
                                           extra=0, min_num=1, validate_min=True, can_delete=True, max_num=10)):
    side = Party.Side.CLAIMANT


class RespondentFormSet(inlineformset_factory(Case, Party, form=PartyForm, formset=BasePartyFormSet,
                                             extra=0, min_num=1, validate_min=True, can_delete=True, max_num=20)):
    side = Party.Side.RESPONDENT


class FilingAsForm(forms.Form):
    """Online filers say whether they file for themselves or as a lawyer/agent."""

    filing_as = forms.ChoiceField(
        label=_("I am filing"), widget=forms.RadioSelect,
        choices=[("self", _("as the claimant (or its staff)")), ("agent", _("as an agent (lawyer) for the claimant"))],
    )
    agent_name = forms.CharField(label=_("Agent's name"), max_length=120, required=False)
    law_firm = forms.CharField(label=_("Law firm"), max_length=200, required=False)
    licence_number = forms.CharField(label=_("Lawyer's licence number"), max_length=32, required=False)
    agent_phone = forms.CharField(label=_("Agent's phone"), max_length=30, required=False)
    power_of_attorney = FileField(label=_("Power of attorney (PDF or image)"), required=False)

    def __init__(self, *args, has_poa: bool = False, **kwargs):
        self.has_poa = has_poa
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("filing_as") == "agent":
            if not data.get("agent_name"):
                self.add_error("agent_name", _("Enter the agent's name."))
            if not data.get("power_of_attorney") and not self.has_poa:
                self.add_error("power_of_attorney", _("An agent must upload the power of attorney."))
        return data


# --- wizard: rights, claims, evidence, track ----------------------------------------------------

class IPRightForm(forms.ModelForm):
    class Meta:
        model = IPRight
        fields = ["ip_type", "title", "registration_number", "holder", "valid_from", "valid_until"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, offered_ip_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = set(offered_ip_types or IPType.values)
        self.fields["ip_type"].choices = [("", "---------")] + [(v, label) for v, label in IPType.choices
                                                                 if v in offered]

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity cannot be before its start."))
        if data.get("ip_type") in (IPType.PATENT, IPType.TRADEMARK, IPType.PLANT_VARIETY) \
                and not data.get("registration_number"):
            self.add_error("registration_number", _("Registered rights need their registration or patent number."))
        return data


class BaseIPRightFormSet(BaseInlineFormSet):
    def __init__(self, *args, offered_ip_types=None, **kwargs):
        self.offered_ip_types = offered_ip_types
        kwargs.setdefault("prefix", "rights")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "offered_ip_types": self.offered_ip_types}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, offered_ip_types=self.offered_ip_types,
                         renderer=self.renderer)
        self.add_fields(form, None)
        return form


IPRightFormSet = inlineformset_factory(Case, IPRight, form=IPRightForm, formset=BaseIPRightFormSet,
                                      extra=0, min_num=1, validate_min=True, can_delete=True, max_num=20)


class ClaimsForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["facts", "claim_amount", "claim_cease_infringement", "claim_remove_listings",
                  "claim_destroy_stock", "claim_apology", "claim_costs", "claim_other"]
        widgets = {"facts": forms.Textarea(attrs={"rows": 8}), "claim_other": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facts"].required = True
        limit_length(self.fields["facts"], FACTS_MAX_LENGTH)
        limit_length(self.fields["claim_other"], NOTE_MAX_LENGTH)
        self.fields["facts"].help_text = _("What happened, when you found it, and why it infringes your right.")

    def clean(self):
        data = super().clean()
        claims = [data.get(f) for f in ("claim_amount", "claim_cease_infringement", "claim_remove_listings",
                                        "claim_destroy_stock", "claim_apology", "claim_costs", "claim_other")]
        if not any(claims):
            raise forms.ValidationError(_("Choose at least one claim."))
        return data


class EvidenceUploadForm(forms.Form):
    file = FileField(label=_("File"))
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(CaseDocument.Kind.EVIDENCE, CaseDocument.Kind.EVIDENCE.label),
                                                       (CaseDocument.Kind.IDENTITY, CaseDocument.Kind.IDENTITY.label),
                                                       (CaseDocument.Kind.OTHER, CaseDocument.Kind.OTHER.label)])


class TrackForm(forms.ModelForm):
    agreement_file = FileField(label=_("Arbitration agreement or clause (PDF or image)"), required=False)

    class Meta:
        model = Case
        fields = ["track", "arbitration_agreement"]
        widgets = {"track": forms.RadioSelect, "arbitration_agreement": forms.RadioSelect}

    def __init__(self, *args, has_agreement_file: bool = False, **kwargs):
        self.has_agreement_file = has_agreement_file
        super().__init__(*args, **kwargs)
        self.fields["arbitration_agreement"].choices = [c for c in ArbitrationAgreement.choices if c[0]]
        self.fields["arbitration_agreement"].required = False
        self.fields["track"].choices = Track.choices
        if self.instance.channel == Channel.COURT:
            self.fields["track"].disabled = True
            self.fields["track"].help_text = _("Court referrals are mediated before litigation.")

    def clean(self):
        data = super().clean()
        if data.get("track") == Track.ARBITRATION:
            basis = data.get("arbitration_agreement")
            if not basis:
                self.add_error("arbitration_agreement", _("Arbitration needs an arbitration agreement: upload it "
                                                          "or ask the respondent to agree."))
            elif basis == ArbitrationAgreement.UPLOADED and not data.get("agreement_file") \
                    and not self.has_agreement_file:
                self.add_error("agreement_file", _("Upload the arbitration agreement."))
        else:
            data["arbitration_agreement"] = ""
        return data


class ScreeningForm(forms.Form):
    note = forms.CharField(label=_("Note to the claimant"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)


class IntakeQueueFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels"))] + Channel.choices)
    ip_type = forms.ChoiceField(label=_("Type of right"), required=False,
                                choices=[("", _("All types"))] + IPType.choices)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Awaiting screening")), ("returned", _("Returned for correction")), ("docketed", _("Docketed")),
        ("rejected", _("Rejected")), ("withdrawn", _("Withdrawn"))])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class NotificationPreferencesForm(forms.Form):
    """A checkbox per category and channel. In-app deadline reminders cannot be
    switched off."""

    CHANNELS = [("in_app", _("In the portal")), ("email", _("Email")), ("sms", _("Text message"))]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        current = preferences_for(user)
        for category, label in NotificationCategory.choices:
            for channel, channel_label in self.CHANNELS:
                self.fields[f"{category}__{channel}"] = forms.BooleanField(
                    label=f"{label} · {channel_label}", required=False,
                    initial=getattr(current[category], channel),
                    disabled=(category == NotificationCategory.DEADLINE and channel == "in_app"))

    def rows(self):
        """(category label, [bound field per channel]) for the table."""
        return [(label, [self[f"{category}__{channel}"] for channel, _label in self.CHANNELS])
                for category, label in NotificationCategory.choices]

    def preferences(self) -> dict[str, Channels]:
        data = self.cleaned_data
        return {category: Channels(**{channel: bool(data[f"{category}__{channel}"]) for channel, _l in self.CHANNELS})
                for category in NotificationCategory.values}
