"""The segment log: group commit under concurrency, rotation, torn tails, corruption."""

from __future__ import annotations

import threading
from pathlib import Path
from unittest import mock

import pytest

from jarnama.tracking.log import (
    HEADER,
    CorruptLog,
    LogError,
    SegmentLog,
    list_segments,
    read_log,
)


def test_concurrent_appends_share_fsyncs_and_every_record_is_there_once(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path, segment_bytes=8192)
    real_fsync = __import__("os").fsync
    calls = []

    def counting_fsync(fd: int) -> None:
        calls.append(fd)
        real_fsync(fd)

    def writer(n: int) -> None:
        for j in range(200):
            log.append([f"w{n}-{j}".encode()])

    with mock.patch("jarnama.tracking.log.os.fsync", counting_fsync):
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    records = list(read_log(tmp_path))
    assert [r.seq for r in records] == list(range(1600))
    assert len({r.payload for r in records}) == 1600
    # Group commit: far fewer fsyncs than appends (8 writers wait on each other's fsyncs).
    assert len(calls) < 1600
    assert len(list_segments(tmp_path)) > 1  # rotated at 8 KiB
    log.close()


def test_reopening_continues_the_sequence_and_truncates_a_torn_tail(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path)
    log.append([b"one", b"two"])
    log.close()
    segment = tmp_path / f"{0:020d}.seg"
    with segment.open("ab") as f:
        f.write(HEADER.pack(100, 0) + b"half a rec")  # a crash in the middle of a write
    log = SegmentLog(tmp_path)
    assert log.next_seq == 2
    log.append([b"three"])
    log.close()
    assert [r.payload for r in read_log(tmp_path)] == [b"one", b"two", b"three"]


def test_reading_from_a_checkpoint_resumes_exactly(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path, segment_bytes=4096)
    for i in range(100):
        log.append([f"record-{i:03d}".encode() * 5])
    log.close()
    records = list(read_log(tmp_path))
    mid = records[41]
    rest = list(read_log(tmp_path, seq=mid.seq + 1, segment=mid.segment, offset=mid.next_offset))
    assert [r.seq for r in rest] == list(range(42, 100))
    assert rest == records[42:]


def test_a_bad_record_in_a_sealed_segment_is_reported(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path, segment_bytes=4096)
    for i in range(150):
        log.append([f"record-{i:03d}".encode() * 5])
    log.close()
    assert len(list_segments(tmp_path)) > 1
    first = tmp_path / f"{0:020d}.seg"
    data = bytearray(first.read_bytes())
    data[HEADER.size + 3] ^= 0xFF  # flip a bit in the first payload
    first.write_bytes(bytes(data))
    with pytest.raises(CorruptLog):
        list(read_log(tmp_path))


def test_a_failed_fsync_acknowledges_nothing_and_closes_the_log(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path)

    def failing(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with mock.patch("jarnama.tracking.log.os.fsync", failing), pytest.raises(LogError):
        log.append([b"lost"])
    with pytest.raises(LogError):
        log.append([b"later"])
    log.close()
