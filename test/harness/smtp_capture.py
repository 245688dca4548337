"""aiosmtpd handler for the tests: each message received is written as one JSON file (envelope, subject, text and
HTML parts and text attachments decoded) into the directory given on the command line. A recipient starting with "bounce" is refused
permanently (550) and one starting with "busy" temporarily (451), so the sender's reading of SMTP replies is tested.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_capture.CaptureHandler OUT_DIR   (PYTHONPATH=test/harness)
"""
import email
import json
import os
from email import policy


class CaptureHandler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error('CaptureHandler needs the output directory')
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith('bounce'):
            return '550 5.1.1 <%s>: Recipient address rejected: User unknown' % address
        if address.startswith('busy'):
            return '451 4.3.0 <%s>: Temporary lookup failure' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(('plain',))
        html = message.get_body(('html',))
        record = {
            'mailFrom': envelope.mail_from,
            'rcptTos': envelope.rcpt_tos,
            'from': str(message['from']),
            'to': str(message['to']),
            'subject': str(message['subject']),
            'text': text.get_content() if text is not None else None,
            'html': html.get_content() if html is not None else None,
            'attachments': [
                {'filename': part.get_filename(), 'contentType': part.get_content_type(), 'content': part.get_content()}
                for part in message.iter_attachments()
            ],
        }
        self.count += 1
        path = os.path.join(self.out_dir, '%04d.json' % self.count)
        with open(path + '.tmp', 'w', encoding='utf-8') as out:
            json.dump(record, out)
        os.rename(path + '.tmp', path)
        return '250 2.0.0 Ok: queued as test-%d' % self.count


def _serve():
    """With STARTTLS (or, with --implicit-tls, TLS from the first byte as on port 465) and AUTH, which the aiosmtpd
    command line cannot switch on:
    python3 smtp_capture.py --listen 127.0.0.1:PORT --out DIR --tls-cert C --tls-key K --login USER --password PW [--implicit-tls]
    """
    import argparse
    import signal
    import ssl
    import threading

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    parser = argparse.ArgumentParser()
    parser.add_argument('--listen', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--tls-cert', required=True)
    parser.add_argument('--tls-key', required=True)
    parser.add_argument('--login', required=True)
    parser.add_argument('--password', required=True)
    parser.add_argument('--implicit-tls', action='store_true')
    args = parser.parse_args()
    host, port = args.listen.rsplit(':', 1)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == args.login.encode() and auth_data.password == args.password.encode()
        # handled=False: aiosmtpd then answers 535 itself (its default, True, would leave the client waiting).
        return AuthResult(success=ok, handled=False)

    if args.implicit_tls:
        # The whole session is TLS already: no STARTTLS to require before AUTH.
        controller = Controller(
            CaptureHandler(args.out), hostname=host, port=int(port),
            ssl_context=context, authenticator=authenticate, auth_required=True, auth_require_tls=False,
        )
    else:
        controller = Controller(
            CaptureHandler(args.out), hostname=host, port=int(port),
            tls_context=context, require_starttls=True, authenticator=authenticate, auth_required=True,
        )
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    _serve()
