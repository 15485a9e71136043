"""The soak's mail relay: a real SMTP server (aiosmtpd) offering STARTTLS with the test bed's certificate, whose
behaviour the fault schedule changes while it runs — down, 451 for everyone, 550 for one recipient, slow — and
which writes one JSON line per message it accepts (Message-ID, recipient, time), so that the end of the run can
count every mail the portal delivered."""
import email
import json
import ssl
import threading
import time

from aiosmtpd.controller import Controller


class Relay:
    def __init__(self, port, certificate, key, log_path):
        self.port = port
        self.mode = "ok"  # ok | busy (451) | slow
        self.refused_recipient = None
        self.slow_seconds = 10
        self.log = open(log_path, "a", buffering=1)
        self.lock = threading.Lock()
        self.refusals = {"451": 0, "550": 0}
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(certificate, key)
        self.controller = None
        self.tls = tls

    def start(self):
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, tls_context=self.tls, require_starttls=True,
            ready_timeout=10)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "busy":
            self.refusals["451"] += 1
            return "451 4.3.2 System not accepting messages, try later"
        if address == self.refused_recipient:
            self.refusals["550"] += 1
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "slow":
            import asyncio

            await asyncio.sleep(self.slow_seconds)
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.log.write(json.dumps({
                "message_id": (message.get("Message-ID") or "").strip("<> "),
                "to": envelope.rcpt_tos[0] if envelope.rcpt_tos else None,
                "subject": str(email.header.make_header(email.header.decode_header(message.get("Subject", "")))),
                "at": time.time(),
            }) + "\n")
        return "250 2.0.0 OK"
