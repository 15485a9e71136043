"""A form sent several times at once, over real HTTP and, on PostgreSQL, through both instances, as two tabs behind
a load balancer would send it: every answer is what one sending gives, and the database holds one sending's
writes. Posting every form twice at once this way once found three that answered 500 on PostgreSQL."""
import os
import re
import threading

from portal import AGENT, PASSWORD, Visitor

URLS = os.environ["HABILIS_URLS"].split(",")
PAGE = "/mes-informations/abonnements"


def test_the_subscriptions_form_sent_four_times_at_once_saves_once():
    agent = Visitor(URLS[0], source="127.0.0.31")
    assert agent.password_step(AGENT, PASSWORD).status == 303
    form = agent.get(PAGE).body
    newsletters = re.findall(r'name="lettres\[\]" value="([^"]+)"', form)
    assert len(newsletters) >= 3, form[:500]
    token = agent.csrf_token(PAGE)
    for ticked in [newsletters, newsletters[:2], newsletters[-1:]]:
        answers = [None] * 4

        def send(index):
            copy = Visitor(URLS[index % len(URLS)], source="127.0.0.31")
            copy.cookies = dict(agent.cookies)
            fields = [("_csrf", token)] + [("lettres[]", newsletter) for newsletter in ticked]
            answers[index] = copy.request("POST", PAGE, fields)

        threads = [threading.Thread(target=send, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [answer.status for answer in answers] == [303] * 4, [(a.status, a.body[:300]) for a in answers]
        page = agent.get(PAGE).body
        checked = re.findall(r'name="lettres\[\]" value="([^"]+)"[^>]*checked', page)
        assert sorted(checked) == sorted(ticked)
