"""Uploaded SVGs: one hardened XML parser, and an allow-list sanitiser that rewrites the file.

The parser (defusedxml over expat) takes a DOCTYPE line that has no internal subset, as most
exported SVGs and the Open Badges samples carry: its DTD is never fetched, and nothing it names is
used. It refuses internal subsets, and with them every entity or attribute declaration, so
entity expansion and external entities cannot happen.

`sanitise` parses the upload, keeps what the allow-lists below name and writes a new file from
the parsed tree, so what is stored is exactly what was judged: nothing the parser decoded
(character references, CDATA, an encoding declaration) can mean one thing to us and another to a
browser. It keeps SVG's static drawing elements and presentation attributes, same-document
`#id` references, raster `data:` images, and the Open Badges baking elements. It drops
everything else: scripts, `foreignObject`, event handlers, processing instructions, comments, the
DOCTYPE, elements and attributes of other namespaces (editor metadata included), links to
anything outside the document however they are spelt, and the animation elements: a badge is a
still image, and `set`/`animate` can write an `href` or an event handler after any filter ran.
`<a>` becomes a plain group (its children are kept, its link is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from . import svgcss
from .baking import SVG_OB2_NS, SVG_OB3_NS
from .errors import InvalidInput, UnsupportedMediaType

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_DEPTH = 128  # nesting deeper than this is refused: no drawing needs it, a recursion bomb does
_BADGE_ELEMENTS = {SVG_OB2_NS: "assertion", SVG_OB3_NS: "credential"}

_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "switch", "title", "desc", "metadata", "view",
        "rect", "circle", "ellipse", "line", "polyline", "polygon", "path",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "image", "style",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset",
        "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip

# Geometry, structure and filter attributes; the presentation attributes are svgcss.PROPERTIES.
_ATTRIBUTES = svgcss.PROPERTIES | frozenset(
    {
        "id", "class", "style", "lang", "version", "baseProfile",
        "viewBox", "preserveAspectRatio", "transform", "x", "y", "width", "height",
        "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points",
        "pathLength", "offset", "gradientUnits", "gradientTransform", "spreadMethod",
        "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits",
        "maskUnits", "maskContentUnits", "markerUnits", "markerWidth", "markerHeight",
        "refX", "refY", "orient", "filterUnits", "primitiveUnits", "in", "in2", "result",
        "stdDeviation", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
        "method", "spacing", "side", "mode", "operator", "k1", "k2", "k3", "k4", "values",
        "type", "tableValues", "slope", "intercept", "amplitude", "exponent",
        "baseFrequency", "numOctaves", "seed", "stitchTiles", "scale", "xChannelSelector",
        "yChannelSelector", "kernelMatrix", "kernelUnitLength", "order", "divisor", "bias",
        "targetX", "targetY", "edgeMode", "preserveAlpha", "surfaceScale", "diffuseConstant",
        "specularConstant", "specularExponent", "azimuth", "elevation", "pointsAtX",
        "pointsAtY", "pointsAtZ", "limitingConeAngle", "radius", "media",
        "requiredFeatures", "systemLanguage", "viewTarget", "zoomAndPan",
    }
)  # fmt: skip

# Where a same-document `#id` reference means something, and where a raster data: URI does.
_LOCAL_REFERENCES = frozenset(
    {"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter", "feImage"}
)
_RASTER_REFERENCES = frozenset({"image", "feImage"})
_NEED_A_REFERENCE = frozenset({"use", "image", "feImage"})
# What a URL parser ignores or strips (ASCII whitespace and controls): removed before judging,
# so `java&#9;script:` and friends are read as the browser would read them.
_IGNORED_IN_URLS = re.compile("[\x00-\x20\x7f]+")
_RASTER_DATA = re.compile(
    r"data:image/(?:png|jpeg|jpg|gif|webp)(?:;[a-z0-9_.+-]+=[a-z0-9_.+-]+)*;base64,"
    r"[A-Za-z0-9+/]*={0,2}",
    re.IGNORECASE,
)


# --- parsing -----------------------------------------------------------------------------------


def xml_parser(target: object, field: str = "image") -> DefusedXMLParser:
    """defusedxml's parser that also takes a DOCTYPE without an internal subset."""
    parser = DefusedXMLParser(
        target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )

    def doctype(name: str, system_id: str | None, public_id: str | None, subset: int) -> None:
        if subset:
            raise InvalidInput(
                "image: an SVG's DOCTYPE may not have an internal subset"
                " (entity and other declarations are refused)",
                field=field,
            )

    expat: Any = parser.parser
    expat.StartDoctypeDeclHandler = doctype
    return parser


