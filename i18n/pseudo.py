"""Pseudo-localization: a preview language that shows what was not extracted.

``build --pseudo`` adds the locale :data:`PSEUDO_CODE` whose every message is
:func:`pseudo_translate`-d: letters become accented look-alikes, CJK
characters become accented Latin letters, the text grows by about 30 % and
is bracketed.  Any Japanese left on such a page did not go through a
catalog: a hard-coded string, or a block the segmenter missed.  Markup that
must survive translation (Liquid, attribute lists, inline code, link URLs,
HTML tags, entities, printf and brace placeholders) is left untouched.

Pseudo pages are previews: ``noindex``, never in hreflang, the sitemap,
feeds or another language's switcher.
"""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog

from .locales import PSEUDO_CODE, pseudo_locale
from .text import TASK_BOX

__all__ = ["PSEUDO_CODE", "pseudo_catalog", "pseudo_locale", "pseudo_translate"]


_PROTECTED = re.compile(
    r"\{%.*?%\}|\{\{.*?\}\}"           # Liquid
    r"|\{:[^{}]*\}"                     # kramdown attribute lists
    r"|\{#[^{}]*\}"                     # heading ids
    r"|\[\^[^\]\s]+\]"                  # footnote references
    r"|(`+).+?\1"                       # inline code
    r"|\$\$.+?\$\$"                     # math
    r"|\]\(\s*(?:<[^>]*>|[^)\s]*)"      # link/image targets (a title after one is text)
    r"|<[^>]+>|&[#\w]+;"                # HTML tags and entities
    r"|%(?:\([\w]+\))?[#0 +-]?\d*(?:\.\d+)?[diouxXeEfFgGcrs%]"  # printf placeholders
    r"|\{[\w.]*\}"                      # brace placeholders
    r"|https?://\S+"                    # bare URLs
    r"|\\.|[*_~\[\]#>|]",              # Markdown punctuation
    re.DOTALL,
)
_TRAILING_IAL = re.compile(r"[ \t]*\{[:#][^{}\n]*\}[ \t]*$")
_ACCENTED = dict(zip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                     "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ", strict=True))
_CJK_LETTERS = "ȧḗīǿŭƀƈḓƒɠħķŀḿƞƥřşŧṽẇẏẑ"
_PAD = "~"


def _transform_text(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ACCENTED:
            out.append(_ACCENTED[ch])
        elif ord(ch) >= 0x2E80 and not ch.isspace():
            # A wide character becomes two accented letters: about its width on screen.
            n = ord(ch)
            out.append(_CJK_LETTERS[n % len(_CJK_LETTERS)] + _CJK_LETTERS[(n // 7) % len(_CJK_LETTERS)])
        else:
            out.append(ch)
    return "".join(out)


def pseudo_translate(text: str) -> str:
    """``text`` accented, about 30 % longer and bracketed, markup untouched."""
    if not text.strip():
        return text
    box = TASK_BOX.match(text)
    if box:  # a task item's checkbox starts its translation too
        return box.group(0) + pseudo_translate(text[box.end():])
    last_ial = _TRAILING_IAL.search(text)
    if last_ial and last_ial.start():  # a heading's {#id} or a span's {:...} ends the line: keep it there
        return pseudo_translate(text[:last_ial.start()]) + last_ial.group(0)
    pieces, last, visible = [], 0, 0
    for m in _PROTECTED.finditer(text):
        plain = _transform_text(text[last:m.start()])
        visible += len(plain.strip())
        pieces += [plain, m.group(0)]
        last = m.end()
    tail = _transform_text(text[last:])
    visible += len(tail.strip())
    pieces.append(tail)
    padding = _PAD * max(1, round(visible * 0.3))
    lines = "".join(pieces).split("\n")
    lines[0] = "⟦" + lines[0]
    lines[-1] = lines[-1] + " " + padding + "⟧"
    return "\n".join(lines)


def pseudo_catalog(template: Catalog) -> Catalog:
    """A complete catalog for the pseudo-locale from a template (or any catalog's msgids)."""
    cat = Catalog(locale="en", domain=template.domain, fuzzy=False)
    for entry in template:
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            string: str | tuple[str, ...] = tuple(pseudo_translate(str(s)) for s in entry.id)
        else:
            string = pseudo_translate(str(entry.id))
        cat.add(entry.id, string, context=entry.context)
    return cat
