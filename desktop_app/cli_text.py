"""Readable text for the command line's results (``--json`` prints the same data as JSON)."""

from __future__ import annotations

import argparse

from desktop_app.models import unit_label
from desktop_app.times import local_text_of_iso


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(header, widths, strict=False)).rstrip()]
    lines += ["  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=False)).rstrip() for r in rows]
    return "\n".join(lines)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def render(args: argparse.Namespace, result: object) -> str:
    command, action = args.command, getattr(args, "action", None)
    if command == "init":
        return f"Database ready: {result['database']}" + (" (demo catalog loaded)" if result["demo"] else "")
    if command == "status" and action == "list":
        return _table(
            [
                [
                    s["name"],
                    _yes(s["unavailable"]),
                    _yes(s["back_order"]),
                    _yes(s["hidden"]),
                    _yes(s["show_quantity"]),
                    s["ships_in"] or "",
                ]
                for s in result
            ],
            ["Status", "Unavailable", "Back order", "Hidden", "Show qty", "Ships in"],
        )
    if command == "status":
        if action == "delete":
            return f"Deleted status {result['deleted']}"
        flags = [
            k.replace("_", " ") for k in ("unavailable", "back_order", "hidden", "show_quantity") if result[k]
        ]
        return f"{result['name']}: {', '.join(flags) or 'no flags'}" + (
            f"; ships in: {result['ships_in']}" if result["ships_in"] else ""
        )
    if command == "store":
        stores = result if isinstance(result, list) else [result]
        return "\n\n".join(
            f"{s['name']}\n  track inventory: {'on' if s['track_inventory'] else 'off'}\n"
            f"  remove from inventory when: {s['remove_when']}\n"
            f"  default statuses: in stock {s['default_in_stock']}, out of stock {s['default_out_of_stock']}, "
            f"back order {s['default_back_order']}, discontinued {s['default_discontinued']}"
            for s in stores
        )
    if command in ("product", "variant") and isinstance(result, list):
        return _table(
            [
                [
                    unit_label(i["item_number"], i["item_id"]),
                    i["name"][:40],
                    i["status"],
                    i["on_hand"],
                    i["on_order"],
                    i["committed"],
                    i["available_to_sell"],
                ]
                for i in result
            ],
            ["Item", "Name", "Status", "On hand", "On order", "Committed", "To sell"],
        )
    if command in ("product", "variant"):
        lines = [f"{k}: {v}" for k, v in result.items() if k != "variants"]
        for v in result.get("variants", []):
            lines.append(
                f"  variant {v['item_number']} ({v['options']}): {v['status']}, on hand {v['on_hand']}, "
                f"on order {v['on_order']}, committed {v['committed']}"
            )
        return "\n".join(lines)
    if command in ("stock", "batch") and isinstance(result, dict):
        lines = [f"Batch {result['batch']}" if result["batch"] else "Nothing changed"]
        lines += [
            f"  {c['item_number']}: {c['from']} -> {c['to']} ({c['rule']})" for c in result["status_changes"]
        ]
        lines += [
            f"  {c['item_number']}: {c['field']} {c['from'] or '(empty)'} -> {c['to'] or '(empty)'}"
            for c in result.get("field_changes", ())
        ]
        return "\n".join(lines)
    if command == "batch":
        return _table(
            [
                [
                    b["batch"],
                    b["cause"],
                    b["store"] or "",
                    b["order"] or "",
                    b["movements"],
                    b["status_changes"],
                    b["field_changes"],
                    "reverted" if b["reverted"] else "",
                    local_text_of_iso(b["at"]),
                ]
                for b in result
            ],
            ["Batch", "Cause", "Store", "Order", "Moves", "Statuses", "Fields", "", "At (local time)"],
        )
    if command == "import":
        verb = "Would import" if result["dry_run"] else "Imported"
        lines = [
            f"{verb} {result['file']} ({result['format']} format): {result['rows']} rows, "
            f"{result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged, "
            f"{len(result['rejected'])} rejected"
        ]
        if result["created_statuses"]:
            lines.append(f"  new statuses: {', '.join(result['created_statuses'])}")
        for c in result["status_changes"][:50]:
            lines.append(f"  {c['item_number']}: {c['from']} -> {c['to']} ({c['rule']})")
        if len(result["status_changes"]) > 50:
            lines.append(f"  … and {len(result['status_changes']) - 50} more status changes")
        if result["ignored_columns"]:
            lines.append(f"  ignored columns: {len(result['ignored_columns'])}")
        return "\n".join(lines)
    if command == "export":
        return f"Exported {result['rows']} rows to {result['file']} ({result['format']} format)"
    if command == "order":
        if action == "place":
            return str(result["id"])
        orders = result if isinstance(result, list) else [result]
        out = []
        for o in orders:
            if "lines" not in o:
                out.append(f"Order {o['id']}: {o['state']}")
                continue
            paid = ", paid" if o["paid"] and o["state"] != "paid" else ""
            out.append(f"Order {o['id']} ({o['store']}): {o['state']}{paid}")
            out += [
                f"  {ln['item_number']} x {ln['quantity']} (removed {ln['removed']}, put back "
                f"{ln['restored']}, returned {ln['returned']})"
                for ln in o["lines"]
            ]
        return "\n".join(out)
    if command == "history":
        rows = []
        for h in result:
            what = (
                f"{h['quantity']} {h['delta']:+d} = {h['after']}"
                if h["kind"] == "movement"
                else f"{h['field']} {h['from'] or 'none'} -> {h['to'] or 'none'}"
                if h["kind"] == "field"
                else f"status {h['from']} -> {h['to']} ({h['rule']})"
            )
            rows.append(
                [
                    local_text_of_iso(h["at"]),
                    h["item_number"] or "",
                    what,
                    h["cause"],
                    h["store"] or "",
                    h["order"] or "",
                ]
            )
        return _table(rows, ["At (local time)", "Item", "Change", "Cause", "Store", "Order"])
    if command == "db" and action == "roles":
        return "\n".join(f"role {r['role']}: password {r['password']}" for r in result["roles"]) + (
            "\nStaff may change stock, items and orders; only owners change store settings and statuses."
        )
    if command == "db":
        return f"{result['database']} is at schema revision {result['revision']}"
    return str(result)