def parse(data: bytes, target: object, field: str = "image") -> None:
    """Feeds the whole document to `target` (start/end/data/close), or raises a domain error."""
    parser = xml_parser(target, field)
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as exc:
        raise InvalidInput(
            "image: SVG files may not declare or reference entities", field=field
        ) from exc
    except (SyntaxError, ValueError, LookupError) as exc:
        raise InvalidInput("image is not a well-formed SVG file", field=field) from exc


@dataclass
class _Node:
    tag: str
    attrib: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        """All the text inside, as a reader of the Open Badges elements collects it."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


@dataclass
class _TreeTarget:
    field_name: str
    root: _Node | None = None
    stack: list[_Node] = field(default_factory=list)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise InvalidInput(
                f"image nests SVG elements more than {MAX_DEPTH} deep", field=self.field_name
            )
        node = _Node(tag, dict(attrib))
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:  # text outside the root is whitespace: expat refuses anything else
            self.stack[-1].children.append(text)

    def close(self) -> None:
        return None


# --- sanitising --------------------------------------------------------------------------------


@dataclass
class _Clean:
    """An element as it will be written: its qualified name, attributes and content."""

    name: str
    attrs: list[tuple[str, str]]
    children: list[_Clean | str] = field(default_factory=list)
    cdata: bool = False
    namespace: str | None = None  # the openbadges prefix's binding, for badge elements


@dataclass
class _State:
    uses_xlink: bool = False
    badge_namespaces: list[str] = field(default_factory=list)


def sanitise(data: bytes, field: str = "image") -> bytes:
    """The upload rewritten to what the allow-lists keep, as UTF-8 without an XML declaration.

    Refuses (InvalidInput) what cannot be read safely: not well-formed, a DTD internal subset,
    entities, nesting over MAX_DEPTH; and (UnsupportedMediaType) a root that is not SVG's.
    """
    target = _TreeTarget(field)
    parse(data, target, field)
    root = target.root
    if root is None or root.tag != f"{{{SVG_NS}}}svg":
        raise UnsupportedMediaType("image must be a PNG or an SVG file", field=field)
    state = _State()
    clean = _element(root, state, in_text=False)
    assert clean is not None  # the root is an svg element, which is always kept
    declarations = [("xmlns", SVG_NS)]
    if state.uses_xlink:
        declarations.append(("xmlns:xlink", XLINK_NS))
    root_badge_namespace = state.badge_namespaces[0] if state.badge_namespaces else None
    if root_badge_namespace is not None:
        declarations.append(("xmlns:openbadges", root_badge_namespace))
    clean.attrs = declarations + clean.attrs
    out: list[str] = []
    _write(clean, out, root_badge_namespace)
    return "".join(out).encode("utf-8")


def _split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return "", name


def _element(node: _Node, state: _State, in_text: bool) -> _Clean | None:
    namespace, local = _split(node.tag)
    if _BADGE_ELEMENTS.get(namespace) == local:
        return _badge_element(node, namespace, local, state)
    name = _svg_element_name(namespace, local, in_text)
    if name is None:
        return None
    attrs = [
        kept for kept in (_attribute(name, n, v, state) for n, v in node.attrib.items()) if kept
    ]
    if name in _NEED_A_REFERENCE and not any(n in ("href", "xlink:href") for n, _ in attrs):
        return None
    clean = _Clean(name, attrs)
    if name == "style":
        css = svgcss.stylesheet(node.text())
        clean.children = [] if css is None else [css]
        return None if css is None else clean
    in_text = in_text or name == "text"
    for child in node.children:
        if isinstance(child, str):
            clean.children.append(child)
        else:
            kept = _element(child, state, in_text)
            if kept is not None:
                clean.children.append(kept)
    return clean


def _svg_element_name(namespace: str, local: str, in_text: bool) -> str | None:
    """The element's name as written, or None to drop it with all it holds."""
    if namespace != SVG_NS:
        return None
    if local == "a":  # the link goes, what it shows stays
        return "tspan" if in_text else "g"
    return local if local in _ELEMENTS else None


