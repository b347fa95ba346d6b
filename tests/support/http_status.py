"""The HTTP status the error table gives a domain error."""

from __future__ import annotations

from badgehub.domain.errors import DomainError
from badgehub.runtime.http import status_for


def status_of(error: DomainError) -> int:
    return status_for(error)
