"""``cablesite serve``: the site on localhost, rebuilt when content or theme change,
with the open page reloading itself.

The built files stay as they are (the reload script is added to HTML responses
by the server only); a rebuild that fails keeps the previous site and prints why.
"""
from __future__ import annotations

import functools
import gc
import http.server
import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import watchfiles

from .build import build
from .cache import default_folder
from .diagnostics import Report
from .forked import release_free_memory
from .progress import Progress
from .resident import Resident
from .theme import themes_root

RELOAD = b"""<script>(function(){var v=null;function poll(){fetch('/__cablesite/version',{cache:'no-store'})
.then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t;})
.catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();</script>"""


def watched(roots: list[Path]) -> Callable[[object, str], bool]:
    """What the watcher reports: watchfiles' default filter (editors' swap and backup
    files, ``__pycache__``...) and, below ``roots``, no hidden file or anything in a
    hidden folder (``.git``, a tool's own state), which a build does not read either
    (``discover``)."""
    default = watchfiles.DefaultFilter()
    bases = [str(r.resolve()) for r in roots]

    def keep(change, path: str) -> bool:
        if not default(change, path):
            return False
        for base in bases:
            if path.startswith(base + os.sep):
                return not any(part.startswith(".") for part in path[len(base) + 1:].split(os.sep))
        return True
    return keep


class Server:
    def __init__(self, content: Path, out: Path, host: str = "127.0.0.1", port: int = 8000,
                 jobs: int = 1, quiet: bool = False, settle: float = 0.2, poll: bool = False,
                 cache_dir: Path | None = None):
        self.content, self.out = content, out
        self.cache_dir = cache_dir or default_folder(content)
        self.watch = [content, themes_root()]
        self.jobs, self.quiet, self.settle, self.poll = jobs, quiet, settle, poll
        self.rebuilds = 0          # builds the watcher started (counted as each starts)
        self.resident = Resident()
        self.version = 0
        self._stop = threading.Event()
        self._building = threading.Lock()     # one build at a time
        handler = functools.partial(_Handler, server_state=self)
        self.httpd = _HTTPServer((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def rebuild(self, changed: set[str] | None = None) -> bool:
        """Build, tell the open pages to reload, then free the build's model: all of it,
        with what reference cycles hold of it (Jinja's templates and contexts), and hand
        the memory back to the system.  The collector would free those only when it next
        looks at the oldest objects: at 250,000 cables the process grew by 100-130 MB a
        rebuild.  What the next build can use is kept (``resident.Resident``): the cables
        found, brought up to date from the ``changed`` paths (None: not known, all are
        found again), and their summaries."""
        with self._building:
            return self._rebuild(changed)

    def _rebuild(self, changed: set[str] | None) -> bool:
        report = Report(quiet=self.quiet)
        model: list = []
        self.resident.changed = changed
        start = time.perf_counter()
        try:
            result = build(self.content, self.out, report, jobs=self.jobs,
                           progress=Progress(quiet=True), cache_dir=self.cache_dir, leave=model,
                           resident=self.resident)
            if result.ok:
                self.version += 1
            if not self.quiet:
                state = "rebuilt" if result.ok else "build failed; serving the previous site"
                print(f"cablesite: {state} in {time.perf_counter() - start:.1f} s: "
                      f"{result.cables} cables, {result.rendered} pages rendered, "
                      f"{result.changed} files written, {report.warnings} warnings, "
                      f"{report.errors} errors", flush=True)
        finally:
            model.clear()
            gc.collect()
            release_free_memory()
        return result.ok

    def _changes(self, poll: bool) -> Iterator[set]:
        roots = [p.resolve() for p in self.watch if p.exists()]     # events name them so
        return watchfiles.watch(*roots, watch_filter=watched(roots), stop_event=self._stop,
                                step=max(1, int(self.settle * 1000)), raise_interrupt=False,
                                force_polling=poll or None)

    def _watch(self) -> None:
        """Rebuild whenever the files change, once they have been quiet for ``settle``
        seconds.  The operating system says what changed (inotify, FSEvents,
        ReadDirectoryChangesW): stat()ing every file twice a second took 0.9 s of CPU a
        time at 250,000 cables.  Changes made while a build runs are kept for the next
        one.  Where the system cannot watch that many folders, the files are polled.

        The first rebuild after the watcher starts finds every file again: a change made
        while it was being set up may have been missed, and the first build runs
        meanwhile.  Each one after is told the paths that changed."""
        changes = None
        while True:
            try:               # (what the watcher raises, not what a build raises)
                if changes is None:
                    changes, first = self._changes(self.poll), True
                paths = {path for _, path in next(changes)}
            except StopIteration:         # stopped
                return
            except OSError as exc:        # e.g. inotify's limit of watches reached
                if self.poll:
                    raise
                self.poll, changes = True, None
                print(f"cablesite: cannot watch the files for changes ({exc}); polling them "
                      "instead", file=sys.stderr, flush=True)
                continue
            self.rebuilds += 1
            self.rebuild(None if first else paths)
            first = False

    def start(self) -> None:
        """Serve (the previous site, if there is one, while the first build runs), watch,
        and build: a change made once the watcher is set up (it takes 0.5 s at 250,000
        cables, the build 10 minutes) starts a rebuild after this build."""
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()
        self.rebuild()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _HTTPServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that goes away mid-answer (a reload, a page left) is no error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


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
