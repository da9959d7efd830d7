"""Connected as the staff role, the editor greys out what the server would refuse, and says why."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="roles live on the PostgreSQL server (INVENTORY_EDITOR_TEST_PG)"
)


def test_staff_sees_settings_disabled_with_the_reason(qtbot, demo, db_url, settings):
    from sqlalchemy.engine import make_url

    from desktop_app.roles import create_roles
    from desktop_app.service import Inventory
    from ui.main_window import MainWindow
    from ui.state import AppState

    suffix = uuid.uuid4().hex[:8]
    owner, staff = f"owner_{suffix}", f"staff_{suffix}"
    create_roles(demo.db, owner=owner, staff=staff, staff_password="s-pw")
    inventory = Inventory(
        make_url(db_url).set(username=staff, password="s-pw").render_as_string(hide_password=False)
    )
    state = AppState(inventory, watch=False)
    try:
        window = MainWindow(state, settings)
        qtbot.addWidget(window)
        assert not window.act_store_settings.isEnabled()
        assert window.act_store_settings.toolTip() == (
            f"Your database role '{staff}' may not change store settings; ask an owner."
        )
        assert not window.act_statuses.isEnabled()
        assert window.act_new_order.isEnabled() and window.act_edit.isEnabled()
        assert f"role {staff}" in window.statusBar().currentMessage()
    finally:
        state.close()
        inventory.db.dispose()
        with demo.db.connect(write=True) as conn:
            for role in (owner, staff):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
