"""MT through an OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp, Ollama).

The prompt carries the termbase and the TM matches and asks for JSON output.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import httpx

from jarnama.transcreation.mt.base import LANGUAGE_NAMES, MTError, MTSegment
from jarnama.transcreation.terms import TermKind

SYSTEM_PROMPT = """You transcreate advertising copy into natural, correct {target}.
Rules:
- Keep the meaning (Kazakhstan's advertising law requires a faithful translation).
- Use the Kazakh letters ә ғ қ ң ө ұ ү һ і; never substitute Russian or Latin letters.
- Keep every number, percentage, date and price. Write prices as «99 990 ₸» (₸ after the number).
- Keep brand and do-not-translate terms exactly as given; use the required translations.
- Respect each segment's max_chars when given.
Answer with JSON only: {{"translations": [{{"id": "<segment id>", "target": "<text>"}}, ...]}}
with exactly one entry per input segment."""

# Status codes worth another try: rate limiting and a busy or restarting server.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 10.0


class OpenAICompatibleTranslator:
    """A chat-completions client with timeouts, bounded retries and clear errors."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
        backoff_seconds: float = 0.5,
        temperature: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model = model
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.temperature = temperature
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 10.0)),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> OpenAICompatibleTranslator:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def messages(self, segments: Sequence[MTSegment]) -> list[dict[str, str]]:
        """The chat messages for a batch: rules, then the segments with terms and TM matches."""
        target = LANGUAGE_NAMES.get(segments[0].target_lang, segments[0].target_lang)
        payload = [
            {
                "id": segment.id,
                "source_language": LANGUAGE_NAMES.get(segment.source_lang, segment.source_lang),
                "text": segment.source,
                **({"slot": segment.slot} if segment.slot else {}),
                **({"max_chars": segment.max_chars} if segment.max_chars else {}),
                "termbase": [_term(term) for term in segment.terms],
                "translation_memory": [
                    {"score": m.score, "source": m.unit.source, "target": m.unit.target}
                    for m in segment.matches
                ],
            }
            for segment in segments
        ]
        return [
            {"role": "system", "content": SYSTEM_PROMPT.format(target=target)},
            {"role": "user", "content": json.dumps({"segments": payload}, ensure_ascii=False)},
        ]

    def translate(self, segments: Sequence[MTSegment]) -> list[str | None]:
        """One target per segment, from one chat completion."""
        if not segments:
            return []
        body = {
            "model": self.model,
            "messages": self.messages(segments),
            "temperature": self.temperature,
            "response_format": {"type": "json_object"},
        }
        data = self._post("chat/completions", body)
        return _targets(data, [segment.id for segment in segments])

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        """POST with retries on timeouts, connection errors, 429 and 5xx (bounded)."""
        for attempt in range(self.max_retries + 1):
            pause: float | None = None
            cause: Exception | None = None
            try:
                response = self._client.post(path, json=body)
            except httpx.TimeoutException as exc:
                problem, cause = f"timed out after {self._client.timeout.read} s", exc
            except httpx.TransportError as exc:
                problem = f"cannot reach {self._client.base_url}: {type(exc).__name__}"
                cause = exc
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise MTError(
                            "the MT endpoint answered with a body that is not JSON"
                        ) from exc
                problem = f"HTTP {response.status_code}: {_error_text(response)}"
                if response.status_code not in RETRY_STATUSES:
                    raise MTError(f"the MT endpoint refused the request ({problem})")
                cause, pause = None, _retry_after(response)
            if attempt == self.max_retries:
                raise MTError(
                    f"the MT endpoint failed after {attempt + 1} attempts ({problem})"
                ) from cause
            time.sleep(pause if pause is not None else self.backoff_seconds * 2**attempt)
        raise AssertionError("unreachable")


def _term(term: Any) -> dict[str, str]:
    if term.kind in (TermKind.BRAND, TermKind.DO_NOT_TRANSLATE):
        return {"term": term.source, "rule": "keep exactly as written"}
    if term.kind is TermKind.REQUIRED:
        return {"term": term.source, "rule": f"translate as «{term.target}»"}
    return {"term": term.source, "rule": f"never translate as «{term.target}»"}


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error)[:200]
    return str(error or data)[:200]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return min(float(value), MAX_RETRY_AFTER_SECONDS) if value else None
    except ValueError:
        return None


def _targets(data: Any, ids: list[str]) -> list[str | None]:
    """The translations in a chat completion, in the order of `ids`."""
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise MTError("the MT endpoint's answer has no choices[0].message.content") from exc
    if not isinstance(content, str):
        raise MTError("the MT answer's content is not text")
    text = content.strip()
    if text.startswith("```"):
        # Some local models wrap JSON in a Markdown fence despite response_format.
        text = text.strip("`").removeprefix("json").strip()
    try:
        parsed = json.loads(text)
        items = parsed["translations"]
        by_id = {str(item["id"]): item["target"] for item in items}
    except (ValueError, KeyError, TypeError) as exc:
        raise MTError(f"the MT answer is not the requested JSON: {text[:200]!r}") from exc
    missing = [segment_id for segment_id in ids if segment_id not in by_id]
    if missing:
        raise MTError(f"the MT answer lacks segment(s) {missing}")
    results: list[str | None] = []
    for segment_id in ids:
        target = by_id[segment_id]
        if not isinstance(target, str):
            raise MTError(f"the MT answer for segment {segment_id} is not text")
        results.append(target.strip() or None)
    return results
