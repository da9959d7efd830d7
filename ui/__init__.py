"""The Qt layer: table models, delegates, dialogs, undo commands and the main window."""
