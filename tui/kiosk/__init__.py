"""Kiosk mode: the dashboard on an unattended wall screen, read-only and locked down."""
