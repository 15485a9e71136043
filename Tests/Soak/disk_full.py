"""The single-instance SQLite deployment when its disk fills: the data folder is a small tmpfs, a filler file takes
the last byte, writes must answer 503 « Service indisponible » (never 500), reads go on, nothing is corrupted, and
writes resume without a restart once space returns."""
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "BlackBox"))
from portal import Visitor  # noqa: E402

AGENT = "a.charenne@lassuranceretraite.fr"


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request_access(visitor, code):
    token = visitor.csrf_token(f"/applications/{code}/demande")
    return visitor.request("POST", f"/applications/{code}/demande", [("_csrf", token), ("justification", "x")])


def run(binary, root, work, password):
    problems = []
    folder = os.path.join(work, "sqlite-disk")
    os.makedirs(folder)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", folder], check=True)
    server = None
    result = {"problems": problems}
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HABILIS_")}
        env.update({"HABILIS_DATABASE_PATH": f"{folder}/habilis.sqlite", "HABILIS_DEMO_PASSWORD": password,
                    "HABILIS_MAIL_TRANSPORT": f"file:{work}/sqlite-mail", "HABILIS_WORKING_DIRECTORY": root,
                    "HABILIS_BCRYPT_COST": "10", "LOG_LEVEL": "warning"})
        subprocess.run([binary, "seed", "--demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=open(os.path.join(work, "sqlite-server.log"), "w"), stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        visitor = Visitor(f"http://127.0.0.1:{port}", source="127.0.0.5")
        signed_in = visitor.password_step(AGENT, password)
        if signed_in.status != 303:
            problems.append(f"SQLite: sign-in answered {signed_in.status}")
            return result
        codes = re.findall(r'href="/applications/([^/"]+)/demande"', visitor.get("/").body)
        before = _request_access(visitor, codes[0])
        if before.status != 303:
            problems.append(f"SQLite: a request before the disk filled answered {before.status}")

        filler = os.path.join(folder, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], stderr=subprocess.DEVNULL)
        # Each write on a full disk is refused whole (503) or done whole (303, SQLite had room left in its
        # journal): never a 500, never half of one (checked below against the audit trail).
        full = [_request_access(visitor, code) for code in codes[1:4]]
        result["writes_while_full"] = [answer.status for answer in full]
        for answer in full:
            if answer.status not in (303, 503) or answer.status == 503 and "Service indisponible" not in answer.body:
                problems.append(f"SQLite: a write on a full disk answered {answer.status}")
        if 503 not in result["writes_while_full"]:
            problems.append("SQLite: the disk never refused a write (the filler did not fill it)")
        reading = visitor.get("/mes-informations")
        result["read_while_full"] = reading.status
        if reading.status != 200:
            problems.append(f"SQLite: a page read on a full disk answered {reading.status}")
        health = visitor.get("/readyz")
        result["readyz_while_full"] = health.status

        os.remove(filler)
        after = _request_access(visitor, codes[4])
        result["write_after_space_returned"] = after.status
        if after.status != 303:
            problems.append(f"SQLite: a write after space returned answered {after.status}, not 303")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        database = os.path.join(folder, "habilis.sqlite")
        if os.path.exists(database):
            connection = sqlite3.connect(database)
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            requests = connection.execute(
                "SELECT count(*), sum(EXISTS (SELECT 1 FROM audit_events e WHERE e.action = "
                "'access_request.created' AND lower(e.target_id) = lower(r.id))) FROM access_requests r "
                "WHERE r.status = 'pending'").fetchone()
            connection.close()
            result["integrity_check"] = integrity
            result["pending_requests_with_audit"] = list(requests)
            if integrity != "ok":
                problems.append(f"SQLite: integrity_check says {integrity}")
            if requests[0] != requests[1]:
                problems.append(f"SQLite: {requests[0] - (requests[1] or 0)} requests without their audit event")
        subprocess.run(["umount", folder], check=False)
    return result
