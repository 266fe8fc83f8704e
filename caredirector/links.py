"""Addresses of records by id, reversed once per URL name instead of once per row.

Django's reverse() costs about 80 microseconds here; a list of 25 forms reversed three addresses a row. The address
of a name is reversed once with placeholder ids and the ids are put in its place afterwards.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 918_273_645  # stands for the ids while reversing; never a real id in these patterns


@lru_cache(maxsize=128)
def _pieces(name, arity, urlconf, prefix):
    url = reverse(name, args=[_PLACEHOLDER + index for index in range(arity)], urlconf=urlconf)
    pieces = []
    for index in range(arity):
        before, url = url.split(str(_PLACEHOLDER + index), 1)
        pieces.append(before)
    return (*pieces, url)


def url_for(name, *ids):
    """reverse(name, args=ids) for integer ids, without reversing again."""
    pieces = _pieces(name, len(ids), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    out = [pieces[0]]
    for pk, piece in zip(ids, pieces[1:], strict=True):
        out.append(str(int(pk)))
        out.append(piece)
    return "".join(out)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _pieces.cache_clear()
