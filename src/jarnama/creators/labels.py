"""The ad-label check: a sponsored post must open with an approved label.

Law No. 18-VIII "On Online Platforms and Online Advertising" (2023) and Order No. 59-НҚ (in
force 2 March 2024) list the labels; audio and video carry the label before the ad. The check
is insensitive to case, spacing and «ё»; the label must be the first words of the caption
(leading emoji, '#' or punctuation allowed), followed by a word boundary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

APPROVED_LABELS: tuple[str, ...] = (
    # Russian
    "реклама",
    "рекламный материал",
    "партнерский материал",
    "спонсорский материал",
    "на правах рекламы",
    "оплачено спонсором",
    "на правах pr",
    # Kazakh
    "жарнама",
    "жарнамалық материал",
)
# Latin letters that pass for Cyrillic ones in a caption («Pеклама» with a Latin P).
_LOOKALIKES = str.maketrans("aeopcxyikmhtb", "аеорсхуікмнтв")
_LEADING_NOISE = re.compile(r"^[\W_]*", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, «ё»→«е», every run of spaces and dashes as one space."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return re.sub(r"[\s\u00a0\u200b]+", " ", folded).strip()


def _leading_label(caption: str) -> str | None:
    """The longest approved label the caption opens with, if any."""
    body = _LEADING_NOISE.sub("", caption)
    found = None
    for label in APPROVED_LABELS:
        if body.startswith(label):
            rest = body[len(label) :]
            if not rest or not rest[0].isalnum():
                if found is None or len(label) > len(found):
                    found = label
    return found


@dataclass(frozen=True)
class LabelCheck:
    """The outcome of a label check: the label found (if any) and every problem."""

    ok: bool
    label: str | None
    problems: list[str] = field(default_factory=list)


def check_post(
    caption: str,
    *,
    media: str = "text",
    label_at_seconds: int | None = None,
    ad_starts_at_seconds: int | None = None,
) -> LabelCheck:
    """Check one post's caption (and, for video or audio, the declared label time)."""
    problems: list[str] = []
    text = normalise(caption)
    label = _leading_label(text)
    if label is None:
        disguised = _leading_label(text.translate(_LOOKALIKES))
        if disguised is not None:
            problems.append(
                f"the label «{disguised}» is written with Latin look-alike letters; "
                "type it in Cyrillic"
            )
        elif any(re.search(rf"(?<!\w){re.escape(lbl)}(?!\w)", text) for lbl in APPROVED_LABELS):
            problems.append("the ad label must open the caption, not follow other text")
        else:
            problems.append(
                "no approved ad label («реклама», «жарнама», …) at the start of the caption"
            )
    if media in ("video", "audio"):
        if label_at_seconds is None:
            problems.append("a video or audio post must declare when the label is shown or said")
        elif label_at_seconds > (ad_starts_at_seconds or 0):
            problems.append(
                f"the label comes at {label_at_seconds}s, after the ad starts at "
                f"{ad_starts_at_seconds or 0}s: it must come before"
            )
    return LabelCheck(ok=not problems, label=label, problems=problems)
