"""The table core on DynamoDB: the only module that speaks DynamoDB's wire format.

Every botocore failure becomes a domain error here: a condition that does not hold is
`ConditionFailed`, a transaction that collided with another is `ConcurrentUpdate`, and
throttling, timeouts or any other service error is `ServiceUnavailable` (503).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from ...domain.errors import ConcurrentUpdate, ServiceUnavailable
from .. import aws
from .core import (
    Absent,
    Add,
    All,
    Below,
    Check,
    Condition,
    ConditionFailed,
    Delete,
    Equals,
    Exists,
    Index,
    Item,
    Put,
    QueryPage,
    Value,
    Write,
    check_transaction,
    index_keys,
    one_by_one,
    page_key,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Wire = dict[str, "AttributeValueTypeDef"]
log = logging.getLogger(__name__)
UNAVAILABLE = "the database is unavailable; nothing was stored, please retry"


def to_wire(item: Item) -> Wire:
    wire: Wire = {}
    for name, value in item.items():
        if isinstance(value, bool):
            wire[name] = {"BOOL": value}
        elif isinstance(value, int):
            wire[name] = {"N": str(value)}
        else:
            wire[name] = {"S": value}
    return wire


def from_wire(wire: dict[str, Any]) -> Item:
    item: Item = {}
    for name, value in wire.items():
        if "BOOL" in value:
            item[name] = bool(value["BOOL"])
        elif "N" in value:
            item[name] = int(value["N"])
        else:
            item[name] = str(value["S"])
    return item


class _Expression:
    """Builds a ConditionExpression with placeholder names and values."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: Wire = {}

    def name(self, attribute: str) -> str:
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: Value) -> str:
        placeholder = f":v{len(self.values)}"
        self.values.update({placeholder: to_wire({"v": value})["v"]})
        return placeholder

    def render(self, condition: Condition) -> str:
        match condition:
            case Absent():
                return f"attribute_not_exists({self.name('PK')})"
            case Exists():
                return f"attribute_exists({self.name('PK')})"
            case Equals(name, value):
                return f"{self.name(name)} = {self.value(value)}"
            case Below(name, value):
                n = self.name(name)
                return (
                    f"(attribute_exists({self.name('PK')}) AND "
                    f"(attribute_not_exists({n}) OR {n} < {self.value(value)}))"
                )
            case All(conditions):
                return "(" + " AND ".join(self.render(c) for c in conditions) + ")"
        raise TypeError(f"unknown condition {condition!r}")

    def kwargs(self, condition: Condition | None) -> dict[str, Any]:
        if condition is None:
            return {}
        kwargs: dict[str, Any] = {"ConditionExpression": self.render(condition)}
        kwargs["ExpressionAttributeNames"] = self.names
        if self.values:
            kwargs["ExpressionAttributeValues"] = self.values
        return kwargs


_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "LimitExceededException",
}


def log_dependency_failure(service: str, operation: str, code: str) -> None:
    log.warning(
        "dependency failed", extra={"dependency": service, "operation": operation, "code": code}
    )


@contextmanager
def _service_errors(operation: str) -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed((0,)) from exc
        if code == "TransactionCanceledException":
            reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            failed = [i for i, reason in enumerate(reasons) if reason == "ConditionalCheckFailed"]
            if failed:
                raise ConditionFailed(failed) from exc
            if any(
                r in ("TransactionConflict", "ItemCollectionSizeLimitExceeded") for r in reasons
            ):
                raise ConcurrentUpdate(
                    "another write to the same items happened meanwhile"
                ) from exc
        log_dependency_failure("dynamodb", operation, code or type(exc).__name__)
        raise ServiceUnavailable(UNAVAILABLE) from exc
    except BotoCoreError as exc:
        log_dependency_failure("dynamodb", operation, type(exc).__name__)
        raise ServiceUnavailable(UNAVAILABLE) from exc


