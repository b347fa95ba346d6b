"""Builders of stored records (the domain models), for tests that need one without the API."""

from __future__ import annotations

from datetime import timedelta

from badgehub.domain import hashing
from badgehub.domain.models import Alignment, Assertion, BadgeClass, Issuer, StoredImage
from tests.support.builders import FIXED_NOW

IMAGE = StoredImage(key="badges/b1/image-abc.png", content_type="image/png", sha256="ab" * 32)


def an_issuer_record() -> Issuer:
    return Issuer(
        id="i1",
        name="Uni",
        url="https://uni.example.org",
        email="registry@uni.example.org",
        created_at=FIXED_NOW,
    )


def a_badge_record() -> BadgeClass:
    return BadgeClass(
        id="b1",
        issuer_id="i1",
        name="Data <Literacy>",
        description="desc",
        criteria_narrative="Pass it.",
        image=IMAGE,
        tags=("data",),
        alignments=(Alignment(target_name="ESCO", target_url="https://esco.example/1"),),
        created_at=FIXED_NOW,
    )


def an_assertion_record(**changes: object) -> Assertion:
    salt = "s4lt"
    record = Assertion(
        id="a1",
        badge_id="b1",
        issuer_id="i1",
        recipient_email="ada@example.org",
        recipient_name="Ada",
        salt=salt,
        identity_hash=hashing.hash_email("ada@example.org", salt),
        issued_on=FIXED_NOW,
        expires=FIXED_NOW + timedelta(days=365),
        created_at=FIXED_NOW,
    )
    return record.model_copy(update=changes)
