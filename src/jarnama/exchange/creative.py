"""What a DOOH player needs from a winning bid's markup: a creative URL, its type and length.

Pure. DSPs answer DOOH with a bare media URL, a VAST document (the MediaFile and Duration are
read), or an HTML snippet (`<img src>` / `<video src>`, the source is read). Markup none of
these fit is handed to the player as HTML (`text/html`, no URL); players render that in a
web view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MIME_BY_EXTENSION = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "html": "text/html",
}
_MEDIA_FILE = re.compile(
    r"<MediaFile\b([^>]*)>\s*(?:<!\[CDATA\[)?\s*(\S+?)\s*(?:\]\]>)?\s*</MediaFile>"
)
_TYPE_ATTR = re.compile(r"\btype\s*=\s*[\"']([^\"']+)[\"']")
_DURATION = re.compile(r"<Duration>\s*(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s*</Duration>")
_SRC = re.compile(r"<(img|video|source)\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Creative:
    """A playable creative: URL (None: render `markup` as HTML), MIME type, seconds to play."""

    url: str | None
    mime: str
    duration_seconds: int
    markup: str | None


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


def mime_of(url: str, default: str) -> str:
    """The MIME type a URL's file extension says (`default` when it says none)."""
    path = urlsplit(url).path.lower()
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return MIME_BY_EXTENSION.get(extension, default)


def creative_of(
    markup: str | None, nurl: str | None, dur: int | None, slot_seconds: int
) -> Creative:
    """The creative of a won bid; its length is the bid's `dur`, the VAST's, or the slot's."""
    seconds = dur if dur is not None and dur > 0 else slot_seconds
    text = (markup or "").strip()
    if not text:
        # Ad served on win: the nurl answers the markup (OpenRTB §4.3); the player fetches it.
        return Creative(nurl, "text/html", seconds, None)
    if _is_url(text):
        return Creative(text, mime_of(text, "application/octet-stream"), seconds, None)
    media = _MEDIA_FILE.search(text)
    if media is not None:
        found = _TYPE_ATTR.search(media.group(1))
        url = media.group(2)
        duration = _DURATION.search(text)
        if dur is None and duration is not None:
            hours, minutes, secs = (int(part) for part in duration.groups())
            seconds = min(hours * 3600 + minutes * 60 + secs, slot_seconds) or slot_seconds
        mime = found.group(1) if found else mime_of(url, "video/mp4")
        return Creative(url, mime, seconds, text)
    source = _SRC.search(text)
    if source is not None and _is_url(source.group(2)):
        tag, url = source.group(1).lower(), source.group(2)
        default = "image/png" if tag == "img" else "video/mp4"
        return Creative(url, mime_of(url, default), seconds, text)
    return Creative(None, "text/html", seconds, text)
