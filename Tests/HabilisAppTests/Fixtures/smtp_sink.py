"""A real SMTP server for the tests (aiosmtpd): stores messages in a Maildir, can refuse the first N with 451,
and offers STARTTLS when given a certificate. Prints "PORT <n>" once listening; stops when its standard input
closes (the test ended or died), which works even behind interpreter shims that swallow signals."""
import argparse
import mailbox
import socket
import ssl
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, fail_first):
        self.box = mailbox.Maildir(directory, create=True)
        self.fail_first = fail_first

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
        Sink(args.dir, args.fail_first), hostname="127.0.0.1", port=port, tls_context=tls,
        require_starttls=tls is not None)
    controller.start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
