"""The single DynamoDB table: every record, keyed for its access paths."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError
from pydantic import BaseModel

from ..domain.errors import InvalidInput
from ..domain.keys import SigningKey
from ..domain.models import ApiKey, Assertion, BadgeClass, Issuer
from ..ports import ConcurrentUpdate, IdempotencyKeyTaken, IdempotencyRecord, Page, StatusList
from . import aws

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]
M = TypeVar("M", bound=BaseModel)
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
_CURSOR_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def _s(value: str) -> AttributeValueTypeDef:
    return {"S": value}


def _item(pk: str, sk: str, record: BaseModel, **extra: AttributeValueTypeDef) -> Item:
    item: Item = {"PK": _s(pk), "SK": _s(sk), "doc": _s(record.model_dump_json())}
    item.update(extra)
    return item


def _load(model: type[M], item: dict[str, Any] | None) -> M | None:
    if not item:
        return None
    return model.model_validate_json(item["doc"]["S"])


class DynamoStore:
    """Implements the `Store` port; ClientError codes become domain outcomes here."""

    def __init__(self, table_name: str) -> None:
        self._table = table_name

    def _put(self, item: Item, *, new: bool = True) -> None:
        kwargs: dict[str, Any] = {"TableName": self._table, "Item": item}
        if new:
            kwargs["ConditionExpression"] = "attribute_not_exists(PK)"
        aws.dynamodb().put_item(**kwargs)

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = aws.dynamodb().get_item(
            TableName=self._table, Key={"PK": _s(pk), "SK": _s(sk)}, ConsistentRead=True
        )
        return response.get("Item")

    def _transact(self, items: list[dict[str, Any]]) -> None:
        """All or nothing; any failed condition becomes `ConcurrentUpdate`."""
        try:
            aws.dynamodb().transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                raise ConcurrentUpdate(str(exc)) from exc
            raise

    def _new(self, item: Item) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    # issuers and keys
    def _issuer_item(self, issuer: Issuer) -> Item:
        return _item(
            f"ISSUER#{issuer.id}",
            "ISSUER",
            issuer,
            key_count={"N": str(issuer.key_count)},
            status_list={"N": str(issuer.status_list)},
        )

    def _key_item(self, key: SigningKey) -> Item:
        return _item(
            f"ISSUER#{key.issuer_id}",
            f"KEY#{key.key_id}",
            key,
            GSI1PK=_s("KEYS"),
            GSI1SK=_s(f"{key.issuer_id}#{key.key_id}"),
        )

    def create_issuer(self, issuer: Issuer, keys: list[SigningKey], status: StatusList) -> None:
        items = [self._new(self._issuer_item(issuer))]
        items += [self._new(self._key_item(key)) for key in keys]
        items.append(self._new(self._status_item(status)))
        self._transact(items)

    def list_keys(self, issuer_id: str) -> list[SigningKey]:
        return self._query_models(
            SigningKey,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": _s(f"ISSUER#{issuer_id}"), ":prefix": _s("KEY#")},
            ConsistentRead=True,
        )

    def all_keys(self) -> list[SigningKey]:
        return self._query_models(
            SigningKey,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": _s("KEYS")},
        )

    def _query_models(self, model: type[M], **kwargs: Any) -> list[M]:
        found: list[M] = []
        paginator = aws.dynamodb().get_paginator("query")
        for page in paginator.paginate(TableName=self._table, **kwargs):
            found += [m for m in (_load(model, item) for item in page.get("Items", [])) if m]
        return found

    def rotate_keys(self, issuer: Issuer, retired: list[SigningKey], new: list[SigningKey]) -> None:
        before = issuer.key_count - len(new)
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._issuer_item(issuer),
                    "ConditionExpression": "key_count = :before",
                    "ExpressionAttributeValues": {":before": {"N": str(before)}},
                }
            }
        ]
        items += [{"Put": {"TableName": self._table, "Item": self._key_item(k)}} for k in retired]
        items += [self._new(self._key_item(key)) for key in new]
        self._transact(items)

    def get_issuer(self, issuer_id: str) -> Issuer | None:
        return _load(Issuer, self._get(f"ISSUER#{issuer_id}", "ISSUER"))

    def put_api_key(self, key: ApiKey) -> None:
        self._put(_item(f"APIKEY#{key.id}", "APIKEY", key))

    def get_api_key(self, key_id: str) -> ApiKey | None:
        return _load(ApiKey, self._get(f"APIKEY#{key_id}", "APIKEY"))

    # badge classes
    def put_badge(self, badge: BadgeClass) -> None:
        self._put(
            _item(
                f"BADGE#{badge.id}",
                "BADGE",
                badge,
                GSI1PK=_s(f"ISSUER#{badge.issuer_id}"),
                GSI1SK=_s(f"BADGE#{badge.created_at.isoformat()}#{badge.id}"),
            )
        )

    def get_badge(self, badge_id: str) -> BadgeClass | None:
        return _load(BadgeClass, self._get(f"BADGE#{badge_id}", "BADGE"))

    # assertions
    def _assertion_item(self, assertion: Assertion) -> Item:
        return _item(
            f"ASSERTION#{assertion.id}",
            "ASSERTION",
            assertion,
            GSI1PK=_s(f"BADGE#{assertion.badge_id}"),
            GSI1SK=_s(f"ASSERTION#{assertion.created_at.isoformat()}#{assertion.id}"),
            revoked={"BOOL": assertion.revoked},
        )

    def create_assertion(
        self, assertion: Assertion, idempotency: tuple[str, IdempotencyRecord] | None
    ) -> None:
        item = self._assertion_item(assertion)
        if idempotency is None:
            self._put(item)
            return
        scoped, record = idempotency
        marker: Item = {
            "PK": _s(f"IDEMPOTENCY#{scoped}"),
            "SK": _s("IDEMPOTENCY"),
            "request_hash": _s(record.request_hash),
            "assertion_id": _s(record.assertion_id),
            "expires_at": {"N": str(int(time.time()) + IDEMPOTENCY_TTL_SECONDS)},
        }
        try:
            aws.dynamodb().transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": item,
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": marker,
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                ]
            )
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons", [])
            if len(reasons) > 1 and reasons[1].get("Code") == "ConditionalCheckFailed":
                raise IdempotencyKeyTaken(scoped) from exc
            raise

    def get_idempotency(self, scoped_key: str) -> IdempotencyRecord | None:
        item = self._get(f"IDEMPOTENCY#{scoped_key}", "IDEMPOTENCY")
        if not item:
            return None
        return IdempotencyRecord(item["request_hash"]["S"], item["assertion_id"]["S"])

    def get_assertion(self, assertion_id: str) -> Assertion | None:
        return _load(Assertion, self._get(f"ASSERTION#{assertion_id}", "ASSERTION"))

    def list_assertions(self, badge_id: str, limit: int, cursor: str | None) -> Page:
        partition = f"BADGE#{badge_id}"
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND begins_with(GSI1SK, :prefix)",
            "ExpressionAttributeValues": {":pk": _s(partition), ":prefix": _s("ASSERTION#")},
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = _decode_cursor(cursor, partition)
        response = aws.dynamodb().query(**kwargs)
        items = [a for a in (_load(Assertion, i) for i in response.get("Items", [])) if a]
        last = response.get("LastEvaluatedKey")
        return Page(items, _encode_cursor(last) if last else None)

    def revoke(self, assertion: Assertion, status: StatusList | None) -> None:
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._assertion_item(assertion),
                    "ConditionExpression": "attribute_exists(PK) AND revoked = :false",
                    "ExpressionAttributeValues": {":false": {"BOOL": False}},
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "PK": _s(f"ISSUER#{assertion.issuer_id}"),
                        "SK": _s(f"REVOKED#{assertion.id}"),
                        "reason": _s(assertion.revocation_reason or ""),
                    },
                }
            },
        ]
        if status is not None:
            items.append(self._versioned_status_put(status))
        self._transact(items)

    # status lists
    def _status_item(self, status: StatusList) -> Item:
        return {
            "PK": _s(f"ISSUER#{status.issuer_id}"),
            "SK": _s(f"STATUSLIST#{status.number}"),
            "version": {"N": str(status.version)},
            "revoked": _s(json.dumps(sorted(status.revoked))),
            "credential": _s(json.dumps(status.credential, separators=(",", ":"))),
        }

    def _versioned_status_put(self, status: StatusList) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": self._status_item(status),
                "ConditionExpression": "version = :previous",
                "ExpressionAttributeValues": {":previous": {"N": str(status.version - 1)}},
            }
        }

    def get_status_list(self, issuer_id: str, number: int) -> StatusList | None:
        item = self._get(f"ISSUER#{issuer_id}", f"STATUSLIST#{number}")
        if not item:
            return None
        return StatusList(
            issuer_id=issuer_id,
            number=number,
            revoked=frozenset(json.loads(item["revoked"]["S"])),
            version=int(item["version"]["N"]),
            credential=json.loads(item["credential"]["S"]),
        )

    def reserve_status_index(self, issuer_id: str, number: int, index: int) -> bool:
        try:
            self._put(
                {
                    "PK": _s(f"STATUSINDEX#{issuer_id}#{number}"),
                    "SK": _s(f"{index:06d}"),
                }
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def open_status_list(self, issuer: Issuer, status: StatusList) -> None:
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": self._issuer_item(issuer),
                        "ConditionExpression": "status_list = :before",
                        "ExpressionAttributeValues": {":before": {"N": str(status.number - 1)}},
                    }
                },
                self._new(self._status_item(status)),
            ]
        )

    def revoked_assertions(self, issuer_id: str) -> list[tuple[str, str | None]]:
        paginator = aws.dynamodb().get_paginator("query")
        found: list[tuple[str, str | None]] = []
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": _s(f"ISSUER#{issuer_id}"), ":prefix": _s("REVOKED#")},
        ):
            for item in page.get("Items", []):
                reason = item["reason"]["S"] or None
                found.append((item["SK"]["S"].removeprefix("REVOKED#"), reason))
        return found


def _encode_cursor(key: dict[str, Any]) -> str:
    plain = {name: value["S"] for name, value in key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, partition: str) -> dict[str, Any]:
    """A cursor is opaque to clients; anything we did not hand out is a 400 on `cursor`."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("cursor is not one this API handed out", field="cursor") from exc
    if (
        not isinstance(plain, dict)
        or set(plain) != _CURSOR_KEYS
        or not all(isinstance(v, str) for v in plain.values())
        or plain["GSI1PK"] != partition
    ):
        raise InvalidInput("cursor is not one this API handed out", field="cursor")
    return {name: {"S": value} for name, value in plain.items()}
