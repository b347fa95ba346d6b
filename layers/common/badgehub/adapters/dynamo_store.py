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
from ..domain.models import ApiKey, Assertion, BadgeClass, Issuer
from ..ports import IdempotencyKeyTaken, IdempotencyRecord, Page
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

    # issuers and keys
    def put_issuer(self, issuer: Issuer) -> None:
        self._put(_item(f"ISSUER#{issuer.id}", "ISSUER", issuer))

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

    def mark_revoked(self, assertion: Assertion) -> Assertion:
        try:
            self._conditional_revoke(assertion)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            stored = self.get_assertion(assertion.id)
            if stored is None:
                raise
            return stored
        return assertion

    def _conditional_revoke(self, assertion: Assertion) -> None:
        aws.dynamodb().put_item(
            TableName=self._table,
            Item=self._assertion_item(assertion),
            ConditionExpression="attribute_exists(PK) AND revoked = :false",
            ExpressionAttributeValues={":false": {"BOOL": False}},
        )


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
