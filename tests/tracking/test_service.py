"""The intake: idempotent by id, invalid traffic marked and kept, durable before the answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest

from jarnama.tracking import events as ev
from jarnama.tracking import ivt
from jarnama.tracking.ivt import InvalidTrafficFilter
from jarnama.tracking.log import LogError, SegmentLog, read_log
from jarnama.tracking.service import EventIntake, Verdict

from .helpers import T0, ad, purchase


def _intake(path: Path) -> EventIntake:
    return EventIntake(SegmentLog(path), InvalidTrafficFilter(["bot", "curl/"], 30))


def _logged(path: Path) -> list[ev.Event]:
    return [ev.decode(r.payload) for r in read_log(path)]


def test_duplicates_in_a_batch_across_batches_and_after_a_restart_are_written_once(
    tmp_path: Path,
) -> None:
    intake = _intake(tmp_path)
    assert intake.submit([purchase("p1"), purchase("p1"), purchase("p2")]) == [
        Verdict.ACCEPTED,
        Verdict.DUPLICATE,
        Verdict.ACCEPTED,
    ]
    assert intake.submit([purchase("p2")]) == [Verdict.DUPLICATE]
    intake.close()
    reopened = EventIntake(SegmentLog(tmp_path), InvalidTrafficFilter([], 30))
    assert reopened.remember_log(tmp_path, 8 * 86400) == 2
    assert reopened.submit([purchase("p1"), purchase("p3")]) == [
        Verdict.DUPLICATE,
        Verdict.ACCEPTED,
    ]
    # Ids are per kind: a click may share an id with a purchase.
    assert reopened.submit([ev.Click(id="p1", at=T0, ad=ad())]) == [Verdict.ACCEPTED]
    reopened.close()
    assert [e.id for e in _logged(tmp_path)] == ["p1", "p2", "p3", "p1"]


def test_a_failed_write_forgets_the_ids_so_a_retry_is_accepted(tmp_path: Path) -> None:
    intake = _intake(tmp_path)
    with (
        mock.patch.object(intake.log, "append", side_effect=LogError("disk full")),
        pytest.raises(LogError),
    ):
        intake.submit([purchase("p1")])
    assert intake.submit([purchase("p1")]) == [Verdict.ACCEPTED]
    intake.close()


def test_invalid_traffic_is_kept_marked_and_counted(tmp_path: Path) -> None:
    intake = _intake(tmp_path)
    later = T0 + dt.timedelta(seconds=10)
    much_later = T0 + dt.timedelta(seconds=50)
    intake.submit(
        [
            ev.Click(id="c1", at=T0, ad=ad("b1")),
            ev.Click(id="c2", at=later, ad=ad("b1")),  # same bid within 30 s
            ev.Click(id="c3", at=later, ad=ad("b2")),  # same user, same product, 10 s later
            ev.Click(id="c4", at=much_later, ad=ad("b3")),  # 40 s after the last: fine
            ev.Click(id="c5", at=T0),  # no served decision
            ev.Click(id="c6", at=T0, ad=ad("b9", user_id="u9"), user_agent="curl/8.5"),
            ev.Impression(id="i1", at=T0, ad=ad("b7"), user_agent="Googlebot/2.1"),
            ev.Impression(id="i2", at=T0, ad=ad("b8"), user_agent="Mozilla/5.0"),
        ]
    )
    intake.close()
    verdicts = {e.id: e.ivt for e in _logged(tmp_path)}
    assert verdicts == {
        "c1": None,
        "c2": ivt.REPEAT_CLICK,
        "c3": ivt.REPEAT_CLICK,
        "c4": None,
        "c5": ivt.NO_DECISION,
        "c6": ivt.BOT,
        "i1": ivt.BOT,
        "i2": None,
    }
    assert intake.counts["ivt:repeated_click"] == 2
    assert intake.counts["click"] == 6


def test_the_bot_list_and_the_repeat_interval_come_from_the_settings(tmp_path: Path) -> None:
    from jarnama.config import Settings

    settings = Settings(
        _env_file=None,
        events={
            "log_dir": str(tmp_path),
            "bot_user_agents": ["AcmeScanner"],
            "click_repeat_seconds": 5,
        },
    )
    intake = EventIntake.from_settings(settings)
    later = T0 + dt.timedelta(seconds=4)
    much_later = T0 + dt.timedelta(seconds=10)
    intake.submit(
        [
            ev.Click(id="c1", at=T0, ad=ad("b1"), user_agent="Googlebot/2.1"),  # not listed now
            ev.Click(id="c2", at=T0, ad=ad("b2", user_id="u2"), user_agent="acmescanner/1.0"),
            ev.Click(id="c3", at=later, ad=ad("b1")),  # 4 s after c1: within 5 s
            ev.Click(id="c4", at=much_later, ad=ad("b1")),  # 6 s after c3: fine again
        ]
    )
    intake.close()
    assert {e.id: e.ivt for e in _logged(tmp_path)} == {
        "c1": None,
        "c2": ivt.BOT,
        "c3": ivt.REPEAT_CLICK,
        "c4": None,
    }
    tallies = intake.tallies()[1]
    assert tallies == {("click", ivt.BOT): 1, ("click", ivt.REPEAT_CLICK): 1}
