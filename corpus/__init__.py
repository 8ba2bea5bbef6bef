"""Ingestion: loaders, structure, chunking and the build of a new index version from the corpus folder."""
