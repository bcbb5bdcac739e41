"""A configurable test DSP: a real HTTP server that bids by strategy, slowly, never, or badly.

Run `python -m jarnama.exchange.testdsp --port 9901 --config dsps.json`. Each DSP has a name
and answers `POST /{name}/bid`; its behaviour (`DspBehaviour`) comes from the config file and can
be changed at run time with `PUT /_config/{name}`. Notices the exchange sends land on
`GET /n/{name}/{kind}?...` and are listed, with the bid requests received, by
`GET /_log/{name}`. Used by the tests, the benchmark and the demo.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import json
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

Mode = Literal[
    "bid",
    "hang",
    "malformed",
    "no_content",
    "empty_object",
    "empty_seatbid",
    "nbr",
    "http_500",
]
MACRO_QUERY = (
    "price=${AUCTION_PRICE}&cur=${AUCTION_CURRENCY}&auction=${AUCTION_ID}&bid=${AUCTION_BID_ID}"
    "&imp=${AUCTION_IMP_ID}&seat=${AUCTION_SEAT_ID}&ad=${AUCTION_AD_ID}&mbr=${AUCTION_MBR}"
    "&loss=${AUCTION_LOSS}&min=${AUCTION_MIN_TO_WIN}&mult=${AUCTION_MULTIPLIER}&ts=${AUCTION_IMP_TS}"
)


PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class DspBehaviour(BaseModel):
    """How one test DSP answers a bid request."""

    model_config = ConfigDict(extra="forbid")

    mode: Mode = "bid"
    delay_ms: int = Field(default=0, ge=0)
    price: Decimal | None = Field(default=None, description="CPM; unset: the floor × factor.")
    floor_factor: Decimal = Decimal("1.5")
    currency: str = "USD"
    deal: str | None = Field(default=None, description="Bid on this deal id ('*': the first).")
    adomain: list[str] = Field(default_factory=lambda: ["shoro.kz"])
    cat: list[str] = Field(default_factory=list)
    crid: str = "creative-1"
    dur: int | None = None
    mtype: int = 1
    fit_size: bool = True
    with_notices: bool = True


class TestDsp:
    """The ASGI app: every named DSP's behaviour and what it received."""

    __test__ = False  # not a pytest test class

    def __init__(self, behaviours: dict[str, DspBehaviour], base_url: str) -> None:
        self.behaviours = behaviours
        self.base_url = base_url.rstrip("/")
        self.requests: dict[str, deque[dict[str, Any]]] = {}
        self.notices: dict[str, deque[dict[str, Any]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one HTTP request."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method, parts = scope["method"], scope["path"].strip("/").split("/")
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if method == "POST" and len(parts) == 2 and parts[1] == "bid":
            await self._bid(parts[0], body, headers, send, receive)
        elif method == "GET" and len(parts) == 3 and parts[0] == "n":
            query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
            self.notices.setdefault(parts[1], deque(maxlen=10_000)).append(
                {"kind": parts[2], **query}
            )
            await _answer(send, 200, b"")
        elif method == "PUT" and len(parts) == 2 and parts[0] == "_config":
            self.behaviours[parts[1]] = DspBehaviour.model_validate_json(body)
            await _answer(send, 204, b"")
        elif method == "GET" and len(parts) == 2 and parts[0] == "_log":
            log = {
                "requests": list(self.requests.get(parts[1], ())),
                "notices": list(self.notices.get(parts[1], ())),
            }
            await _answer(send, 200, json.dumps(log).encode())
        elif method == "GET" and len(parts) == 2 and parts[0] == "creative":
            # The creative the markup points at, so a demo player can fetch it (a 1×1 PNG).
            await _answer(send, 200, PIXEL_PNG, content_type=b"image/png")
        elif method == "DELETE" and parts == ["_log"]:
            self.requests.clear()
            self.notices.clear()
            await _answer(send, 204, b"")
        else:
            await _answer(send, 404, b"")

    async def _bid(
        self, name: str, body: bytes, headers: dict[str, str], send: Send, receive: Receive
    ) -> None:
        behaviour = self.behaviours.get(name)
        if behaviour is None:
            await _answer(send, 404, b"")
            return
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        request = json.loads(body, parse_float=Decimal)
        self.requests.setdefault(name, deque(maxlen=1_000)).append(
            json.loads(body) | {"_headers": headers}
        )
        if behaviour.mode == "hang":
            # Never answers: waits until the exchange gives up and drops the connection.
            while (await receive())["type"] != "http.disconnect":
                pass
            return
        if behaviour.delay_ms:
            await asyncio.sleep(behaviour.delay_ms / 1000)
        if behaviour.mode == "no_content":
            await _answer(send, 204, b"")
        elif behaviour.mode == "empty_object":
            await _answer(send, 200, b"{}")
        elif behaviour.mode == "empty_seatbid":
            await _answer(send, 200, json.dumps({"id": request["id"], "seatbid": []}).encode())
        elif behaviour.mode == "nbr":
            await _answer(send, 200, json.dumps({"id": request["id"], "nbr": 2}).encode())
        elif behaviour.mode == "http_500":
            await _answer(send, 500, b"oops")
        elif behaviour.mode == "malformed":
            await _answer(send, 200, b'{"id": "x", "seatbid": [{"bid": [{"price": 1.0,')
        else:
            answer = self._response(name, behaviour, request)
            await _answer(send, 200, json.dumps(answer, default=str).encode())

    def _response(
        self, name: str, behaviour: DspBehaviour, request: dict[str, Any]
    ) -> dict[str, Any]:
        imp = request["imp"][0]
        deal_id = None
        floor = Decimal(str(imp.get("bidfloor", 0)))
        deals = imp.get("pmp", {}).get("deals", [])
        if behaviour.deal is not None and deals:
            chosen = (
                deals[0]
                if behaviour.deal == "*"
                else next((d for d in deals if d["id"] == behaviour.deal), None)
            )
            if chosen is not None:
                deal_id = chosen["id"]
                floor = Decimal(str(chosen.get("bidfloor", 0)))
        price = behaviour.price if behaviour.price is not None else floor * behaviour.floor_factor
        bid: dict[str, Any] = {
            "id": f"{name}-{request['id']}",
            "impid": imp["id"],
            "price": float(price.quantize(Decimal("0.0001"))),
            "adid": f"ad-{name}",
            "crid": behaviour.crid,
            "cid": f"campaign-{name}",
            "adomain": behaviour.adomain,
            "adm": f'<img src="{self.base_url}/creative/{name}.png" data-p="${{AUCTION_PRICE}}">',
            "mtype": behaviour.mtype,
        }
        if behaviour.cat:
            bid["cat"] = behaviour.cat
        if behaviour.dur is not None:
            bid["dur"] = behaviour.dur
        if behaviour.fit_size and "banner" in imp:
            bid["w"], bid["h"] = imp["banner"]["w"], imp["banner"]["h"]
        if deal_id is not None:
            bid["dealid"] = deal_id
        if behaviour.with_notices:
            for kind in ("nurl", "burl", "lurl"):
                bid[kind] = f"{self.base_url}/n/{name}/{kind[0]}?{MACRO_QUERY}"
        return {
            "id": request["id"],
            "cur": behaviour.currency,
            "seatbid": [{"seat": name, "bid": [bid]}],
        }


async def _answer(
    send: Send, status: int, body: bytes, *, content_type: bytes = b"application/json"
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def load_behaviours(path: Path | None) -> dict[str, DspBehaviour]:
    """DSP name → behaviour from a JSON file (none: one DSP called 'dsp' that bids)."""
    if path is None:
        return {"dsp": DspBehaviour()}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: DspBehaviour.model_validate(value) for name, value in raw.items()}


def main(argv: list[str] | None = None) -> None:
    """Serve the test DSPs until interrupted."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9901)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args(argv)
    app = TestDsp(load_behaviours(args.config), f"http://{args.host}:{args.port}")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(
    behaviours: Mapping[str, Any], config: Path, *, start_seconds: float = 15
) -> Iterator[str]:
    """Start `python -m jarnama.exchange.testdsp` on a free loopback port and yield its base URL.

    `behaviours` (by DSP code, as `DspBehaviour` fields) are written to `config`. The process is
    stopped on exit; one that does not answer within `start_seconds` raises with its stderr.
    """
    import httpx  # only the launcher needs a client

    config.write_text(json.dumps(behaviours), encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "jarnama.exchange.testdsp", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                httpx.get(f"{base}/_log/none", timeout=0.5)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"the test DSP did not start: {error}") from None
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


if __name__ == "__main__":
    main()
