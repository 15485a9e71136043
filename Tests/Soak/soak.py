"""The production-shaped test bed of issue 18 (run it through scripts/soak).

PostgreSQL, two `habilis serve --env production` instances on one database, nginx in front terminating TLS with a
certificate made here, an SMTP relay with STARTTLS, Locust driving agents, correspondents and an administrator, and
faults injected on a schedule. At the end the database is checked against what Locust saw acknowledged, the mails
the relay received against the outbox, and a JSON report is written. A second phase runs one SQLite instance whose
data folder fills up. Exits non-zero when a check fails."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import ssl

sys.path.insert(0, os.path.dirname(__file__))
from smtp_relay import Relay  # noqa: E402
import checks  # noqa: E402
import integrations  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
PASSWORD = "soak-habilis-2026"
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def as_postgres(command):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + command


class Postgres:
    def __init__(self, work):
        self.dir = os.path.join(work, "pg")
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", self.dir + "/data", "-A", "trust", "-U", "postgres"]),
                       check=True, stdout=subprocess.DEVNULL)

    def ctl(self, *arguments):
        subprocess.run(as_postgres([
            f"{PG_BIN}/pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/log", "-w",
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                  "-c shared_buffers=256MB", *arguments]), check=True, stdout=subprocess.DEVNULL)

    def processes(self):
        """The postmaster and its children, for pausing the whole server."""
        with open(self.dir + "/data/postmaster.pid") as pid_file:
            master = int(pid_file.readline())
        children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
        return [master] + [int(child) for child in children]

    def query(self, database, sql):
        # Through standard input: the checks name thousands of ids, beyond what a command line holds.
        result = subprocess.run([f"{PG_BIN}/psql", "-qAtX", "-v", "ON_ERROR_STOP=1", f"{self.url}/{database}"],
                                input=sql, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql: {result.stderr.strip()}")
        return [line.split("|") for line in result.stdout.splitlines() if line]


class Instance:
    """One `habilis serve --env production`, restartable after a kill."""

    def __init__(self, name, binary, env, work, clock_offset=None):
        self.name, self.binary, self.env, self.work = name, binary, env, work
        self.port = free_port()
        self.clock_offset = clock_offset
        self.process = None
        self.starts = 0

    def start(self):
        command = [self.binary, "serve", "--env", "production", "--hostname", "127.0.0.1", "--port", str(self.port)]
        env = dict(self.env)
        if self.clock_offset:
            # libfaketime shifts this process's wall clock only; timers (monotonic) are left alone.
            command = ["faketime", "-f", self.clock_offset] + command
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        self.starts += 1
        log = open(os.path.join(self.work, f"{self.name}.log"), "a")
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.work}/{self.name}.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after 60 s")

    def server_pid(self):
        """The instance itself: the faketime wrapper's child when the clock is shifted."""
        if not self.clock_offset:
            return self.process.pid
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return int(children.stdout.split()[0]) if children.stdout.split() else self.process.pid

    def kill(self):
        os.kill(self.server_pid(), signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """SIGTERM, as an orchestrator stops an instance; returns its exit code (0 after a clean drain)."""
        if self.process and self.process.poll() is None:
            os.kill(self.server_pid(), signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return None
        return self.process.returncode if self.process else None

    def unready_answers(self, probes=40):
        """How many of `probes` readiness probes, each on a connection of its own (hence spread over the event
        loops and their pools), did not answer 200 within 15 s."""
        failed = 0
        for _ in range(probes):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=15) as answer:
                    failed += answer.status != 200
            except OSError:
                failed += 1
        return failed

    def unanswered_at_deadline(self):
        """Requests the instance answered 503 at its deadline (50 s): no fault lasts that long, so each is a
        request that waited for something that never came."""
        with open(os.path.join(self.work, f"{self.name}.log"), errors="replace") as log:
            return sum("no answer after" in line for line in log)

    def metrics(self, token):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/metrics",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read().decode()


def make_certificate(work):
    """A throwaway certificate authority and a certificate for 127.0.0.1 and localhost, signed by it."""
    tls = os.path.join(work, "tls")
    os.makedirs(tls)
    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], check=True, cwd=tls, capture_output=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Habilis soak CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")
    with open(os.path.join(tls, "san.ext"), "w") as extension:
        extension.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return {name: os.path.join(tls, name) for name in ("ca.pem", "server.pem", "server.key")}


