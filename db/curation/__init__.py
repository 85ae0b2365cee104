"""Curation: seed files and their rules, the build, seed export, article import and the quote
finder. It imports the store, never the reports or the UI."""
