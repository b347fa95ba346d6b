"""Uploaded SVGs are stored rewritten: nothing that runs, nothing that fetches, the drawing kept.

Every check of a stored file is made by `assert_inert`, a walk over raw expat events that shares
nothing with the sanitiser: its own lists, its own URL and CSS reading.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgehub.domain import images, svg
from badgehub.domain.baking import SVG_OB2_NS, SVG_OB3_NS, Baked, Version, bake_svg, unbake
from badgehub.domain.errors import DomainError, InvalidInput, UnsupportedMediaType
from tests.support.builders import SVG, data_uri

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile_svg"
REWRITTEN = sorted((HOSTILE / "rewritten").glob("*.svg"))
REFUSED = sorted((HOSTILE / "refused").glob("*.svg"))
BENIGN = sorted((FIXTURES / "benign_svg").glob("*.svg"))
FOREIGN = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "foreign-badges"
FOREIGN_SVG = FOREIGN / "1et-ob30-simple-json-svg.svg"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
BADGE_ELEMENTS = {SVG_OB2_NS: "assertion", SVG_OB3_NS: "credential"}
ACTIVE = {
    "script", "foreignObject", "set", "animate", "animateMotion", "animateTransform",
    "animateColor", "discard", "handler", "listener", "iframe", "embed", "object", "a",
    "cursor", "font-face-uri", "audio", "video", "canvas", "html", "body",
}  # fmt: skip
DRAWING = {
    "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "text", "tspan",
    "use", "image", "linearGradient", "radialGradient", "stop", "filter", "feGaussianBlur",
    "clipPath", "style", "g", "defs",
}  # fmt: skip
RASTER_DATA = re.compile(r"data:image/(png|jpeg|jpg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}")
URL_IGNORED = re.compile("[\x00-\x20\x7f]")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\r\n\f]?|\\(.)", re.S)
# A function that fetches, called as one (`#aurl(` is a hash, then a bracket).
CSS_FUNCTION = r"(?<![\w\-\u0080-\U0010ffff]){}\("
CSS_URL = re.compile(CSS_FUNCTION.format("url") + r"\s*['\"]?\s*(.?)")
CSS_FETCHING = re.compile(
    CSS_FUNCTION.format("(?:image-set|-webkit-image-set|image|cross-fade|element|expression|src)")
)
CSS_FORBIDDEN = ("@import", "@font-face", "@namespace", "javascript:", "vbscript:", "-moz-binding")


# --- the independent walk ------------------------------------------------------------------


def unescape(match: re.Match[str]) -> str:
    """An escaped character is always part of a name or a string, never syntax: `\\@import`
    is a word, `@\\69mport` an at-rule. Escaped punctuation becomes a neutral letter."""
    char = chr(int(match[1], 16)) if match[1] else match[2]
    return char if char.isalnum() or char in "_-" else "_"


def css_is_inert(text: str) -> bool:
    """No url() but `#id` ones and no fetching or scripting word, read after CSS escapes."""
    decoded = CSS_ESCAPE.sub(unescape, text)
    uncommented = re.sub(r"/\*.*?(\*/|$)", " ", decoded, flags=re.S).lower()
    # A string fetches only as the argument of something named here, or of url(): of each,
    # only the first character is kept, which is all a url() check needs.
    unquoted = re.sub(r"'([^']?)[^']*'|\"([^\"]?)[^\"]*\"", r"'\1\2'", uncommented)
    if any(word in re.sub(r"\s+", "", unquoted) for word in CSS_FORBIDDEN):
        return False
    if CSS_FETCHING.search(unquoted):
        return False
    return all(m[1] == "#" for m in CSS_URL.finditer(unquoted))


def assert_inert(data: bytes) -> None:
    """Nothing in the stored bytes can run or fetch: checked on the raw parse events."""
    problems: list[str] = []
    styles: list[list[str]] = []
    parser = expat.ParserCreate(namespace_separator="}")

    def start(name: str, attrs: dict[str, str]) -> None:
        namespace, _, local = name.rpartition("}")
        if namespace in BADGE_ELEMENTS:
            if local != BADGE_ELEMENTS[namespace] or set(attrs) - {"verify"}:
                problems.append(f"badge element {local} with {sorted(attrs)}")
            return  # `verify` is data for badge readers, never a link a renderer follows
        elif namespace != SVG_NS:
            problems.append(f"element in namespace {namespace!r}: {local}")
        elif local in ACTIVE:
            problems.append(f"active element {local}")
        for attribute, value in attrs.items():
            problems.extend(attribute_problems(local, attribute, value))
        if name == f"{SVG_NS}}}style":
            styles.append([])

    def end(name: str) -> None:
        if name == f"{SVG_NS}}}style":
            text = "".join(styles.pop())
            if not css_is_inert(text):
                problems.append(f"style element: {text!r}")

    def characters(text: str) -> None:
        if styles:
            styles[-1].append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.ProcessingInstructionHandler = lambda target, _: problems.append(f"PI {target}")
    parser.StartDoctypeDeclHandler = lambda *_: problems.append("DOCTYPE")
    parser.EntityDeclHandler = lambda *_: problems.append("entity declaration")
    parser.Parse(data, True)
    assert not problems, problems


def attribute_problems(element: str, attribute: str, value: str) -> list[str]:
    namespace, _, local = attribute.rpartition("}")
    problems = []
    if namespace not in ("", XLINK_NS, XML_NS) or (namespace == XLINK_NS and local != "href"):
        problems.append(f"attribute {attribute}")
    if namespace == XML_NS and local not in ("lang", "space"):
        problems.append(f"attribute xml:{local}")
    if local.lower().startswith("on"):
        problems.append(f"event handler {local} on {element}")
    url = URL_IGNORED.sub("", value)
    if local == "href" and not (url.startswith("#") or RASTER_DATA.fullmatch(url)):
        problems.append(f"{element} links to {value!r}")
    lowered = url.lower()
    if local != "href" and any(s in lowered for s in ("javascript:", "data:", "http:", "https:")):
        problems.append(f"{local}={value!r}")
    if not css_is_inert(value):
        problems.append(f"{local}={value!r} (as CSS)")
    return problems


def by_id(data: bytes, element_id: str) -> ET.Element | None:
    return next((e for e in ET.fromstring(data).iter() if e.get("id") == element_id), None)


def drawing(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """Drawn elements, in order, with their geometry and paint: what must survive."""
    root = ET.fromstring(data)
    kept = []
    for element in root.iter():
        namespace, _, local = str(element.tag).rpartition("}")
        if namespace == "{" + SVG_NS and local in DRAWING:
            plain = {k: v for k, v in element.attrib.items() if not k.startswith("{")}
            kept.append((local, plain))
    return kept


def text_of(data: bytes) -> str:
    names = (f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan")
    return "".join(e.text or "" for e in ET.fromstring(data).iter() if e.tag in names)


def stored(raw: bytes) -> bytes:
    image = images.read_badge_image(data_uri(raw, "image/svg+xml"))
    assert image.content_type == images.SVG
    return image.data


# --- the corpus --------------------------------------------------------------------------------


def test_the_corpus_is_there() -> None:
    assert len(REWRITTEN) >= 14 and len(REFUSED) >= 9 and len(BENIGN) >= 2


@pytest.mark.parametrize("path", REWRITTEN, ids=lambda p: p.stem)
def test_hostile_svgs_are_stored_inert_with_their_drawing_kept(path: Path) -> None:
    raw = path.read_bytes()
    with pytest.raises(AssertionError):
        assert_inert(raw)  # the walk does see what is wrong with the upload
    out = stored(raw)
    assert_inert(out)
    keep = by_id(out, "keep")
    assert keep is not None and keep.tag.startswith(f"{{{SVG_NS}}}")
    assert svg.sanitise(out) == out  # a stored file is already what the sanitiser writes


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_what_cannot_be_made_safe_is_refused_naming_the_image(path: Path) -> None:
    with pytest.raises((InvalidInput, UnsupportedMediaType)) as caught:
        stored(path.read_bytes())
    assert caught.value.field == "image"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("billion-laughs", "internal subset"),
        ("external-entity", "internal subset"),
        ("parameter-entity", "internal subset"),
        ("doctype-attlist-onload", "internal subset"),
        ("doctype-entity-href", "internal subset"),
        ("undefined-entity", "well-formed"),
        ("html-root", "PNG or an SVG"),
    ],
)
def test_refusals_say_why(name: str, reason: str) -> None:
    with pytest.raises(DomainError) as caught:
        stored((HOSTILE / "refused" / f"{name}.svg").read_bytes())
    assert reason in caught.value.message and caught.value.message.startswith("image")


def test_a_link_with_an_obfuscated_javascript_scheme_becomes_a_plain_group() -> None:
    out = stored((HOSTILE / "rewritten" / "href-tab-javascript.svg").read_bytes())
    assert b"script" not in out.lower() and b"href" not in out
    assert len(ET.fromstring(out).findall(f"{{{SVG_NS}}}g")) == 5


def test_animation_that_would_write_a_link_or_a_handler_is_dropped() -> None:
    out = stored((HOSTILE / "rewritten" / "set-href-javascript.svg").read_bytes())
    assert not re.search(rb"<(set|animate|discard)", out) and b"javascript" not in out


def test_processing_instructions_are_dropped_wherever_they_are() -> None:
    out = stored((HOSTILE / "rewritten" / "xml-stylesheet-pi.svg").read_bytes())
    assert b"<?" not in out and b"stylesheet" not in out


def test_style_imports_are_dropped_and_the_rest_of_the_rule_set_kept() -> None:
    out = stored((HOSTILE / "rewritten" / "style-import.svg").read_bytes())
    assert b"import" not in out.lower() and b"evil" not in out
    (style,) = ET.fromstring(out).iter(f"{{{SVG_NS}}}style")
    assert style.text == "circle{fill:teal}"
    assert by_id(out, "keep").get("style") == "fill:teal"  # type: ignore[union-attr]


def test_use_keeps_only_same_document_references() -> None:
    out = stored((HOSTILE / "rewritten" / "use-external.svg").read_bytes())
    uses = list(ET.fromstring(out).iter(f"{{{SVG_NS}}}use"))
    assert [u.get("href") for u in uses] == ["#dot", "#dot"]
    assert b"evil" not in out and b"base" not in out


def test_raster_data_images_are_kept_and_nothing_else_is_an_image() -> None:
    out = stored((HOSTILE / "rewritten" / "data-text-html.svg").read_bytes())
    assert b"<image" not in out and b"feImage" not in out
    kept = stored((HOSTILE / "rewritten" / "onload.svg").read_bytes())
    (image,) = ET.fromstring(kept).iter(f"{{{SVG_NS}}}image")
    assert image.get("href") == "data:image/png;base64,iVBORw0KGgo="


# --- benign files ------------------------------------------------------------------------------


def benign_files() -> list[object]:
    files: list[object] = [pytest.param(p, id=p.stem) for p in BENIGN]
    files.append(
        pytest.param(
            FOREIGN_SVG,
            id=FOREIGN_SVG.stem,
            marks=pytest.mark.skipif(
                not FOREIGN_SVG.exists(), reason=f"foreign badge fixtures not found at {FOREIGN}"
            ),
        )
    )
    return files


@pytest.mark.parametrize("path", benign_files())
def test_benign_svgs_keep_every_shape_paint_and_text(path: Path) -> None:
    raw = path.read_bytes()
    out = stored(raw)
    assert_inert(out)
    assert drawing(out) == drawing(raw)
    assert text_of(out) == text_of(raw)
    assert unbake(out) == unbake(raw)  # a baked upload keeps its badge
    assert svg.sanitise(out) == out


def test_inkscape_references_survive_and_editor_metadata_goes() -> None:
    out = stored((FIXTURES / "benign_svg" / "inkscape-like.svg").read_bytes())
    root = ET.fromstring(out)
    hrefs = [e.get(f"{{{XLINK_NS}}}href") for e in root.iter() if e.get(f"{{{XLINK_NS}}}href")]
    assert hrefs[:2] == ["#linearGradient1", "#star"] and hrefs[2].startswith("data:image/png")
    assert b"inkscape:" not in out and b"sodipodi" not in out and b"rdf:" not in out
    assert b"-inkscape-font-specification" in out  # inert, and in every Inkscape text style


def test_an_exported_svg_with_the_svg_11_doctype_is_taken() -> None:
    raw = (FIXTURES / "benign_svg" / "illustrator-like.svg").read_bytes()
    assert b"<!DOCTYPE svg PUBLIC" in raw
    out = stored(raw)
    assert b"DOCTYPE" not in out  # the DTD is neither fetched nor kept
    assert b"@media print" in out and "Café Prés".encode() in out  # now UTF-8


@pytest.mark.skipif(not FOREIGN_SVG.exists(), reason=f"foreign badge fixtures not at {FOREIGN}")
def test_the_spec_shaped_baked_svg_with_a_doctype_is_taken_and_keeps_its_credential() -> None:
    raw = FOREIGN_SVG.read_bytes()
    assert raw.count(b"<!DOCTYPE svg PUBLIC") == 1
    out = stored(raw)
    baked = unbake(out)
    assert baked is not None and baked.version is Version.OB3
    assert '"proofValue"' in baked.payload and b"<![CDATA[" in out


def test_a_plain_svg_is_stored_byte_for_byte() -> None:
    assert stored(SVG) == SVG


@pytest.mark.parametrize("version", list(Version))
def test_baked_elements_survive_sanitising_and_can_be_baked_over(version: Version) -> None:
    payload = '{"name": "Ada ✓", "note": "]]> & <tags>"}'
    out = stored(bake_svg(SVG, payload, version))
    assert unbake(out) == Baked(version, payload, images.SVG)
    again = bake_svg(out, "https://badges.example.org/assertions/1", Version.OB2)
    assert unbake(again) == Baked(
        Version.OB2, "https://badges.example.org/assertions/1", images.SVG
    )
    assert_inert(out)


def test_both_badge_namespaces_each_get_their_binding() -> None:
    raw = (
        b'<svg xmlns="http://www.w3.org/2000/svg">'
        b'<a:assertion xmlns:a="http://openbadges.org" verify="https://x.example/1"/>'
        b'<c:credential xmlns:c="https://purl.imsglobal.org/ob/v3p0" x="1">{}</c:credential>'
        b"</svg>"
    )
    out = stored(raw)
    tags = [e.tag for e in ET.fromstring(out)]
    assert tags == [f"{{{SVG_OB2_NS}}}assertion", f"{{{SVG_OB3_NS}}}credential"]
    assert unbake(out) == Baked(Version.OB2, "https://x.example/1", images.SVG)
    assert_inert(out)


def test_nesting_is_capped() -> None:
    def nested(depth: int) -> bytes:
        inner = b"<g>" * (depth - 1) + b"</g>" * (depth - 1)
        return b'<svg xmlns="http://www.w3.org/2000/svg">' + inner + b"</svg>"

    assert stored(nested(svg.MAX_DEPTH)).count(b"<g") == svg.MAX_DEPTH - 1
    with pytest.raises(InvalidInput, match="deep"):
        stored(nested(svg.MAX_DEPTH + 1))


# --- generated attacks -------------------------------------------------------------------------

_PIECES = [
    "java", "script", ":", "&#9;", "&#x0A;", "&#13;", " ", "javascript:alert(1)", "JaVaScRiPt:",
    "url(", ")", "'", "&quot;", "#a", "https://x.example/t", "//x.example/t", "\\75 rl(",
    "data:image/png;base64,AAAA", "data:text/html,x", "data:image/svg+xml,x", "expression(",
    "@import ", ";fill:", "image-set(", "&amp;", "&lt;", "}", "{", "/*", "*/", "\\",
]  # fmt: skip
_ELEMENT_NAMES = ["a", "use", "image", "feImage", "rect", "style", "pattern", "text", "set"]
_ATTRIBUTE_NAMES = [
    "href", "xlink:href", "style", "fill", "filter", "onload", "values", "to", "transform",
    "font-family", "mask", "clip-path", "xml:base", "attributeName",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    element=st.sampled_from(_ELEMENT_NAMES),
    attributes=st.dictionaries(
        st.sampled_from(_ATTRIBUTE_NAMES),
        st.lists(st.sampled_from(_PIECES), max_size=6).map("".join),
        max_size=4,
    ),
    content=st.lists(st.sampled_from(_PIECES), max_size=6).map("".join),
)
def test_generated_attacks_are_stored_inert_or_refused(
    element: str, attributes: dict[str, str], content: str
) -> None:
    attrs = "".join(f' {name}="{value}"' for name, value in attributes.items())
    raw = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"<{element}{attrs}>{content.replace('<', '&lt;')}</{element}></svg>"
    ).encode()
    try:
        out = stored(raw)
    except InvalidInput:
        return  # a piece made it ill-formed; nothing was stored
    assert_inert(out)
    assert svg.sanitise(out) == out


def test_headers_for_stored_images_forbid_running_and_fetching_anything() -> None:
    assert dict(images.STORED_IMAGE_HEADERS) == {
        "Content-Security-Policy": (
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
        ),
        "X-Content-Type-Options": "nosniff",
    }
    for content_type in (images.SVG, images.PNG):
        headers = images.stored_image_headers(content_type)
        assert headers == {"Content-Type": content_type, **images.STORED_IMAGE_HEADERS}
    with pytest.raises(ValueError, match="text/html"):
        images.stored_image_headers("text/html")
    with pytest.raises(TypeError):
        images.STORED_IMAGE_HEADERS["X-Frame-Options"] = "DENY"  # type: ignore[index]
