"""CSS inside uploaded SVGs: an allow-list over tinycss2's tokens, so nothing outside is fetched.

CSS is tokenised exactly as a browser does it (escapes decoded, comments dropped, `url(` with or
without quotes), then judged token by token: every `url()` must be a same-document `#id`
reference, every other function must be one that computes a value (colours, maths, transforms,
filter effects), and a declaration's property must be one that paints SVG. At-rules go, except
`@media` and `@supports`, whose rules are judged the same way; `@import` and `@font-face` always
go. What passes is kept as written; what does not is dropped, not repaired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import tinycss2
from tinycss2.ast import (
    AtKeywordToken,
    AtRule,
    Comment,
    CurlyBracketsBlock,
    Declaration,
    DimensionToken,
    FunctionBlock,
    HashToken,
    IdentToken,
    LiteralToken,
    Node,
    ParenthesesBlock,
    ParseError,
    QualifiedRule,
    SquareBracketsBlock,
    StringToken,
    URLToken,
    WhitespaceToken,
)

# Functions that compute a value from their arguments and never name a resource.
_FUNCTIONS = frozenset(
    {
        # colours
        "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color",
        "color-mix", "light-dark", "device-cmyk",
        # maths and custom properties
        "calc", "min", "max", "clamp", "abs", "sign", "round", "mod", "rem", "sin", "cos",
        "tan", "asin", "acos", "atan", "atan2", "pow", "sqrt", "hypot", "log", "exp", "var",
        # transforms (also the SVG `transform` attribute's syntax)
        "matrix", "matrix3d", "translate", "translatex", "translatey", "translatez",
        "translate3d", "scale", "scalex", "scaley", "scalez", "scale3d", "rotate", "rotatex",
        "rotatey", "rotatez", "rotate3d", "skew", "skewx", "skewy", "perspective",
        # filter effects and basic shapes
        "blur", "brightness", "contrast", "drop-shadow", "grayscale", "hue-rotate", "invert",
        "opacity", "saturate", "sepia", "inset", "circle", "ellipse", "polygon", "path", "rect",
        "xywh",
        # timing
        "cubic-bezier", "steps", "linear",
    }
)  # fmt: skip

# Properties that style SVG content. Anything else (background, cursor, content, behavior,
# -moz-binding, list-style, border-image...) is dropped before its value is even looked at.
PROPERTIES = frozenset(
    {
        "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
        "color-interpolation", "color-interpolation-filters", "color-profile",
        "color-rendering", "cx", "cy", "d", "direction", "display", "dominant-baseline",
        "enable-background", "fill", "fill-opacity", "fill-rule", "filter", "flood-color",
        "flood-opacity", "font", "font-family", "font-feature-settings", "font-kerning",
        "font-size", "font-size-adjust", "font-stretch", "font-style", "font-variant",
        "font-variant-caps", "font-variant-east-asian", "font-variant-ligatures",
        "font-variant-numeric", "font-variation-settings", "font-weight",
        "glyph-orientation-horizontal", "glyph-orientation-vertical", "height", "image-rendering",
        "inline-size", "isolation", "kerning", "letter-spacing", "lighting-color", "line-height",
        "marker", "marker-end", "marker-mid", "marker-start", "mask", "mask-type",
        "mix-blend-mode", "opacity", "overflow", "paint-order", "pointer-events", "r", "rx", "ry",
        "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray",
        "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
        "stroke-opacity", "stroke-width", "text-align", "text-anchor", "text-decoration",
        "text-decoration-color", "text-decoration-line", "text-decoration-style",
        "text-orientation", "text-rendering", "text-transform", "transform", "transform-box",
        "transform-origin", "unicode-bidi", "vector-effect", "visibility", "white-space",
        "width", "word-spacing", "writing-mode", "x", "y",
        "-inkscape-font-specification",  # Inkscape writes it into every text style; inert
    }
)  # fmt: skip

_CONDITIONAL_AT_RULES = frozenset({"media", "supports"})
# What most values are (path data, lengths, colours, names); tokenising them would be slow.
_PLAIN = re.compile(r"[\w\s.,#%+-]*")
_PLAIN_STYLE = re.compile(r"[\w\s.,#%+;:-]*")
# A same-document reference to an element by its id (name characters, no colon).
LOCAL_REFERENCE = re.compile(r"#[\w.-]+")
# Read on a value's decoded words with whitespace removed: a scheme, a network path or an old
# IE script hook has no business in a drawing's values, not even in a string (an SVG 1.1
# `color-profile` takes a bare IRI, so some readers would follow one).
SUSPECT_WORDS = ("javascript:", "vbscript:", "data:", "//", "expression(")


def value_is_safe(value: str | Iterable[Node]) -> bool:
    """True when a CSS value (or an SVG attribute read as one) names nothing outside the file."""
    if isinstance(value, str) and _PLAIN.fullmatch(value):
        return True  # numbers, names, colours: no function, escape, comment or scheme possible
    tokens = tinycss2.parse_component_value_list(value) if isinstance(value, str) else list(value)
    if not all(_token_is_safe(token) for token in tokens):
        return False
    words = "".join(_words(tokens)).lower()
    return not any(word in words for word in SUSPECT_WORDS)


def _words(tokens: Iterable[Node]) -> Iterable[str]:
    """The decoded text of the tokens, whitespace and comments left out."""
    for token in tokens:
        if isinstance(token, FunctionBlock):
            yield token.name + "("
            yield from _words(token.arguments)
        elif isinstance(token, ParenthesesBlock | SquareBracketsBlock | CurlyBracketsBlock):
            yield from _words(token.content)
        elif isinstance(token, DimensionToken):
            yield token.representation + token.unit
        elif isinstance(token, StringToken | URLToken | IdentToken | LiteralToken | HashToken):
            yield token.value


def _token_is_safe(token: Node) -> bool:
    if isinstance(token, ParseError | AtKeywordToken | Comment):  # no drawing's value needs one
        return False
    if isinstance(token, URLToken):
        return _is_local(token.value)
    if isinstance(token, FunctionBlock):
        if token.lower_name == "url":
            strings = [t for t in token.arguments if not isinstance(t, WhitespaceToken)]
            return (
                len(strings) == 1
                and isinstance(strings[0], StringToken)
                and _is_local(strings[0].value)
            )
        return token.lower_name in _FUNCTIONS and value_is_safe(token.arguments)
    if isinstance(token, ParenthesesBlock | SquareBracketsBlock | CurlyBracketsBlock):
        return value_is_safe(token.content)
    return True


def _is_local(url: str) -> bool:
    """A same-document reference: `#id`, whatever whitespace the tokeniser left around it."""
    return LOCAL_REFERENCE.fullmatch(url.strip(" \t\r\n\f")) is not None


def declarations(text: str) -> str | None:
    """A `style` attribute with only the safe declarations; None when none is left."""
    plain = _plain_declarations(text) if _PLAIN_STYLE.fullmatch(text) else None
    if plain is not None:
        kept, changed = plain
    else:
        kept, changed = _declarations(tinycss2.parse_blocks_contents(text, skip_comments=True))
    if not kept:
        return None
    return text if not changed and "/*" not in text else ";".join(kept)


def _plain_declarations(text: str) -> tuple[list[str], bool] | None:
    """`name:value;...` with plain values, read without the tokeniser; None if not that simple."""
    kept: list[str] = []
    changed = False
    for part in text.split(";"):
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        if not colon or ":" in value:
            return None
        if name.strip().lower() in PROPERTIES and value.strip():
            kept.append(f"{name.strip()}:{value.strip()}")
        else:
            changed = True
    return kept, changed


def _declarations(nodes: Iterable[Node]) -> tuple[list[str], bool]:
    kept: list[str] = []
    changed = False
    for node in nodes:
        if isinstance(node, WhitespaceToken):
            continue
        value = tinycss2.serialize(node.value).strip() if isinstance(node, Declaration) else ""
        if (
            isinstance(node, Declaration)
            and node.lower_name in PROPERTIES
            and value
            and value_is_safe(node.value)
        ):
            kept.append(f"{node.name}:{value}{'!important' if node.important else ''}")
        else:
            changed = True
    return kept, changed


def stylesheet(text: str) -> str | None:
    """A `<style>` element's text with only the safe rules; None when none is left."""
    kept, changed = _rules(tinycss2.parse_stylesheet(text, skip_comments=True))
    if not kept:
        return None
    return text if not changed and "/*" not in text else "\n".join(kept)


