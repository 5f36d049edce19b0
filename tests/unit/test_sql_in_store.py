"""Only assistant/core/store runs SQL: no `.execute(` (or executemany/executescript) elsewhere.

Everything else asks the Store, whose methods are each one transaction, so a use case
cannot half-write or bypass its lock. Any reference to those attributes counts (a call,
or the bound method passed on), wherever it sits in the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "assistant"
STORE = PACKAGE / "core" / "store"
SQL_METHODS = {"execute", "executemany", "executescript"}


def sql_uses(path: Path) -> list[str]:
    """`file:line .name` for every attribute `.execute`, `.executemany`, `.executescript`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [f"{path.name}:{node.lineno} .{node.attr}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in SQL_METHODS]


def outside_store(package: Path, store: Path) -> list[str]:
    return [f"{f.relative_to(package.parent)}: {use}" for f in sorted(package.rglob("*.py"))
            if store not in f.parents for use in sql_uses(f)]


def test_no_sql_outside_the_store_package() -> None:
    assert len(list(PACKAGE.rglob("*.py"))) > 40  # the scan really walks the package
    assert sql_uses(STORE / "store.py")  # and really sees SQL where it is
    assert outside_store(PACKAGE, STORE) == []


def test_the_check_catches_sql_anywhere_outside_the_store(tmp_path: Path) -> None:
    pkg = tmp_path / "assistant"
    (pkg / "core" / "store").mkdir(parents=True)
    (pkg / "tui" / "screens").mkdir(parents=True)
    (pkg / "core" / "store" / "store.py").write_text("def f(db):\n    db.execute('SELECT 1')\n")
    (pkg / "tui" / "screens" / "form.py").write_text(
        "def save(store):\n    with store.tx() as db:\n        db.execute('UPDATE x SET y = 1')\n")
    (pkg / "services.py").write_text(
        "def g(store):\n    run = store.db.executemany\n    run('DELETE FROM t', [])\n"
        "    store.db.executescript('DROP TABLE t')\n")
    (pkg / "clean.py").write_text("def h(store):\n    return store.circles()  # .execute( no\n")
    found = outside_store(pkg, pkg / "core" / "store")
    assert found == ["assistant/services.py: services.py:2 .executemany",
                     "assistant/services.py: services.py:4 .executescript",
                     "assistant/tui/screens/form.py: form.py:3 .execute"]
