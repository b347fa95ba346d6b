"""What a share page links to: LinkedIn, X, Facebook, Pinterest and e-mail links, and the
schema.org description of the credential. Pure: every value is percent-encoded here, once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
X_POST = "https://twitter.com/intent/tweet"
FACEBOOK_SHARE = "https://www.facebook.com/sharer/sharer.php"
PINTEREST_PIN = "https://pinterest.com/pin/create/button/"


@dataclass(frozen=True)
class SharedBadge:
    """The public facts of one shared badge, already resolved to absolute URLs."""

    assertion_id: str
    name: str
    description: str
    issuer_name: str
    issuer_url: str
    linkedin_organization_id: str | None
    issued_on: datetime
    expires: datetime | None
    share_url: str  # the page people are sent to
    verify_url: str  # the verification page (the badge's own URL)
    preview_url: str  # the 1200x630 card image
    image_url: str  # the badge image itself
    criteria_narrative: str | None = None
    criteria_url: str | None = None


def query(pairs: list[tuple[str, str]]) -> str:
    # quote, not quote_plus: a "+" in a name must not turn into a space on the other side.
    return urlencode([(k, v) for k, v in pairs if v], quote_via=quote)


def linkedin_add_to_profile(badge: SharedBadge) -> str:
    """LinkedIn's "Add licence or certification" form, filled in (months are 1-12)."""
    pairs = [("startTask", "CERTIFICATION_NAME"), ("name", badge.name)]
    if badge.linkedin_organization_id:
        pairs.append(("organizationId", badge.linkedin_organization_id))
    else:
        pairs.append(("organizationName", badge.issuer_name))
    pairs += [("issueYear", str(badge.issued_on.year)), ("issueMonth", str(badge.issued_on.month))]
    if badge.expires is not None:
        pairs += [
            ("expirationYear", str(badge.expires.year)),
            ("expirationMonth", str(badge.expires.month)),
        ]
    pairs += [("certUrl", badge.verify_url), ("certId", badge.assertion_id)]
    return f"{LINKEDIN_ADD}?{query(pairs)}"


def linkedin_share(badge: SharedBadge) -> str:
    return f"{LINKEDIN_SHARE}?{query([('url', badge.share_url)])}"


def x_post(badge: SharedBadge, text: str) -> str:
    return f"{X_POST}?{query([('text', text), ('url', badge.share_url)])}"


def facebook_share(badge: SharedBadge) -> str:
    return f"{FACEBOOK_SHARE}?{query([('u', badge.share_url)])}"


def pinterest_pin(badge: SharedBadge, description: str) -> str:
    pairs = [("url", badge.share_url), ("media", badge.preview_url), ("description", description)]
    return f"{PINTEREST_PIN}?{query(pairs)}"


def mailto(subject: str, body: str) -> str:
    """RFC 6068: no address (the sender picks one), spaces as %20, line breaks as %0D%0A."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def credential_json_ld(badge: SharedBadge) -> dict[str, Any]:
    """schema.org's EducationalOccupationalCredential, as search engines read it."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalCredential",
        "@id": badge.share_url,
        "name": badge.name,
        "description": badge.description,
        "url": badge.share_url,
        "image": badge.image_url,
        "credentialCategory": "badge",
        "identifier": badge.assertion_id,
        "dateCreated": badge.issued_on.isoformat(),
        "recognizedBy": {
            "@type": "Organization",
            "name": badge.issuer_name,
            "url": badge.issuer_url,
        },
        "sameAs": badge.verify_url,
    }
    if badge.expires is not None:
        data["expires"] = badge.expires.isoformat()
    if badge.criteria_narrative or badge.criteria_url:
        data["competencyRequired"] = badge.criteria_narrative or badge.criteria_url
    return data


def json_ld_script_body(data: dict[str, Any]) -> str:
    """JSON for inside <script type="application/ld+json">: `<`, `>` and `&` as \\u escapes,
    so no value (a badge named `</script>`) can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
