"""The HTTP service (FastAPI): the answer API, indicators, documents, feedback, the widget and the admin page."""
