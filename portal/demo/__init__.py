"""Demo data for `manage.py seed_demo` (development and browser tests only)."""
