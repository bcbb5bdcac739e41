"""The ad label («жарнама») that paid posts carry on online platforms, per channel."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator

from jarnama.transcreation.qa.findings import Finding, Severity

AD_LABEL = "kk.ad-label"

# Order No. 59-НҚ (in force 2 Mar 2024) under Law No. 18-VIII: the approved label texts.
LABELS_KK = ("жарнамалық материал", "жарнама")
LABELS_RU = (
    "рекламный материал",
    "партнерский материал",
    "партнёрский материал",
    "спонсорский материал",
    "на правах рекламы",
    "оплачено спонсором",
    "на правах pr",
    "реклама",
)
# Audio and video carry the label before the ad: within the first words of the script.
LABEL_FIRST_WORDS = 4


class Channel(enum.StrEnum):
    """Where an ad runs; it decides whether a label is required and where it goes."""

    SOCIAL_POST = "social_post"
    CREATOR_POST = "creator_post"
    ONLINE_VIDEO = "online_video"
    ONLINE_AUDIO = "online_audio"
    BANNER = "banner"
    DOOH = "dooh"
    SEARCH = "search"
    TV = "tv"
    RADIO = "radio"
    PRINT = "print"

    @property
    def needs_label(self) -> bool:
        """True for paid posts and clips on online platforms (Law No. 18-VIII)."""
        return self in _LABELLED

    @property
    def label_first(self) -> bool:
        """True for audio and video, where the label comes before the ad."""
        return self in (Channel.ONLINE_VIDEO, Channel.ONLINE_AUDIO)


_LABELLED = frozenset(
    {Channel.SOCIAL_POST, Channel.CREATOR_POST, Channel.ONLINE_VIDEO, Channel.ONLINE_AUDIO}
)


def _find(text: str, labels: tuple[str, ...]) -> re.Match[str] | None:
    pattern = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in labels)
    return re.search(r"(?<![^\W_])(?:" + pattern + r")(?![^\W_])", text, re.IGNORECASE)


def find_label(text: str) -> tuple[str, int, int] | None:
    """The approved label in `text` as (language, start, end), Kazakh preferred."""
    for language, labels in (("kk", LABELS_KK), ("ru", LABELS_RU)):
        match = _find(text, labels)
        if match:
            return language, match.start(), match.end()
    return None


def ad_label(text: str, channel: Channel) -> Iterator[Finding]:
    """The label is present where the channel needs it, in Kazakh, and first for audio/video."""
    if not channel.needs_label:
        return
    found = find_label(text)
    if found is None:
        yield Finding(
            AD_LABEL,
            Severity.BLOCKING,
            0,
            0,
            f"a {channel.value} needs the ad label «жарнама» (Law No. 18-VIII, Order No. 59-НҚ)",
            "Жарнама. " + text,
        )
        return
    language, start, end = found
    if language != "kk":
        yield Finding(
            AD_LABEL,
            Severity.WARNING,
            start,
            end,
            "the label is in Russian; the Kazakh version should carry «жарнама»",
            "жарнама",
        )
    if channel.label_first and len(text[:start].split()) >= LABEL_FIRST_WORDS:
        yield Finding(
            AD_LABEL,
            Severity.BLOCKING,
            start,
            end,
            f"in {channel.value} the label must come before the ad, not after "
            f"{len(text[:start].split())} words",
        )
