"""Session rooms belong to a case and a process (mediation or arbitration), so
that arbitration hearings use the same rooms; the mediation becomes optional."""

import django.db.models.deletion
from django.db import migrations, models


def fill_case_and_name(apps, schema_editor):
    SessionRoom = apps.get_model("mediation", "SessionRoom")
    for room in SessionRoom.objects.select_related("mediation").iterator():
        room.case_id = room.mediation.case_id
        room.name = room.side if room.kind == "caucus" else "joint"
        room.process = "mediation"
        room.save(update_fields=["case", "name", "process"])


class Migration(migrations.Migration):

    dependencies = [
        ("mediation", "0007_live_sessions"),
        ("portal", "0006_api"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="sessionroom", name="one_room_per_kind_side"),
        migrations.AddField(
            model_name="sessionroom", name="case",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="session_rooms", to="portal.case"),
        ),
        migrations.AddField(model_name="sessionroom", name="process",
                            field=models.CharField(default="mediation", max_length=20)),
        migrations.AddField(model_name="sessionroom", name="name",
                            field=models.CharField(default="", max_length=40), preserve_default=False),
        migrations.RunPython(fill_case_and_name, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sessionroom", name="case",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="session_rooms",
                                    to="portal.case"),
        ),
        migrations.AlterField(
            model_name="sessionroom", name="mediation",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="rooms", to="mediation.mediation"),
        ),
        migrations.AlterField(
            model_name="sessionroom", name="kind",
            field=models.CharField(choices=[("joint", "Joint session"), ("caucus", "Private caucus"),
                                            ("hearing", "Online hearing")], max_length=10),
        ),
        migrations.AddConstraint(
            model_name="sessionroom",
            constraint=models.UniqueConstraint(fields=("case", "name"), name="one_room_per_case_name"),
        ),
    ]
