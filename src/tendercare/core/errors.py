"""Domain errors carry a message a person can act on; the edge turns them into pages or problems."""

from django.http import HttpResponse
from django.template.loader import render_to_string


class DomainError(Exception):
    """A rule of the domain was broken; the message says what to do about it."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    status = 403


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            html = render_to_string(
                "core/problem.html", {"message": exception.message}, request=request
            )
            return HttpResponse(html, status=exception.status)
        return None
