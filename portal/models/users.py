"""People and organisations.

One account per person, logging in with an email address. The global role
says what kind of user someone is (a party, a neutral, a court clerk, centre
staff); what they may see of a given case is decided per case by the rules in
portal/rules.py (party or agent in it, appointed to it, referred by their court).
"""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A company, law firm, e-commerce platform, court or other body a user belongs to.

    Platforms and courts connect through the REST API (portal/api/, docs/api.md)
    with tokens issued to the organisation; what a token may do follows from
    `kind`. A court organisation names the Court it speaks for.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        LAW_FIRM = "law_firm", _("Law firm")
        PLATFORM = "platform", _("E-commerce platform")
        COURT = "court", _("Court")
        CENTRE = "centre", _("Dispute resolution centre")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    court = models.ForeignKey(
        "portal.Court", verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organisations", help_text=_("Courts only: the court this organisation's API tokens act for."),
    )
    # The account API requests act as (case filer, custody actor, clerk of
    # `court`): created on first use by portal.api.services.api_account().
    api_account = models.OneToOneField(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind="court") | models.Q(court__isnull=False),
                                   name="court_organisation_has_court",
                                   violation_error_message=_("A court organisation must name its court.")),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A portal account. Email is the login; there is no username."""

    class Role(models.TextChoices):
        PARTY = "party", _("Party or agent")
        MEDIATOR = "mediator", _("Mediator")
        ARBITRATOR = "arbitrator", _("Arbitrator")
        CLERK = "clerk", _("Court clerk")
        CASE_MANAGER = "case_manager", _("Case manager")
        ADMIN = "admin", _("Administrator")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTY)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    court = models.ForeignKey(
        "portal.Court", verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="clerks", help_text=_("Court clerks only: the court they work for."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @property
    def is_case_manager(self) -> bool:
        return self.is_active and self.role in (self.Role.CASE_MANAGER, self.Role.ADMIN)

    @property
    def is_clerk(self) -> bool:
        return self.is_active and self.role == self.Role.CLERK and self.court_id is not None

    @property
    def is_neutral(self) -> bool:
        return self.role in (self.Role.MEDIATOR, self.Role.ARBITRATOR)

    @property
    def needs_two_factor(self) -> bool:
        """Centre staff and admins must use TOTP (enforced by StaffTwoFactorMiddleware)."""
        return self.is_superuser or self.role in (self.Role.CASE_MANAGER, self.Role.ADMIN)
