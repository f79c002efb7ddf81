"""Issue 12 row 10: every malformed filter value and every impossible date is a 400 problem detail — on
search, ask (plain and streamed) and the directive catalog — never a 500 and never a silent empty result."""

from __future__ import annotations

import httpx
import pytest

from ..conftest import Server

BAD = [{"doc_id": {"$ne": "x"}}, {"doc_id": [[1, 2], {"a": 1}]}, {"kind": [{"a": 1}]}, {"type": 5},
       {"source": ["a"]}, {"number": {"$regex": ".*"}}, {"date_from": "2025-13-45"}, {"date_from": "zzz"},
       {"date_to": "2024-02-30"}, {"date_to": 20250101}, {"kind": [None]}]


@pytest.mark.parametrize("filters", BAD)
def test_bad_filters_are_400(open_site: Server, filters: dict) -> None:  # type: ignore[type-arg]
    base = open_site.base
    for path, body in (("/v1/search", {"query": "ngân sách", "filters": filters}),
                       ("/v1/ask", {"question": "Tổng thu ngân sách?", "filters": filters}),
                       ("/v1/ask", {"question": "Tổng thu ngân sách?", "filters": filters, "stream": True})):
        r = httpx.post(base + path, json=body, timeout=60)
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json"), (path, r.text)


def test_directive_dates(open_site: Server) -> None:
    base = open_site.base
    for params in ({"date_from": "zzz"}, {"date_to": "2025-13-45"}, {"date_from": "2025-02-30"}):
        r = httpx.get(base + "/v1/directives", params=params)
        assert r.status_code == 400 and "date" in r.json()["detail"], params
    ok = httpx.get(base + "/v1/directives", params={"date_from": "2025-3", "date_to": "2025-03-31"})
    assert ok.status_code == 200 and ok.json()["total"] >= 2
    good = httpx.post(base + "/v1/search", json={"query": "ngân sách", "filters": {
        "kind": ["paragraph", "table_row"], "date_from": "01/03/2025", "date_to": "2025"}})
    assert good.status_code == 200 and good.json()["results"]
