"""The durable event log: append-only segments on local disk with group commit, or Kafka.

Disk format: a directory of segments `<first sequence, 20 digits>.seg`. A record is an 8-byte
header — payload length and CRC-32 of the payload, both big-endian uint32 — then the payload.
`append` returns only after the records are written and fsync'd. Concurrent callers share
fsyncs (group commit): the first waiting caller becomes the leader, writes everything queued
so far with one `write` and one `fsync`, and wakes the others whose records it covered; callers
arriving meanwhile queue for the next fsync. A crash can leave a torn record at the end of the
newest segment only; opening the log truncates it (it was never acknowledged). Sequence
numbers count records from 0 and never repeat; they are the loader's checkpoint.

One process writes a log directory: opening takes an exclusive `flock` on `<dir>/.lock`
(released on close or when the process dies, SIGKILL included), and a second writer gets a
clear `LogError` instead of interleaving its records and sequence numbers with the first's.
Several writers (server workers, an import beside the server) each take a *lane*
(`open_lane`): the first free of the log directory itself and its `lane-<n>` subdirectories,
each an independent log with its own sequence, read and checkpointed one by one (`lanes`).
"""

from __future__ import annotations

import fcntl
import os
import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

HEADER = struct.Struct(">II")
MAX_LANES = 64
MAX_RECORD_BYTES = 16 * 1024 * 1024
SUFFIX = ".seg"


class LogError(RuntimeError):
    """The log cannot make records durable (disk full, I/O error, broker unavailable)."""


class LogBusy(LogError):
    """Another process writes this log directory."""


class CorruptLog(LogError):
    """A sealed segment holds a record whose length or CRC is wrong."""


class DurableLog(Protocol):
    """Where intake makes events durable before acknowledging them."""

    def append(self, payloads: Sequence[bytes]) -> None:
        """Return once every payload is durable; raise `LogError` otherwise."""
        ...

    def close(self) -> None:
        """Release files or connections (appends after this fail)."""
        ...


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One record read back: its sequence number, payload and where the next one starts."""

    seq: int
    payload: bytes
    segment: int
    next_offset: int


def _segment_name(first_seq: int) -> str:
    return f"{first_seq:020d}{SUFFIX}"


def list_segments(directory: Path) -> list[int]:
    """The first sequence numbers of the segments in a log directory, ascending."""
    if not directory.exists():
        return []
    firsts = []
    for path in directory.iterdir():
        stem = path.name.removesuffix(SUFFIX)
        if path.name.endswith(SUFFIX) and stem.isdigit() and len(stem) == 20:
            firsts.append(int(stem))
    return sorted(firsts)


def _scan(data: bytes, start: int = 0) -> Iterator[tuple[int, bytes, int]]:
    """(offset, payload, next offset) of each whole, CRC-valid record; stops at the first bad."""
    offset = start
    while offset + HEADER.size <= len(data):
        length, crc = HEADER.unpack_from(data, offset)
        end = offset + HEADER.size + length
        if length > MAX_RECORD_BYTES or end > len(data):
            return
        payload = data[offset + HEADER.size : end]
        if zlib.crc32(payload) != crc:
            return
        yield offset, payload, end
        offset = end


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encode_records(payloads: Sequence[bytes]) -> bytes:
    """The on-disk bytes of these payloads (header + payload each)."""
    parts = []
    for payload in payloads:
        if len(payload) > MAX_RECORD_BYTES:
            raise LogError(f"record of {len(payload)} bytes exceeds {MAX_RECORD_BYTES}")
        parts.append(HEADER.pack(len(payload), zlib.crc32(payload)))
        parts.append(payload)
    return b"".join(parts)


class SegmentLog:
    """The local-disk log: append-only segments, fsync'd in group commits, rotated by size."""

    def __init__(self, directory: Path | str, *, segment_bytes: int = 64 * 1024 * 1024) -> None:
        """Open (or create) the log in `directory`, truncating a torn tail of the newest segment."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.directory / ".lock", "a+b")  # held: the flock lives with it
        try:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise LogBusy(
                f"the event log at {self.directory} is being written by another process: "
                "give each server process its own JARNAMA_EVENTS__LOG_DIR, or use Kafka"
            ) from None
        self._segment_bytes = segment_bytes
        self._cond = threading.Condition()
        self._queue: list[bytes] = []
        self._queued_upto = 0  # records handed to append so far (next sequence number)
        self._durable_upto = 0  # records fsync'd so far
        self._flushing = False
        self._failure: LogError | None = None
        self._closed = False
        segments = list_segments(self.directory)
        if not segments:
            self._open_segment(0)
        else:
            self._recover(segments[-1])

    def _recover(self, first: int) -> None:
        path = self.directory / _segment_name(first)
        data = path.read_bytes()
        count, valid_end = 0, 0
        for _offset, _payload, end in _scan(data):
            count, valid_end = count + 1, end
        # Bytes past the last whole record were never acknowledged: cut them off.
        self._file: BinaryIO = open(path, "r+b")
        if valid_end < len(data):
            self._file.truncate(valid_end)
            os.fsync(self._file.fileno())
        self._file.seek(valid_end)
        self._segment_first = first
        self._segment_size = valid_end
        self._queued_upto = self._durable_upto = first + count

    def _open_segment(self, first: int) -> None:
        path = self.directory / _segment_name(first)
        self._file = open(path, "ab")
        _fsync_dir(self.directory)
        self._segment_first = first
        self._segment_size = 0

    @property
    def next_seq(self) -> int:
        """The sequence number the next appended record will get."""
        with self._cond:
            return self._queued_upto

    def append(self, payloads: Sequence[bytes]) -> None:
        """Return once every payload is written and fsync'd (sharing fsyncs with other callers)."""
        if not payloads:
            return
        data = encode_records(payloads)
        with self._cond:
            if self._closed:
                raise LogError("the event log is closed")
            if self._failure is not None:
                raise LogError("the event log failed earlier") from self._failure
            self._queue.append(data)
            self._queued_upto += len(payloads)
            target = self._queued_upto
            while self._durable_upto < target:
                if self._failure is not None:
                    raise LogError("the event log could not fsync") from self._failure
                if self._flushing:
                    self._cond.wait()
                    continue
                self._flush_locked()

    def _flush_locked(self) -> None:
        """Lead one group commit: write the queue, fsync, publish; called holding the lock."""
        batch, upto = self._queue, self._queued_upto
        self._queue = []
        self._flushing = True
        self._cond.release()
        try:
            failure = None
            try:
                self._write(batch, upto)
            except OSError as exc:
                failure = LogError(f"event log write failed: {exc}")
        finally:
            self._cond.acquire()
        self._flushing = False
        if failure is not None:
            # The file's tail is now unknown: refuse every later append (restart recovers).
            self._failure = failure
        else:
            self._durable_upto = upto
        self._cond.notify_all()

    def _write(self, batch: list[bytes], upto: int) -> None:
        data = b"".join(batch)
        self._file.write(data)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._segment_size += len(data)
        if self._segment_size >= self._segment_bytes:
            # Only the leader touches the file, so rotating here is safe.
            self._file.close()
            self._open_segment(upto)

    def close(self) -> None:
        """Wait for the running group commit, then close the segment file."""
        with self._cond:
            while self._flushing:
                self._cond.wait()
            if self._closed:
                return
            self._closed = True
            self._file.close()
            self._lock_file.close()  # releases the flock


