"""A purchase order printed to PDF with Qt's own QPdfWriter (an A4 page, the lines as a table)."""

from __future__ import annotations

import html
import os

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop_app.purchasing_models import PurchaseOrder, money_text
from ui.widgets import when_text


def po_html(po: PurchaseOrder) -> str:
    esc = html.escape
    rows = "".join(
        "<tr>"
        f"<td>{esc(line.label)}</td><td>{esc(line.name)}</td><td>{esc(line.barcode or '')}</td>"
        f"<td align='right'>{line.quantity:,}</td><td align='right'>{line.received:,}</td>"
        f"<td align='right'>{line.outstanding:,}</td><td align='right'>{money_text(line.unit_cost_cents)}</td>"
        "</tr>"
        for line in po.lines
    )
    total = money_text(po.total_cents)
    facts = [
        ("Supplier", po.supplier),
        ("Store", po.store or "—"),
        ("State", po.state),
        ("Expected", po.expected.isoformat() if po.expected else "—"),
        ("Created", when_text(po.created_at, "%Y-%m-%d %H:%M")),
    ]
    head = "".join(f"<tr><td><b>{k}</b></td><td>{esc(v)}</td></tr>" for k, v in facts)
    return (
        f"<h1>Purchase order {po.id}</h1><table cellpadding='3'>{head}</table><br/>"
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        "<tr><th align='left'>Item</th><th align='left'>Name</th><th align='left'>Barcode</th>"
        "<th align='right'>Quantity</th><th align='right'>Received</th><th align='right'>Outstanding</th>"
        f"<th align='right'>Unit cost</th></tr>{rows}</table>"
        + (f"<p align='right'><b>Total: {total}</b></p>" if total else "")
    )


def write_pdf(po: PurchaseOrder, path: str) -> bool:
    """Write ``po`` to ``path`` as a PDF; False when the file cannot be written."""
    writer = QPdfWriter(path)
    writer.setTitle(f"Purchase order {po.id}")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)
        )
    )
    writer.setResolution(300)
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    doc.setDefaultStyleSheet("th { white-space: nowrap; } td { white-space: nowrap; }")
    doc.setHtml(po_html(po))
    doc.print_(writer)

    return os.path.exists(path) and os.path.getsize(path) > 0