class DynamoTable:
    """Implements `Table` on one DynamoDB table with a GSI1 index."""

    def __init__(self, table_name: str) -> None:
        self.name = table_name

    def get(self, pk: str, sk: str) -> Item | None:
        with _service_errors("GetItem"):
            response = aws.dynamodb().get_item(
                TableName=self.name,
                Key={"PK": {"S": pk}, "SK": {"S": sk}},
                ConsistentRead=True,
            )
        found = response.get("Item")
        return from_wire(found) if found else None

    def put(self, item: Item, condition: Condition | None = None) -> None:
        with _service_errors("PutItem"):
            aws.dynamodb().put_item(
                TableName=self.name, Item=to_wire(item), **_Expression().kwargs(condition)
            )

    def delete(self, pk: str, sk: str, condition: Condition | None = None) -> None:
        with _service_errors("DeleteItem"):
            aws.dynamodb().delete_item(
                TableName=self.name,
                Key={"PK": {"S": pk}, "SK": {"S": sk}},
                **_Expression().kwargs(condition),
            )

    def add(self, pk: str, sk: str, deltas: dict[str, int]) -> None:
        with _service_errors("UpdateItem"):
            aws.dynamodb().update_item(**self._update(Add(pk, sk, tuple(deltas.items()))))

    def _update(self, write: Add) -> dict[str, Any]:
        expression = _Expression()
        condition = expression.kwargs(write.condition)
        additions = ", ".join(
            f"{expression.name(name)} {expression.value(delta)}" for name, delta in write.deltas
        )
        return {
            "TableName": self.name,
            "Key": {"PK": {"S": write.pk}, "SK": {"S": write.sk}},
            **condition,
            "UpdateExpression": f"ADD {additions}",
            "ExpressionAttributeNames": expression.names,
            "ExpressionAttributeValues": expression.values,
        }

    def transact(self, writes: Sequence[Write]) -> None:
        check_transaction(writes)
        with _service_errors("TransactWriteItems"):
            aws.dynamodb().transact_write_items(
                TransactItems=[self._wire_write(w) for w in writes]  # type: ignore[misc]
            )

    def transact_each(
        self, transactions: Sequence[Sequence[Write]]
    ) -> list[ConditionFailed | None]:
        return one_by_one(self.transact, transactions)

    def _wire_write(self, write: Write) -> dict[str, Any]:
        expression = _Expression().kwargs(write.condition)
        if isinstance(write, Put):
            return {"Put": {"TableName": self.name, "Item": to_wire(write.item), **expression}}
        if isinstance(write, Add):
            return {"Update": self._update(write)}
        key = {"PK": {"S": write.pk}, "SK": {"S": write.sk}}
        if isinstance(write, Delete):
            return {"Delete": {"TableName": self.name, "Key": key, **expression}}
        assert isinstance(write, Check)
        return {"ConditionCheck": {"TableName": self.name, "Key": key, **expression}}

    def query(
        self,
        partition: str,
        *,
        prefix: str = "",
        index: Index | None = None,
        limit: int | None = None,
        after: dict[str, str] | None = None,
        descending: bool = False,
    ) -> QueryPage:
        pk_name, sk_name = index_keys(index)
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": "#pk = :pk"
            + (" AND begins_with(#sk, :prefix)" if prefix else ""),
            "ExpressionAttributeNames": {"#pk": pk_name, **({"#sk": sk_name} if prefix else {})},
            "ExpressionAttributeValues": {
                ":pk": {"S": partition},
                **({":prefix": {"S": prefix}} if prefix else {}),
            },
            "ScanIndexForward": not descending,
        }
        if index is None:
            kwargs["ConsistentRead"] = True
        else:
            kwargs["IndexName"] = index
        if after:
            kwargs["ExclusiveStartKey"] = {name: {"S": value} for name, value in after.items()}
        items: list[Item] = []
        # One item more than asked for tells whether another page exists, so the last page
        # never hands out a cursor to an empty one.
        wanted = None if limit is None else limit + 1
        with _service_errors("Query"):
            while True:
                if wanted is not None:
                    kwargs["Limit"] = wanted - len(items)
                response = aws.dynamodb().query(**kwargs)
                items += [from_wire(i) for i in response.get("Items", [])]
                last = response.get("LastEvaluatedKey")
                if not last or (wanted is not None and len(items) >= wanted):
                    break
                kwargs["ExclusiveStartKey"] = last
        if limit is None or len(items) <= limit:
            return QueryPage(items)
        return QueryPage(items[:limit], page_key(items[limit - 1], index))
