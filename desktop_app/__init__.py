"""Inventory editor: the application core (rules, storage, orders, import/export, command line). No Qt."""

__version__ = "0.1.0"
