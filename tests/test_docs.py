"""The state-machine diagrams in docs/ are generated from the code and current."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def test_state_machine_diagrams_are_current():
    out = StringIO()
    call_command("fsm_diagram", stdout=out)
    assert (ROOT / "docs/state-machines.md").read_text() == out.getvalue(), \
        "regenerate with: python manage.py fsm_diagram > docs/state-machines.md"
