"""Storing uploaded images: checked and re-encoded first, then kept under the digest of their bytes."""

import datetime as dt
from pathlib import Path

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalogue.accounts import UploadedImage
from services import audit
from services.accounts.accounts import Actor
from services.editing import permissions
from services.editing.images import AcceptedImage, accept_image
from services.file_store import FileStore
from services.shared_files import database_files
from services.transaction import use_case

#: How a stored image's name looks: the SHA-256 of its bytes and its extension.
NAME_PATTERN = r"^[0-9a-f]{64}\.(jpg|png|webp)$"


def image_files_for(engine: AsyncEngine, folder: Path) -> FileStore:
    """Uploaded images: in ``folder``, and in the database when machines share it.

    Never pruned: entries, and every kept version of them, may refer to any uploaded image, and
    uploads are few and bounded in size.
    """
    return FileStore(folder, shared=database_files(engine, "image"))


@use_case
async def store_image(
    session: AsyncSession, actor: Actor, data: bytes, files: FileStore, now: dt.datetime
) -> UploadedImage:
    """Check, re-encode and keep an uploaded image; refuses anything that is not a safe JPEG, PNG or WebP. Commits."""
    refusal = "translators translate alternative texts but do not upload images"
    await permissions.require_shaper(session, actor, refusal, "images", now)
    accepted: AcceptedImage = await anyio.to_thread.run_sync(accept_image, data)
    name = f"{accepted.sha256}.{accepted.extension}"
    # Every machine can serve the file before any entry can refer to it.
    await files.store(name, accepted.data)
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
