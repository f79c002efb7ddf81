# Two commands on a fresh machine: `make run` (install, ingest samples/ or DOCS=..., serve) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DOCS ?= samples
HOST ?= 127.0.0.1
PORT ?= 8765

.PHONY: install run test test-server lint eval fit fit-all fonts browser ocr office postgres bench-install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0   # the CPU build on this disk; an unpinned torch pulls CUDA
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install ocr office
	$(VENV)/bin/chidao ingest $(DOCS)
	$(VENV)/bin/chidao serve --host $(HOST) --port $(PORT)

fonts:  # a Vietnamese-capable font for the PDFs the tests generate
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || \
	  (apt-get update -qq && apt-get install -y -qq fonts-dejavu-core)

ocr:  # Tesseract with its Vietnamese model, for scanned PDFs
	@test -x /usr/bin/tesseract -a -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata || \
	  (apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-vie)

office:  # LibreOffice (no GUI) to convert old Word .doc files to .docx
	@command -v soffice >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui)

browser:  # Debian's Chromium and ChromeDriver for the page tests (Selenium drives them; no browser download)
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

postgres:  # PostgreSQL 15 server binaries (initdb, pg_ctl) for the server-mode tests: each test cluster is a temp dir
	@test -x /usr/lib/postgresql/15/bin/initdb -a -x /usr/lib/postgresql/15/bin/pg_ctl || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15)
	@id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres

# Under CI (CI=true) the suite also installs the wheel into a fresh venv without extras and OCRs a scanned page
# with it (tests/test_package.py, ~3 min); on a developer's machine that test is opt-in: CHIDAO_WHEEL_TEST=1.
test: install fonts browser ocr office postgres
	CHIDAO_WHEEL_TEST=$${CHIDAO_WHEEL_TEST:-$${CI:+1}} $(PY) -m pytest

test-server: install fonts browser ocr office postgres  # the whole suite again, every data dir on PostgreSQL + chroma run
	CHIDAO_TEST_MODE=server $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check assistant ingest index tests
	$(VENV)/bin/mypy assistant ingest index

bench-install: install  # the LangChain baseline of bench/retrieval_vs_baseline.py needs langchain-chroma
	$(PY) -m pip install -q -e '.[test,bench]'

eval: install  # the three yardsticks (dev, laws, blind) side by side, each against its floor (bench/floors.json)
	$(VENV)/bin/chidao eval -v

fit: bench-install  # refit the fusion weights and the answerability model on the training questions (bench/train/); the span model stays
	$(PY) bench/train/derive.py
	$(PY) bench/fit_fusion.py
	$(PY) bench/fit_crosslingual.py
	$(PY) bench/fit_answerer.py --keep-span

fit-all: bench-install  # as fit, and choose the span model again by its sweep (refits of it have fallen held out: see bench/RESULTS.md)
	$(PY) bench/train/derive.py
	$(PY) bench/fit_fusion.py
	$(PY) bench/fit_crosslingual.py
	$(PY) bench/fit_answerer.py
