"""The notification centre: what a user was told, and how they want to be told.

Every event of every process (intake, mediation, arbitration, notary, deadline
reminders) goes through portal.notifications.notify(), which stores an in-app
Notification, sends email and SMS as the recipient's NotificationPreference
says. The title and body are rendered once, in the recipient's language, at
the time of sending: what the user reads later is what they were told then.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import is_mainland_mobile


class NotificationCategory(models.TextChoices):
    CASE = "case", _("Case filing and intake")
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    NOTARY = "notary", _("Evidence and notarisation")
    DEADLINE = "deadline", _("Deadline reminders")
    ACCOUNT = "account", _("Account")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """One message in a user's in-app notification list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(_("category"), max_length=20, choices=NotificationCategory.choices)
    event = models.SlugField(_("event"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    case = models.ForeignKey("portal.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("case"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            self.save(update_fields=["read_at"])


class NotificationPreference(models.Model):
    """Which channels a user wants for one category. Without a stored row the
    defaults apply (see `defaults`); in-app deadline reminders cannot be
    switched off, so nobody misses a deadline through a checkbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    category = models.CharField(_("category"), max_length=20, choices=NotificationCategory.choices)
    in_app = models.BooleanField(_("in the portal"), default=True)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("text message"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_preference_per_category")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_category_display()}"

    @staticmethod
    def defaults(user, category: str) -> dict[str, bool]:
        """In-app and email on; text messages only for deadline reminders, and
        only for users with a mobile number."""
        return {"in_app": True, "email": True,
                "sms": category == NotificationCategory.DEADLINE and is_mainland_mobile(user.phone)}


class DeadlineReminderSent(models.Model):
    """A reminder already sent, so the periodic job never sends it twice.
    `key` names the deadline, its due time and the offset (portal/deadlines.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder sent")
        verbose_name_plural = _("deadline reminders sent")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_reminder_per_user_and_key")]

    def __str__(self) -> str:
        return f"{self.user} · {self.key}"
