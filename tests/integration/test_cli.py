"""The command line's contract (SPEC section 6): exit statuses, JSON output, messages."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import fixture_path
from tests.helpers import write_csv


def run(db, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("INVENTORY_EDITOR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", db, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def db(db_url):
    assert run(db_url, "init").returncode == 0
    return db_url


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["product", "show"],
        ["store", "set", "X", "--tracking", "maybe"],
        ["product", "add", "A", "--colour", "red"],
        ["export", "x.csv", "--format", "xml"],
    ],
)
def test_wrong_usage_exits_2(db, args):
    assert run(db, *args).returncode == 2


def test_refused_exits_1_with_message_and_json_error(db):
    proc = run(db, "product", "show", "NOPE", "--json")
    assert proc.returncode == 1
    assert "no item 'NOPE'" in proc.stderr
    assert json.loads(proc.stdout) == {"error": "There is no item 'NOPE'"}
    assert "Traceback" not in proc.stderr


def test_bad_number_is_refused_not_usage(db):
    proc = run(db, "product", "add", "A", "--on-hand", "lots")
    assert proc.returncode == 1 and "'lots' is not a whole number" in proc.stderr
    assert run(db, "product", "show", "A").returncode == 1


def test_json_everywhere(db):
    assert json.loads(run(db, "store", "add", "Main", "--json").stdout)["name"] == "Main"
    assert json.loads(run(db, "--json", "store", "set", "Main", "--tracking", "on").stdout)["track_inventory"]
    shown = json.loads(run(db, "product", "add", "MUG", "--on-hand", "3", "--json").stdout)
    assert {
        "item_number",
        "name",
        "status",
        "on_hand",
        "on_order",
        "committed",
        "available",
        "available_to_sell",
        "discontinued",
        "non_inventory",
        "min_qty",
        "max_qty",
        "multiple_qty",
        "eta_date",
        "parent",
    } <= set(shown)
    order = json.loads(run(db, "order", "place", "--store", "Main", "MUG=1", "--json").stdout)
    assert order["id"] == 1 and order["state"] == "placed"
    assert run(db, "order", "pay", str(order["id"])).returncode == 0
    history = json.loads(run(db, "history", "MUG", "--json").stdout)
    assert [h["cause"] for h in history] == ["manual", "order placed"]
    assert set(history[0]) >= {
        "kind",
        "quantity",
        "delta",
        "after",
        "cause",
        "store",
        "order",
        "from",
        "to",
        "rule",
        "at",
    }


def test_variant_and_show_parent(db):
    run(db, "product", "add", "TEE", "--name", "Tee")
    proc = run(
        db,
        "variant",
        "add",
        "TEE",
        "TEE-L",
        "--option",
        "Size=L",
        "--option",
        "Color=Blue",
        "--on-hand",
        "2",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["parent"] == "TEE"


def test_stock_adjust_requires_a_sign(db):
    run(db, "product", "add", "A", "--on-hand", "2")
    assert run(db, "stock", "adjust", "A=3").returncode == 1
    assert run(db, "stock", "adjust", "A=+3", "A=-1").returncode == 0
    assert json.loads(run(db, "product", "show", "A", "--json").stdout)["on_hand"] == 4


def test_import_refused_prints_lines_and_json(db, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["ItemNumber", "NumberInStock"], [["A", "1"], ["B", "x"]])
    proc = run(db, "import", f, "--json")
    assert proc.returncode == 1
    assert "line 3, column NumberInStock: 'x' is not a whole number" in proc.stderr
    out = json.loads(proc.stdout)
    assert out["rejected"] == [{"line": 3, "column": "NumberInStock", "reason": "'x' is not a whole number"}]
    assert "error" in out


def test_import_summary_json(db):
    out = json.loads(
        run(db, "import", fixture_path("americommerce-product-export.csv"), "--dry-run", "--json").stdout
    )
    assert {
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "status_changes",
        "created_statuses",
        "ignored_columns",
    } <= set(out)
    assert out["created"] == 166 and out["dry_run"]
    assert run(db, "product", "show", "oil-wb").returncode == 1  # a dry run writes nothing


def test_env_var_names_the_database(tmp_path):
    target = tmp_path / "env.db"
    env = dict(os.environ, INVENTORY_EDITOR_DB=str(target))
    proc = subprocess.run(
        [sys.executable, "-m", "desktop_app", "init"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and target.exists()
