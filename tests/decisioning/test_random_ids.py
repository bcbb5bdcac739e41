"""Bid ids drawn from the buffered random source: unique, and never shared with a forked child."""

from __future__ import annotations

import os

from jarnama.decisioning.tokens import RandomBytes, new_bid_id


def test_bid_ids_are_unique_and_the_buffer_refills() -> None:
    ids = {new_bid_id() for _ in range(10_000)}  # 40 refills of the 3 KB buffer
    assert len(ids) == 10_000
    assert all(len(bid) == 16 for bid in ids)
    small = RandomBytes(chunk=8)
    parts = [small.take(5) for _ in range(4)]
    assert all(len(part) == 5 for part in parts)
    assert len(small.take(20)) == 20  # more than a chunk at once


def test_a_forked_child_does_not_hand_out_the_parents_buffered_bytes() -> None:
    source = RandomBytes()
    source.take(4)  # the buffer is filled before the fork
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        os.write(write, source.take(16))
        os._exit(0)
    os.waitpid(child, 0)
    from_child = os.read(read, 16)
    os.close(read)
    os.close(write)
    assert from_child != source.take(16)
