"""What can go wrong on the admin page; each message says what happened and what to do."""

from __future__ import annotations


class AdminError(Exception):
    """Base of the admin errors (the HTTP layer maps each subclass to a status code)."""


class UnsupportedUpload(AdminError):
    """The uploaded bytes are not a PDF or a Word (.docx) document."""


class InvalidUpload(AdminError):
    """A form field (title, kind, date, supersedes, …) is missing or malformed."""


class UnknownDocument(AdminError):
    """No document with that id is in the corpus folder or its manifest."""


class RefreshConflict(AdminError):
    """The refresh cannot do that now (one is running, or there is nothing to publish or discard)."""


class ManifestEditError(AdminError):
    """corpus.toml cannot be edited safely; it is left as it was."""