def start_nginx(work, port, instances, certificate):
    """nginx as production has it: TLS, round robin, passive health checks, X-Forwarded-For from the client."""
    folder = os.path.join(work, "nginx")
    os.makedirs(folder)
    upstreams = "\n".join(f"        server 127.0.0.1:{i.port} max_fails=1 fail_timeout=5s;" for i in instances)
    config = f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream habilis {{
{upstreams}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {certificate['server.pem']};
        ssl_certificate_key {certificate['server.key']};
        location / {{
            proxy_pass http://habilis;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # A refused or dropped connection goes to the other instance, for idempotent methods only (nginx's
            # default): a POST that may have reached a killed instance is never sent twice.
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""
    path = os.path.join(folder, "nginx.conf")
    with open(path, "w") as file:
        file.write(config)
    process = subprocess.Popen(["nginx", "-c", path, "-p", folder], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(folder, "stderr.log"), "w"))
    context = ssl.create_default_context(cafile=certificate["ca.pem"])
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{port}/readyz", timeout=2, context=context):
                return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer")


class Faults(threading.Thread):
    """Runs the fault schedule in the background; every fault is logged with its real start and end."""

    def __init__(self, schedule, bed):
        super().__init__(daemon=True)
        self.schedule, self.bed = schedule, bed
        self.events = []
        self.stopping = threading.Event()
        self.errors = []

    def note(self, kind, started, **details):
        self.events.append({"fault": kind, "from": started, "to": time.time(), **details})
        say(f"fault {kind} done ({time.time() - started:.1f} s)")

    def run(self):
        origin = time.time()
        for at, kind in self.schedule:
            if self.stopping.wait(max(0, origin + at - time.time())):
                return
            try:
                getattr(self, kind)()
            except Exception as error:  # a fault that cannot be injected fails the run
                self.errors.append(f"{kind}: {error}")
                say(f"fault {kind} failed: {error}")

    def kill_instance(self):
        instance = self.bed.instances[0]
        started = time.time()
        say(f"fault: kill -9 {instance.name}")
        instance.kill()
        killed = time.time()
        self.stopping.wait(20)
        instance.start()
        self.note("kill_instance", started, instance=instance.name, killed_at=killed)

    def postgres_restart(self):
        started = time.time()
        say("fault: pg_ctl restart -m fast")
        self.bed.postgres.ctl("restart", "-m", "fast")
        self.note("postgres_restart", started)

    def postgres_pause(self):
        started = time.time()
        say("fault: PostgreSQL paused 10 s (SIGSTOP)")
        # A backend may exit between the listing and its signal: skip it, and resume whatever was stopped
        # whatever happens, or the server stays frozen for the rest of the run (the full run of 4 December, evening).
        stopped = []
        try:
            for pid in self.bed.postgres.processes():
                try:
                    os.kill(pid, signal.SIGSTOP)
                    stopped.append(pid)
                except ProcessLookupError:
                    continue
            time.sleep(10)
        finally:
            for pid in stopped:
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    continue
        self.note("postgres_pause", started)

    def smtp_down(self, seconds=None):
        seconds = seconds or self.bed.smtp_fault_seconds
        started = time.time()
        say(f"fault: SMTP relay down {seconds} s")
        self.bed.relay.stop()
        time.sleep(seconds)
        self.bed.relay.start()
        self.note("smtp_down", started)

    def smtp_busy(self, seconds=None):
        seconds = seconds or self.bed.smtp_fault_seconds
        started = time.time()
        say(f"fault: SMTP relay answers 451 for {seconds} s")
        self.bed.relay.mode = "busy"
        time.sleep(seconds)
        self.bed.relay.mode = "ok"
        self.note("smtp_busy", started, refused=self.bed.relay.refusals["451"])

    def smtp_refuse_one(self):
        started = time.time()
        recipient = self.bed.refused_recipient
        say(f"fault: SMTP relay refuses {recipient} for good (550)")
        self.bed.relay.refused_recipient = recipient
        self.note("smtp_refuse_one", started, recipient=recipient)

    def smtp_slow(self, seconds=None):
        seconds = seconds or self.bed.smtp_fault_seconds
        started = time.time()
        say(f"fault: SMTP relay takes 10 s per message for {seconds} s")
        self.bed.relay.mode = "slow"
        time.sleep(seconds)
        self.bed.relay.mode = "ok"
        self.note("smtp_slow", started)


class SweepWatch(threading.Thread):
    """Samples, by the database's own clock, requests accepted automatically before their due date by more than
    the skewed instance's offset (plus the sweep's period), and the sweep's lateness."""

    def __init__(self, postgres, database, allowed_seconds):
        super().__init__(daemon=True)
        self.postgres, self.database, self.allowed = postgres, database, allowed_seconds
        self.stopping = threading.Event()
        self.early = set()
        self.samples = 0
        self.max_lateness = 0.0

    def run(self):
        while not self.stopping.wait(5):
            try:
                rows = self.postgres.query(self.database, f"""
                    SELECT id FROM access_requests
                    WHERE status = 'auto_accepted' AND due_at > now() + interval '{self.allowed} seconds'""")
                self.early.update(row[0] for row in rows)
                lateness = self.postgres.query(self.database, """
                    SELECT coalesce(extract(epoch FROM now() - min(due_at)), 0) FROM access_requests
                    WHERE status = 'pending' AND due_at < now()""")
                self.max_lateness = max(self.max_lateness, float(lateness[0][0]))
                self.samples += 1
            except RuntimeError:
                pass  # the database is down for a fault: the next sample will see


class Bed:
    def __init__(self, args):
        self.args = args
        self.work = args.work
        self.binary = args.binary
        self.postgres = Postgres(self.work)
        self.instances = []
        self.smtp_fault_seconds = 10 if args.quick else 60

    def base_env(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("HABILIS_")}
        env.update({
            "HABILIS_WORKING_DIRECTORY": self.args.root,
            "HABILIS_BCRYPT_COST": str(self.args.bcrypt_cost),
            "LOG_LEVEL": "notice",
            "HABILIS_LOG_FORMAT": "json",
        })
        return env

    def operator_env(self):
        """The environment of the executable's commands an operator runs beside the instances."""
        env = self.base_env()
        env.update({"DATABASE_URL": f"{self.postgres.url}/habilis", "HABILIS_DEMO_PASSWORD": PASSWORD,
                    "HABILIS_MAIL_TRANSPORT": f"file:{self.work}/seed-mail"})
        return env

    def seed(self):
        self.postgres.ctl("start")
        subprocess.run([f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(self.postgres.port), "-U", "postgres",
                        "habilis"], check=True)
        env = self.operator_env()
        say("seeding: habilis seed --scale " + " ".join(self.args.scale))
        started = time.time()
        subprocess.run([self.binary, "migrate", "--yes"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([self.binary, "seed", "--scale", *self.args.scale], env=env, check=True,
                       stdout=open(os.path.join(self.work, "seed.log"), "w"))
        self.seed_seconds = time.time() - started
        # Pending requests falling due while the run lasts, so that the sweep's punctuality is measured live.
        self.postgres.query("habilis", f"""
            UPDATE access_requests SET due_at = now() + (random() * {self.args.duration}) * interval '1 second'
            WHERE id IN (SELECT id FROM access_requests WHERE status = 'pending' AND due_at > now()
                         ORDER BY id LIMIT {self.args.due_during_run})""")
        # Everything already due is accepted before the run starts, as it would have been on time.
        subprocess.run([self.binary, "sweep"], env=env, check=True, stdout=subprocess.DEVNULL)

    def accounts(self):
        """Sign-in names for the virtual users: agents of the organismes that have a correspondent, those
        correspondents, and the administrator."""
        limit = self.args.users * 4
        correspondents = self.postgres.query("habilis", f"""
            SELECT a.email, c.organisation_id FROM correspondents c JOIN agents a ON a.id = c.agent_id
            WHERE a.email LIKE '%@scale-%' ORDER BY (SELECT count(*) FROM agents x
                WHERE x.organisation_id = c.organisation_id) DESC LIMIT {max(2, self.args.users // 5)}""")
        organisations = ",".join(f"'{row[1]}'" for row in correspondents)
        agents = self.postgres.query("habilis", f"""
            SELECT a.email, a.id FROM agents a WHERE a.organisation_id IN ({organisations})
            AND a.status = 'active' AND a.is_administrator = false
            AND NOT EXISTS (SELECT 1 FROM correspondents c WHERE c.agent_id = a.id)
            ORDER BY a.email LIMIT {limit}""")
        return {
            "password": PASSWORD,
            "agents": [row[0] for row in agents],
            "agent_ids": [row[1] for row in agents],
            "correspondents": [row[0] for row in correspondents],
            "administrator": "admin@ucanss.fr",
        }

    def run(self):
        args = self.args
        results = {"quick": args.quick, "users": args.users, "duration_seconds": args.duration}
        certificate = make_certificate(self.work)
        self.seed()
        results["seed_seconds"] = round(self.seed_seconds, 1)
        accounts = self.accounts()
        accounts["integration"], self.events = integrations.register(
            self.binary, self.operator_env(), self.postgres, self.work, certificate, free_port())
        say(f"integrations: single sign-on, API, SCIM and change events for {accounts['integration']['application']}")
        # Everything from here on is the run's: the instances' first sweep included.
        run_started_db = self.postgres.query("habilis", "SELECT now()")[0][0]
        with open(os.path.join(self.work, "accounts.json"), "w") as file:
            json.dump(accounts, file)
        # The correspondent of the busiest organisme: told of every new request there, so surely mailed.
        self.refused_recipient = accounts["correspondents"][0]

        smtp_port = free_port()
        self.relay = Relay(smtp_port, certificate["server.pem"], certificate["server.key"],
                           os.path.join(self.work, "smtp.jsonl"))
        self.relay.start()

        https_port = free_port()
        token = "soak-metrics-token-" + "x" * 32
        env = self.base_env()
        env.update({
            "DATABASE_URL": f"{self.postgres.url}/habilis",
            "HABILIS_BASE_URL": f"https://127.0.0.1:{https_port}",
            "HABILIS_MAIL_TRANSPORT": f"smtp://127.0.0.1:{smtp_port}",
            "HABILIS_SMTP_CA_FILE": certificate["ca.pem"],
            "HABILIS_HTTP_CA_FILE": certificate["ca.pem"],
            "HABILIS_TRUSTED_PROXIES": "127.0.0.1",
            "HABILIS_METRICS_TOKEN": token,
        })
        self.instances = [Instance("instance-a", self.binary, env, self.work),
                          Instance("instance-b", self.binary, env, self.work,
                                   clock_offset="+120s" if "clock" in args.faults else None)]
        for instance in self.instances:
            instance.start()
        nginx = start_nginx(self.work, https_port, self.instances, certificate)
        say(f"test bed up: https://127.0.0.1:{https_port} -> {[i.port for i in self.instances]}")

        schedule = self.schedule()
        faults = Faults(schedule, self)
        watch = SweepWatch(self.postgres, "habilis", 125 if "clock" in args.faults else 5)
        started = time.time()
        faults.start()
        watch.start()
        locust_env = dict(os.environ)
        locust_env.update({
            "SOAK_ACCOUNTS": os.path.join(self.work, "accounts.json"),
            "SOAK_ACTIONS": os.path.join(self.work, "actions.jsonl"),
            "SOAK_CA": certificate["ca.pem"],
        })
        say(f"Locust: {args.users} users for {args.duration} s; faults {', '.join(k for _, k in schedule)}")
        locust = subprocess.run([
            "locust", "-f", os.path.join(HERE, "locustfile.py"), "--headless", "--users", str(args.users),
            "--spawn-rate", str(max(1, args.users // 10)), "--run-time", f"{args.duration}s",
            "--host", f"https://127.0.0.1:{https_port}", "--csv", os.path.join(self.work, "locust"),
            "--only-summary", "--stop-timeout", "30", "--exit-code-on-error", "0",
        ], env=locust_env, cwd=self.work, stdout=open(os.path.join(self.work, "locust.log"), "w"),
            stderr=subprocess.STDOUT)
        faults.stopping.set()
        faults.join(timeout=120)
        # Every pool of every instance serves once the faults are over: after a PostgreSQL restart, a statement
        # nothing answered used to hold its pooled connection for good (docs/soak.md, 6 December).
        results["unready_answers_after_faults"] = {i.name: i.unready_answers() for i in self.instances}
        # What an operator's dashboard showed when the load stopped (the mail backlog above all).
        results["metrics_at_end_of_load"] = {}
        for instance in self.instances:
            try:
                results["metrics_at_end_of_load"][instance.name] = checks.pick_metrics(instance.metrics(token))
            except OSError as error:
                results["metrics_at_end_of_load"][instance.name] = {"error": str(error)}
        # The relay behaves again, so that the outbox drains; then the sweep's last pass and the checks.
        self.relay.mode = "ok"
        if self.relay.controller is None:
            self.relay.start()
        results["outbox_drain_seconds"] = self.drain(timeout=180 if args.quick else 900)
        watch.stopping.set()
        watch.join()
        results["elapsed_seconds"] = round(time.time() - started, 1)
        results["locust_exit_code"] = locust.returncode
        results["instance_exit_codes"] = {i.name: i.stop() for i in self.instances}
        results["unanswered_at_deadline"] = {i.name: i.unanswered_at_deadline() for i in self.instances}
        nginx.terminate()
        nginx.wait()
        self.relay.stop()
        self.events.stop()
        state = {"run_started_db": run_started_db, "accounts": accounts, "faults": faults.events,
                 "fault_errors": faults.errors, "refused_recipient": self.refused_recipient,
                 "early_acceptances": sorted(watch.early), "watch_samples": watch.samples,
                 "sweep_lateness_max_seconds": round(watch.max_lateness, 1), "clock_skew": "clock" in args.faults}
        # Kept with the run's folder, so that `--recheck` can check it again after a fix of the checks.
        with open(os.path.join(self.work, "run.json"), "w") as file:
            json.dump({"results": results, "state": state}, file)
        results.update(check(self.postgres, self.work, state))
        self.postgres.ctl("stop", "-m", "fast")
        return results

    def schedule(self):
        """(seconds after the start, fault) for the faults asked, spread over the run."""
        # Each runs in turn (the kill lasts 20 s, the others 10 s in --quick, 60 s in the full run).
        every = ("kill_instance", "smtp_down", "smtp_busy", "smtp_refuse_one", "postgres_restart", "smtp_slow",
                 "postgres_pause")
        if self.args.quick:
            every = ("kill_instance", "smtp_busy", "smtp_refuse_one", "postgres_pause")
        wanted = [kind for kind in every if kind.split("_")[0] in self.args.faults or kind in self.args.faults]
        if self.args.restarts:
            wanted = ["postgres_restart"] * self.args.restarts
        if not wanted:
            return []
        # The first fault once every user has signed in (spawning takes about ten seconds).
        first = max(self.args.duration * 0.1, 13)
        step = (self.args.duration * 0.9 - first) / len(wanted)
        return [(round(first + step * index), kind) for index, kind in enumerate(wanted)]

    def drain(self, timeout):
        """Waits until no mail and no change event is due any more (retries scheduled later stay, and are checked
        as such); returns how long it took, or None when it did not within `timeout` seconds."""
        started = time.time()
        deadline = started + timeout
        while time.time() < deadline:
            try:
                # A claim older than a minute belongs to a killed instance: the stale-claim rule retakes it
                # after 5 minutes, which the checks report rather than wait for.
                rows = self.postgres.query("habilis", """
                    SELECT (SELECT count(*) FROM outbox_messages
                            WHERE (status = 'sending' AND claimed_at > now() - interval '60 seconds')
                               OR (status = 'pending' AND next_attempt_at <= now()))
                         + (SELECT count(*) FROM webhook_deliveries
                            WHERE (status = 'sending' AND claimed_at > now() - interval '60 seconds')
                               OR (status = 'pending' AND next_attempt_at <= now()))""")
                if rows[0][0] == "0":
                    return round(time.time() - started, 1)
            except RuntimeError:
                pass
            time.sleep(2)
        say(f"the outbox did not drain in {timeout} s")
        return None


def check(postgres, work, state):
    """The end-of-run checks of a run's folder, from what the run kept of itself."""
    report = checks.verify(
        postgres=postgres, database="habilis", work=work, run_started_db=state["run_started_db"],
        accounts=state["accounts"], faults=state["faults"], refused_recipient=state["refused_recipient"],
        early_acceptances=state["early_acceptances"], watch_samples=state["watch_samples"],
        clock_skew=state["clock_skew"])
    report["faults"] = state["faults"]
    report["fault_errors"] = state["fault_errors"]
    report["sweep_lateness_max_seconds"] = state["sweep_lateness_max_seconds"]
    report["early_acceptances"] = state["early_acceptances"]
    return report


def recheck(work, report_path):
    """Checks again the kept folder of a run (its database is started on its own data)."""
    with open(os.path.join(work, "run.json")) as file:
        kept = json.load(file)
    postgres = Postgres.__new__(Postgres)
    postgres.dir, postgres.port = os.path.join(work, "pg"), free_port()
    postgres.url = f"postgres://postgres@127.0.0.1:{postgres.port}"
    postgres.ctl("start")
    try:
        results = kept["results"]
        results.update(check(postgres, work, kept["state"]))
    finally:
        postgres.ctl("stop", "-m", "fast")
    sys.exit(1 if checks.report(results, report_path or os.path.join(work, "soak-report.json")) else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary")
    parser.add_argument("--root")
    parser.add_argument("--work")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--users", type=int)
    parser.add_argument("--duration", type=int)
    parser.add_argument("--faults", help="comma-separated: kill, postgres, smtp, clock, disk (all by default)")
    parser.add_argument("--restarts", type=int,
                        help="instead of the faults' schedule, this many PostgreSQL restarts spread over the run")
    parser.add_argument("--report")
    parser.add_argument("--recheck", metavar="FOLDER", help="check again the kept folder of a failed run")
    args = parser.parse_args()
    if args.recheck:
        recheck(args.recheck, args.report)
    args.users = args.users or (50 if args.quick else 200)
    args.duration = args.duration or (60 if args.quick else 600)
    args.faults = set((args.faults or ("kill,smtp,postgres,clock,disk")).split(","))
    if args.restarts:
        args.faults = {"postgres"}
    args.bcrypt_cost = 10 if args.quick else 12
    args.due_during_run = 100 if args.quick else 1000
    args.scale = (["--organismes", "40", "--agents", "8000", "--applications", "20", "--requests", "40000",
                   "--rights", "8000", "--pending", "2000"] if args.quick else [])
    bed = Bed(args)
    failed = False
    try:
        results = bed.run()
    except Exception:
        for instance in bed.instances:
            instance.stop()
        try:
            bed.postgres.ctl("stop", "-m", "immediate")
        except Exception:
            pass
        raise
    if "disk" in args.faults:
        import disk_full

        results["sqlite_disk_full"] = disk_full.run(args.binary, args.root, args.work, PASSWORD)
    failed = checks.report(results, args.report or os.path.join(args.work, "soak-report.json"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
