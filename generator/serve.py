"""``cablesite serve``: the site on localhost, rebuilt when content or theme change,
with the open page reloading itself.

The built files stay as they are (the reload script is added to HTML responses
by the server only); a rebuild that fails keeps the previous site and prints why.
A change to cable files is first previewed (``preview``): the changed cables' pages,
made from the last build's site, are served from memory and the open page reloads,
then the whole site is built and the open page reloads again.
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

from .build import build, load_editorial
from .cache import default_folder
from .diagnostics import Report
from .discover import NOT_CABLES, discover, display_path, named_below
from .preview import Kept, MOST_CABLES, keep, preview
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
                 cache_dir: Path | None = None, preview: bool = True):
        self.content, self.out = content, out
        self.cache_dir = cache_dir or default_folder(content)
        self.watch = [content, themes_root()]
        self.jobs, self.quiet, self.settle, self.poll = jobs, quiet, settle, poll
        self.rebuilds = 0          # builds the watcher started (counted as each starts)
        self.resident = Resident()
        self.version = 0           # builds done
        self.previewing = preview
        self.kept: Kept | None = None         # the last build's site, for previews
        self.previewed: dict[str, bytes] = {}   # path -> page, served until the next build
        self.previews = 0          # previews made
        self._stop = threading.Event()
        self._building = threading.Lock()     # one build at a time
        handler = functools.partial(_Handler, server_state=self)
        self.httpd = _HTTPServer((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def version_text(self) -> str:
        """What ``/__cablesite/version`` answers: the builds done, and ``+n`` while the
        n-th preview is served (the open page reloads when it changes)."""
        return f"{self.version}+{self.previews}" if self.previewed else str(self.version)

    def preview(self, changed: set[str]) -> bool:
        """Preview the cables of the ``changed`` paths (absolute, as the watcher names
        them) from the last build's site: their pages are served from memory, and the
        open page told to reload, until the next build is done.  Not when anything but
        cable files changed (a template, the settings, a page: any page may change), nor
        past :data:`preview.MOST_CABLES` paths or for a new folder (both wait for the
        build).  Whether anything was previewed.  A preview that fails says why and
        leaves the build to show the change."""
        with self._building:
            try:
                return self._preview(changed)
            except Exception as exc:      # (the build that follows reports bad input)
                print(f"cablesite: no preview ({type(exc).__name__}: {exc}); building the site",
                      file=sys.stderr, flush=True)
                return False

    def _preview(self, changed: set[str]) -> bool:
        if self.kept is None or not changed or len(changed) > MOST_CABLES:
            return False
        start = time.perf_counter()
        root = self.content / "cables"
        named, outside = named_below(str(root), os.path.realpath(root), sorted(changed))
        if outside:
            return False
        files, gone = [], set()
        for local in named:
            if os.path.isfile(local):
                files.append(local)
            elif not os.path.lexists(local):
                gone.add(display_path(local, self.content.parent))
        sources, _ = discover(files, base=self.content.parent, skip=NOT_CABLES)
        made = preview(self.kept, sources, load_editorial(self.content)[0], frozenset(gone))
        if made.pages:
            self.previewed = made.pages
            self.previews += 1
        if not self.quiet:
            for note in made.notes:
                print(f"cablesite: not previewed: {note}", flush=True)
            if made.cables:
                shown = ", ".join(f"{key} ({self.url}{path})" for key, path in made.cables)
                print(f"cablesite: previewed in {time.perf_counter() - start:.1f} s: {shown}; "
                      "building the site", flush=True)
        return bool(made.pages)

    def rebuild(self, changed: set[str] | None = None) -> bool:
        """Build, tell the open pages to reload, then free the build's model: all of it,
        with what reference cycles hold of it (Jinja's templates and contexts), and hand
        the memory back to the system.  The collector would free those only when it next
        looks at the oldest objects: at 250,000 cables the process grew by 100-130 MB a
        rebuild.  What the next build can use is kept (``resident.Resident``): the cables
        found, brought up to date from the ``changed`` paths (None: not known, all are
        found again), and their summaries; and, for previews, the site and templates
        of the last build that succeeded (``preview.keep``), until the next one does.
        The pages previewed are served until this build is done (or has failed)."""
        with self._building:
            return self._rebuild(changed)

    def _rebuild(self, changed: set[str] | None) -> bool:
        report = Report(quiet=self.quiet)
        model: list = []
        self.resident.changed = changed
        start = time.perf_counter()
        kept = None
        try:
            result = build(self.content, self.out, report, jobs=self.jobs,
                           progress=Progress(quiet=True), cache_dir=self.cache_dir, leave=model,
                           resident=self.resident)
            if result.ok and model and self.previewing:
                kept = keep(model[-1].site, model[-1].env)
            self.previewed = {}      # before the version moves: a page reloading gets the build's
            if result.ok:
                self.version += 1
            if not self.quiet:
                state = "rebuilt" if result.ok else "build failed; serving the previous site"
                print(f"cablesite: {state} in {time.perf_counter() - start:.1f} s: "
                      f"{result.cables} cables, {result.rendered} pages rendered, "
                      f"{result.changed} files written, {report.warnings} warnings, "
                      f"{report.errors} errors", flush=True)
        finally:
            self.previewed = {}
            model.clear()
            if kept is not None:
                self.kept = kept
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
            self.preview(paths)
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
            body = self.state.version_text().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        previewed = self.state.previewed.get(_relative(path, Path(self.directory)))
        if previewed is not None or (path.suffix == ".html" and path.is_file()):
            data = previewed if previewed is not None else path.read_bytes()
            kind = "text/html; charset=utf-8"
            if path.suffix == ".html":
                data = data.replace(b"</body>", RELOAD + b"</body>", 1)
            else:        # a previewed cable's .json or .txt
                kind = self.guess_type(str(path))
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()


def _relative(path: Path, out: Path) -> str | None:
    """``path`` (in the output folder) as the site's own path, '/' separated."""
    try:
        return path.relative_to(out).as_posix()
    except ValueError:
        return None
