"""Reads with joins for the approvals app, one module per area:

- public_register.py approved providers valid on a day (the public register, obligation check)
- applications.py  the provider's applications, scoped to the provider (404 for others)
- cases.py         the case queue and case page

"""
