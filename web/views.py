"""Staff landing page: the latest computed results of each period, per block (unpublished: only for those
allowed to read results), with links to each period's results, computation and publication pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from scoring.selectors import latest_results_by_block


@login_required
def home(request):
    may_view = request.user.has_perm("scoring.view_resultsnapshot")
    return render(
        request,
        "web/home.html",
        {"periods": latest_results_by_block() if may_view else [], "may_view": may_view},
    )
