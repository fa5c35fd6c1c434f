"""A real SMTP server for the email tests (aiosmtpd), on loopback.

    python3 smtp_sink.py --dir DIR [--mode accept|refuse|hang] [--cert PEM --key PEM [--implicit]]
                         [--user U --password P]
    python3 smtp_sink.py --parse N.eml      the message as JSON (subject, bodies, attachments)

Prints the port it listens on, then serves until its standard input closes. Each message it
accepts is written to DIR as N.eml (the raw message as received) with N.json beside it (the
envelope: sender, recipients, and whether the session was under TLS and authenticated).

--mode refuse answers every RCPT with 550; --mode hang accepts the connection and never sends
a greeting. With --cert/--key the server offers STARTTLS (and requires it); with --implicit as well it
speaks TLS from the first byte instead (SMTPS). With --user/--password it offers AUTH (only
under TLS) and requires it.
"""

import argparse
import asyncio
import json
import logging
import os
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, folder, mode):
        self.folder = folder
        self.mode = mode
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": session.ssl is not None
            or server.transport.get_extra_info("sslcontext") is not None,
            "authenticated": bool(session.authenticated),
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        # handled=False: aiosmtpd answers a failure with 535 (by default it leaves the reply to
        # the handler, and the client waits forever).
        return AuthResult(success=ok, handled=False)

    return check


def hang(ready):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    ready(listener.getsockname()[1])
    held = []
    while True:
        conn, _ = listener.accept()
        held.append(conn)  # never greet, never close


def parse(path):
    """Print a received message as JSON: subject, the text and HTML bodies, the attachments."""
    import email
    from email import policy

    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    attachments = [
        {
            "name": part.get_filename(),
            "type": part.get_content_type(),
            "content": part.get_content()
            if isinstance(part.get_content(), str)
            else part.get_content().decode("utf-8", "replace"),
        }
        for part in message.iter_attachments()
    ]
    print(
        json.dumps(
            {
                "subject": str(message["subject"]),
                "from": str(message["from"]),
                "to": str(message["to"]),
                "content_type": message.get_content_type(),
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None,
                "attachments": attachments,
            }
        )
    )


def main():
    # AUTH without STARTTLS under SMTPS makes aiosmtpd warn; session errors are still logged.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    if len(sys.argv) == 3 and sys.argv[1] == "--parse":
        parse(sys.argv[2])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", default="accept")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    def ready(port):
        print(port, flush=True)

    if args.mode == "hang":
        threading.Thread(target=hang, args=(ready,), daemon=True).start()
    else:
        kwargs = {}
        if args.cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.cert, args.key)
            if args.implicit:
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if args.user:
            kwargs["authenticator"] = authenticator(args.user, args.password)
            kwargs["auth_required"] = True
            # aiosmtpd counts only STARTTLS as TLS; under SMTPS every byte is already encrypted.
            kwargs["auth_require_tls"] = not args.implicit
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        controller = Controller(
            Saver(args.dir, args.mode), hostname="127.0.0.1", port=port, **kwargs
        )
        controller.start()
        ready(port)
    sys.stdin.read()


if __name__ == "__main__":
    main()
