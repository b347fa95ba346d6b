"""Every partition and sort key the table uses, in one place: the access paths at a glance.

| record | PK | SK | GSI1PK | GSI1SK |
|---|---|---|---|---|
| issuer | ISSUER#<id> | ISSUER | | |
| signing key | ISSUER#<id> | KEY#<key id> | | |
| status list | ISSUER#<id> | STATUSLIST#<n> | | |
| revoked assertion | ISSUER#<id> | REVOKED#<assertion id> | | |
| badges awarded (shard) | ISSUER#<id> | AWARDED#<badge id>#<shard> | | |
| status index claim | STATUSINDEX#<issuer>#<n> | <index, 6 digits> | | |
| API key | APIKEY#<key id> | APIKEY | | |
| badge class | BADGE#<id> | BADGE | ISSUER#<issuer id> | BADGE#<created>#<id> |
| assertion | ASSERTION#<id> | ASSERTION | BADGE#<badge id> | ASSERTION#<created>#<id> |
| idempotency record | IDEMPOTENCY#<issuer>#<key> | IDEMPOTENCY | | |
| outbox event | EVENT#<id> | EVENT | OUTBOX#<consumer>#<shard> (while pending) | <due>#<id> |
| supplement version | ASSERTION#<id> | SUPPLEMENT#<version, 6 digits> | | |
| recipient entry | ASSERTION#<id> | RECIPIENT | RECIPIENT#<recipient key> | <issued>#<id> |
| claim link | CLAIMTOKEN#<token hash> | TOKEN | | |
| sign-in request | SIGNINREQUEST#<id> | REQUEST | | |
| sign-in link | SIGNINTOKEN#<token hash> | TOKEN | | |
| session | SESSION#<session id hash> | SESSION | | |
| rate-limit window | RATE#<scope>#<subject>#<window> | RATE | | |
| imported badge | IMPORT#<id> | IMPORT | IMPORTS#<recipient key> | <imported>#<id> |
| earner analytics day | ASSERTION#<id> | VIEWS#<yyyy-mm-dd> | | |
| webhook | WEBHOOK#<id> | WEBHOOK | WEBHOOKS#<issuer id> | <created>#<id> |
| webhook delivery | WEBHOOK#<id> | DELIVERY#<delivery id, time-ordered> | | |
| batch | BATCH#<id> | BATCH | | |
| batch counters | BATCH#<id> | COUNTS | | |
| batch row outcome | BATCH#<id> | ROW#<row, 9 digits> | | |
| batch rejected row | BATCH#<id> | ERROR#<row, 9 digits> | | |
"""

from __future__ import annotations

import hashlib

OUTBOX_SHARDS = 8  # pending events spread over a few index partitions: no hot key at graduation
# A badge's awarded count is spread over a few items: issues running in parallel (a graduation)
# would otherwise all write one item in their transactions, and DynamoDB cancels transactions
# that meet on an item.
AWARDED_SHARDS = 8


def issuer(issuer_id: str) -> tuple[str, str]:
    return f"ISSUER#{issuer_id}", "ISSUER"


def signing_key(issuer_id: str, key_id: str) -> tuple[str, str]:
    return f"ISSUER#{issuer_id}", f"KEY#{key_id}"


KEY_PREFIX = "KEY#"


def status_list(issuer_id: str, number: int) -> tuple[str, str]:
    return f"ISSUER#{issuer_id}", f"STATUSLIST#{number}"


def revoked(issuer_id: str, assertion_id: str) -> tuple[str, str]:
    return f"ISSUER#{issuer_id}", f"{REVOKED_PREFIX}{assertion_id}"


REVOKED_PREFIX = "REVOKED#"


def status_index(issuer_id: str, number: int, index: int) -> tuple[str, str]:
    return f"STATUSINDEX#{issuer_id}#{number}", f"{index:06d}"


def api_key(key_id: str) -> tuple[str, str]:
    return f"APIKEY#{key_id}", "APIKEY"


def badge(badge_id: str) -> tuple[str, str]:
    return f"BADGE#{badge_id}", "BADGE"


def badges_of_issuer(issuer_id: str) -> str:
    return f"ISSUER#{issuer_id}"


def badge_in_issuer(created: str, badge_id: str) -> str:
    return f"BADGE#{created}#{badge_id}"


def assertion(assertion_id: str) -> tuple[str, str]:
    return f"ASSERTION#{assertion_id}", "ASSERTION"


def assertions_of_badge(badge_id: str) -> str:
    return f"BADGE#{badge_id}"


