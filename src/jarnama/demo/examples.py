"""The API calls the demo prints as curl commands (the tests make the same calls)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class ApiExample:
    """One GET request a newcomer can paste: who calls, which path, which query."""

    title: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    token: str | None = None

    def curl(self, base_url: str) -> str:
        """The request as a curl command that works when pasted into a POSIX shell."""
        parts = ["curl", "-s"]
        if self.token is not None:
            parts += ["-H", f"Authorization: Bearer {self.token}"]
        url = base_url.rstrip("/") + self.path
        if all(value.isascii() for _, value in self.params):
            if self.params:
                url += "?" + urlencode(self.params)
            return " ".join([*map(shlex.quote, parts), shlex.quote(url)])
        # Non-ASCII values (Kazakh search words) are sent percent-encoded by curl itself.
        parts.append("-G")
        for name, value in self.params:
            parts += ["--data-urlencode", f"{name}={value}"]
        return " ".join([*map(shlex.quote, parts), shlex.quote(url)])


def demo_examples(admin_key: str, advertiser_key: str, advertiser_name: str) -> list[ApiExample]:
    """The printed examples: probes, who-am-I for both keys, products, search, accounts."""
    return [
        ApiExample("Liveness", "/healthz"),
        ApiExample("Readiness (checks the database)", "/readyz"),
        ApiExample("Who am I (network admin key)", "/api/v1/me", token=admin_key),
        ApiExample(f"Who am I ({advertiser_name} key)", "/api/v1/me", token=advertiser_key),
        ApiExample(
            f"{advertiser_name}'s own products (an advertiser sees only its brands)",
            "/api/v1/catalog/products",
            (("limit", "5"),),
            advertiser_key,
        ),
        ApiExample(
            "Search the catalog in Kazakh: «шұжық» (sausage)",
            "/api/v1/catalog/products",
            (("q", "шұжық"), ("limit", "5")),
            admin_key,
        ),
        ApiExample(
            "Search the catalog in Russian: «сливочное» (butter)",
            "/api/v1/catalog/products",
            (("q", "сливочное"), ("limit", "5")),
            admin_key,
        ),
        ApiExample("Ad placements and minimum bids", "/api/v1/catalog/placements", (), admin_key),
        ApiExample("Supplier accounts", "/api/v1/accounts", (("limit", "5"),), admin_key),
    ]
