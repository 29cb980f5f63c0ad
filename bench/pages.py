"""Pages: bytes transferred (compressed) for the first screen and each next screen, and server time.

A client that accepts Brotli and gzip, as browsers do, against gunicorn (4 workers) on
127.0.0.1 and SQLite. Bytes are what crosses the wire for each response: the status line, the
headers and the body as encoded (never decoded).

- Kiosk, first load: the shell page, every asset it links or imports, and everything its
  service worker precaches (sw.js itself, the offline page, the manifest, icons, and any font),
  each URL once. The kiosk is client-side: its next screens are <template>s already in the
  shell, so they transfer nothing; the one request a finished response makes is the sync POST.
- Web link, first screen: the invitation's start page and its assets (CSS, scripts, and any
  font the CSS uses: none since GOV.UK Frontend is built with a system font stack). Each next
  question screen, with the assets cached: the POST of the answer, its redirect, and the GET
  of the next page.

Server time per page: the median time for the page's request on loopback, one client at a time.

    python bench/pages.py
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REDIS_URL, Server, environment, record, seed_demo, throwaway_database  # noqa: E402

GOAL_FIRST_KB = 100
GOAL_NEXT_KB = 15
ACCEPT = {"Accept-Encoding": "br, gzip", "User-Agent": "feedback-bench"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def wire_bytes(response) -> int:
    """Status line, headers and encoded body of a requests response read with stream=True."""
    body = response.raw.read(decode_content=False)
    head = len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n")
    head += sum(len(f"{k}: {v}\r\n") for k, v in response.raw.headers.items()) + 2
    response._wire_body = body
    return head + len(body)


def fetch(http, method: str, url: str, headers: dict | None = None, **kwargs):
    started = time.perf_counter()
    response = http.request(method, url, stream=True, allow_redirects=False, headers=headers or ACCEPT,
                            timeout=30, **kwargs)
    size = wire_bytes(response)
    elapsed = time.perf_counter() - started
    return response, size, elapsed


def text_of(response) -> str:
    import gzip

    import brotli

    body = response._wire_body
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    return body.decode("utf-8", errors="replace")


def linked_assets(html: str) -> list[str]:
    found = re.findall(r'<link[^>]+href="(/assets/[^"]+|/kiosk/[^"]+)"', html)
    found += re.findall(r'<script[^>]+src="(/assets/[^"]+)"', html)
    found += re.findall(r'import[^"\']*["\'](/assets/[^"\']+)["\']', html)
    return found


def script_imports(source: str, base: str) -> list[str]:
    return [urljoin(base, p) for p in re.findall(r'(?:import|from)\s*["\']([^"\']+\.m?js)["\']', source)]


def css_fonts(source: str, base: str) -> list[str]:
    """The woff2 files a stylesheet uses (browsers take woff2 and skip the woff fallbacks)."""
    return sorted({urljoin(base, p) for p in re.findall(r'url\(["\']?([^"\')]+\.woff2)', source)})


def first_load(http, base: str, page_path: str, extra: list[str] = ()) -> tuple[int, dict[str, int], str]:
    """Bytes for a page and everything it pulls in; each URL once."""
    sizes: dict[str, int] = {}
    response, size, _ = fetch(http, "GET", base + page_path)
    sizes[page_path] = size
    html = text_of(response)
    queue = linked_assets(html) + list(extra)
    while queue:
        path = queue.pop(0).split("#")[0]
        if path in sizes or not path.startswith("/"):
            continue
        response, size, _ = fetch(http, "GET", base + path)
        sizes[path] = size
        if response.status_code != 200:
            continue
        kind = response.headers.get("Content-Type", "")
        if "javascript" in kind:
            queue += [p for p in script_imports(text_of(response), path) if p.startswith("/")]
        elif "css" in kind:
            queue += [p for p in css_fonts(text_of(response), path) if p.startswith("/")]
    return sum(sizes.values()), sizes, html


def precache_list(http, base: str) -> list[str]:
    response, _, _ = fetch(http, "GET", base + "/kiosk/sw.js")
    source = text_of(response)
    match = re.search(r"\[(\"/kiosk/[^\]]*)\]", source)
    return re.findall(r'"([^"]+)"', match.group(1)) if match else []


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15, help="timed GETs a page for server time (median)")
    parser.add_argument("--quick", action="store_true", help="5 timed GETs a page")
    parser.add_argument("--no-record", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 5
    import requests

    env = environment()
    rows, notes = [], []
    with throwaway_database("sqlite", "pages") as url:
        link, credential = seed_demo(url)
        server_env = {"DATABASE_URL": url, "RATELIMIT_STORAGE_URI": REDIS_URL,
                      "RATELIMIT_PUBLIC_POSTS": "1000000 per minute"}
        with Server("wsgi:app", server_env, log_name="pages") as server:
            base = server.base_url
            # --- the kiosk ---
            with requests.Session() as tablet:
                tablet.cookies.set("kiosk_device", credential, domain="127.0.0.1", path="/kiosk")
                precache = precache_list(tablet, base)
                total, sizes, _ = first_load(tablet, base, "/kiosk/", ["/kiosk/sw.js"] + precache)
                shell_times = [fetch(tablet, "GET", base + "/kiosk/")[2] for _ in range(args.repeat)]
                import json
                import uuid

                body = json.dumps({"key": str(uuid.uuid4()), "questionnaire": "young-people", "version": 1,
                                   "language": "en", "answers": {"less_likely": "yes", "life_better": "no",
                                                                  "easy_to_understand": "yes"},
                                   "include_about_you": False})
                sync, sync_size, sync_time = fetch(tablet, "POST", base + "/kiosk/api/responses", data=body,
                                                   headers={**ACCEPT, "X-Kiosk-Sync": "1",
                                                            "Content-Type": "application/json"})
            kiosk_sizes = sizes
            rows += [
                {"figure": "kiosk: first load (shell, assets, service worker precache)", "value":
                 round(total / 1024, 1), "unit": "KB", "goal": f"< {GOAL_FIRST_KB} KB",
                 "baseline": None, "met": total / 1024 < GOAL_FIRST_KB},
                {"figure": "kiosk: the shell page alone", "value": round(sizes["/kiosk/"] / 1024, 1), "unit": "KB",
                 "goal": None, "baseline": None, "met": None},
                {"figure": "kiosk: each next question screen", "value": 0, "unit": "KB",
                 "goal": f"< {GOAL_NEXT_KB} KB", "baseline": None, "met": True},
                {"figure": "kiosk: sending a finished response (sync POST answer)",
                 "value": round(sync_size / 1024, 2), "unit": "KB", "goal": None, "baseline": None, "met": None},
                {"figure": "kiosk: server time, shell page", "value": round(statistics.median(shell_times) * 1000, 1),
                 "unit": "ms", "goal": None, "baseline": None, "met": None},
                {"figure": "kiosk: server time, sync POST", "value": round(sync_time * 1000, 1), "unit": "ms",
                 "goal": None, "baseline": None, "met": None},
            ]
            notes.append("Kiosk first load, by URL (bytes on the wire): " + ", ".join(
                f"{path} {size:,}" for path, size in sorted(kiosk_sizes.items(), key=lambda x: -x[1])))
            # --- the web link ---
            with requests.Session() as person:
                total, sizes, html = first_load(person, base, link)
                start_times = [fetch(person, "GET", base + link)[2] for _ in range(args.repeat)]
                token = next(g for g in CSRF.search(html).groups() if g)
                response, post_size, _ = fetch(person, "POST", base + link, data={"csrf_token": token})
                next_screens = []
                location = response.headers.get("Location")
                while location and "/survey/check" not in location:
                    page, page_size, page_time = fetch(person, "GET", urljoin(base, location))
                    times = [page_time] + [fetch(person, "GET", urljoin(base, location))[2]
                                           for _ in range(max(1, args.repeat // 3))]
                    code = location.rstrip("/").rsplit("/", 1)[-1]
                    html = text_of(page)
                    token = next(g for g in CSRF.search(html).groups() if g)
                    answer = "no" if code == "about-you" else ("Helpful." if code == "helpful" else "yes")
                    answered, answer_size, _ = fetch(person, "POST", urljoin(base, location),
                                                     data={"csrf_token": token, "answer": answer})
                    next_screens.append((code, post_size + page_size, statistics.median(times)))
                    post_size = answer_size
                    location = answered.headers.get("Location")
            biggest = max(size for _, size, _ in next_screens)
            rows += [
                {"figure": "web link: first screen (start page and its assets)", "value": round(total / 1024, 1),
                 "unit": "KB", "goal": f"< {GOAL_FIRST_KB} KB", "baseline": None, "met": total / 1024 < GOAL_FIRST_KB},
                {"figure": "web link: largest next question screen (POST, redirect, GET)",
                 "value": round(biggest / 1024, 1), "unit": "KB", "goal": f"< {GOAL_NEXT_KB} KB", "baseline": None,
                 "met": biggest / 1024 < GOAL_NEXT_KB},
                {"figure": "web link: server time, start page", "value": round(statistics.median(start_times) * 1000, 1),
                 "unit": "ms", "goal": None, "baseline": None, "met": None},
                {"figure": "web link: server time, question page (median over screens)",
                 "value": round(statistics.median(t for _, _, t in next_screens) * 1000, 1), "unit": "ms",
                 "goal": None, "baseline": None, "met": None},
            ]
            notes.append("Web link first screen, by URL: " + ", ".join(
                f"{path.split('?')[0][:40]} {size:,}" for path, size in sorted(sizes.items(), key=lambda x: -x[1])))
            notes.append("Web link next screens (bytes): " + ", ".join(f"{c} {s:,}" for c, s, _ in next_screens))
    notes.append("Compression: flask-compress (Brotli level 5, else gzip) on pages, CSS, scripts, JSON; "
                 "no web fonts (a system font stack). Assets under /assets keep their cache lifetimes.")
    for row in rows:
        print(row)
    for note in notes:
        print(note)
    if not args.no_record:
        record("pages", "Pages: bytes on the wire and server time", rows, notes, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
