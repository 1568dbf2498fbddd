# Existing IP categories of the filing page belong to the default (Chinese) locale.

from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0004_filing_category_locale_bootstrap'),
        ('wagtailcore', '0054_initial_locale'),
    ]

    operations = [
        BootstrapTranslatableModel('cms.FilingCategory'),
    ]
