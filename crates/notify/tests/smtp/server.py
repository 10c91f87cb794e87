"""A real SMTP server for the tests of subsidie: aiosmtpd on 127.0.0.1.

Started by `subsidie_notify::testing::smtpd` (feature `testing`); not part of the
engine. Options:

  --maildir DIR        every accepted message is written to DIR/<n>.json
                       ({"mail_from", "rcpt_to", "data", "tls", "login"})
  --cert F --key F     offer STARTTLS with this certificate and require it before MAIL
  --auth USER:PASS     require AUTH (PLAIN or LOGIN) with these credentials
  --reject ADDR        answer 550 to RCPT TO:<ADDR> (repeatable)
  --defer ADDR:N       answer 451 to RCPT TO:<ADDR> the first N times (repeatable)

Prints "PORT <n>" on standard output once it listens, then runs until killed.
"""

import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir, rejected, deferred):
        self.maildir = maildir
        self.rejected = rejected
        self.deferred = deferred
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        if address in self.rejected:
            return "550 5.1.1 <%s>: mailbox unavailable, no such user" % address
        if self.deferred.get(address, 0) > 0:
            self.deferred[address] -= 1
            return "451 4.3.0 <%s>: mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        data = envelope.original_content.decode("utf-8", "replace")
        data = data.replace("\r\n", "\n").replace("\n", "\r\n")
        login = session.auth_data if session.authenticated else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_to": envelope.rcpt_tos,
            "data": data,
            "tls": session.ssl is not None,
            "login": login,
        }
        name = os.path.join(self.maildir, "%06d.json" % self.count)
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(name + ".tmp", name)
        return "250 OK queued as %06d" % self.count


def authenticator(expected):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == expected
        )
        # What the session keeps as `auth_data`: the user, for the test to check.
        return AuthResult(success=ok, auth_data=auth_data.login.decode() if ok else None)

    return check


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--defer", action="append", default=[])
    args = parser.parse_args()

    deferred = {}
    for item in args.defer:
        address, times = item.rsplit(":", 1)
        deferred[address.lower()] = int(times)
    handler = Handler(args.maildir, {a.lower() for a in args.reject}, deferred)

    tls_context = None
    if args.cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)
    credentials = tuple(args.auth.split(":", 1)) if args.auth else None

    def factory():
        return SMTP(
            handler,
            hostname="smtpd.subsidie.test",
            decode_data=False,
            tls_context=tls_context,
            require_starttls=tls_context is not None,
            authenticator=authenticator(credentials) if credentials else None,
            auth_required=credentials is not None,
            auth_require_tls=tls_context is not None,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
