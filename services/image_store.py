"""Storing uploaded images: checked and re-encoded first, then kept under the digest of their bytes."""

import datetime as dt
import os
import tempfile
from pathlib import Path

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.accounts import UploadedImage
from catalogue.vocabulary import Role
from services import audit
from services.accounts import Actor
from services.editing import refuse
from services.errors import Forbidden
from services.images import AcceptedImage, accept_image

#: How a stored image's name looks: the SHA-256 of its bytes and its extension.
NAME_PATTERN = r"^[0-9a-f]{64}\.(jpg|png|webp)$"


def _write(folder: Path, name: str, data: bytes) -> None:
    """Write the file whole or not at all: readers never see a partial image."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():
        return
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


async def store_image(
    session: AsyncSession, actor: Actor, data: bytes, folder: Path, now: dt.datetime
) -> UploadedImage:
    """Check, re-encode and keep an uploaded image; refuses anything that is not a safe JPEG, PNG or WebP. Commits."""
    if actor.role is Role.TRANSLATOR:
        refusal = Forbidden("translators translate alternative texts but do not upload images")
        await refuse(session, actor, refusal, "images", now)
    accepted: AcceptedImage = await anyio.to_thread.run_sync(accept_image, data)
    name = f"{accepted.sha256}.{accepted.extension}"
    await anyio.to_thread.run_sync(_write, folder, name, accepted.data)
    existing = await session.scalar(select(UploadedImage).where(UploadedImage.name == name))
    if existing is not None:
        return existing
    image = UploadedImage(
        name=name,
        media_type=accepted.media_type,
        width=accepted.width,
        height=accepted.height,
        size=len(accepted.data),
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(image)
    audit.record(session, "image-uploaded", now, actor_id=actor.id, target=f"image/{name}")
    await session.commit()
    return image
