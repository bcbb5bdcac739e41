"""A tiny OpenAI-compatible chat-completions server for tests, run by uvicorn on loopback.

It "translates" with a fixed phrase table, and the model name picks a behaviour: `kk-good`,
`kk-fenced` (JSON in a Markdown fence), `kk-flaky` (503 twice, then answers), `kk-slow`
(answers after 2 s), `kk-prose` (no JSON), `kk-missing` (drops the last segment),
`kk-rate-limited` (always 429 with Retry-After).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

API_KEY = "sk-test-loopback"
PHRASES = {
    "Скидка 20% на все товары": "Барлық тауарларға 20% жеңілдік",
    "Купить сейчас": "Қазір сатып алыңыз",
    "Свежее молоко каждый день": "Күн сайын балғын сүт",
    "Скачайте приложение Magnum": "Magnum қосымшасын жүктеп алыңыз",
}


@dataclass
class Recorder:
    """What the server received, for assertions."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    calls_by_model: dict[str, int] = field(default_factory=dict)


def build_app(recorder: Recorder) -> Starlette:
    """The Starlette app serving /v1/chat/completions and /v1/models."""

    async def completions(request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return JSONResponse(
                {"error": {"message": "Incorrect API key provided", "type": "invalid_request"}},
                status_code=401,
            )
        body = await request.json()
        recorder.requests.append(body)
        recorder.headers.append(dict(request.headers))
        model = body.get("model", "")
        calls = recorder.calls_by_model[model] = recorder.calls_by_model.get(model, 0) + 1
        if model == "kk-flaky" and calls <= 2:
            return JSONResponse({"error": {"message": "model is loading"}}, status_code=503)
        if model == "kk-rate-limited":
            return JSONResponse(
                {"error": {"message": "slow down"}}, status_code=429, headers={"Retry-After": "0"}
            )
        if model == "kk-slow":
            await asyncio.sleep(2)
        segments = json.loads(body["messages"][-1]["content"])["segments"]
        translations = [{"id": s["id"], "target": PHRASES.get(s["text"], "")} for s in segments]
        if model == "kk-missing":
            translations = translations[:-1]
        content = json.dumps({"translations": translations}, ensure_ascii=False)
        if model == "kk-fenced":
            content = f"```json\n{content}\n```"
        if model == "kk-prose":
            content = "Here is your translation: Барлық тауарларға жеңілдік"
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(recorder.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    async def models(_: Request) -> JSONResponse:
        return JSONResponse({"object": "list", "data": [{"id": "kk-good", "object": "model"}]})

    return Starlette(
        routes=[
            Route("/v1/chat/completions", completions, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
        ]
    )


@contextmanager
def serve() -> Iterator[tuple[str, Recorder]]:
    """Run the server on a free loopback port in a thread; yield its base URL (…/v1)."""
    recorder = Recorder()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        build_app(recorder), log_level="warning", lifespan="off", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the loopback OpenAI server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v1", recorder
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