def lanes(directory: Path | str) -> list[Path]:
    """The lanes of a log directory: itself first, then its `lane-<n>` subdirectories by n."""
    directory = Path(directory)
    found = [directory]
    if directory.exists():
        numbered = [
            (int(path.name.removeprefix("lane-")), path)
            for path in directory.iterdir()
            if path.is_dir()
            and path.name.startswith("lane-")
            and path.name.removeprefix("lane-").isdigit()
        ]
        found.extend(path for _n, path in sorted(numbered))
    return found


def open_lane(directory: Path | str, *, segment_bytes: int = 64 * 1024 * 1024) -> SegmentLog:
    """The first lane of a log directory no other process writes (the directory itself first)."""
    directory = Path(directory)
    for number in range(MAX_LANES):
        path = directory if number == 0 else directory / f"lane-{number}"
        try:
            return SegmentLog(path, segment_bytes=segment_bytes)
        except LogBusy:
            continue
    raise LogError(f"all {MAX_LANES} lanes of the event log at {directory} are in use")


def read_log(
    directory: Path | str, *, seq: int = 0, segment: int = 0, offset: int = 0
) -> Iterator[LogRecord]:
    """Every record from a checkpoint (`seq` at `segment` byte `offset`) on, in sequence order.

    A bad record ends the newest segment quietly (a tail being written or torn by a crash and
    not yet truncated by a restart); in an older, sealed segment it raises `CorruptLog`.
    """
    directory = Path(directory)
    segments = [first for first in list_segments(directory) if first >= segment]
    for index, first in enumerate(segments):
        data = (directory / _segment_name(first)).read_bytes()
        start = offset if first == segment else 0
        number = seq if first == segment else first
        end = start
        for _off, payload, end in _scan(data, start):
            yield LogRecord(seq=number, payload=payload, segment=first, next_offset=end)
            number += 1
        if index < len(segments) - 1 and end != len(data):
            raise CorruptLog(f"segment {first} is corrupt at byte {end}")
