"""Benchmark crawl concurrency: saved pages served on several loopback hosts with a fixed latency.

    python -m tools.bench_crawl [--links 96] [--hosts 8] [--latency 1.0] [--max-workers N] [--max-per-domain N]
                                [--sweep 4,8,16,32]

Each host is its own "domain" for the per-domain limit: 127.0.0.1, 127.0.0.2, ... (all loopback on Linux).
Every response (robots.txt included) waits `--latency` seconds before it is sent, as a distant server would.
The pages are the project's own sample article (or saved real pages from --pages-dir / ../shared when
present), each under many links. The crawl runs the real `crawl_links` (HTTP fetch, extraction, storage)
into a temporary embedded warehouse. The ideal time is what the per-domain limit allows:
ceil(links / (hosts x per_domain)) x latency; `ratio` = wall / ideal (1.0 is perfect, robots.txt adds one
latency per host). With --etl the same links then go through the `digital_data_etl` ZenML pipeline (what
`poetry poe run-etl` runs; ZenML gets its own config in the temp folder). The last line is machine-readable:
`links=.. hosts=.. latency_s=.. wall_s=.. ideal_s=.. ratio=..`.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools.bench_support import isolate_zenml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PAGE = PROJECT_ROOT / "samples" / "ada_writer" / "articles" / "writing-for-future-you.html"
SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
SHARED_BLOG_PAGES = (
    "mozilla-readability/wordpress/source.html",
    "omnivore-readabilityjs/josephg/source.html",
)


def load_pages(pages_dir: Path | None) -> list[bytes]:
    """Saved real blog pages when available, else the project's own sample article."""
    folder = pages_dir or SHARED_DIR / "fixtures" / "pages"
    pages = [(folder / name).read_bytes() for name in SHARED_BLOG_PAGES if (folder / name).is_file()]
    return pages or [SAMPLE_PAGE.read_bytes()]


def _handler(pages: list[bytes], latency_s: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            time.sleep(latency_s)
            if self.path == "/robots.txt":
                body, status, kind = b"User-agent: *\nAllow: /\n", 200, "text/plain"
            else:
                number = int(self.path.rsplit("/", 1)[-1] or 0)
                body, status, kind = pages[number % len(pages)], 200, "text/html; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_hosts(hosts: int, pages: list[bytes], latency_s: float) -> Iterator[list[str]]:
    """One threading HTTP server per loopback address 127.0.0.1 ... 127.0.0.<hosts>; yields their origins."""
    servers = []
    try:
        for index in range(hosts):
            server = ThreadingHTTPServer((f"127.0.0.{index + 1}", 0), _handler(pages, latency_s))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
        yield [f"http://127.0.0.{i + 1}:{s.server_address[1]}" for i, s in enumerate(servers)]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def run_once(origins: list[str], links: int, max_workers: int | None, max_per_domain: int | None) -> float:
    """Seconds `crawl_links` takes for `links` new links spread evenly over the hosts (fresh warehouse)."""
    from llm_engineering.application.crawlers.config import CrawlConfig
    from llm_engineering.application.crawlers.runner import crawl_links
    from llm_engineering.domain.documents import UserDocument
    from llm_engineering.infrastructure.db.mongo import reset_connections
    from llm_engineering.settings import get_settings

    with tempfile.TemporaryDirectory(prefix="llm-twin-bench-crawl-") as tmp:
        os.environ["DATABASE_HOST"] = str(Path(tmp) / "warehouse")
        get_settings.cache_clear()
        reset_connections()
        user = UserDocument.get_or_create(first_name="Bench", last_name="Crawler")
        urls = [f"{origins[i % len(origins)]}/post/{i}" for i in range(links)]
        started = time.perf_counter()
        limits = {"max_workers": max_workers, "max_per_domain": max_per_domain, "max_retries": 0}
        config = CrawlConfig(**{name: value for name, value in limits.items() if value is not None})
        report = crawl_links(user, urls, config=config, progress=False)
        seconds = time.perf_counter() - started
        reset_connections()
    if report.crawled != links:
        raise SystemExit(
            f"Only {report.crawled} of {links} links were crawled:\n" + "\n".join(report.summary_lines())
        )
    return seconds


def run_etl_once(origins: list[str], links: int) -> float:
    """Seconds the `digital_data_etl` pipeline takes for the links (fresh warehouse, ZenML initialised first)."""
    import yaml
    from zenml.client import Client

    from llm_engineering.infrastructure.db.mongo import reset_connections
    from llm_engineering.settings import get_settings
    from pipelines.digital_data_etl import digital_data_etl
    from tools.pipeline_config import run_with_config

    Client()  # the ZenML store is created before the clock starts
    with tempfile.TemporaryDirectory(prefix="llm-twin-bench-etl-") as tmp:
        os.environ["DATABASE_HOST"] = str(Path(tmp) / "warehouse")
        get_settings.cache_clear()
        reset_connections()
        urls = [f"{origins[i % len(origins)]}/post/{i}" for i in range(links)]
        config = Path(tmp) / "etl.yaml"
        config.write_text(yaml.safe_dump({"parameters": {"user_full_name": "Bench Crawler", "links": urls}}))
        started = time.perf_counter()
        run_with_config(digital_data_etl, config, enable_cache=False)
        seconds = time.perf_counter() - started
        reset_connections()
    return seconds


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=96)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds before each response")
    parser.add_argument("--max-workers", type=int, default=None, help="default: CrawlConfig.max_workers")
    parser.add_argument(
        "--max-per-domain", type=int, default=None, help="default: CrawlConfig.max_per_domain"
    )
    parser.add_argument("--sweep", default="", help="comma-separated max-workers values to compare first")
    parser.add_argument("--pages-dir", type=Path, default=None, help="saved pages (default: ../shared)")
    parser.add_argument("--etl", action="store_true", help="also time the digital_data_etl ZenML pipeline")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")  # a log line per link would drown the figures
    zenml_dir = Path(tempfile.mkdtemp(prefix="llm-twin-bench-zenml-"))
    isolate_zenml(zenml_dir)
    from llm_engineering.application.crawlers.config import DEFAULT_CRAWL

    per_domain = args.max_per_domain or DEFAULT_CRAWL.max_per_domain
    ideal_s = math.ceil(args.links / (args.hosts * per_domain)) * args.latency
    pages = load_pages(args.pages_dir)
    with serve_hosts(args.hosts, pages, args.latency) as origins:
        for workers in [int(value) for value in args.sweep.split(",") if value.strip()]:
            wall_s = run_once(origins, args.links, workers, args.max_per_domain)
            print(
                f"max_workers={workers} per_domain={per_domain} wall_s={wall_s:.2f} ratio={wall_s / ideal_s:.2f}"
            )
        if args.etl:  # twice: the first run also registers the pipeline in the fresh ZenML store
            for label in ("first run", "second run"):
                etl_s = run_etl_once(origins, args.links)
                print(f"etl_wall_s={etl_s:.2f} (the digital_data_etl pipeline, same links, {label})")
        wall_s = run_once(origins, args.links, args.max_workers, args.max_per_domain)
    shutil.rmtree(zenml_dir, ignore_errors=True)
    workers = args.max_workers or DEFAULT_CRAWL.max_workers
    print(f"pages={len(pages)} max_workers={workers} per_domain={per_domain}")
    print(
        f"links={args.links} hosts={args.hosts} latency_s={args.latency:g} wall_s={wall_s:.2f} "
        f"ideal_s={ideal_s:.2f} ratio={wall_s / ideal_s:.2f}"
    )


if __name__ == "__main__":
    main()
