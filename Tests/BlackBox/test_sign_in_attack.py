"""Issue 20 against the built binary: parallel attempts on the sign-in and on the code step, sent at the same
instant from loopback source addresses of their own and spread over every running instance (two on one PostgreSQL),
check no more than the budgets allow; the owner from another source still signs in."""
import os
import random
import threading

from portal import AGENT, CORRESPONDENT, PASSWORD, Visitor, set_up_second_factor, totp

URLS = os.environ["HABILIS_URLS"].split(",")
REFUSED = "Identifiant ou mot de passe incorrect."
HELD_HERE = "Trop de tentatives de connexion à ce compte depuis votre poste."
WRONG_CODE = "Ce code n’est pas valide."
CODES_THROTTLED = "Trop de codes erronés."


def at_once(attempts):
    """Runs every attempt in a thread of its own, all released together once each has fetched its form."""
    barrier = threading.Barrier(len(attempts))
    answers = [None] * len(attempts)

    def run(index, prepare, send):
        state = prepare()
        barrier.wait()
        answers[index] = send(state)

    threads = [threading.Thread(target=run, args=(i, *attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def kind_of_password_answer(visitor, answer):
    if answer.status == 303 and visitor.session_cookie():
        return "signed in"
    if answer.status == 503 and answer.headers.get("retry-after") == "5":
        return "overloaded"
    message = answer.field_error("password") or ""
    if message == REFUSED:
        return "refused"
    if message.startswith(HELD_HERE):
        return "held"
    return f"unexpected {answer.status} {message!r}"


def test_100_parallel_passwords_check_at_most_10_and_the_owner_still_signs_in():
    right = random.randrange(100)
    attempts = []
    for index in range(100):
        visitor = Visitor(URLS[index % len(URLS)], source="127.0.0.11")
        password = PASSWORD if index == right else f"mauvais-{index}"
        attempts.append((lambda v=visitor: v.csrf_token("/connexion"),
                         lambda token, v=visitor, p=password: (v, v.password_step(AGENT, p, token))))
    kinds = [kind_of_password_answer(visitor, answer) for visitor, answer in at_once(attempts)]

    assert not [k for k in kinds if k.startswith("unexpected")], kinds
    checked = kinds.count("refused") + kinds.count("signed in")
    assert 1 <= checked <= 10, kinds
    assert kinds.count("held") >= 90 - kinds.count("overloaded"), kinds
    if len(URLS) > 1:
        # Every instance held some: the counters are the database's, not one server's.
        per_instance = [[k for i, k in enumerate(kinds) if i % len(URLS) == n] for n in range(len(URLS))]
        assert all("held" in answers for answers in per_instance), per_instance

    # The source is now held on this account, even with the right password, on every instance: unless the right
    # password was among the checked ones (one chance in ten), whose success forgot this source's failures, as
    # smart lock-out does; then the right password still passes.
    expected = "signed in" if "signed in" in kinds else "held"
    for url in URLS:
        held = Visitor(url, source="127.0.0.11")
        assert kind_of_password_answer(held, held.password_step(AGENT, PASSWORD)) == expected, kinds
    # Its owner, from an address that never failed, signs in at once on every instance.
    for url in URLS:
        owner = Visitor(url, source="127.0.0.12")
        assert kind_of_password_answer(owner, owner.password_step(AGENT, PASSWORD)) == "signed in"
        assert owner.get("/").status == 200


def test_60_parallel_codes_on_one_challenge_check_at_most_5():
    holder = Visitor(URLS[0], source="127.0.0.13")
    assert kind_of_password_answer(holder, holder.password_step(CORRESPONDENT, PASSWORD)) == "signed in"
    key = set_up_second_factor(holder)

    attacker = Visitor(URLS[0], source="127.0.0.14")
    opened = attacker.password_step(CORRESPONDENT, PASSWORD)
    assert opened.status == 303 and opened.location == "/connexion/code"
    token = attacker.csrf_token("/connexion/code")
    valid = {totp(key, steps) for steps in (-1, 0, 1)}
    wrong = [code for code in (f"{random.randrange(10**6):06d}" for _ in range(80)) if code not in valid][:60]

    attempts = []
    for index, code in enumerate(wrong):
        visitor = Visitor(URLS[index % len(URLS)], source="127.0.0.14")
        visitor.cookies = dict(attacker.cookies)
        attempts.append((lambda: None,
                         lambda _, v=visitor, c=code: v.request(
                             "POST", "/connexion/code", [("_csrf", token), ("code", c)])))
    answers = at_once(attempts)

    def kind(answer):
        if answer.status == 303 and answer.location == "/connexion?message=code-expire":
            return "start again"
        message = answer.field_error("code") or ""
        if message.startswith(WRONG_CODE):
            return "wrong"
        if message.startswith(CODES_THROTTLED):
            return "throttled"
        return f"unexpected {answer.status} {message!r}"

    kinds = [kind(answer) for answer in answers]
    assert not [k for k in kinds if k.startswith("unexpected")], kinds
    assert 1 <= kinds.count("wrong") <= 5, kinds
    # The challenge is spent: even the right code now sends back to the password, without a session.
    after = Visitor(URLS[-1], source="127.0.0.14")
    after.cookies = dict(attacker.cookies)
    spent = after.request("POST", "/connexion/code", [("_csrf", token), ("code", totp(key))])
    assert spent.status == 303 and spent.location == "/connexion?message=code-expire"
    assert after.session_cookie() is None
