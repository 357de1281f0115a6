#!/usr/bin/env python
"""Fault injection against the portal as it is deployed: gunicorn (3 sync workers) and a Celery
worker on a PostgreSQL cluster and a Redis of their own (loopback, temporary; the machine's
shared PostgreSQL and Redis are never touched). Each scenario injects a fault, checks what the
users and the operator see, and counts what was lost. Exit status 1 if any check fails.

    .venv/bin/python bench/faults/run.py [--short] [--only db,decision,reminder,runnow]

  db        PostgreSQL stopped, then frozen (SIGSTOP), under load (12 clients): every answer a
            503 (JSON under /api/) within the statement timeout plus a second, /healthz says
            "database", nothing hangs; after restart / SIGCONT the same gunicorn answers 200 and
            every worker's register copy (ADR 0003) is loaded again. The orgnr lookup may answer
            200 from that copy while the database is frozen.
  decision  Redis (cache + broker) stopped half-way through a run of decisions: every decision
            stands, the API and the rule check answer 200 meanwhile, and once Redis is back the
            sweep produces the missing letters: every decision exactly one letter and one e-mail.
  reminder  Redis stopped while the renewal-reminder job runs; the job is run again after:
            every due reminder exactly one e-mail.
  runnow    Redis (the broker) stopped, an administrator presses "Run now": answered at once,
            "queued" on the jobs page; once the broker is back the sweep sends it and it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import PrivatePostgres, PrivateRedis, free_port, wait_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
STATEMENT_TIMEOUT = 2.0
CONNECT_TIMEOUT = 2
DEMO_PASSWORD = "bht-demo-2026"

results: list[tuple[str, bool, str]] = []
ROSTER = {  # an approvable roster for the public rule check
    "staff": [
        {"name": "Lege", "fte": "1.0", "employment": "permanent", "training_completed": True, "hpr_number": "1000001",
         "disciplines": {"occupational_medicine": "0.8", "systematic_hse": "0.2"}},
        {"name": "Hygieniker", "fte": "1.0", "employment": "permanent", "training_completed": True,
         "disciplines": {"occupational_hygiene": "0.8", "systematic_hse": "0.2"}},
        {"name": "Fysio", "fte": "0.8", "employment": "permanent", "training_completed": True,
         "disciplines": {"ergonomics": "0.8"}},
        {"name": "Psykolog", "fte": "0.8", "employment": "permanent", "training_completed": True,
         "disciplines": {"psychosocial": "0.6", "systematic_hse": "0.2"}},
    ],
    "documents": {"quality_system": True, "competence_development_plan": True},
}  # fmt: skip


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"  {'ok  ' if ok else 'FAIL'} {name}{(': ' + detail) if detail else ''}", flush=True)
    return ok


class Portal:
    """The environment: private PostgreSQL and Redis, gunicorn and a Celery worker."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis()
        self.port = free_port()
        self.mail = tmp / "mail"
        self.mail.mkdir()
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=self.pg.url,
            REDIS_URL=self.redis.url,
            CELERY_BROKER_URL=f"redis://127.0.0.1:{self.redis.port}/1",
            DEBUG="false",
            SECRET_KEY="fault-scripts-only-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DB_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT),
            DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            CONN_MAX_AGE="60",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail),
            PRIVATE_FILE_ROOT=str(tmp / "private"),
            LOG_LEVEL="WARNING",
            API_ANON_RATE="1000000/min",  # one client address for all the load
            API_RULE_CHECK_RATE="1000000/min",
            PYTHONUNBUFFERED="1",
        )
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        env = {k: v for k, v in self.env.items() if k != "DB_STATEMENT_TIMEOUT"}  # set-up is batch work
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    def actor(self, *args: str, timeout: float = 300) -> dict:
        out = subprocess.run(
            [PY, "bench/faults/actors.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode:
            raise RuntimeError(f"actors.py {args[0]} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def actor_async(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [PY, "bench/faults/actors.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=open(self.tmp / f"actor-{args[0]}.log", "w"),  # noqa: SIM115
            text=True,
        )

    def setup(self) -> None:
        t = time.monotonic()
        self.pg.start()
        self.pg.create_database()
        self.redis.start()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_reference_data")
        self.manage("seed_demo")
        print(f"set-up (private PostgreSQL :{self.pg.port}, Redis :{self.redis.port}): {time.monotonic() - t:.0f} s")

    def start_web(self) -> None:
        # The web workers as in docker-compose.yml: with the register copy (ADR 0003).
        self.web = subprocess.Popen(
            [str(BIN / "gunicorn"), "bht_portal.wsgi", "-w", "3", "-b", f"127.0.0.1:{self.port}", "--timeout", "60",
             "--graceful-timeout", "5", "--capture-output", "--error-logfile", str(self.tmp / "gunicorn.log")],
            cwd=ROOT, env=dict(self.env, ENTERPRISE_REGISTER_COPY="true"), start_new_session=True,
        )  # fmt: skip
        wait_port(self.port)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "bht_portal", "worker", "--pool", "solo", "-l", "warning",
             "--without-mingle", "--without-gossip", "--logfile", str(self.tmp / "worker.log")],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        for proc in (self.web, self.worker):
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        self.redis.close()
        self.pg.close()

    def tracebacks(self) -> int:
        log = self.tmp / "gunicorn.log"
        return log.read_text(errors="replace").count("Traceback") if log.exists() else 0

    def last_traceback(self) -> str:
        """The end of the log's last traceback (for a failed check), or ''."""
        log = self.tmp / "gunicorn.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        if "Traceback" not in text:
            return ""
        return "; last one:\n" + "\n".join(text[text.rindex("Traceback") :].splitlines()[:40])

    def mails(self) -> list:
        out = []
        for path in sorted(self.mail.iterdir()):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    out.append(message_from_bytes(chunk.strip()))
        return out


# ---------------------------------------------------------------- load
class Load:
    """`clients` threads each requesting the paths in turn; every answer recorded with its
    start time, status and duration ("timeout" if the client waited 20 s)."""

    def __init__(self, portal: Portal, paths: list[str], clients: int):
        self.portal, self.paths, self.clients = portal, paths, clients
        self.records: list[tuple[float, str, object, float]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]

    def _run(self, i: int) -> None:
        session = requests.Session()
        n = i
        while not self._stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            started = time.monotonic()
            try:
                status: object = session.get(self.portal.url(path), timeout=20).status_code
            except requests.Timeout:
                status = "timeout"
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.records.append((started, path, status, time.monotonic() - started))

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)

    def between(self, start: float, end: float):
        return [r for r in self.records if start <= r[0] < end]


def _summary(records) -> str:
    by: dict = {}
    for _t, _p, status, _d in records:
        by[status] = by.get(status, 0) + 1
    worst = max((r[3] for r in records), default=0)
    return f"{len(records)} answers {dict(sorted(by.items(), key=str))}, slowest {worst:.2f} s"


def _recovered_at(load: Load, since: float, until: float) -> float | None:
    """The first moment after `since` from which every answer was a 200."""
    bad = [r[0] for r in load.between(since, until) if r[2] != 200]
    last_bad = max(bad, default=since)
    later = load.between(last_bad + 1e-6, until)
    return (last_bad - since) if later else None


ORGNR_PATH = "/api/v1/obligation?orgnr=919376074"  # a demo enterprise


def _register_copies(portal: Portal, timeout: float = 40.0) -> set[str]:
    """The register copy states /healthz reports, once 30 answers in a row say "ready" (all
    workers) or after `timeout`."""
    deadline, in_a_row, states = time.monotonic() + timeout, 0, set()
    while time.monotonic() < deadline and in_a_row < 30:
        state = requests.get(portal.url("/healthz"), timeout=20).json()["register_copy"]["state"]
        in_a_row = in_a_row + 1 if state == "ready" else 0
        states = {"ready"} if in_a_row else {state}
        time.sleep(0.05 if in_a_row else 0.5)
    return states


def scenario_db(portal: Portal, short: bool) -> None:
    print("\n== PostgreSQL stopped and frozen under load")
    phase = 4.0 if short else 10.0
    deadline = STATEMENT_TIMEOUT + 1  # the client-side deadline (core/dbguard.py)
    # The orgnr lookup may be answered from a worker's register copy while the database is
    # frozen (nothing can change meanwhile); stopped, the copy is dropped and it answers 503.
    paths = ["/godkjente-bht/", "/api/v1/providers", "/api/v1/obligation?nace=41.000", ORGNR_PATH, "/healthz"]
    must_503 = {"/godkjente-bht/", "/api/v1/providers", "/healthz"}
    tb_before = portal.tracebacks()
    for _ in range(12):  # every gunicorn worker up and connected
        requests.get(portal.url("/godkjente-bht/"), timeout=60)
    with Load(portal, paths, clients=12) as load:
        t0 = time.monotonic()
        time.sleep(phase + 2)
        base = load.between(t0, time.monotonic() - 2)
        check("before: every answer 200", all(r[2] == 200 for r in base) and bool(base), _summary(base))

        for fault in ("stopped", "frozen"):
            t1 = time.monotonic()
            portal.pg.stop() if fault == "stopped" else portal.pg.freeze()
            time.sleep(phase + 2 * deadline)  # requests in flight at the fault take up to the deadline
            t2 = time.monotonic()
            # answers to requests started once the fault was in place (in-flight ones excluded)
            during = load.between(t1 + (0.2 if fault == "stopped" else 0.05), t2 - deadline - 0.5)
            statuses = {r[2] for r in during}
            check(
                f"{fault}: only 200 or 503, no 500, nothing hangs",
                statuses <= {200, 503} and bool(during),
                _summary(during),
            )
            db_paths = [r for r in during if r[1] in must_503]
            check(f"{fault}: the database pages and /healthz answer 503", all(r[2] == 503 for r in db_paths))
            worst = max((r[3] for r in during), default=0)
            check(
                f"{fault}: every answer within the statement timeout + 1 s ({deadline:g} s + 0.5 s slack)",
                worst <= deadline + 0.5,
                f"slowest {worst:.2f} s, median {statistics.median(r[3] for r in during) if during else 0:.3f} s",
            )
            health = requests.get(portal.url("/healthz"), timeout=20)
            check(
                f"{fault}: /healthz names the database",
                health.status_code == 503 and "database" in health.json()["down"],
                health.text[:200],
            )
            portal.pg.start() if fault == "stopped" else portal.pg.thaw()
            t3 = time.monotonic()
            time.sleep(phase + 4)
            recovered = _recovered_at(load, t3, time.monotonic())
            check(
                f"{fault}: recovers by itself (same gunicorn, no restart)",
                recovered is not None and recovered < 10,
                f"all answers 200 again {recovered:.1f} s after the database was back"
                if recovered is not None
                else "never",
            )
    copies = _register_copies(portal)
    check("database outage: every worker's register copy is loaded again", copies == {"ready"}, f"states {copies}")
    check(
        "database outage: no traceback in the log (logged once per worker)",
        portal.tracebacks() == tb_before,
        f"{portal.tracebacks() - tb_before} tracebacks" + portal.last_traceback(),
    )


def drain_outbox(portal: Portal, timeout: float = 120) -> int:
    """Send the e-mail outbox's sweep through the broker (as beat does every 5 minutes) until
    nothing is left open; returns what is still open."""
    deadline = time.monotonic() + timeout
    while True:
        left = portal.actor("open_notifications")["open"]
        if not left or time.monotonic() > deadline:
            return left
        portal.actor("send", "notifications.tasks.notifications_sweep")
        time.sleep(2)


def scenario_decision(portal: Portal, short: bool) -> None:
    print("\n== Redis (cache and broker) stopped mid-decision")
    n = 8 if short else 20
    made = portal.actor("make_cases", str(n))
    marker, go = portal.tmp / "paused", portal.tmp / "go"
    proc = portal.actor_async(
        "decide", str(made["handler"]), str(n // 2), str(marker), str(go), *map(str, made["cases"])
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    portal.redis.stop()
    go.write_text("go")
    # Meanwhile the public API and the rule check answer as usual (the throttle's cache fails open).
    api = requests.get(portal.url("/api/v1/providers"), timeout=20)
    rule = requests.post(portal.url("/api/v1/approvals/rule-check"), json=ROSTER, timeout=20)
    register = requests.get(portal.url("/godkjente-bht/"), timeout=20)
    check("Redis down: API, rule check and register answer as usual", (api.status_code, rule.status_code, register.status_code) == (200, 200, 200),
          f"providers {api.status_code}, rule check {rule.status_code}, register {register.status_code}")  # fmt: skip
    out, _ = proc.communicate(timeout=300)
    if not out.strip():
        raise SystemExit(f"the decide actor failed:\n{(portal.tmp / 'actor-decide.log').read_text()[-3000:]}")
    decided = json.loads(out.strip().splitlines()[-1])
    check(
        f"every decision stands ({n} made, {n - n // 2} with Redis down)",
        len(decided["decisions"]) == n,
        f"slowest decision {max(decided['seconds']):.2f} s",
    )
    portal.redis.start()
    time.sleep(1)
    portal.actor("send", "approvals.tasks.decision_letters_sweep")  # what beat sends every 10 minutes
    deadline = time.monotonic() + 180
    while True:
        rows = portal.actor("letters", *map(str, made["cases"]))["decisions"]
        if all(r.get("status") == "done" for r in rows.values()) or time.monotonic() > deadline:
            break
        time.sleep(2)
        portal.actor("send", "approvals.tasks.decision_letters_sweep")
    left = drain_outbox(portal)
    check("the e-mail outbox is empty once Redis is back", left == 0, f"{left} e-mails still open")
    done = [r for r in rows.values() if r.get("status") == "done"]
    mails = [m for m in portal.mails() if any(num in (m["Subject"] or "") for num in made["numbers"])]
    per_case = {num: sum(num in (m["Subject"] or "") for m in mails) for num in made["numbers"]}
    check(
        "every decision exactly one letter",
        len(done) == n and all(r.get("letters") == 1 and r.get("events") == 1 and r.get("pdf") for r in rows.values()),
        f"{len(done)}/{n} letters done",
    )
    check(
        "every decision exactly one e-mail",
        all(v == 1 for v in per_case.values()),
        f"e-mails per case {sorted(set(per_case.values()))}",
    )


def scenario_reminder(portal: Portal, short: bool) -> None:
    print("\n== Redis stopped while the renewal-reminder job runs")
    n = 40 if short else 120
    job = "approvals.tasks.renewal_reminders_send"
    due = portal.actor("make_due", str(n))["approvals"]
    last = max([r["id"] for r in portal.actor("jobruns", job)["runs"]], default=0)
    watcher = portal.actor_async("watch", job, str(last), "120")
    time.sleep(3)  # the watcher is up (Django set up) before the job starts
    portal.actor("send", job)
    line = watcher.stdout.readline().strip()
    portal.redis.stop()  # mid-job: the worker has the message and is running it
    stopped_while = "running" if line == "running" else "not seen running"
    out, _ = watcher.communicate(timeout=180)
    if not out.strip():
        log = (portal.tmp / "actor-watch.log").read_text(errors="replace")[-2000:]
        check("the job run was watched", False, f"watcher failed:\n{log}")
        return
    first = json.loads(out.strip().splitlines()[-1])
    portal.redis.start()
    time.sleep(1)
    # The job runs again (the next morning's beat, or "Run now"): nothing is sent twice.
    portal.actor("send", job)
    second = portal.actor("wait_jobrun", job, str(first["id"] or last), "finished", "120")
    left = drain_outbox(portal)
    check("the e-mail outbox is empty once Redis is back", left == 0, f"{left} e-mails still open")
    rows = portal.actor("reminders", *map(str, due))["reminders"]
    sent = [r for r in rows if r["status"] == "sent"]
    deadline = time.monotonic() + 20
    while True:  # the last mails may still be on their way to the files
        mails = portal.mails()
        per_approval: dict[str, int] = {}
        for m in mails:
            for addr in re.findall(r"fault-due-\d+-\d+@test\.no", str(m["To"] or "")):
                per_approval[addr] = per_approval.get(addr, 0) + 1
        if len(per_approval) >= n or time.monotonic() > deadline:
            break
        time.sleep(1)
    emails = {str(m["To"]) for m in mails}
    check(
        f"Redis stopped while the job was {stopped_while}; job finished, run again",
        first["status"] in ("succeeded", "failed") and second["status"] == "succeeded",
        f"first run {first['status']} {first.get('counts')}, second run {second['status']} {second.get('counts')}",
    )
    outbox = portal.actor("notifications_by_status")["by_status"]
    check(
        "every due reminder exactly one e-mail",
        len(sent) == n and len(per_approval) == n and all(v == 1 for v in per_approval.values()),
        f"{len(sent)}/{n} reminders sent, {len(per_approval)} addresses mailed, most to one address {max(per_approval.values(), default=0)} ({len(emails)} distinct recipients in all); outbox {outbox}",
    )


def scenario_runnow(portal: Portal, short: bool) -> None:
    print('\n== Broker stopped during "Run now"')
    job, name = "approvals.tasks.approvals_expire", "lifecycle-approvals-expire"
    session = requests.Session()
    session.get(portal.url("/konto/login/"), timeout=20)
    login = session.post(
        portal.url("/konto/login/"),
        data={
            "username": "admin@demo.no",
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=20,
        allow_redirects=False,
    )
    check("the administrator logs in", login.status_code == 302, str(login.status_code))
    last = max([r["id"] for r in portal.actor("jobruns", job)["runs"] if r["status"] != "queued"], default=0)
    portal.redis.stop()
    started = time.monotonic()
    jobs = session.get(portal.url("/drift/jobber/"), timeout=20)
    response = session.post(
        portal.url(f"/drift/jobber/{name}/kjor/"),
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": portal.url("/drift/jobber/")},
        timeout=20,
    )
    took = time.monotonic() - started
    html = response.text
    check(
        '"Run now" with the broker down: answered, and the operator is told it is queued',
        jobs.status_code == 200 and response.status_code == 200 and "kø" in html and took < 10,
        f"{response.status_code} after {took:.1f} s",
    )
    queued = [r for r in portal.actor("jobruns", job)["runs"] if r["status"] == "queued"]
    check("the request is kept (a queued run)", len(queued) == 1)
    portal.redis.start()
    time.sleep(1)
    portal.actor("send", "core.tasks.queued_jobs_send")  # what beat sends every minute
    run = portal.actor("wait_jobrun", job, str(last), "succeeded", "60")
    left = [r for r in portal.actor("jobruns", job)["runs"] if r["status"] == "queued"]
    check("once the broker is back the job runs, once", run["status"] == "succeeded" and not left, f"run {run}")


def scenario_load(portal: Portal, short: bool) -> None:
    """bench/load.py: 50 clients on the public check and register, zero errors."""
    sys.path.insert(0, str(ROOT / "bench"))
    from load import describe, run_load

    seconds = 15 if short else 60
    print(f"\n== Load: 50 clients × {seconds} s on the public check and register")
    orgnrs = portal.actor("orgnrs", "500")["orgnrs"]
    run_load(portal.port, orgnrs, clients=4, seconds=3)  # warm up every worker
    result = run_load(portal.port, orgnrs, clients=50, seconds=seconds)
    check("zero errors", not result["errors"] and result["requests"] > 0, describe(result))


SCENARIOS = {
    "load": scenario_load,
    "db": scenario_db,
    "decision": scenario_decision,
    "reminder": scenario_reminder,
    "runnow": scenario_runnow,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="the CI version (shorter phases, fewer items)")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, mails)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bht-faults-"))
    portal = Portal(tmp)
    started = time.monotonic()
    try:
        portal.setup()
        portal.start_web()
        portal.start_worker()
        for name in args.only.split(","):
            SCENARIOS[name](portal, args.short)
    finally:
        portal.close()
        if args.keep:
            print(f"logs and mails in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    failed = [r for r in results if not r[1]]
    print(f"\n{len(results) - len(failed)}/{len(results)} checks passed in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
