"""A real SMTP server for the tests (aiosmtpd): stores messages in a Maildir, can refuse the first N with 451 and
one recipient for good with 550, and offers STARTTLS when given a certificate. Prints "PORT <n>" once listening; stops when its standard input
closes (the test ended or died), which works even behind interpreter shims that swallow signals."""
import argparse
import mailbox
import socket
import ssl
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, fail_first, refused_recipient):
        self.box = mailbox.Maildir(directory, create=True)
        self.fail_first = fail_first
        self.refused_recipient = refused_recipient

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused_recipient:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_first > 0:
            self.fail_first -= 1
            return "451 4.3.0 Try again later"
        self.box.add(envelope.original_content or envelope.content)
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--refuse-recipient")
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
        Sink(args.dir, args.fail_first, args.refuse_recipient), hostname="127.0.0.1", port=port, tls_context=tls,
        require_starttls=tls is not None)
    controller.start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
