"""The attack scenario of scripts/bench (issue 20): 40 parallel attackers from one source loop wrong passwords on the
password step for 15 s — half on a real agent's address, to lock its owner out, half on addresses sprayed across the
federation — while that agent signs in from another source once a second, and a signed-in agent reads the catalogue.
Prints the figures as JSON on its last line.
Usage: bench-attack.py BASE_URL AGENT_SESSION_COOKIE"""
import json
import pathlib
import statistics
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Tests" / "BlackBox"))
from portal import AGENT, PASSWORD, Visitor  # noqa: E402

ATTACKERS, DURATION, ATTACKER_SOURCE = 40, 15.0, "127.0.0.50"
base, agent_cookie = sys.argv[1], sys.argv[2]


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def sign_in_once(source):
    """One legitimate sign-in from `source`: the form is fetched first; the password step is what is timed."""
    owner = Visitor(base, source=source)
    token = owner.csrf_token("/connexion")
    answer, seconds = timed(lambda: owner.password_step(AGENT, PASSWORD, token))
    return answer.status == 303 and owner.session_cookie() is not None, seconds


def catalogue_latencies(stop, into):
    reader = Visitor(base, source="127.0.0.3")
    name, _, value = agent_cookie.partition("=")
    reader.cookies[name] = value
    while not stop.is_set():
        answer, seconds = timed(lambda: reader.get("/"))
        into.append(seconds if answer.status == 200 else float("inf"))


def attack(index, stop, answers):
    attacker = Visitor(base, source=ATTACKER_SOURCE)
    token = attacker.csrf_token("/connexion")
    attempt = 0
    while not stop.is_set():
        email = AGENT if index % 2 == 0 else f"agent{index}-{attempt}@scale-{attempt % 300}.fr"
        answer = attacker.password_step(email, f"mauvais-{attempt}", token)
        message = answer.field_error("password") or ""
        answers.append("overloaded" if answer.status == 503 else "refused" if "incorrect" in message
                       else "held" if message.startswith("Trop de tentatives") else f"other {answer.status}")
        attempt += 1


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


quiet_catalogue = []
stop = threading.Event()
reader = threading.Thread(target=catalogue_latencies, args=(stop, quiet_catalogue))
reader.start()
quiet_sign_ins = [sign_in_once("127.0.0.2") for _ in range(5)]
stop.set()
reader.join()

answers, attack_catalogue, sign_ins = [], [], []
stop = threading.Event()
threads = [threading.Thread(target=attack, args=(i, stop, answers)) for i in range(ATTACKERS)]
threads.append(threading.Thread(target=catalogue_latencies, args=(stop, attack_catalogue)))
started = time.monotonic()
for thread in threads:
    thread.start()
time.sleep(1)  # the attackers' hashes fill the queue first
while time.monotonic() - started < DURATION:
    sign_ins.append(sign_in_once("127.0.0.2"))
    time.sleep(0.5)
stop.set()
for thread in threads:
    thread.join()

attack_seconds = [seconds for _, seconds in sign_ins]
result = {
    "attackers": ATTACKERS, "seconds": DURATION,
    "attacker_requests_per_second": round(len(answers) / DURATION, 1),
    "attacker_answers": {kind: answers.count(kind) for kind in sorted(set(answers))},
    "sign_in_quiet_seconds_median": round(statistics.median(s for _, s in quiet_sign_ins), 3),
    "sign_in_under_attack_seconds_max": round(max(attack_seconds), 3),
    "sign_in_under_attack_seconds_median": round(statistics.median(attack_seconds), 3),
    "sign_ins_under_attack": len(sign_ins),
    "sign_ins_under_attack_succeeded": sum(1 for ok, _ in sign_ins if ok),
    "catalogue_quiet_p99_ms": round(1000 * percentile(quiet_catalogue, 0.99), 1),
    "catalogue_under_attack_p50_ms": round(1000 * percentile(attack_catalogue, 0.5), 1),
    "catalogue_under_attack_p99_ms": round(1000 * percentile(attack_catalogue, 0.99), 1),
}
print(json.dumps(result))
