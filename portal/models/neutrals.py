"""Neutrals: the centre's panel of mediators and arbitrators.

A NeutralProfile is the public face of a mediator or arbitrator account: what
the directory on the public site shows, and what mediation/ and arbitration/
choose from when a neutral is appointed. It lives in portal (not cms) because
those apps need it and nothing may import cms.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string

from .cases import CaseAssignment, CaseState, IPType

# A case in one of these states no longer occupies its neutrals. Intake has
# only these two end states; mediation/ and arbitration/ add theirs here when
# their machines land.
CLOSED_CASE_STATES = (CaseState.REJECTED, CaseState.WITHDRAWN)

# Languages a neutral can work in (ISO 639-1 codes as stored in `languages`).
LANGUAGE_NAMES = {
    "zh": _("Chinese"),
    "en": _("English"),
    "ja": _("Japanese"),
    "ko": _("Korean"),
    "de": _("German"),
    "fr": _("French"),
}

ERROR_NO_ROLE = _("A neutral serves as a mediator, an arbitrator or both.")
ERROR_UNKNOWN_IP_TYPE = _("Unknown type of right: %(value)s.")
ERROR_UNKNOWN_LANGUAGE = _("Unknown language code: %(value)s.")


def validate_ip_types(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Expected a list of types of right."))
    for item in value:
        if item not in IPType.values:
            raise ValidationError(ERROR_UNKNOWN_IP_TYPE, params={"value": item})


class IPTypeListField(models.JSONField):
    """A list of IPType values, edited as a set of checkboxes."""

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{
            "form_class": forms.TypedMultipleChoiceField, "choices": IPType.choices,
            "widget": forms.CheckboxSelectMultiple, "show_hidden_initial": False, **kwargs})


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


class NeutralProfileQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, user__is_active=True)

    def with_speciality(self, ip_type: str):
        # The list is stored as JSON text; a quoted value matches exactly one
        # element (no IPType value contains another in quotes), and this works
        # on SQLite as well as PostgreSQL, where `__contains` does not.
        return self.filter(ip_specialities__icontains=f'"{ip_type}"')

    def speaking(self, code: str):
        return self.alias(padded_languages=Concat(Value(","), "languages", Value(","))).filter(
            padded_languages__contains=f",{code},")

    def with_caseload(self):
        """Annotate `active_caseload` (what `current_caseload` reads) in the same query."""
        return self.annotate(active_caseload=Count("user__assignments", filter=(
            Q(user__assignments__active=True) & ~Q(user__assignments__case__state__in=CLOSED_CASE_STATES))))


class NeutralProfile(models.Model):
    """A mediator's or arbitrator's directory entry.

    IP specialities are a JSON list of `IPType` values rather than an M2M: the
    set of types is small and fixed in code, editors tick them on the one
    profile form, listing them needs no join, and the directory filter is a
    single lookup (`NeutralProfileQuerySet.with_speciality`). Values are checked
    against IPType on `full_clean()`.
    """

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        LIMITED = "limited", _("Limited availability")
        UNAVAILABLE = "unavailable", _("Not taking new cases")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="neutral_profile",
        limit_choices_to={"role__in": ["mediator", "arbitrator"]})
    is_mediator = models.BooleanField(_("mediator"), default=False)
    is_arbitrator = models.BooleanField(_("arbitrator"), default=False)
    display_name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    photo = models.ForeignKey(get_image_model_string(), verbose_name=_("photo"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    ip_specialities = IPTypeListField(_("IP specialities"), default=list, blank=True, validators=[validate_ip_types])
    industries = models.CharField(_("industries"), max_length=300, blank=True,
                                  help_text=_("Comma-separated, e.g. 电子商务, 茶叶, 服装"))
    languages = models.CharField(_("working languages"), max_length=60, default="zh",
                                 help_text=_("Comma-separated language codes, e.g. zh,en"))
    region = models.CharField(_("region"), max_length=60, blank=True, help_text=_("e.g. 浙江省杭州市"))
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    years_of_practice = models.PositiveSmallIntegerField(_("years of practice"), default=0)
    bio = RichTextField(_("biography (Chinese)"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    bio_en = RichTextField(_("biography (English)"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    availability = models.CharField(_("availability"), max_length=20, choices=Availability.choices,
                                    default=Availability.AVAILABLE)
    is_public = models.BooleanField(_("shown in the public directory"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeutralProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("neutral profile")
        verbose_name_plural = _("neutral profiles")
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if not (self.is_mediator or self.is_arbitrator):
            raise ValidationError(ERROR_NO_ROLE)
        codes = list(dict.fromkeys(code.lower() for code in _split(self.languages)))
        for code in codes:
            if code not in LANGUAGE_NAMES:
                raise ValidationError({"languages": ValidationError(ERROR_UNKNOWN_LANGUAGE, params={"value": code})})
        self.languages = ",".join(codes)

    @property
    def current_caseload(self) -> int:
        """Active appointments on cases that are not closed."""
        annotated = self.__dict__.get("active_caseload")
        if annotated is not None:
            return annotated
        return CaseAssignment.objects.filter(user_id=self.user_id, active=True).exclude(
            case__state__in=CLOSED_CASE_STATES).count()

    @property
    def industry_list(self) -> list[str]:
        return _split(self.industries)

    @property
    def language_list(self) -> list[tuple[str, str]]:
        return [(code, LANGUAGE_NAMES.get(code, code)) for code in _split(self.languages)]

    @property
    def speciality_list(self) -> list[tuple[str, str]]:
        return [(value, IPType(value).label) for value in self.ip_specialities if value in IPType.values]

    @property
    def initials(self) -> str:
        # Chinese names: the surname character; otherwise the first letters.
        name = self.display_name or self.name_en
        if name and ord(name[0]) > 0x2E80:
            return name[0]
        return "".join(part[0] for part in name.split()[:2]).upper()
