"""Load test: concurrent sessions upload a workbook and re-rank, over Streamlit's own protocol.

Each simulated user opens a WebSocket to the app on 127.0.0.1 as a browser does, uploads a
200-bid workbook through the upload endpoint, waits for the validated ranking, then switches the
scoring method and waits for the re-ranking. Prints p50/p95 rerun latency and errors.
Bounded: a fixed number of sessions, each with a time limit. Usage:

    python bench/load_test.py [SESSIONS] [--port PORT]   (starts its own server unless --port)
"""

from __future__ import annotations

import argparse
import http.cookies
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", category=DeprecationWarning, module="websockets")
warnings.filterwarnings("ignore", message="connect\\(\\) must be used")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: E402
from streamlit.proto.Common_pb2 import FileUploaderState, UploadedFileInfo  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from bench.workbooks import large_workbook_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0


class Session:
    """One simulated browser tab."""

    def __init__(self, base: str) -> None:
        self.base = base
        with urllib.request.urlopen(base + "/_stcore/health", timeout=TIMEOUT) as resp:
            cookies = http.cookies.SimpleCookie()
            for header in resp.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        self.xsrf = cookies["_streamlit_xsrf"].value if "_streamlit_xsrf" in cookies else ""
        protocols = ["streamlit", self.xsrf] if self.xsrf else ["streamlit"]
        self.ws = connect(base.replace("http", "ws") + "/_stcore/stream", subprotocols=protocols,
                          additional_headers={"Cookie": f"_streamlit_xsrf={self.xsrf}",
                                              "Origin": base},
                          max_size=None, open_timeout=TIMEOUT)
        self.session_id = ""
        self.widgets: dict[str, str] = {}  # label -> widget id

    def close(self) -> None:
        self.ws.close()

    def _pump(self, until) -> ForwardMsg:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = ForwardMsg()
            msg.ParseFromString(self.ws.recv(timeout=deadline - time.monotonic()))
            kind = msg.WhichOneof("type")
            if kind == "new_session" and msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which in ("file_uploader", "selectbox"):
                    widget = getattr(element, which)
                    self.widgets[widget.label] = widget.id
                elif which == "exception":
                    raise RuntimeError(f"app exception: {element.exception.message}")
            if until(msg):
                return msg
        raise TimeoutError("no answer from the app")

    def run(self, page: str = "", widgets: list[WidgetState] | None = None) -> float:
        """Rerun the script (optionally with widget values); seconds until it finished."""
        started = time.perf_counter()
        self.ws.send(BackMsg(rerun_script=ClientState(
            query_string="", page_name=page,
            widget_states=WidgetStates(widgets=widgets or []))).SerializeToString())
        done = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
        self._pump(lambda m: m.WhichOneof("type") == "script_finished"
                   and m.script_finished == done)
        return time.perf_counter() - started

    def upload(self, name: str, data: bytes) -> float:
        request_id = uuid.uuid4().hex
        self.ws.send(BackMsg(file_urls_request={"request_id": request_id, "file_names": [name],
                                                "session_id": self.session_id}).SerializeToString())
        answer = self._pump(lambda m: m.WhichOneof("type") == "file_urls_response"
                            and m.file_urls_response.response_id == request_id)
        urls = answer.file_urls_response.file_urls[0]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        url = urls.upload_url if urls.upload_url.startswith("http") else self.base + urls.upload_url
        req = urllib.request.Request(url, data=body, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": self.xsrf, "Cookie": f"_streamlit_xsrf={self.xsrf}"})
        urllib.request.urlopen(req, timeout=TIMEOUT).read()
        state = FileUploaderState(uploaded_file_info=[UploadedFileInfo(
            name=name, size=len(data), file_id=urls.file_id, file_urls=urls)])
        return self.run("import", [WidgetState(id=self.widgets["Bid workbook"],
                                               file_uploader_state_value=state)])


def user(base: str, data: bytes, latencies: list[float], errors: list[str]) -> None:
    try:
        s = Session(base)
        try:
            latencies.append(s.run("import"))
            latencies.append(s.upload("bids-200.xlsx", data))
            latencies.append(s.run(""))  # Evaluate: the uploaded bids ranked
            latencies.append(s.run("", [WidgetState(id=s.widgets["Scoring method"], int_value=0)]))
        finally:
            s.close()
    except Exception as exc:  # counted and reported, never hidden
        errors.append(f"{type(exc).__name__}: {exc}")


def start_server(port: int, folder: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    env = {**os.environ, "SSW_DATABASE_URL": f"sqlite:///{folder / 'load.db'}"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=(folder / "server.log").open("w"), stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health").read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the app did not start")


def load(base: str, sessions: int, bids: int = 200) -> dict[str, float]:
    data = large_workbook_bytes(bids)
    latencies: list[float] = []
    errors: list[str] = []
    threads = [threading.Thread(target=user, args=(base, data, latencies, errors))
               for _ in range(sessions)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")
    return {"sessions": sessions, "reruns": len(latencies), "errors": len(errors),
            "p50": statistics.median(ordered) if ordered else float("nan"), "p95": p95,
            "max": max(ordered, default=float("nan")), "wall": wall, "error_list": errors,
            "latencies": latencies}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sessions", nargs="?", type=int, default=30)
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc = None
        port = args.port
        if port is None:
            import socket

            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            proc = start_server(port, Path(tmp))
        try:
            load(f"http://127.0.0.1:{port}", 1)  # warm-up: imports and caches, not measured
            result = load(f"http://127.0.0.1:{port}", args.sessions)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=20)
    print(f"{result['sessions']} concurrent sessions, 200-bid workbook: {result['reruns']} reruns "
          f"(open, upload and validate, rank, switch method) in {result['wall']:.1f} s")
    if os.environ.get("LOAD_DETAIL"):
        print("latencies:", [round(x * 1000) for x in result["latencies"]])
    print(f"rerun latency p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms, "
          f"max {result['max'] * 1000:.0f} ms; errors {result['errors']}")
    for e in result["error_list"][:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