def _badge_element(node: _Node, namespace: str, local: str, state: _State) -> _Clean:
    """An Open Badges element, kept as a reader sees it: `verify`, and its text in CDATA."""
    state.badge_namespaces.append(namespace)
    verify = node.attrib.get("verify")
    attrs = [] if verify is None else [("verify", verify)]
    text = node.text()
    return _Clean(
        f"openbadges:{local}", attrs, [text] if text else [], cdata=True, namespace=namespace
    )


def _attribute(element: str, name: str, value: str, state: _State) -> tuple[str, str] | None:
    namespace, local = _split(name)
    if namespace:
        return _namespaced_attribute(element, namespace, local, value, state)
    if local == "href":
        href = _reference(element, value)
        return None if href is None else ("href", href)
    if local == "style":
        css = svgcss.declarations(value)
        return None if css is None else ("style", css)
    return (local, value) if _plain_value_is_safe(local, value) else None


def _namespaced_attribute(
    element: str, namespace: str, local: str, value: str, state: _State
) -> tuple[str, str] | None:
    """`xml:lang`, `xml:space` and a checked `xlink:href`; no other namespace's attributes."""
    if namespace == XML_NS and local in ("lang", "space"):
        return f"xml:{local}", value
    href = _reference(element, value) if namespace == XLINK_NS and local == "href" else None
    if href is None:
        return None
    state.uses_xlink = True
    return "xlink:href", href


def _plain_value_is_safe(name: str, value: str) -> bool:
    if name not in _ATTRIBUTES:
        return False
    # Some readers take a value as an IRI rather than CSS (an SVG 1.1 `color-profile`, ...).
    if any(word in _IGNORED_IN_URLS.sub("", value).lower() for word in svgcss.SUSPECT_WORDS):
        return False
    return svgcss.value_is_safe(value)


def _reference(element: str, value: str) -> str | None:
    """A same-document `#id` or a raster data: URI, where the element can use one; else None."""
    url = _IGNORED_IN_URLS.sub("", value)
    if element in _LOCAL_REFERENCES and svgcss.LOCAL_REFERENCE.fullmatch(url):
        return url
    if element in _RASTER_REFERENCES and _RASTER_DATA.fullmatch(url):
        return url
    return None


# --- writing -----------------------------------------------------------------------------------


def _write(node: _Clean, out: list[str], badge_namespace: str | None) -> None:
    out.append("<" + node.name)
    if node.namespace is not None and node.namespace != badge_namespace:
        out.append(f' xmlns:openbadges="{_escape_attribute(node.namespace)}"')
    out.extend(f' {name}="{_escape_attribute(value)}"' for name, value in node.attrs)
    if not node.children:
        out.append("/>")
        return
    out.append(">")
    for child in node.children:
        if isinstance(child, _Clean):
            _write(child, out, badge_namespace)
        elif node.cdata:
            out.append(_cdata(child))
        else:
            out.append(_escape_text(child))
    out.append(f"</{node.name}>")


def _escape_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _escape_attribute(value: str) -> str:
    """Tabs and line ends as references, or a parser would fold them into spaces."""
    return _escape_text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def _cdata(text: str) -> str:
    if "\r" in text:  # a CR in CDATA would be read back as a line feed
        return _escape_text(text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
