"""Seed the two procedures and the fee schedule (arbitration/defaults.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from arbitration.defaults import ensure_defaults

    ensure_defaults(apps.get_model("arbitration", "RuleSet"), apps.get_model("arbitration", "FeeSchedule"),
                    apps.get_model("arbitration", "FeeTier"))


class Migration(migrations.Migration):
    dependencies = [("arbitration", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
