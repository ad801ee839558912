"""The Jinja2 environment: our templates first, then GOV.UK Frontend's macros."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from . import formats
from .navigation import navigation_for


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def query(request, **changes) -> str:
    """The current query string with some parameters changed (for sort links and pagination)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(list(params.lists()), doseq=True)


def environment(**options) -> Environment:
    app_loader = options.pop("loader")
    options.pop("autoescape", None)
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})
    env = Environment(
        loader=ChoiceLoader([app_loader, govuk]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        **options,
    )
    env.globals.update(
        url=url,
        query=query,
        navigation_for=navigation_for,
        get_messages=get_messages,
        today=dt.date.today,
    )
    env.filters.update(
        gbp=formats.gbp,
        gbp_whole=formats.gbp_whole,
        ukdate=formats.ukdate,
        ukdatetime=formats.ukdatetime,
        percent=formats.percent,
        number=formats.number,
    )
    env.tests["decimal"] = lambda v: isinstance(v, Decimal)
    return env
