"""Image uploads through the API and the edit page: refused before decoding, stored clean, shown with alt text."""

import io
import re
from html import unescape
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.support.accounts import snapshot
from tests.support.databases import Client, make_client
from tests.support.editing import DecodeAttempted, Desk, encode, png_header, sign_in_with_form

SOLUTION = "modular-rain-gardens"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def _photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Spy Camera Maker"
    exif[0x8825] = {1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 56.0)}
    return encode(Image.new("RGB", (64, 48), "teal"), "image/jpeg", exif=exif.tobytes())


def _upload(desk: Desk, actor: str, data: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {desk.tokens[actor]}", "Content-Type": "image/png"}
    return desk.client.post("/api/v1/images", content=data, headers=headers)


def test_an_uploaded_photo_is_stored_without_its_metadata(desk: Desk) -> None:
    response = _upload(desk, "company_a", _photo_with_gps())
    assert response.status_code == 201, response.text
    stored = response.json()
    assert re.fullmatch(r"[0-9a-f]{64}\.jpg", stored["name"]) and (stored["width"], stored["height"]) == (64, 48)
    served = desk.client.get(stored["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert "immutable" in served.headers["cache-control"]
    assert b"Spy Camera" not in served.content and b"GPS" not in served.content
    assert not Image.open(io.BytesIO(served.content)).getexif()


@pytest.mark.parametrize(("data", "status"), [(PDF, 415), (EPS, 415), (png_header(30000, 30000), 422)])
def test_a_disguised_or_huge_file_is_refused_before_decoding(
    desk: Desk, data: bytes, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse_to_decode(self: Image.Image) -> None:
        raise DecodeAttempted

    monkeypatch.setattr(Image.Image, "load", refuse_to_decode)
    before = snapshot(desk.url)
    response = _upload(desk, "company_a", data)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert snapshot(desk.url) == before
    assert not list((Path(desk.url.removeprefix("sqlite:///")).parent / "data" / "images").glob("*"))


def test_an_oversized_file_is_refused(desk: Desk) -> None:
    nine_megabytes = png_header(100, 100) + b"\0" * 9_000_000
    assert _upload(desk, "company_a", nine_megabytes).status_code == 413
    assert _upload(desk, "company_a", b"\xff\xd8\xff" + b"\0" * 11_000_000).status_code == 413


def test_translators_do_not_upload_and_drafts_name_only_uploaded_images(desk: Desk) -> None:
    assert _upload(desk, "translator", _photo_with_gps()).status_code == 403
    copy, etag = desk.copy("company_a")
    copy["content"]["images"] = [{"image": "0" * 64 + ".jpg", "alt": {"da": "Et billede"}}]
    response = desk("company_a", "PUT", f"/api/v1/solutions/{SOLUTION}/draft", copy["content"], etag)
    assert response.status_code == 422 and "never uploaded" in response.text


def test_an_image_added_on_the_edit_page_is_shown_with_its_alt_text_once_approved(
    fresh_client: Client, fresh_url: str, tmp_path: Path
) -> None:
    sign_in_with_form(fresh_client, "company_a")
    page = fresh_client.get(f"/edit/solutions/{SOLUTION}?locale=da")
    upload_form = page.text[page.text.index('action="/edit/solutions/modular-rain-gardens/images"') :]
    fields = {
        k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', upload_form)
    }
    disguised = fresh_client.post(
        f"/edit/solutions/{SOLUTION}/images",
        data={**fields, "alt": "Regnbed"},
        files={"file": ("regnbed.png", PDF, "image/png")},
    )
    assert disguised.status_code == 422 and "JPEG, PNG or WebP" in disguised.text
    added = fresh_client.post(
        f"/edit/solutions/{SOLUTION}/images",
        data={**fields, "alt": "Et regnbed med stauder i en villavej"},
        files={"file": ("photo.jpg", _photo_with_gps(), "image/jpeg")},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    edit = fresh_client.get(f"/edit/solutions/{SOLUTION}?locale=da")
    form = {k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', edit.text)}
    submitted = fresh_client.post(
        f"/edit/solutions/{SOLUTION}",
        data={**_texts(edit.text), **form, "image.0.alt": "Et regnbed med stauder i en villavej", "action": "submit"},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    with make_client(fresh_url, tmp_path / "adviser") as adviser:
        sign_in_with_form(adviser, "adviser")
        review = adviser.get(f"/review/solutions/{SOLUTION}")
        decision = {
            k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review.text)
        }
        adviser.post(f"/review/solutions/{SOLUTION}", data={**decision, "decision": "approve"})
    public = fresh_client.get(f"/solutions/{SOLUTION}?lang=da").text
    assert re.search(
        r'<img src="/images/[0-9a-f]{64}\.jpg" alt="Et regnbed med stauder i en villavej" lang="da"', public
    )


def _texts(html: str) -> dict[str, str]:
    """The text fields and checked boxes of the edit form, as the browser would send them."""
    fields = dict.fromkeys(re.findall(r'name="(theme\.[^"]+)" checked', html), "on")
    fields |= dict(re.findall(r'<input id="[^"]+" name="(text\.[^"]+)" value="([^"]*)"', html))
    fields |= dict(re.findall(r'name="(text\.[^"]+)"[^>]*>([^<]*)</textarea>', html))
    return {name: unescape(value) for name, value in fields.items()}
