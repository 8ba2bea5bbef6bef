"""The board's figures as typed, sourced records: extraction from tables and prose, a store, lookups, charts."""
