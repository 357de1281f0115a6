"""The notifications outbox (see services.py)."""
