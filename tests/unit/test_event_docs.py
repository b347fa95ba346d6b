"""docs/events.schema.json documents every event a portal can hear, and what we send fits it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from badgehub.domain import events
from badgehub.domain.events import Event, EventType
from badgehub.domain.webhooks import message, subscribable
from badgehub.usecases.event_sender import bus_event
from tests.support.builders import FIXED_NOW

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "events.schema.json").read_text())


def test_every_subscribable_type_has_a_schema_and_nothing_else_does() -> None:
    assert set(SCHEMA["$defs"]) == {t.value for t in subscribable()}


def _made_by_the_domain() -> list[Event]:
    return [
        events.badge_issued("iss", "a-1", "b-1", FIXED_NOW),
        events.badge_revoked("iss", "a-1", "b-1", FIXED_NOW),
        events.claim_changed("iss", "a-1", True, FIXED_NOW),
        events.claim_changed("iss", "a-1", False, FIXED_NOW),
        *(
            events.supplement_changed(kind, "iss", "a-1", 2, FIXED_NOW)
            for kind in (
                EventType.SUPPLEMENT_ATTACHED,
                EventType.SUPPLEMENT_WITHDRAWN,
                EventType.SUPPLEMENT_VISIBLE,
                EventType.SUPPLEMENT_HIDDEN,
            )
        ),
    ]


@pytest.mark.parametrize("event", _made_by_the_domain(), ids=lambda e: e.type.value)
def test_webhook_bodies_and_bus_details_fit_the_documented_schema(event: Event) -> None:
    jsonschema.validate(message(event), SCHEMA)
    detail = json.loads(bus_event(event).detail)
    jsonschema.validate(detail, SCHEMA)
    assert detail["id"] == event.id


def test_a_message_of_one_type_does_not_fit_another() -> None:
    issued = message(events.badge_issued("iss", "a-1", "b-1", FIXED_NOW))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**issued, "type": "badge.claimed", "data": {}}, SCHEMA)
