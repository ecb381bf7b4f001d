"""``cablesite serve``: the site on localhost, rebuilt when content or theme change,
with the open page reloading itself.

The built files stay as they are (the reload script is added to HTML responses
by the server only); a rebuild that fails keeps the previous site and prints why.
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from pathlib import Path

from .build import build
from .cache import default_folder
from .diagnostics import Report
from .progress import Progress

RELOAD = b"""<script>(function(){var v=null;function poll(){fetch('/__cablesite/version',{cache:'no-store'})
.then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t;})
.catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();</script>"""


def snapshot(paths: list[Path]) -> dict[str, float]:
    """Modification times of every file below ``paths`` (what the watcher compares)."""
    out = {}
    for root in paths:
        if not root.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for f in filenames:
                p = os.path.join(dirpath, f)
                try:
                    out[p] = os.stat(p).st_mtime_ns
                except OSError:
                    pass
    return out


class Server:
    def __init__(self, content: Path, out: Path, host: str = "127.0.0.1", port: int = 8000,
                 jobs: int = 1, quiet: bool = False, interval: float = 0.5):
        self.content, self.out = content, out
        self.watch = [content, Path(__file__).resolve().parent.parent / "themes"]
        self.jobs, self.quiet, self.interval = jobs, quiet, interval
        self.version = 0
        self._stop = threading.Event()
        handler = functools.partial(_Handler, server_state=self)
        self.httpd = http.server.ThreadingHTTPServer((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def rebuild(self) -> bool:
        report = Report(quiet=self.quiet)
        result = build(self.content, self.out, report, jobs=self.jobs, progress=Progress(quiet=True),
                       cache_dir=default_folder(self.content))
        if result.ok:
            self.version += 1
        if not self.quiet:
            state = "rebuilt" if result.ok else "build failed; serving the previous site"
            print(f"cablesite: {state}: {result.cables} cables, {result.rendered} pages rendered, "
                  f"{result.changed} files written, {report.warnings} warnings, "
                  f"{report.errors} errors", flush=True)
        return result.ok

    def _watch(self) -> None:
        seen = snapshot(self.watch)
        while not self._stop.wait(self.interval):
            now = snapshot(self.watch)
            if now != seen:
                time.sleep(self.interval / 2)      # let an editor finish writing
                seen = snapshot(self.watch)
                self.rebuild()

    def start(self) -> None:
        self.rebuild()
        threading.Thread(target=self._watch, daemon=True).start()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, server_state: Server, **kwargs):
        self.state = server_state
        super().__init__(*args, directory=str(server_state.out), **kwargs)

    def log_message(self, format, *args):   # quiet: the terminal shows builds, not requests
        pass

    def do_GET(self):
        if self.path.startswith("/__cablesite/version"):
            body = str(self.state.version).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            data = path.read_bytes()
            data = data.replace(b"</body>", RELOAD + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()
