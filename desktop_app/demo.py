"""The demo catalog: statuses, stores with different settings, products, variants, and orders in each state.

Its products live in ``resources/demo/products.csv`` and go in through the ordinary import, so the demo
exercises the same code a user's own file does.
"""

from __future__ import annotations

from desktop_app.csvio.importer import import_file
from desktop_app.errors import InventoryError
from desktop_app.service import Inventory

DEMO_STATUSES = (
    ("Made to Order", {"back_order": True, "ships_in": "Usually ships in 2-3 weeks"}),
    ("Preorder", {"back_order": True, "show_quantity": True, "ships_in": "Ships when the next roast lands"}),
    ("Wholesale Only", {"hidden": True}),
)
DEMO_STORES = (
    ("Main Street", {"track_inventory": True, "remove_when": "ordered"}),
    ("Online Shop", {"track_inventory": True, "remove_when": "paid"}),
    ("Wholesale", {"track_inventory": True, "remove_when": "shipped"}),
    ("Pop-up Market", {"track_inventory": False}),
)


def demo_products_file():
    import resources

    return resources.path("demo", "products.csv")


def load_demo(inventory: Inventory) -> None:
    """Fill an empty database with the demo catalog (refused if it already holds products)."""
    from desktop_app.catalog import count_items

    if inventory.db.read(count_items):
        raise InventoryError("The database already holds products; the demo catalog goes into an empty one")
    for name, flags in DEMO_STATUSES:
        if name.lower() not in {s.name.lower() for s in inventory.statuses()}:
            inventory.add_status(name, **flags)
    for name, settings in DEMO_STORES:
        inventory.add_store(name)
        inventory.set_store(name, **settings)
    import_file(inventory.db, demo_products_file())

    # Orders in each state, so every screen has something to show.
    inventory.place_order("Main Street", [("MUG-CER", 2), ("FILT-100", 3)])
    paid = inventory.place_order("Online Shop", [("BEAN-HOUSE", 2), ("TEE-LOGO-M-BLA", 1)])
    inventory.pay_order(paid)
    inventory.place_order("Online Shop", [("KETT-GOOSE", 1), ("POUR-V60", 2)])
    shipped = inventory.place_order("Wholesale", [("COASTER-4", 8), ("KIT-WHOLE", 5)])
    inventory.pay_order(shipped)
    inventory.ship_order(shipped)
    cancelled = inventory.place_order("Main Street", [("MUG-ROSE", 2)])
    inventory.cancel_order(cancelled)
    returned = inventory.place_order("Main Street", [("PRESS-8", 2), ("SCALE-DIG", 1)])
    inventory.ship_order(returned)
    inventory.return_order(returned, [("PRESS-8", 1)])
    inventory.place_order("Pop-up Market", [("BAG-CANVAS", 3), ("CARD-25", 2)])
    inventory.place_order("Main Street", [("MUG-ROSE", 2)])  # empties it: Out of Stock by the rules
    inventory.adjust([("BEAN-DECAF", +12), ("SO-COL-GR", +6)], store="Main Street", note="delivery")
