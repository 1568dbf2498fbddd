from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotaryConfig(AppConfig):
    """Evidence preservation: transparency log, timestamps, certificates."""

    name = "notary"
    verbose_name = _("Notary")

    def ready(self) -> None:
        from notary import rules, signals  # noqa: F401  (registers permissions and receivers)
