"""The quote finder: proposes quotations and their speakers in a news article."""

from techstance.db.curation.quotes.finder import extract_quotes

__all__ = ["extract_quotes"]
