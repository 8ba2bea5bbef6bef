"""LSCB knowledge assistant: quoted, cited answers from a safeguarding board's own documents."""

__version__ = "0.1.0"
