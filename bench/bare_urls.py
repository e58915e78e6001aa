"""The project's URLs plus one bare view, for bench/autosave_cost.py's floor: the same middleware, session
and login as an autosave, and a view that does nothing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from parindex.urls import urlpatterns as project_urlpatterns


@login_required
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
