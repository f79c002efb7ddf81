"""The `chidao` command. Heavy imports happen inside the commands so `chidao --help` is instant."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .container import Container


def _container(args: argparse.Namespace) -> Container:
    from .container import Container

    return Container(args.settings)


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    f = {"type": args.type, "source": args.source, "date_from": getattr(args, "date_from", None),
         "date_to": getattr(args, "date_to", None), "number": getattr(args, "number", None)}
    return {k: v for k, v in f.items() if v}


def _lock(args: argparse.Namespace) -> Any:
    from .lock import writer_lock

    return writer_lock(args.settings.data_dir, args.settings.database_url)


def _groups(value: str | None) -> list[str] | None:
    """`--groups a,b`: names as API keys' groups are written (assistant/auth.py); anything else is refused
    (a `|` would be read back as two groups from a vector partition's metadata)."""
    from .auth import GROUP_NAME

    groups = [g.strip() for g in value.split(",") if g.strip()] if value else None
    bad = [g for g in groups or [] if not GROUP_NAME.fullmatch(g)]
    if bad:
        raise SystemExit(f"chidao: invalid group name(s) {', '.join(bad)}: letters, digits, '_', '.', '-' only")
    return groups


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingestion import expand_keys
    from .lock import DataDirLocked

    notes: list[str] = []
    files = expand_keys(args.paths, notes)
    for note in notes:
        print(f"skipped   {note}  (the folder's own note, not a document of it; give its name to ingest it)")
    if not files:
        print("Không có tệp nào để nạp (no files found).", file=sys.stderr)
        return 2
    lock = _lock(args)
    try:
        lock.acquire("ingest")
    except DataDirLocked as exc:
        if exc.holder.get("role") == "serve" and exc.holder.get("url"):
            print(f"{exc}: sending the files through it", file=sys.stderr)
            from .cli_remote import ingest_via_server

            return ingest_via_server(exc.holder["url"], files, args.groups, args.settings)
        print(f"error: {exc}; wait for it to finish", file=sys.stderr)
        return 3
    c = _container(args)
    counts = {"ingested": 0, "unchanged": 0, "failed": 0}
    width = len(str(len(files)))
    paths = [p for p, _ in files]
    done = 0

    def progress(rep: Any) -> None:
        nonlocal done
        done += 1
        counts[rep.status] = counts.get(rep.status, 0) + 1
        bar = "#" * int(20 * done / len(files))
        detail = f"{rep.passages} passages, {rep.embedded} embedded" if rep.status not in ("failed", "skipped") \
            else rep.reason
        if rep.coverage:
            detail += f"; {rep.coverage}"
        print(f"[{bar:<20}] {done:>{width}}/{len(files)}  {rep.status:<9} {rep.source}  ({detail})", flush=True)

    pending: list[str] = []
    c.ingestor.reconcile(pending)  # an earlier run killed mid-write left index updates to finish
    for p in pending:
        print(f"warning: index update still unfinished: {p}", file=sys.stderr)
    c.ingestor.ingest_paths(paths, progress, groups=_groups(args.groups))
    lock.release()
    print(f"\n{counts['ingested']} ingested, {counts['unchanged']} unchanged, {counts['failed']} failed")
    return 1 if counts["failed"] and not (counts["ingested"] or counts["unchanged"]) else 0


def cmd_search(args: argparse.Namespace) -> int:
    c = _container(args)
    out = c.search.search(args.query, args.k, _filters(args))
    if args.json:
        print(json.dumps(out.as_dict(), ensure_ascii=False, indent=1))
        return 0
    if not out.hits:
        print(out.message)
        return 1
    from .citations import citation_label

    for i, (h, shown) in enumerate(zip(out.hits, out.as_dict()["results"]), 1):
        p = h.passage
        print(f"{i:>2}. [{p.kind}] {citation_label(p.metadata, p.kind)}  (score {h.score:.4f})")
        print("    " + shown["text"].replace("\n", " ")[:300])  # as the API shows it
    return 0


def _print_answer(ans: Any) -> None:
    print(ans.answer)
    items = ans.citations or ans.related
    if items:
        print("\nNguồn:" if ans.citations else "\nCó thể liên quan:")
        for cit in items:
            print(f"  [{cit.n}] {cit.label}")


def cmd_ask(args: argparse.Namespace) -> int:
    c = _container(args)
    ans = c.answerer.answer(args.question, [], _filters(args))
    if args.json:
        print(json.dumps(ans.as_dict(), ensure_ascii=False, indent=1))
    else:
        _print_answer(ans)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    c = _container(args)
    history: list[str] = []
    print("chidao — hỏi đáp văn bản chỉ đạo. Gõ câu hỏi; /new để bắt đầu lại; Ctrl-D để thoát.")
    while True:
        try:
            q = input("\n› ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not q:
            continue
        if q == "/new":
            history.clear()
            continue
        _print_answer(c.answerer.answer(q, history))
        history.append(q)


def cmd_docs(args: argparse.Namespace) -> int:
    c = _container(args)
    if args.action == "list":
        docs = c.catalog.documents()
        for d in docs:
            print(f"{d['doc_id']:<55} {d.get('doc_type', ''):<12} {d.get('number', '') or '-':<16} "
                  f"{d.get('date', '') or '-':<10} {d['n_passages']:>4}  {d['source']}")
        print(f"{len(docs)} documents")
        return 0
    if not args.id:
        print("missing document id", file=sys.stderr)
        return 2
    if c.catalog.document(args.id) is None:
        print(f"unknown document id '{args.id}'", file=sys.stderr)
        return 1
    if args.action == "show":
        print(json.dumps(c.catalog.document(args.id), ensure_ascii=False, indent=1))
        for p in c.catalog.passages(args.id):
            print(f"--- #{p.position} [{p.kind}] {p.metadata.get('section', '')}\n{p.text}")
        _print_coverage(c.catalog.coverage(args.id))
        return 0
    from .lock import DataDirLocked

    try:
        lock = _lock(args).acquire("docs rm")
    except DataDirLocked as exc:
        if exc.holder.get("role") == "serve" and exc.holder.get("url"):
            from .cli_remote import delete_via_server

            return delete_via_server(exc.holder["url"], args.id, args.settings)
        print(f"error: {exc}", file=sys.stderr)
        return 3
    n = c.ingestor.delete(args.id)
    lock.release()
    print(f"removed {args.id} ({n} passages)")
    return 0


def _print_coverage(ledger: dict[str, Any] | None) -> None:
    """The document's coverage ledger: what its passages keep, and every line left out with the reason."""
    if ledger is None:
        print("=== coverage: not recorded (ingested before coverage ledgers; re-ingest the file)")
        return
    print(f"=== coverage: {ledger['summary']} — {ledger['chars_kept']} of {ledger['chars_read']} characters read "
          f"are in passages")
    for d in ledger["dropped"] + ledger["lost"]:
        page = f" p.{d['page']}" if d.get("page") else ""
        print(f"  - [{d['reason']}{page}] {d['text'][:160]}")


def cmd_serve(args: argparse.Namespace) -> int:
    from .auth import KeySpecError, parse_keys

    settings = args.settings
    if args.host:  # the bound host is one the server answers to (CHIDAO_ALLOWED_HOSTS)
        settings = settings.model_copy(update={"host": args.host})
    host = settings.host
    try:
        keys = parse_keys(settings.api_keys)
    except KeySpecError as exc:
        print(f"error: CHIDAO_API_KEYS: {exc}. Grammar: `key1,key2` (every group) or "
              "`key1:group,group; key2:group` (see .env.example).", file=sys.stderr)
        return 2
    if not is_loopback(host) and not keys and not args.insecure:
        print(f"error: refusing to listen on {host} without API keys: set CHIDAO_API_KEYS, or pass --insecure "
              "to serve every document to anyone who can reach this address.", file=sys.stderr)
        return 2
    import uvicorn

    from .api import create_app
    from .lock import DataDirLocked, writer_lock

    port = args.port or settings.port
    try:
        lock = writer_lock(settings.data_dir, settings.database_url).acquire("serve", url=f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}")
    except DataDirLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    app = create_app(settings)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        lock.release()
    return 0


def is_loopback(host: str) -> bool:
    import ipaddress

    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_check(args: argparse.Namespace) -> int:
    c = _container(args)
    pending: list[str] = []
    if args.reconcile:
        fixed = c.ingestor.reconcile(pending)
        if fixed and not args.json:
            print(f"finished {len(fixed)} interrupted index updates: {', '.join(fixed)}")
    rep = c.maintenance.check(sample=None if args.full else args.sample)
    rep.problems += [f"index update still unfinished: {p}" for p in pending]
    if args.json:
        print(json.dumps(rep.as_dict(), ensure_ascii=False))
    else:
        print(f"collection {rep.collection}: catalog {rep.catalog_passages} passages, index {rep.index_count} "
              f"({rep.index_ids} ids); missing {rep.missing}, phantom {rep.phantom}, duplicates {rep.duplicates}, "
              f"unreachable {rep.unreachable}/{rep.reach_checked}, stale tokens {rep.stale_tokens}, "
              f"stale documents {len(rep.stale_documents)} "
              f"[{rep.seconds} s]")
        for p in rep.problems:
            print("problem:", p)
        for n in rep.notes:
            print("note:", n)
        print("OK" if rep.ok else ("index OK" if rep.index_ok else "NOT OK — run `chidao repair`"))
    return 0 if rep.ok else 1


def cmd_repair(args: argparse.Namespace) -> int:
    from .lock import DataDirLocked

    try:
        lock = _lock(args).acquire("repair")
    except DataDirLocked as exc:
        print(f"error: {exc}; stop it before repairing", file=sys.stderr)
        return 3
    c = _container(args)
    rep = c.maintenance.repair()
    lock.release()
    print(f"repaired: {rep.index_count} passages indexed, {rep.unreachable} unreachable")
    return 0


def cmd_merge_postings(args: argparse.Namespace) -> int:
    c = _container(args)
    if not c.settings.server_mode:
        print("error: server mode only (CHIDAO_DATABASE_URL): embedded mode keeps no posting segments",
              file=sys.stderr)
        return 2
    from index.pg.lexwrite import merge_segments

    t0 = time.perf_counter()
    gone = merge_segments(c.pg.pool, progress=lambda done, total: print(f"  {done}/{total} term ids", end="\r",
                                                                        flush=True))
    print(f"\nmerged away {gone} posting segments in {time.perf_counter() - t0:.0f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="chidao", description="Tìm kiếm và hỏi đáp văn bản chỉ đạo, điều hành "
                                 "(directive search and cited answers for Vietnamese provincial documents).")
    ap.add_argument("--data-dir", help="data directory (default: $CHIDAO_DATA_DIR or ./data)")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest files or directories (.txt .pdf .html .docx .doc)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--groups", help="access groups of these documents, e.g. 'mat' (default: public)")
    p.set_defaults(func=cmd_ingest)

    def add_filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("--type", help="document type, e.g. 'Quyết định', 'cong van'")
        p.add_argument("--source", help="part of the source file name")
        p.add_argument("--from", dest="date_from", help="from date YYYY-MM-DD")
        p.add_argument("--to", dest="date_to", help="to date YYYY-MM-DD")
        p.add_argument("--number", help="document number, e.g. 1887/UBND-NC")
        p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("search", help="ranked passages with provenance")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=10)
    add_filters(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="an answer with numbered citations")
    p.add_argument("question")
    add_filters(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive questions with follow-ups")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("docs", help="list, show or remove ingested documents")
    p.add_argument("action", choices=["list", "show", "rm"])
    p.add_argument("id", nargs="?")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("eval", help="the three evaluation sets against their floors, or one QA file")
    p.add_argument("--qa", help="one JSONL QA file (score_http.py's metrics); without it: dev, laws and blind")
    p.add_argument("--corpus", help="ingest this directory first (idempotent)")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", help="write rows and summary to this file")
    p.add_argument("--eval-dir", default="./data-eval", help="data dirs of the three sets (default ./data-eval)")
    p.add_argument("--only", help="comma-separated set names (dev, laws, blind)")
    p.add_argument("--update-floors", action="store_true", help="record the measured figures as the floors")
    p.add_argument("-v", "--verbose", action="store_true", help="per-kind table and every miss")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("check", help="verify the vector index against the catalog (the source of truth)")
    p.add_argument("--sample", type=int, default=500, help="passages checked for reachability (default 500)")
    p.add_argument("--full", action="store_true", help="check every passage's reachability")
    p.add_argument("--reconcile", action="store_true",
                   help="first finish index updates a crash interrupted (needs the data dir to itself)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("repair", help="rebuild the vector index from the catalog and swap it in when verified")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("merge-postings", help="server mode: merge each term's posting segments into one row "
                       "(after bulk loads; replicas keep serving)")
    p.set_defaults(func=cmd_merge_postings)

    p = sub.add_parser("serve", help="run the HTTP API (OpenAPI at /docs)")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--insecure", action="store_true",
                   help="allow a non-loopback address without CHIDAO_API_KEYS (anyone reaching it reads everything)")
    p.set_defaults(func=cmd_serve)
    return ap


def cmd_eval(args: argparse.Namespace) -> int:
    from .cli_eval import run_eval

    return run_eval(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .settings import Settings

    # the settings of this process, read once (environment and .env), with --data-dir on top
    args.settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a clean message instead of a traceback
        from index.protocols import VectorWriteLost
        from index.vectorstore import ModelMismatch

        if isinstance(exc, (ModelMismatch, VectorWriteLost)):
            print(f"error: {exc}", file=sys.stderr)
            return 3
        raise


if __name__ == "__main__":
    sys.exit(main())
