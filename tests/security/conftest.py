"""Fixtures for the attacker's view: servers started with API keys (`kpub` reads `public`, `kmat` reads
`public` and `mat`), one of them holding restricted `mat` documents with a secret word, number, figure and
agency (a công văn and a task table), and servers without keys (the loopback default)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..conftest import Server, copy_data

# Written with spaces around ':' ',' ';' on purpose: the spec parser must tolerate them (and fail closed).
KEYS = "kpub: public; kmat: public, mat"
PUB = {"Authorization": "Bearer kpub"}
MAT = {"Authorization": "Bearer kmat"}

SECRET_CV = ("CÔNG VĂN MẬT\nSố: 999/UBND-MAT\nV/v phương án Zebrafin bảo vệ kho Quýtxanh\n\n"
             "UBND tỉnh giao Ban Bảo vệ kho Quýtxanh chủ trì phương án Zebrafin (Công văn số 999/UBND-MAT, "
             "ngày 02/3/2025) bảo vệ kho Quýtxanh với kinh phí 777,77 tỷ đồng.\n")
SECRET_TABLE = ("PHỤ LỤC MẬT\nNHIỆM VỤ BẢO VỆ KHO NĂM 2025\n(Kèm theo Công văn số 999/UBND-MAT ngày 02/3/2025)\n\n"
                "STT\tNhiệm vụ cụ thể\tTiến độ\tCơ quan chủ trì\tCơ quan phối hợp\tKết quả/sản phẩm\n"
                + "".join(f"{i}\tTuần tra kho Quýtxanh khu {i}\tQuý {'I' * min(i, 3)}/2025\tBan Bảo vệ kho "
                          f"Quýtxanh\tCông an tỉnh\tBiên bản tuần tra số {i}\n" for i in range(1, 7)))
SECRET_FILES = {"cong-van-mat.txt": SECRET_CV, "phu-luc-mat.txt": SECRET_TABLE}
MARKERS = ("Zebrafin", "Quýtxanh", "Quytxanh", "999/UBND-MAT", "777,77")


def keyed_server(data: Path, with_secret: bool, env: dict[str, str] | None = None) -> Server:
    srv = Server(data, {"CHIDAO_API_KEYS": KEYS, **(env or {})}).start()
    if with_secret:
        for name, text in SECRET_FILES.items():
            r = httpx.post(srv.base + "/v1/documents", headers=MAT, data={"groups": "mat"},
                           files={"files": (name, text.encode())}, timeout=300)
            assert r.status_code == 200 and r.json()["reports"][0]["status"] == "ingested", r.text
    return srv


@pytest.fixture(scope="package")
def mat_server(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The samples plus the restricted documents, keys required."""
    srv = keyed_server(copy_data(samples_data, tmp_path_factory, "sec-mat"), with_secret=True)
    yield srv
    srv.stop()


@pytest.fixture(scope="package")
def mat_site(mat_server: Server) -> str:
    return mat_server.base


@pytest.fixture(scope="package")
def open_site(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The samples, no keys (the loopback default), small limits a test can reach quickly."""
    srv = Server(copy_data(samples_data, tmp_path_factory, "sec-open"),
                 {"CHIDAO_MAX_PASSAGES": "60", "CHIDAO_PARSE_TOTAL_S": "10"}).start()
    yield srv
    srv.stop()


def leaks(body: Any, asked: str = "") -> list[str]:
    """Markers of the restricted documents in a response. The caller's own words echoed back are not a leak:
    the whole question anywhere, and in the answer text ("Tài liệu không nêu …") a marker the caller typed;
    citations and related passages must hold none."""
    if isinstance(body, dict) and isinstance(body.get("answer"), str):
        rest = json.dumps({k: v for k, v in body.items() if k != "answer"}, ensure_ascii=False)
        answer = body["answer"].replace(asked, " ") if asked else body["answer"]
        return [m for m in MARKERS if m in rest.replace(asked, " ") or m in answer and m not in asked]
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    if asked:
        text = text.replace(asked, " ")
    return [m for m in MARKERS if m in text]
