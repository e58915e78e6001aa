"""Staff landing page: the latest computed results of each period, per block (unpublished: staff only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from scoring.selectors import latest_results_by_block


@login_required
def home(request):
    return render(request, "web/home.html", {"periods": latest_results_by_block()})
