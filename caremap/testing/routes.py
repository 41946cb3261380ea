"""Every URL pattern of the project, for tests that must cover all of them
(the authorisation matrix, the method checks, the downloads)."""

import re
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import get_language


@dataclass(frozen=True)
class Route:
    name: str  # "app:name"; unnamed patterns go by their path instead
    route: str  # the pattern's path, from the root, without the language
    callback: object
    converters: dict  # argument name -> converter
    localised: bool  # under the /en/ or /cy/ prefix

    @property
    def admin(self):
        return self.name.startswith("admin:")

    def url(self, **kwargs):
        """The URL with these arguments; a missing one gets a well-formed
        value that matches nothing (a regular expression's group may need
        one given)."""
        values = {
            key: kwargs.get(
                key, 1 if converter and converter.regex == "[0-9]+" else "no-such"
            )
            for key, converter in self.converters.items()
        }
        if self.name.endswith(">"):  # unnamed: fill in the path by hand
            path = self.route
            if "^" in path:  # a catch-all pattern: something under its prefix
                path = path.split("^", 1)[0] + "no-such-thing"
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)
            language = f"/{get_language()}/" if self.localised else "/"
            return language + path
        return reverse(self.name, kwargs=values)


def _walk(patterns, prefix="", namespace="", converters=None, localised=False):
    converters = converters or {}
    for pattern in patterns:
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if not isinstance(pattern.pattern, LocalePrefixPattern):
            # A regular expression's named groups (Django admin's app_label).
            for group in pattern.pattern.regex.groupindex:
                found.setdefault(group, None)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            # /en/ or /cy/: left out, so a route reads the same in both.
            language = isinstance(pattern.pattern, LocalePrefixPattern)
            here = "" if language else str(pattern.pattern)
            yield from _walk(
                pattern.url_patterns,
                prefix + here,
                inner,
                found,
                localised or language,
            )
        else:
            route = prefix + str(pattern.pattern)
            name = pattern.name or f"<{route}>"
            full = f"{namespace}:{name}" if namespace else name
            yield Route(full, route, pattern.callback, found, localised)


def every_route():
    return list(_walk(get_resolver().url_patterns))
