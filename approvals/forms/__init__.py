"""Forms of the approvals app: provider.py (the provider's application); handler forms beside it."""
