"""One door for every write: only ``desktop_app/ledger.py`` writes stock and history (issue 12).

Stock is on_hand, on_order, committed and status_id of ``items``; history is events, movements,
status_changes and field_changes. These tests read the source of ``desktop_app/`` and ``ui/`` and name every
other place that writes them, in SQL text or with SQLAlchemy Core, so a second writer fails the tests.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
THE_DOOR = ROOT / "desktop_app" / "ledger.py"
STOCK = {"on_hand", "on_order", "committed", "status_id"}
HISTORY = {"events", "movements", "status_changes", "field_changes"}

# SQL text: any write to a history table, any INSERT of items (creating a unit sets its counts and status),
# and an UPDATE of items whose SET names a stock column or a column chosen at run time ({...}).
SQL_WRITES = [
    re.compile(rf"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+({'|'.join(HISTORY)})\b", re.I),
    re.compile(r"\bINSERT\s+INTO\s+items\b", re.I),
    re.compile(rf"\bUPDATE\s+items\s+SET\b[^;]*?(\b({'|'.join(STOCK)})\b|\{{)", re.I | re.S),
]


def _sources() -> list[Path]:
    found = []
    for folder in ("desktop_app", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == THE_DOOR or "migrations" in path.parts:
                continue
            found.append(path)
    return found


def _text_of(node: ast.AST) -> str | None:
    """A string constant, or an f-string with each placeholder shown as ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return None


def _table_statement(call: ast.AST) -> tuple[str, str] | None:
    """``(table, verb)`` when ``call`` is ``items.update()``, ``movements.insert()``, ``update(items)`` ..."""
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    verbs = ("insert", "update", "delete")
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in verbs:
        return func.value.id, func.attr
    if isinstance(func, ast.Name) and func.id in verbs and call.args and isinstance(call.args[0], ast.Name):
        return call.args[0].id, func.id
    return None


def _chain(node: ast.AST):
    """The calls a statement is built from: ``items.update().where(...).values(...)`` yields each call."""
    while True:
        if isinstance(node, ast.Call):
            yield node
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return


def _columns_set(values_call: ast.Call) -> set[str]:
    names = {k.arg for k in values_call.keywords if k.arg}
    dicts = [a for a in values_call.args if isinstance(a, ast.Dict)]
    dicts += [k.value for k in values_call.keywords if k.arg is None and isinstance(k.value, ast.Dict)]
    for d in dicts:
        names |= {k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return names


def writes_outside_the_door(path: Path, root: Path = ROOT) -> list[str]:
    """Every place in one module that writes stock or history, as ``file:line: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    _mark_parents(tree)
    where = path.relative_to(root)
    found: list[str] = []
    for node in ast.walk(tree):
        text = _text_of(node)
        if text is not None and not isinstance(getattr(node, "parent", None), ast.JoinedStr):
            for pattern in SQL_WRITES:
                match = pattern.search(text)
                if match:
                    found.append(f"{where}:{node.lineno}: SQL {match.group(0)[:40]!r}")
        statement = _table_statement(node)
        if statement is None:
            continue
        table, verb = statement
        if table in HISTORY:
            found.append(f"{where}:{node.lineno}: {table}.{verb}()")
        elif table == "items" and verb == "insert":
            found.append(f"{where}:{node.lineno}: items.insert() (a new unit's counts and status)")
    # items.update()...values(on_hand=...): the columns are in the .values() call around the update().
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "values":
            continue
        tables = [s for s in map(_table_statement, _chain(node.func.value)) if s]
        if tables and tables[0] == ("items", "update") and (_columns_set(node) & STOCK):
            columns = sorted(_columns_set(node) & STOCK)
            found.append(f"{where}:{node.lineno}: items.update() setting {', '.join(columns)}")
    # bulk_sql's many-row writers take the table's name: stock and history tables, or a name chosen at run time.
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr in ("insert_many", "update_many") and len(node.args) >= 2:
            table = _text_of(node.args[1])
            if table is None or table in HISTORY or table == "items":
                found.append(f"{where}:{node.lineno}: {node.func.attr}({table or 'a table chosen at run time'})")
    return sorted(set(found))


def _mark_parents(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node


def test_only_the_ledger_writes_stock_and_history():
    offenders = [w for path in _sources() for w in writes_outside_the_door(path)]
    assert offenders == [], "written outside desktop_app/ledger.py:\n" + "\n".join(offenders)


def test_the_check_finds_each_kind_of_write(tmp_path):
    """The source check itself: each way of writing stock or history is found (so the test above can fail)."""
    module = tmp_path / "writer.py"
    module.write_text(
        "def f(conn, items, movements, status_changes, events, field_changes, bindparam, col):\n"
        "    conn.execute(items.update().where(items.c.id == 1).values(on_hand=items.c.on_hand + 1))\n"
        "    conn.execute(items.update().values({'status_id': 2}))\n"
        "    conn.execute(items.update().values(name='x'))\n"
        "    conn.execute(items.insert().values(name='x'))\n"
        "    conn.execute(movements.insert().values(delta=1))\n"
        "    conn.execute(status_changes.insert(), [])\n"
        "    conn.execute(events.insert().values(cause='x'))\n"
        "    conn.execute(field_changes.insert().values(field='x'))\n"
        "    conn.exec_driver_sql('UPDATE items SET committed = 0')\n"
        "    conn.exec_driver_sql(f'UPDATE items SET {col} = 1')\n"
        "    conn.exec_driver_sql('UPDATE items SET name = 1')\n"
        "    conn.exec_driver_sql('INSERT INTO movements (delta) VALUES (1)')\n"
        "    conn.exec_driver_sql('INSERT INTO items (name) VALUES (1)')\n"
        "    bulk_sql.insert_many(conn, 'movements', ('delta',), ('int',), [(1,)])\n"
        "    bulk_sql.update_many(conn, 'orders', 'state = {}', ('text', 'int'), [('open', 1)])\n"
        "    bulk_sql.update_many(conn, col, 'x = {}', ('int', 'int'), [(1, 1)])\n",
        encoding="utf-8",
    )
    found = writes_outside_the_door(module, tmp_path)
    lines = sorted(int(w.split(":")[1]) for w in found)
    # every line but those that only set a name (lines 4 and 12) or write orders (16) writes stock or history
    assert lines == [2, 3, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17]


def test_core_has_no_import_cycles():
    graph = grimp.build_graph("desktop_app", exclude_type_checking_imports=True)  # a type named for the reader
    modules = sorted(graph.modules)
    cycles = []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("desktop_app") and graph.chain_exists(imported, module):
                chain = graph.find_shortest_chain(imported, module)
                cycles.append(" -> ".join([module, *chain]))
    assert cycles == [], "import cycles:\n" + "\n".join(sorted(cycles))


def test_the_ledger_uses_no_private_name_of_another_module():
    tree = ast.parse(THE_DOOR.read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []
