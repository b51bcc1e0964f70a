"""Load test: concurrent sessions upload a workbook and re-rank, over Streamlit's own protocol.

Each simulated user opens a WebSocket to the app on 127.0.0.1 as a browser does, uploads a
200-bid workbook of their own through the upload endpoint, waits for the validated ranking, then
re-ranks with each of the other three scoring methods. Prints p50/p95 rerun latency and errors for two
profiles: "paced" (users pause 1-3 s between actions and arrive over 3 s) and "burst" (all users
at once, no pauses). Bounded: a fixed number of sessions, each with a time limit. Usage:

    python bench/load_test.py [SESSIONS] [--profile paced|burst|all] [--port PORT]
    (starts its own server unless --port)
"""

from __future__ import annotations

import argparse
import http.cookies
import json
import os
import random
import re
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
from typing import Any

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
from scoring.settings import METHOD_LABELS  # noqa: E402

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
        self.script_runs = 0  # script runs the app started for this tab (one per new_session)
        self.shown_method = ""  # the method the last ranking says it used (its caption)

    def close(self) -> None:
        self.ws.close()

    def _pump(self, until) -> ForwardMsg:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = ForwardMsg()
            msg.ParseFromString(self.ws.recv(timeout=deadline - time.monotonic()))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.script_runs += 1
                if msg.new_session.initialize.session_id:
                    self.session_id = msg.new_session.initialize.session_id
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which in ("file_uploader", "selectbox"):
                    widget = getattr(element, which)
                    self.widgets[widget.label] = widget.id
                elif which == "exception":  # everything a browser would receive of it
                    e = element.exception
                    raise RuntimeError(f"app exception: {e.type} | {e.message} | "
                                       f"{' / '.join(e.stack_trace)}")
                elif which == "markdown" and element.markdown.body.startswith("Method"):
                    text = re.sub(r"\\(.)", r"\1", element.markdown.body)  # Markdown escapes
                    if text.startswith("Method: "):  # the caption under every ranking
                        self.shown_method = text.split("Method: ", 1)[1].split(";", 1)[0]
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
        runs = self.script_runs
        took = self.run("import", [WidgetState(id=self.widgets["Bid workbook"],
                                               file_uploader_state_value=state)])
        if self.script_runs - runs != 1:  # the workbook is read before the run that shows it
            raise RuntimeError(f"an upload took {self.script_runs - runs} script runs, not one")
        return took


# VIKOR, WPM, WSM: with the workbook's TOPSIS, all four. A selectbox's value travels as the
# option's label (as the browser sends it).
METHOD_ORDER = tuple(METHOD_LABELS[m] for m in ("vikor", "wpm", "wsm"))


def user(base: str, data: bytes, latencies: list[float], errors: list[str], *,
         start: float = 0.0, think: tuple[float, float] | None = None, seed: int = 0) -> None:
    """One user: open the app, upload, look at the ranking, re-rank with each other method.

    ``think`` is the (min, max) seconds a user pauses between actions, drawn from a seeded RNG;
    None means no pause at all (every action right after the last one finished)."""
    rng = random.Random(seed)

    def pause() -> None:
        if think is not None:
            time.sleep(rng.uniform(*think))

    time.sleep(start)
    try:
        s = Session(base)
        try:
            latencies.append(s.run("import"))
            pause()
            latencies.append(s.upload("bids-200.xlsx", data))
            pause()
            latencies.append(s.run(""))  # Evaluate: the uploaded bids ranked
            for label in METHOD_ORDER:
                pause()
                latencies.append(s.run("", [WidgetState(id=s.widgets["Scoring method"],
                                                        string_value=label)]))
                if s.shown_method != label:
                    raise RuntimeError(f"the method switch to {label} did not take effect")
        finally:
            s.close()
    except Exception as exc:  # counted and reported, never hidden
        errors.append(f"{type(exc).__name__}: {exc}")


ACTIONS = 3 + len(METHOD_ORDER)  # reruns per user


def start_server(port: int, folder: Path, script: str = "app.py", cwd: Path = ROOT
                 ) -> subprocess.Popen:  # type: ignore[type-arg]
    """Serve ``script`` (run from ``cwd``, whose .streamlit/config.toml applies) on 127.0.0.1;
    the log goes to ``folder``/server.log."""
    env = {**os.environ, "SSW_DATABASE_URL": f"sqlite:///{folder / 'load.db'}"}
    # the app as it is shipped: through the launcher (warm, one BLAS thread); another script
    # (a test's) through streamlit run
    start = ([sys.executable, "-m", "ui.launch"] if script == "app.py" and cwd == ROOT
             else [sys.executable, "-m", "streamlit", "run", script])
    proc = subprocess.Popen([*start, "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=cwd, env=env,
                            stdout=(folder / "server.log").open("w"), stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health").read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the app did not start")


def load(base: str | list[str], sessions: int, bids: int = 200, first_seed: int = 1,
         think: tuple[float, float] | None = None, ramp_up: float = 0.0) -> dict[str, Any]:
    """Run ``sessions`` users at once; they arrive evenly over ``ramp_up`` seconds. With several
    base addresses (replicas), users are spread over them in turn, as a sticky load balancer
    would."""
    bases = [base] if isinstance(base, str) else base
    # Each user has a workbook of their own, so no session is served from another's cache.
    books = [large_workbook_bytes(bids, seed=first_seed + i) for i in range(sessions)]
    latencies: list[float] = []
    errors: list[str] = []
    threads = [threading.Thread(target=user, args=(bases[i % len(bases)], data, latencies, errors), kwargs={
        "start": ramp_up * i / sessions, "think": think, "seed": first_seed + i})
        for i, data in enumerate(books)]
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


PROFILES = {
    # Users who pause 1-3 s between actions (a quick clicker; real evaluators read longer),
    # arriving over 3 s: the "30 concurrent sessions".
    "paced": {"think": (1.0, 3.0), "ramp_up": 3.0},
    # Stress: every user arrives at once and never pauses; 30 reruns are always queued.
    "burst": {"think": None, "ramp_up": 0.0},
}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs (Linux /proc): the workbook readers."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process in MiB (Linux /proc), 0 where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def report(name: str, result: dict[str, Any], cpu: float, replicas: int = 1,
           readers: float = 0.0) -> None:
    where = "one app process" if replicas == 1 else f"{replicas} app processes"
    runs = max(result["reruns"], 1)
    print(f"[{name}] {result['sessions']} concurrent sessions on {where}, 200-bid workbook each: "
          f"{result['reruns']} reruns (open, upload and validate, rank, 3 method switches) "
          f"in {result['wall']:.1f} s" + (f"; server CPU {cpu * 1000 / runs:.0f} ms a rerun" if cpu
                                          else "")
          + (f", its workbook readers (other processes) {readers * 1000 / runs:.0f} ms"
             if readers else ""))
    if os.environ.get("LOAD_DETAIL"):
        print("latencies:", [round(x * 1000) for x in result["latencies"]])
    print(f"[{name}] rerun latency p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} "
          f"ms, max {result['max'] * 1000:.0f} ms; errors {result['errors']}")
    if cpu and name == "burst":
        # all users acting at once on one core per process: the 95th-percentile rerun waits for
        # about 95 % of the users' reruns to run before it, so CPU a rerun bounds it from below
        # (the server process's: the workbook readers run on another core)
        per = cpu / max(result["reruns"], 1)
        bound = 0.95 * result["sessions"] / replicas * per
        print(f"[{name}] lower bound from CPU a rerun: p95 >= {bound * 1000:.0f} ms "
              f"({per * 1000:.0f} ms x 95 % of {result['sessions'] / replicas:.0f} users a "
              f"process); measured {result['p95'] / bound:.1f}x that")
    for e in result["error_list"][:5]:
        print("  error:", e)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sessions", nargs="?", type=int, default=30)
    parser.add_argument("--port", type=int, help="use a running app instead of starting one")
    parser.add_argument("--replicas", type=int, default=1,
                        help="start this many app processes and spread the users over them")
    parser.add_argument("--profile", choices=[*PROFILES, "all"], default="all")
    parser.add_argument("--json", action="store_true", help="also print each result as a JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        if args.port is not None:
            bases = [f"http://127.0.0.1:{args.port}"]
        else:
            import socket

            bases = []
            for _ in range(args.replicas):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", 0))
                    port = sock.getsockname()[1]
                procs.append(start_server(port, Path(tmp)))
                bases.append(f"http://127.0.0.1:{port}")
        try:
            # Warm-up with workbooks no measured user has: imports and page code, not their data.
            load(bases, len(bases), first_seed=10_000)
            for k, name in enumerate(PROFILES if args.profile == "all" else [args.profile]):
                helpers = [c for p in procs for c in descendants(p.pid)]
                before = sum(cpu_seconds(p.pid) for p in procs)
                before_helpers = sum(cpu_seconds(c) for c in helpers)
                # Fresh workbooks for each profile: nothing is served from an earlier run's cache.
                result = load(bases, args.sessions, first_seed=1 + k * args.sessions,
                              **PROFILES[name])  # type: ignore[arg-type]
                cpu = sum(cpu_seconds(p.pid) for p in procs) - before
                readers = sum(cpu_seconds(c) for c in helpers) - before_helpers
                report(name, result, cpu, len(bases), readers)
                if args.json:
                    print(json.dumps({"profile": name, "replicas": len(bases), "cpu_s": cpu,
                                      **{k: v for k, v in result.items() if k != "latencies"}}))
            if procs:
                print(f"server peak memory {sum(peak_rss_mb(p.pid) for p in procs):.0f} MiB"
                      + (f" ({len(procs)} replicas)" if len(procs) > 1 else ""))
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=20)


if __name__ == "__main__":
    main()
