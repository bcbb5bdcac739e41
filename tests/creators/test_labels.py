"""The ad-label check in Russian and Kazakh, positive and negative."""

from __future__ import annotations

import pytest

from jarnama.creators.labels import APPROVED_LABELS, check_post


@pytest.mark.parametrize(
    "caption",
    [
        "Реклама. Новый кефир «Сүт» уже в Magnum!",
        "РЕКЛАМА: скидка 20% по промокоду AIGERIM-2345",
        "  #реклама  попробуйте новый вкус",
        "На  правах   рекламы — мой выбор на завтрак",
        "Партнёрский материал. Ссылка в профиле",  # ё is folded to е
        "спонсорский материал\nВкусно!",
        "Оплачено спонсором | мой отзыв",
        "На правах PR: открытие магазина",
        "Рекламный материал ✨ скидки недели",
        "Жарнама. Жаңа айран дүкендерде!",
        "ЖАРНАМАЛЫҚ МАТЕРИАЛ: жеңілдік 20%",
        "📣 жарнама — Magnum-да жаңа тағамдар",
    ],
)
def test_approved_labels_at_the_start_pass(caption: str) -> None:
    result = check_post(caption)
    assert result.ok, result.problems
    assert result.label in APPROVED_LABELS


@pytest.mark.parametrize(
    ("caption", "problem"),
    [
        ("Новый кефир уже в Magnum! #реклама", "must open the caption"),
        ("Мой любимый кефир, жарнама", "must open the caption"),
        ("Рекламка: кефир", "no approved ad label"),  # a diminutive is not on the list
        ("Жарнамалық кефир", "no approved ad label"),  # «жарнамалық» alone is not a label
        ("Спонсор: Magnum", "no approved ad label"),
        ("Pеклама. Кефир", "Latin look-alike"),  # Latin P
        ("Жaрнaмa. Айран", "Latin look-alike"),  # Latin a
        ("", "no approved ad label"),
    ],
)
def test_missing_late_or_disguised_labels_fail_with_a_reason(caption: str, problem: str) -> None:
    result = check_post(caption)
    assert not result.ok
    assert any(problem in p for p in result.problems), result.problems


def test_a_video_declares_the_label_before_the_ad() -> None:
    assert check_post("Реклама", media="video", label_at_seconds=0).ok
    assert check_post("Жарнама", media="video", label_at_seconds=2, ad_starts_at_seconds=3).ok
    late = check_post("Реклама", media="video", label_at_seconds=12, ad_starts_at_seconds=3)
    assert not late.ok
    assert "after the ad starts" in late.problems[0]
    undeclared = check_post("Реклама", media="video")
    assert not undeclared.ok
    assert "declare" in undeclared.problems[0]


def test_the_longest_label_is_reported() -> None:
    assert check_post("Жарнамалық материал: айран").label == "жарнамалық материал"
    assert check_post("Рекламный материал").label == "рекламный материал"
