"""The staff results page (the latest computation of each period): login required, Vietnamese by default,
numbers as 90,30, a bounded query count."""

import pytest
from django.urls import reverse

from scoring.services import period_compute
from tests.scoring.test_compute import province

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client):
    """Unpublished results are not shown to anonymous visitors."""
    response = client.get(reverse("results_index"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_results_in_vietnamese_with_comma_decimals(client, django_user_model, django_assert_max_num_queries):
    """Whatever the browser asks, the page is Vietnamese until the user picks English; 36,00 not 36.00."""
    period, _ = province(12)
    period_compute(period=period)
    user = django_user_model.objects.create_user("noivu", password="x", role="home_affairs")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("results_index"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert "36,00" in html and "36.00" not in html
    assert html.count('<tr class="band-') == 12
    client.cookies["django_language"] = "en"
    assert client.get(reverse("results_index"))["Content-Language"] == "en"
