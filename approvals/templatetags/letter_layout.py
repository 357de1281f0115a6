"""Layout help for the decision letter: soft hyphens (U+00AD) in the long Norwegian words of
its table headers, so a narrow column breaks them at a syllable ("Arbeids-medisin") and never
in the middle ("Årsve rk"). The letter's CSS has `hyphens: manual`."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

SHY = "\u00ad"
# The header words of the letter's tables, with where they may break.
BREAKS = {
    "arbeidsmedisin": "arbeids|medisin",
    "yrkeshygiene": "yrkes|hygiene",
    "ergonomi": "ergo|nomi",
    "psykososialt": "psyko|sosialt",
    "organisatorisk": "organi|satorisk",
    "arbeidsmiljø": "arbeids|miljø",
    "systematisk": "syste|matisk",
}


def _hyphenate(word: str) -> str:
    pattern = BREAKS.get(word.lower())
    if pattern is None:
        return word
    cut = pattern.index("|")
    return word[:cut] + SHY + word[cut:]


@register.filter
def soft_hyphens(value) -> str:
    text = conditional_escape(str(value))
    return mark_safe(re.sub(r"[\wæøåÆØÅ-]+", lambda m: _hyphenate(m.group(0)), text))
