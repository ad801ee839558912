from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import history
from .audit import history_for
from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def home(request):
    return render(request, "core/home.html", {})


@login_required
def object_history(request, object_type: str, object_id: str):
    visible = history.visible_queryset(object_type, request.user)
    if visible is None:
        raise Http404("No history for that kind of record")
    try:
        obj = visible.get(pk=object_id)
    except (visible.model.DoesNotExist, ValueError) as exc:
        raise Http404("No such record") from exc
    entries = history_for(obj).select_related("user")
    return render(request, "core/history.html", {"object": obj, "entries": entries})


def sources(request):
    return render(request, "core/sources.html", {})


def not_found(request, exception=None):
    return render(request, "core/404.html", {}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/403.html", {}, status=403)


def bad_request(request, exception=None):
    return render(request, "core/400.html", {}, status=400)


def server_error(request):
    return render(request, "core/500.html", {}, status=500)


def csrf_failure(request, reason=""):
    return render(request, "core/403.html", {"reason": "csrf"}, status=403)
