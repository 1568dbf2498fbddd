from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        # The filing wizard (portal) asks the live "File a dispute" page for
        # the offered IP categories and their guidance; cms provides it, so
        # portal never imports cms.
        from portal import filing

        from .models import filing_guidance_from_page

        filing.register_guidance_provider(filing_guidance_from_page)

        from portal.demo.seed import register_seeder

        from .demo import seed_pages

        register_seeder(seed_pages)
