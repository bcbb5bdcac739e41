"""The ad label («жарнама») that paid posts carry on online platforms, per channel."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class LabelRule:
    """Whether a channel needs the ad label, and how many words may come before it.

    `max_words_before=None` accepts the label anywhere; 0 means it opens the text (a leading
    emoji, hashtag sign or punctuation is not a word).
    """

    required: bool
    max_words_before: int | None = None


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
        return DEFAULT_RULES[self].required

    @property
    def label_first(self) -> bool:
        """True where the label must open the text (posts, audio and video)."""
        return DEFAULT_RULES[self].max_words_before is not None


# Paid posts of bloggers and brands open with the label; online audio and video say it first.
DEFAULT_RULES: dict[Channel, LabelRule] = {
    **{channel: LabelRule(required=False) for channel in Channel},
    Channel.SOCIAL_POST: LabelRule(required=True, max_words_before=0),
    Channel.CREATOR_POST: LabelRule(required=True, max_words_before=0),
    Channel.ONLINE_VIDEO: LabelRule(required=True, max_words_before=LABEL_FIRST_WORDS),
    Channel.ONLINE_AUDIO: LabelRule(required=True, max_words_before=LABEL_FIRST_WORDS),
}


def rule_for(channel: Channel, overrides: Mapping[str, LabelRule] | None = None) -> LabelRule:
    """The channel's label rule: the configured override, else the default."""
    if overrides and channel.value in overrides:
        return overrides[channel.value]
    return DEFAULT_RULES[channel]


_WORD_RE = re.compile(r"[^\W_]+")


def _find(text: str, labels: tuple[str, ...]) -> re.Match[str] | None:
    pattern = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in labels)
    return re.search(r"(?<![^\W_])(?:" + pattern + r")(?![^\W_])", text, re.IGNORECASE)


def find_label(text: str, language: str | None = None) -> tuple[str, int, int] | None:
    """The approved label in `text` as (language, start, end), `language`'s own preferred.

    Without a language Kazakh is preferred; for a Russian text the Russian labels come first.
    """
    order = (("ru", LABELS_RU), ("kk", LABELS_KK)) if language == "ru" else (
        ("kk", LABELS_KK), ("ru", LABELS_RU))  # fmt: skip
    for found_language, labels in order:
        match = _find(text, labels)
        if match:
            return found_language, match.start(), match.end()
    return None


def ad_label(
    text: str, channel: Channel, *, language: str = "kk", rule: LabelRule | None = None
) -> Iterator[Finding]:
    """The label is there where the channel needs it, in the text's language, early enough.

    Findings carry the label's position (0–0 when it is missing, with the fixed text as the
    suggestion); the rule id is `kk.ad-label` for Kazakh texts and `ru.ad-label` for Russian.
    """
    rule = rule or DEFAULT_RULES[channel]
    if not rule.required:
        return
    rule_id = AD_LABEL if language == "kk" else f"{language}.ad-label"
    own = "Жарнама" if language == "kk" else "Реклама"
    found = find_label(text, language)
    if found is None:
        yield Finding(
            rule_id,
            Severity.BLOCKING,
            0,
            0,
            f"a {channel.value} needs the ad label «{own.lower()}» "
            "(Law No. 18-VIII, Order No. 59-НҚ)",
            f"{own}. " + text,
        )
        return
    found_language, start, end = found
    if found_language != language:
        yield Finding(
            rule_id,
            Severity.WARNING,
            start,
            end,
            f"the label is not in the text's language; write «{own.lower()}»",
            own.lower(),
        )
    before = len(_WORD_RE.findall(text[:start]))
    if rule.max_words_before is not None and before > rule.max_words_before:
        where = "open the text" if rule.max_words_before == 0 else (
            f"come within the first {rule.max_words_before} words")  # fmt: skip
        yield Finding(
            rule_id,
            Severity.BLOCKING,
            start,
            end,
            f"in a {channel.value} the label must {where}, not after {before} words",
            f"{own}. " + (text[:start] + text[end:]).strip(" .,:;—-"),
        )
