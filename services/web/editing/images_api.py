"""Uploading images (API) and serving stored ones."""

import re
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import File

from services.editing import image_store
from services.errors import NotFound
from services.file_store import FileStore
from services.web.auth import SIGNED_IN, now, provide_signed_in
from services.web.dependencies import Session, SignedIn
from services.web.problems import problem_spec

#: The largest request body an upload route reads at all; the intake's own limit is lower.
MAX_UPLOAD_BYTES = 10_000_000


class StoredImage(msgspec.Struct, frozen=True):
    #: The name to reference from an entry's `images`.
    name: str
    url: str
    media_type: str
    width: int
    height: int


def image_files(request: Request[Any, Any, Any]) -> FileStore:
    files: FileStore = request.app.state.image_files
    return files


@post(
    "/api/v1/images",
    summary="Upload an image",
    tags=["editing"],
    dependencies={"actor": Provide(provide_signed_in)},
    request_max_body_size=MAX_UPLOAD_BYTES,
    security=SIGNED_IN,
    responses={
        401: problem_spec("No session and no API token."),
        403: problem_spec("Translators do not upload images."),
        413: problem_spec("The file is larger than 8 MB."),
        415: problem_spec("The content is not a JPEG, PNG or WebP image (the name is never trusted)."),
        422: problem_spec("The image is too large in pixels or cannot be decoded."),
    },
)
async def upload_image(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[StoredImage]:
    """Send the image's bytes as the body. It is checked before decoding, re-encoded and stripped of metadata."""
    image = await image_store.store_image(db_session, actor, await request.body(), image_files(request), now())
    stored = StoredImage(
        name=image.name,
        url=f"/images/{image.name}",
        media_type=image.media_type,
        width=image.width,
        height=image.height,
    )
    return Response(stored, status_code=201)


@get("/images/{name:str}", include_in_schema=False)
async def serve_image(request: Request[Any, Any, Any], name: FromPath[str]) -> File:
    if not re.fullmatch(image_store.NAME_PATTERN, name):
        raise NotFound("image", name)
    # From this machine's folder, else fetched from the database another machine stored it in.
    path = await image_files(request).fetch(name)
    if path is None:
        raise NotFound("image", name)
    media_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[name.rsplit(".", 1)[1]]
    # The name is the digest of the bytes, so the file never changes.
    return File(path, media_type=media_type, headers={"Cache-Control": "public, max-age=31536000, immutable"})
