"""cablesite serve: serves the site, rebuilds on a change, tells the open page to reload."""
from __future__ import annotations

import shutil
import time
import urllib.request

from generator.serve import Server

from .conftest import ROOT


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def test_serve_rebuilds_on_change_and_reloads(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, interval=0.2)
    server.start()
    try:
        page = get(server.url + "index.html")
        assert "/__cablesite/version" in page                     # the reload script, added on the fly
        assert "__cablesite" not in (tmp_path / "site/index.html").read_text()   # not in the files
        assert get(server.url + "__cablesite/version") == "1"
        cable = content / "cables/000_fedcf07303434e2b.txt"
        cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        deadline = time.monotonic() + 30
        while get(server.url + "__cablesite/version") == "1" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert get(server.url + "__cablesite/version") == "2"
        assert "ELYSEE RUSSIA ADVISER" in get(server.url + "cable/2007/07/07PARIS3198.html")
    finally:
        server.stop()
