"""Domain logic and engines. Nothing here may import Textual (see tests/unit/test_import_hygiene.py)."""
