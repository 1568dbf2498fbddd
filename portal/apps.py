from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from portal import signals  # noqa: F401  (connects receivers)
        from portal.api import webhooks  # connects the webhook events to the state machines
        from portal.deadlines import register_deadline_job

        register_deadline_job(webhooks.retry_due_deliveries)
