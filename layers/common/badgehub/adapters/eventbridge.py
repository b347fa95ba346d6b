"""Events out to the platform's EventBridge bus (source `badgehub`), for issuers' systems."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from ..ports import BusEvent, EventBusError
from . import aws

SOURCE = "badgehub"


class EventBridgeBus:
    def __init__(self, bus_name: str) -> None:
        self._bus = bus_name

    def publish(self, event: BusEvent) -> None:
        entry = {
            "Source": SOURCE,
            "DetailType": event.detail_type,
            "Detail": event.detail,
            "EventBusName": self._bus,
            "Time": event.time,
        }
        try:
            answer = aws.events().put_events(Entries=[entry])
        except (ClientError, BotoCoreError) as error:
            raise EventBusError(type(error).__name__) from error
        if answer.get("FailedEntryCount"):
            failed = answer["Entries"][0]
            raise EventBusError(str(failed.get("ErrorCode") or "the bus refused the event"))
