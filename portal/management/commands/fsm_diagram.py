"""Write the state machines as Mermaid diagrams, generated from the code.

    python manage.py fsm_diagram > docs/state-machines.md

A test checks docs/state-machines.md is current, so the documentation cannot
drift from the transitions the code enforces.
"""

from django.apps import apps
from django.core.management.base import BaseCommand

MACHINES = [("portal.Case", "state", "Case intake"), ("mediation.Mediation", "state", "Mediation"),
            ("arbitration.Arbitration", "state", "Arbitration")]


def mermaid(model_label: str, field_name: str) -> str:
    model = apps.get_model(model_label)
    field = model._meta.get_field(field_name)
    labels = dict(field.choices)
    lines = ["stateDiagram-v2"]
    seen = set()
    for transition in sorted(field.get_all_transitions(model), key=lambda t: (str(t.source), t.name)):
        targets = getattr(transition.target, "allowed_states", None) or [transition.target]
        for target in targets:
            edge = (transition.source, target, transition.name)
            if edge in seen or target is None:
                continue
            seen.add(edge)
            source = "[*]" if transition.source == "*" else transition.source
            lines.append(f"    {source} --> {target}: {transition.name}")
    for value, label in labels.items():
        lines.append(f"    {value}: {value} — {label}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print every state machine of the portal as Mermaid diagrams (Markdown)."

    def handle(self, *args, **options):
        from django.utils import translation

        with translation.override("en"):
            parts = ["# State machines", "",
                     "Generated from the code by `python manage.py fsm_diagram`; do not edit by hand.", ""]
            for label, field, title in MACHINES:
                parts += [f"## {title} (`{label}.{field}`)", "", "```mermaid", mermaid(label, field), "```", ""]
        self.stdout.write("\n".join(parts))
