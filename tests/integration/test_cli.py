"""The command line's contract (SPEC section 6): exit statuses, JSON output, messages."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import fixture_path
from tests.helpers import run_cli, write_csv


def run(db, *args):
    # In this process (tests.helpers.run_cli): the same main() as the installed command, without a new
    # Python per command. A few tests below run real processes (the environment, a closed pipe).
    return run_cli("--db", db, *args)


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


def _quiet(proc):
    """Nothing a user should never see: a traceback, a Python exception name, SQL, a driver link."""
    for text in (proc.stderr, proc.stdout):
        for leak in ("Traceback", "Error:", "sqlalche.me", "SELECT", "INSERT", "UPDATE", "[parameters"):
            assert leak not in text, text
    return True


def test_case_2_status_delete_deletes_an_unused_status(db):
    assert run(db, "status", "add", "Seasonal", "--hidden").returncode == 0
    proc = run(db, "status", "delete", "Seasonal")
    assert proc.returncode == 0 and _quiet(proc), proc.stderr
    assert "Deleted status Seasonal" in proc.stdout
    names = [s["name"] for s in json.loads(run(db, "status", "list", "--json").stdout)]
    assert "Seasonal" not in names and "In Stock" in names
    run(db, "product", "add", "MUG", "--status", "Back Order")
    used = run(db, "status", "delete", "Back Order")
    assert used.returncode == 1 and "MUG" in used.stderr and _quiet(used)


@pytest.mark.parametrize(
    "args",
    [
        ["product", "edit", "MUG", "--on-hand", "²"],
        ["product", "edit", "MUG", "--on-hand", "١٢"],
        ["product", "edit", "MUG", "--on-hand", "１２"],
        ["product", "edit", "MUG", "--on-hand", str(2**31)],
        ["product", "edit", "MUG", "--on-order", str(-(2**31) - 1)],
        ["product", "edit", "MUG", "--min-qty", str(2**63)],
        ["product", "edit", "MUG", "--item-id", "9" * 30],
        ["product", "add", "CUP", "--on-hand", str(2**31)],
        ["stock", "adjust", "MUG=+١٢"],
        ["stock", "adjust", f"MUG=+{2**31}"],
        ["order", "pay", "²"],
        ["order", "pay", "99999999999999999999"],
        ["order", "ship", "#" + "9" * 25],
        ["order", "place", "--store", "Main", f"MUG={2**40}"],
        ["product", "list", "--limit", "²"],
        ["batch", "revert", "9" * 22],
    ],
)
def test_case_6_out_of_range_and_non_ascii_numbers_are_refused_in_one_line(db, args):
    run(db, "store", "add", "Main")
    run(db, "product", "add", "MUG", "--on-hand", "5")
    before = run(db, "product", "show", "MUG", "--json").stdout
    proc = run(db, *args)
    assert proc.returncode in (1, 2), proc.stderr
    assert _quiet(proc)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Unexpected" not in proc.stderr
    assert run(db, "product", "show", "MUG", "--json").stdout == before
    assert run(db, "product", "show", "CUP").returncode == 1


def test_case_6_the_limits_themselves_are_accepted(db):
    # Counts stay within a billion either way (every change of one fits a 32-bit movement); other whole
    # numbers use the full 32-bit range.
    assert run(db, "product", "add", "MUG", "--on-hand", "1000000000", "--max-qty", str(2**31 - 1)).returncode == 0
    assert run(db, "product", "add", "CUP", "--on-hand", "-1000000000", "--min-qty", "+3").returncode == 0
    mug = json.loads(run(db, "product", "show", "MUG", "--json").stdout)
    assert mug["on_hand"] == 10**9 and mug["max_qty"] == 2**31 - 1
    shown = json.loads(run(db, "product", "show", "CUP", "--json").stdout)
    assert shown["on_hand"] == -(10**9) and shown["min_qty"] == 3
    refused = run(db, "product", "edit", "MUG", "--on-hand", "1000000001")
    assert refused.returncode == 1 and "1,000,000,000" in refused.stderr


def test_case_10_output_to_a_closed_pipe_ends_quietly(db):
    for n in range(3):
        run(db, "product", "add", f"P{n}", "--name", "x" * 300)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for args in (["product", "list"], ["product", "list", "--json"], ["status", "list"]):
        # The reading end is closed before the command writes anything: like `product list | head -0`.
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "desktop_app", "--db", db, *args],
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                timeout=120,
            )
        finally:
            os.close(write_end)
        assert proc.stderr == "", proc.stderr
        assert proc.returncode == 141  # as a Unix tool killed by SIGPIPE: `set -o pipefail` still notices


def test_case_11_an_item_numbered_hash_n_is_reachable(db):
    assert run(db, "product", "add", "#77", "--name", "Hash item", "--on-hand", "4").returncode == 0
    assert run(db, "product", "add", "PLAIN", "--item-id", "77", "--name", "ItemID 77").returncode == 0
    shown = run(db, "product", "show", "#77", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == "Hash item"  # the item number wins over the ItemID form
    assert run(db, "product", "edit", "#77", "--on-hand", "6").returncode == 0
    assert json.loads(run(db, "product", "show", "#77", "--json").stdout)["on_hand"] == 6
    assert [h["cause"] for h in json.loads(run(db, "history", "#77", "--json").stdout)] == ["manual"] * 2
    # With no item numbered #N, #N still names ItemID N.
    run(db, "product", "add", "OTHER", "--item-id", "78", "--name", "ItemID 78")
    assert json.loads(run(db, "product", "show", "#78", "--json").stdout)["item_number"] == "OTHER"
    # Nothing else is read as an ItemID: non-ASCII digits or numbers beyond the ItemID range.
    for ref in ("#²", "#" + "9" * 25):
        proc = run(db, "product", "show", ref)
        assert proc.returncode == 1 and f"no item '{ref}'" in proc.stderr and _quiet(proc)


@pytest.mark.parametrize(
    "args, field",
    [
        (["product", "add", "LONG", "--name", "n" * 501], "name"),
        (["product", "add", "x" * 101], "item_number"),
        (["product", "add", "BELL", "--name", "ring\x07"], "name"),
        (["status", "add", "s" * 101], "Status name"),
        (["status", "add", "Later", "--ships-in", "w" * 2001], "Ships in"),
        (["store", "add", "Tab\tStore"], "Store name"),
    ],
)
def test_manual_edits_have_the_import_limits(db, args, field):
    # The same limits at every door (SPEC section 5): a 600-character name was taken on SQLite and refused
    # with driver text on PostgreSQL.
    proc = run(db, *args)
    assert proc.returncode == 1, proc.stderr
    assert field in proc.stderr.splitlines()[0] and "Unexpected" not in proc.stderr
    assert run(db, "product", "show", "LONG").returncode == 1
    assert run(db, "product", "show", "BELL").returncode == 1
