"""``/metrics``: off without a token, refused without the right one, and the figures an operator watches."""

from pathlib import Path

import pytest

from tests.support.databases import Client, make_client

TOKEN = "metrics-token-for-the-suite"


def test_metrics_are_off_without_a_token(client: Client) -> None:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}"])
def test_metrics_need_the_token(seeded_url: str, tmp_path: Path, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with make_client(seeded_url, tmp_path, metrics_token=TOKEN) as client:
        response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "catalogue_" not in response.text


def test_metrics_report_requests_renders_and_caches(seeded_url: str, tmp_path: Path) -> None:
    with make_client(seeded_url, tmp_path, metrics_token=TOKEN) as client:
        brochure = "/solutions/cloudburst-management-plan/brochure.pdf?lang=da"
        assert client.get(brochure).status_code == 200
        assert client.get(brochure).status_code == 200  # the answer kept whole
        assert client.get(f"{brochure}&variant=pdfua").status_code == 200  # another question: the stored file
        assert client.get("/api/v1/solutions/cloudburst-management-plan?lang=da").status_code == 200
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    # Requests by route template, so that slugs do not make a series each.
    assert 'path="/api/v1/solutions/{slug}"' in text and "cloudburst-management-plan" not in text
    assert "catalogue_request_duration_seconds_bucket" in text
    for series in (
        "catalogue_render_queue_depth",
        "catalogue_renders_in_progress",
        "catalogue_render_duration_seconds_count",
        'catalogue_renders_total{outcome="done"}',
        'catalogue_document_cache_lookups_total{result="hit"}',
        'catalogue_document_cache_lookups_total{result="miss"}',
        'catalogue_view_cache_lookups_total{result="hit"}',
        'catalogue_kept_answer_lookups_total{result="hit"}',
    ):
        assert series in text, series
