"""Shared set-up for benchmarks: a throwaway var/ directory and Django."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(var_dir: str | None = None) -> Path:
    var = Path(var_dir or tempfile.mkdtemp(prefix="bench-var-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["PORTAL_VAR_DIR"] = str(var)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return var
