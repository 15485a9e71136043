"""A real SMTP server for the tests (aiosmtpd): stores messages in a Maildir, can refuse the first N with 451 and
one recipient for good with 550, take its time over each message (the first waiting for company if asked), close each
connection after a number of messages, and offers STARTTLS when
given a certificate. Writes a line per message received to `received.log` (the client's port, so one line per
connection used, the most messages it held at once, the recipient, the Message-ID). Prints "PORT <n>" once listening; stops when its
standard input closes (the test ended or died), which works even behind interpreter shims that swallow signals."""
import argparse
import asyncio
import email
import mailbox
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, fail_first, refused_recipient, delay, close_after, company_wait=0):
        self.box = mailbox.Maildir(directory, create=True)
        self.log = os.path.join(directory, "received.log")
        self.fail_first = fail_first
        self.refused_recipient = refused_recipient
        self.delay = delay
        self.close_after = close_after
        self.company_wait = company_wait
        self.per_connection = {}
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused_recipient:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_first > 0:
            self.fail_first -= 1
            return "451 4.3.0 Try again later"
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            # The first message waits for a second one alongside: a client that sends over several connections
            # at once is seen doing so even when a loaded machine is slow to start them.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.company_wait
            self.company_wait = 0
            while self.most_in_flight < 2 and loop.time() < deadline:
                await asyncio.sleep(0.01)
        finally:
            self.in_flight -= 1
        self.box.add(envelope.original_content or envelope.content)
        message_id = email.message_from_bytes(envelope.original_content or envelope.content)["Message-ID"] or "-"
        with open(self.log, "a") as log:
            log.write(f"{session.peer[1]} {self.most_in_flight} {','.join(envelope.rcpt_tos)} {message_id.strip('<>')}\n")
        count = self.per_connection.get(session.peer, 0) + 1
        self.per_connection[session.peer] = count
        if self.close_after and count >= self.close_after:
            # As a relay that drops a connection (its limit, a restart): after this reply, without a word.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--refuse-recipient")
    parser.add_argument("--delay", type=float, default=0, help="seconds spent on each message")
    parser.add_argument("--close-after", type=int, default=0, help="messages after which a connection is dropped")
    parser.add_argument("--company-wait", type=float, default=0,
                        help="seconds the first message waits for a second one to be held at once")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    controller = Controller(
        Sink(args.dir, args.fail_first, args.refuse_recipient, args.delay, args.close_after, args.company_wait),
        hostname="127.0.0.1",
        port=port, tls_context=tls, require_starttls=tls is not None)
    controller.start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
