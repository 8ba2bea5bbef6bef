"""The admin page's work: corpus edits (upload, remove), document status, and the refresh/publish cycle.

Each module is one component; `console.AdminConsole` wires them to the running service. Errors are the
types in `errors`; the HTTP layer (`assistant/api/routes/admin.py`) turns them into status codes.
"""
