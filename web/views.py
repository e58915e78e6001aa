"""Staff landing page: the latest computed results of each period, per block."""

from django.shortcuts import render

from scoring.selectors import latest_results_by_block


def home(request):
    return render(request, "web/home.html", {"periods": latest_results_by_block()})
