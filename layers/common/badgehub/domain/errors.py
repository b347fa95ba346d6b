"""The domain's error family; runtime/http.py maps each kind to one HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a caller can cause: `code` for machines, `field` names the input."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """The request is malformed or a field fails validation."""

    code = "invalid_input"


class PayloadTooLarge(DomainError):
    """The body (or an embedded file) is over its size cap."""

    code = "payload_too_large"


class Unauthenticated(DomainError):
    """No credentials, or credentials we do not recognise."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """Known caller, but the resource belongs to someone else."""

    code = "forbidden"


class NotFound(DomainError):
    """No such resource (or not visible to this caller)."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with stored state (e.g. an idempotency key reused with another body)."""

    code = "conflict"


class ConcurrentUpdate(Conflict):
    """A conditional write lost to a concurrent one; use cases re-read and retry, and only
    what still loses after retrying reaches the caller (409: "changed meanwhile, retry")."""

    code = "concurrent_update"


class Gone(DomainError):
    """The resource existed and was withdrawn."""

    code = "gone"


class UnsupportedMediaType(DomainError):
    """The content type (or sniffed file type) is not one we accept."""

    code = "unsupported_media_type"


class ServiceUnavailable(DomainError):
    """A service we depend on (the key service, the table) failed; nothing was half-done."""

    code = "service_unavailable"


class TooManyRequests(DomainError):
    """Over a rate limit; `retry_after` says in how many seconds to try again."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
