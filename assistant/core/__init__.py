"""Domain logic and engines.

Nothing here may import Textual (enforced by tests/unit/test_import_hygiene.py).
"""
