"""The machinery the access-matrix tests share (tests/test_access_matrix_*.py).

A matrix file keeps what is its own: ROLES, the world it builds, the ids it puts in URLs,
EXPECTED (one row of statuses per endpoint and method, one status per role in ROLES order),
KNOWN (strict xfails) and what each person must never read. This module reads the endpoints
from the URL configuration and the API routers, turns them into test cases, checks that every
endpoint has an EXPECTED row, and makes one request as one person and checks its status and
that no secret is in the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

METHODS = ("GET", "POST")


# --- the endpoints ------------------------------------------------------------------------


def page_endpoints(*namespaces: str) -> list[tuple[str, str]]:
    """(namespace:name, route) for every URL pattern of the top-level includes with these
    namespaces, in URL configuration order; the route starts with the include's prefix."""
    found = []

    def walk(namespace, patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(namespace, pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((f"{namespace}:{pattern.name}", prefix + str(pattern.pattern)))

    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace in namespaces:
            walk(resolver.namespace, resolver.url_patterns, str(resolver.pattern))
    return found


def api_endpoints(*apps: str) -> list[tuple[str, str]]:
    """(METHOD, /api/v1/<app>/...) for every operation of the ninja routers mounted at these
    apps (an app's area routers are listed under its prefix), in router order, repeats kept."""
    from tendercare.api import api

    found = []
    for prefix, router in api._routers:
        app = prefix.strip("/")
        if app not in apps:
            continue
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    found.append((method, f"/api/v1/{app}{path}"))
    return found


def route_kwargs(values: Mapping[str, object], route: str) -> dict:
    """The values a route takes (those named `<converter:name>` in it)."""
    return {key: value for key, value in values.items() if f":{key}>" in route}


def fill_path(path: str, ids: Mapping[str, object]) -> str:
    """The API path with each `{placeholder}` in ids replaced by its value."""
    for placeholder, value in ids.items():
        path = path.replace(placeholder, str(value))
    return path


# --- the cases ----------------------------------------------------------------------------

Case = tuple[str, str, str, str, str]  # key, kind ("page" or "api"), name or path, route, method
ApiMethods = Callable[[str], Iterable[str]]


def only_its_method(method: str) -> list[str]:
    """Try an API operation by its own method only."""
    return [method]


def its_method_and_post(method: str) -> list[str]:
    """Try an API operation by its own method and by POST (a read-only route answers 405)."""
    return sorted({method, "POST"})


def endpoint_cases(
    pages: Sequence[tuple[str, str]],
    apis: Sequence[tuple[str, str]],
    *,
    api_methods: ApiMethods = only_its_method,
) -> list[Case]:
    """Every page by GET and POST, every API operation by api_methods(its method); the key
    ("<name> <METHOD>" or "<path> <METHOD>") names the EXPECTED row."""
    cases = []
    for name, route in pages:
        for method in METHODS:
            cases.append((f"{name} {method}", "page", name, route, method))
    for method, path in apis:
        for tried in api_methods(method):
            cases.append((f"{path} {tried}", "api", path, path, tried))
    return cases


def role_name(who: str | None) -> str:
    return who or "anonymous"


def role_params(things: Iterable[str], roles: Sequence[str | None]) -> list:
    """One pytest.param(thing, index) per thing and role, with the id "<thing>-<role>"."""
    return [
        pytest.param(thing, index, id=f"{thing}-{role_name(who)}")
        for thing in things
        for index, who in enumerate(roles)
    ]


def sign_in(client, user) -> None:
    """Answers, not exceptions, for server errors; signed in as user (None: anonymous)."""
    client.raise_request_exception = False
    if user is not None:
        client.force_login(user)


def request_rolled_back(client, url: str, method: str):
    """GET, or POST an empty form, in a savepoint that is rolled back."""
    with transaction.atomic():
        response = client.post(url, {}) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return response


# --- one matrix ---------------------------------------------------------------------------

ACCESS_ARGS = ("key", "kind", "name", "route", "method", "index")


@dataclass(frozen=True)
class Matrix:
    """One matrix file's tables and how it puts its world's objects into URLs.

    roles: the people, None the anonymous visitor; expected: {key: statuses in roles order};
    known: {key: {role: reason}} for strict xfails; never(who, url): what who must not read at
    url; page_kwargs(world, name, route) and api_url(world, path): the world's ids in a URL;
    streamed_unread: a streamed 200 is not read and a body that is not UTF-8 is read with
    replacements (files such as PDFs); otherwise reading either fails the test.
    """

    roles: Sequence[str | None]
    expected: Mapping[str, str]
    known: Mapping[str, Mapping[str, str]]
    never: Callable[[str | None, str], Sequence[str]]
    page_kwargs: Callable[[Any, str, str], dict]
    api_url: Callable[[Any, str], str]
    streamed_unread: bool = False

    def params(self, cases: Sequence[Case]) -> list:
        """One pytest.param(*ACCESS_ARGS) per case and role, with the id "<key>-<role>" and a
        strict xfail where known gives a reason for that role."""
        params = []
        for key, kind, name, route, method in cases:
            for index, who in enumerate(self.roles):
                reason = self.known.get(key, {}).get(who)
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                params.append(
                    pytest.param(
                        key,
                        kind,
                        name,
                        route,
                        method,
                        index,
                        id=f"{key}-{role_name(who)}",
                        marks=marks,
                    )
                )
        return params

    def assert_every_endpoint_has_an_expectation(self, cases: Sequence[Case]) -> None:
        """expected has a row for every case and none for an endpoint that is gone; known
        names only rows of expected; every row has one status per role."""
        keys = {case[0] for case in cases}
        assert keys - set(self.expected) == set(), "endpoints without an expectation"
        assert set(self.expected) - keys == set(), "expectations for endpoints that no longer exist"
        assert set(self.known) <= set(self.expected)
        assert all(len(row.split()) == len(self.roles) for row in self.expected.values())

    def check(self, client, world, key, kind, name, route, method, index) -> None:
        """Request the case's URL as the role (world["users"] by role name): the status is
        the expected one, and a 200 shows none of never(who, url)."""
        if key not in self.expected:
            pytest.fail(f"No expectation for {key}: add a row to EXPECTED for every role")
        who = self.roles[index]
        expected = int(self.expected[key].split()[index])
        url = (
            reverse(name, kwargs=self.page_kwargs(world, name, route))
            if kind == "page"
            else self.api_url(world, name)
        )
        sign_in(client, world["users"][who] if who else None)
        response = request_rolled_back(client, url, method)
        assert response.status_code == expected, f"{role_name(who)}: {method} {url}"
        if response.status_code != 200:
            return
        if self.streamed_unread:
            if response.streaming:
                return
            text = response.content.decode(errors="replace")
        else:
            text = response.content.decode()
        seen = [secret for secret in self.never(who, url) if secret in text]
        assert not seen, f"{who} sees {seen} at {method} {url}"
