"""``inventory-editor po …`` (SPEC section 6): output, refusals with exit 1 and a message, usage errors exit 2."""

from __future__ import annotations

import json

from desktop_app.cli import main


def run(capsys, db, *args):
    code = main(["--db", db, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_po_commands_print_ids_and_json_and_refuse_with_reasons(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    assert run(capsys, db, "product", "add", "MUG", "--barcode", "0001")[0] == 0
    code, out, _ = run(capsys, db, "po", "create", "--supplier", "Acme", "--expected", "2026-07-01", "MUG=4")
    assert code == 0 and out.strip() == "1"
    assert run(capsys, db, "po", "order", "1")[0] == 0
    code, out, err = run(capsys, db, "po", "receive", "1", "MUG=5", "--json")
    assert code == 1 and "receiving 5 is more than the 4 outstanding" in err
    assert "refused" in json.loads(out)["error"]
    code, out, _ = run(capsys, db, "po", "receive", "#1", "0001=3")  # a barcode names the line too
    assert code == 0 and "MUG" in out and "ordered" in out
    code, out, _ = run(capsys, db, "po", "show", "1", "--json")
    assert json.loads(out)["lines"] == [
        {"item_number": "MUG", "name": "", "quantity": 4, "received": 3, "outstanding": 1, "unit_cost": None}
    ]
    code, _, err = run(capsys, db, "po", "cancel", "1")
    assert code == 1 and "close it instead" in err
    code, _, err = run(capsys, db, "po", "show", "7")
    assert code == 1 and "There is no purchase order 7" in err
    code, _, err = run(capsys, db, "po", "create", "--supplier", "Acme", "MUG=x")
    assert code == 1 and "MUG" in err
    code, out, _ = run(capsys, db, "po", "list", "--state", "ordered", "--json")
    assert [(p["id"], p["outstanding"]) for p in json.loads(out)] == [(1, 1)]


def test_po_usage_errors_exit_2(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    try:
        main(["--db", db, "po", "create", "MUG=1"])  # --supplier is required
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("a missing --supplier was accepted")
    capsys.readouterr()
