"""The store: the SQLite contract (schema, connection, records, reads, search, edits, watching,
the opening view). It imports nothing else of techstance."""
