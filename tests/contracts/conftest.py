"""Shared for the contract tests: one small report in every format a parser reads (the same sentences, so
every parser is held to the same words), and a container over the samples, ingested in this process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.container import Container
from assistant.settings import Settings

from ..backends import SERVER, PostgresCluster, samples_copy
from ..conftest import ROOT, SAMPLES, copy_data

TITLE = "BÁO CÁO tình hình kinh tế - xã hội tháng 3 năm 2025"
SENTENCES = ("Tổng thu ngân sách nhà nước lũy kế quý I ước đạt 640,5 tỷ đồng, tăng 12,3% so với cùng kỳ.",
             "Sở Tài chính chủ trì rà soát các khoản chi thường xuyên trước ngày 30/6/2025.")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def report_text() -> str:
    return TITLE + "\n\n" + "\n\n".join(SENTENCES) + "\n"


def report_file(fmt: str, tmp_path: Path) -> bytes:
    """The report as a file of this format (.doc through LibreOffice: skipped when it is not installed)."""
    if fmt == "txt":
        return report_text().encode()
    if fmt == "html":
        body = "".join(f"<p>{s}</p>" for s in SENTENCES)
        return f"<html><head><title>x</title></head><body><h1>{TITLE}</h1>{body}</body></html>".encode()
    if fmt == "docx":
        import docx

        d = docx.Document()
        d.add_heading(TITLE, 1)
        for s in SENTENCES:
            d.add_paragraph(s)
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()
    if fmt == "pdf":
        from fpdf import FPDF

        if not Path(FONT).exists():
            pytest.skip("no Vietnamese font for generated PDFs (make fonts)")
        pdf = FPDF()
        pdf.add_page()
        pdf.add_font("dv", "", FONT)
        pdf.set_font("dv", size=11)
        pdf.multi_cell(0, 6, report_text().replace("\n\n", "\n"))
        return bytes(pdf.output())
    if fmt == "doc":
        from ingest.loaders import office_program

        program = office_program()
        if program is None:
            pytest.skip("LibreOffice is not installed (make office)")
        src = tmp_path / "report.docx"
        src.write_bytes(report_file("docx", tmp_path))
        subprocess.run([program, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                        "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path), str(src)],
                       capture_output=True, timeout=120, check=True)
        return (tmp_path / "report.doc").read_bytes()
    raise ValueError(fmt)


MODES = ("embedded", "server")


@pytest.fixture(scope="session")
def embedded_samples(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples in an embedded data dir (SQLite catalog, Chroma under it). tests/conftest.py `samples_data`
    is one in the default test mode; under CHIDAO_TEST_MODE=server it is on PostgreSQL, and the contracts'
    embedded variants would find no catalog in its data dir: there the samples are ingested once more, with
    no server settings."""
    if not SERVER:
        samples_data: Path = request.getfixturevalue("samples_data")
        return samples_data
    data = tmp_path_factory.mktemp("samples-embedded")
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SAMPLES)], check=True, cwd=ROOT,
                   capture_output=True, env={**os.environ, "CHIDAO_DATA_DIR": str(data)})
    return data


@pytest.fixture(scope="session", params=MODES)
def samples_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over the ingested samples, in each mode: embedded (a copy of `embedded_samples`) and server (a
    copy of the samples' database and its own Chroma collection)."""
    if request.param == "embedded":
        data_dir = copy_data(request.getfixturevalue("embedded_samples"), tmp_path_factory, "contract-data")
        return Settings(data_dir=str(data_dir))
    data_dir = tmp_path_factory.mktemp("contract-data") / "data"
    env = samples_copy(request.getfixturevalue("pg"), request.getfixturevalue("chroma_srv"),
                       request.getfixturevalue("samples_db"), data_dir)
    return Settings(data_dir=str(data_dir), database_url=env["CHIDAO_DATABASE_URL"], chroma_host="127.0.0.1",
                    chroma_port=int(env["CHIDAO_CHROMA_PORT"]), collection=env["CHIDAO_COLLECTION"])


@pytest.fixture
def pg_url(pg: PostgresCluster) -> str:
    """A new, empty database of the session's cluster (server mode's implementations of the roles)."""
    return pg.create()


@pytest.fixture(scope="session")
def samples_container(samples_settings: Settings) -> Container:
    return Container(samples_settings)
