"""Courts: they refer disputes for pre-litigation mediation and confirm agreements."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Court(models.Model):
    """A people's court. Region codes are the administrative division codes
    (GB/T 2260), used later to decide which courts may confirm an agreement."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic people's court")
        INTERMEDIATE = "intermediate", _("Intermediate people's court")
        HIGH = "high", _("Higher people's court")
        IP = "ip", _("Intellectual property court")

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BASIC)
    region_code = models.CharField(_("region code"), max_length=6, help_text=_("GB/T 2260 division code"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    accepts_referrals = models.BooleanField(_("refers disputes for mediation"), default=True)

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name
