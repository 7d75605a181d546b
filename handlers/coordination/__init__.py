"""Coordinators: routing to departments, digests with chart and .xlsx, reminders, the opt-in."""
