"""Evidence records (and a decision's specifics) as row values: one definition for the build and for edits."""

from __future__ import annotations

import hashlib
import json

from techstance.db.store.records import Evidence


def evidence_id(claim_table: str, claim_id: str, item: Evidence) -> str:
    """Stable across rebuilds: derived from what the evidence says, not from its position."""
    key = "|".join(
        [claim_table, claim_id, item.claim, item.source, str(item.start), str(item.end), item.role]
    )
    return "ev-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def evidence_row(claim_table: str, claim_id: str, item: Evidence) -> dict[str, object]:
    return {
        "id": evidence_id(claim_table, claim_id, item),
        "claim_table": claim_table,
        "claim_id": claim_id,
        "claim_field": item.claim,
        "source": item.source,
        "start": item.start,
        "end": item.end,
        "excerpt": item.excerpt,
        "role": item.role,
        "date_rule": item.date_rule,
    }


def specifics_json(specifics: dict[str, list[str]]) -> str:
    """A decision's declared specifics as stored: sorted keys, so the same seeds give the same bytes."""
    return json.dumps(specifics, ensure_ascii=False, sort_keys=True)
