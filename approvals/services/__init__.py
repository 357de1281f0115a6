"""Writes for the approvals app, one module per area:

- events.py        case_event_record: the readable domain event every transition writes
- numbering.py     case_number_allocate: YYYY/NNNN, sequential per year, concurrency-safe
- applications.py  the provider's side: drafts, staff, documents, submission
- cases.py         the case handler's side: assign, request information, decide, revoke, appeals
"""
