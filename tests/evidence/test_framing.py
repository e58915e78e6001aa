"""Only the evidence preview may be framed, and only by the site itself; every other page refuses framing."""

import pytest


@pytest.mark.django_db
def test_an_inline_evidence_file_may_be_framed_by_the_site_only(world, login):
    response = login(world.users["focal_point"]).get(f"/tai-lieu/{world.evidence.pk}/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    response.close()


@pytest.mark.django_db
def test_the_evidence_list_of_an_item_refuses_framing(world, login):
    response = login(world.users["focal_point"]).get(f"/tai-lieu/muc/{world.item.pk}/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
