"""Photo handling: the sizes Telegram offers for one uploaded picture.

Telegram answers a photo upload with several ``PhotoSize`` entries, smallest
first. The sandbox keeps the uploaded bytes unchanged as the largest size (so a
test can compare what it sent with what ``getFile`` returns) and adds a small
JPEG thumbnail when the picture is larger than that.
"""

from __future__ import annotations

import io

from bot.sandbox.errors import ApiError, bad_request

THUMBNAIL_SIDE = 320


def photo_sizes(data: bytes) -> list[tuple[bytes, int, int]]:
    """Return ``(bytes, width, height)`` per size, smallest first; 400 if not a picture."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return [(data, *_png_size(data))]
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            sizes: list[tuple[bytes, int, int]] = []
            if max(width, height) > THUMBNAIL_SIDE:
                thumb = image.convert("RGB")
                thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
                buffer = io.BytesIO()
                thumb.save(buffer, format="JPEG", quality=80)
                sizes.append((buffer.getvalue(), *thumb.size))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise bad_request("IMAGE_PROCESS_FAILED") from exc
    _check_dimensions(width, height)
    sizes.append((data, width, height))
    return sizes


def _check_dimensions(width: int, height: int) -> None:
    """Telegram's documented photo limits: sides sum to at most 10000, ratio at most 20."""
    if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")


def _png_size(data: bytes) -> tuple[int, int]:  # pragma: no cover - fallback without Pillow
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
