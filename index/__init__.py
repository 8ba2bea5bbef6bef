"""Embedder, dense (FAISS) and lexical (BM25) indexes, fusion, and the versioned on-disk store."""