def _rules(nodes: Iterable[Node]) -> tuple[list[str], bool]:
    kept: list[str] = []
    changed = False
    for node in nodes:
        if isinstance(node, WhitespaceToken):
            continue
        rule = _rule(node)
        changed = changed or rule is None or rule[1]
        if rule is not None:
            kept.append(rule[0])
    return kept, changed


def _rule(node: Node) -> tuple[str, bool] | None:
    """One rule as text and whether anything in it was dropped; None to drop it whole."""
    if isinstance(node, QualifiedRule):
        if not _prelude_is_safe(node.prelude):
            return None
        decls, changed = _declarations(tinycss2.parse_blocks_contents(node.content, True))
        if not decls:
            return None
        return f"{tinycss2.serialize(node.prelude).strip()}{{{';'.join(decls)}}}", changed
    if (
        isinstance(node, AtRule)
        and node.lower_at_keyword in _CONDITIONAL_AT_RULES
        and node.content is not None
        and _prelude_is_safe(node.prelude)
    ):
        rules, changed = _rules(tinycss2.parse_rule_list(node.content, skip_comments=True))
        if not rules:
            return None
        prelude = tinycss2.serialize(node.prelude).strip()
        return f"@{node.at_keyword} {prelude}{{{''.join(rules)}}}", changed
    return None


def _prelude_is_safe(prelude: Iterable[Node]) -> bool:
    """Selectors and media queries fetch nothing; a url in one is refused all the same."""
    for token in prelude:
        if isinstance(token, ParseError | URLToken | CurlyBracketsBlock):
            return False
        if isinstance(token, FunctionBlock) and (
            token.lower_name == "url" or not _prelude_is_safe(token.arguments)
        ):
            return False
        if isinstance(token, ParenthesesBlock | SquareBracketsBlock) and not _prelude_is_safe(
            token.content
        ):
            return False
    return True