ASSERTION_IN_BADGE_PREFIX = "ASSERTION#"


def assertion_in_badge(created: str, assertion_id: str) -> str:
    return f"{ASSERTION_IN_BADGE_PREFIX}{created}#{assertion_id}"


def idempotency(scoped_key: str) -> tuple[str, str]:
    return f"IDEMPOTENCY#{scoped_key}", "IDEMPOTENCY"


def event(event_id: str) -> tuple[str, str]:
    return f"EVENT#{event_id}", "EVENT"


def outbox_shard(consumer: str, event_id: str) -> str:
    digest = hashlib.sha256(event_id.encode()).digest()
    return f"OUTBOX#{consumer}#{digest[0] % OUTBOX_SHARDS}"


def outbox_shards(consumer: str) -> list[str]:
    return [f"OUTBOX#{consumer}#{n}" for n in range(OUTBOX_SHARDS)]


def pending_event(due: str, event_id: str) -> str:
    return f"{due}#{event_id}"


def recipient_entry(assertion_id: str) -> tuple[str, str]:
    return f"ASSERTION#{assertion_id}", "RECIPIENT"


def backpack(recipient_key: str) -> str:
    return f"RECIPIENT#{recipient_key}"


def backpack_position(issued: str, assertion_id: str) -> str:
    return f"{issued}#{assertion_id}"


def claim_token(token_hash: str) -> tuple[str, str]:
    return f"CLAIMTOKEN#{token_hash}", "TOKEN"


def signin_request(request_id: str) -> tuple[str, str]:
    return f"SIGNINREQUEST#{request_id}", "REQUEST"


def signin_token(token_hash: str) -> tuple[str, str]:
    return f"SIGNINTOKEN#{token_hash}", "TOKEN"


def session(session_hash: str) -> tuple[str, str]:
    return f"SESSION#{session_hash}", "SESSION"


def rate_window(scope: str, subject: str, window: int) -> tuple[str, str]:
    return f"RATE#{scope}#{subject}#{window}", "RATE"


def imported(import_id: str) -> tuple[str, str]:
    return f"IMPORT#{import_id}", "IMPORT"


def imports_of(recipient_key: str) -> str:
    return f"IMPORTS#{recipient_key}"


SUPPLEMENT_PREFIX = "SUPPLEMENT#"


def supplement(assertion_id: str, version: int) -> tuple[str, str]:
    return f"ASSERTION#{assertion_id}", f"{SUPPLEMENT_PREFIX}{version:06d}"


AWARDED_PREFIX = "AWARDED#"


def awarded(issuer_id: str, badge_id: str, assertion_id: str) -> tuple[str, str]:
    """The shard of the badge's awarded count this assertion is counted in."""
    shard = hashlib.sha256(assertion_id.encode()).digest()[0] % AWARDED_SHARDS
    return f"ISSUER#{issuer_id}", f"{AWARDED_PREFIX}{badge_id}#{shard}"


def awarded_of_badge(badge_id: str) -> str:
    """The sort-key prefix of one badge's shards (ids never hold `#`)."""
    return f"{AWARDED_PREFIX}{badge_id}#"


VIEWS_PREFIX = "VIEWS#"


def views(assertion_id: str, day: str) -> tuple[str, str]:
    return f"ASSERTION#{assertion_id}", f"{VIEWS_PREFIX}{day}"


def webhook(webhook_id: str) -> tuple[str, str]:
    return f"WEBHOOK#{webhook_id}", "WEBHOOK"


def webhooks_of(issuer_id: str) -> str:
    return f"WEBHOOKS#{issuer_id}"


def webhook_in_issuer(created: str, webhook_id: str) -> str:
    return f"{created}#{webhook_id}"


DELIVERY_PREFIX = "DELIVERY#"


def delivery(webhook_id: str, delivery_id: str) -> tuple[str, str]:
    return f"WEBHOOK#{webhook_id}", f"{DELIVERY_PREFIX}{delivery_id}"


def batch(batch_id: str) -> tuple[str, str]:
    return f"BATCH#{batch_id}", "BATCH"


def batch_counts(batch_id: str) -> tuple[str, str]:
    return f"BATCH#{batch_id}", "COUNTS"


def batch_row(batch_id: str, row: int) -> tuple[str, str]:
    return f"BATCH#{batch_id}", f"ROW#{row:09d}"


BATCH_ERROR_PREFIX = "ERROR#"


def batch_error(batch_id: str, row: int) -> tuple[str, str]:
    return f"BATCH#{batch_id}", f"{BATCH_ERROR_PREFIX}{row:09d}"
