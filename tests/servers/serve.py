#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Real file servers on 127.0.0.1 for onemo-firmware's tests: HTTP, HTTPS, FTP, FTPS.

serve.py --kind http|https|ftp|ftps --root DIR [--user U --password P]
         [--cert FILE --key FILE] [--cert-out FILE] [--drip-interval SECONDS]

Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout once listening, and serves DIR
until killed or until its stdin reaches end-of-file (so a crashed test leaves no server behind).
Without --cert, HTTPS and FTPS use a fresh self-signed certificate for CN=127.0.0.1;
--cert-out copies the certificate served (PEM) to FILE, for clients that verify it.

HTTP paths take prefixes, which compose (e.g. /redirect/slow/pkg.bin):
  /redirect/REST  302 to /REST
  /to/URL         302 to URL, percent-decoded (any scheme: for clients that must refuse some)
  /chunked/REST   no Content-Length (chunked), Range ignored: the total is unknown
  /norange/REST   Range ignored: always 200 with the whole file
  /slow/REST      throttled to about 400 KB/s, for cancelling mid-transfer
  /drip/REST      one byte every --drip-interval seconds (0.5): a server that never quite stops,
                  for the clients' low-speed and overall time limits
With --user, HTTP asks for Basic authentication.

FTPS is explicit TLS (AUTH TLS on the control port, PROT P for data), the only kind
pyftpdlib offers; see docs/package-format.md for how the simulator maps ftps:// URLs.
"""

import argparse
import base64
import datetime
import http.server
import logging
import os
import shutil
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse

SLOW_CHUNK = 4096
SLOW_PAUSE = 0.01
DRIP_INTERVAL = 0.5
DRIP_PAUSE = DRIP_INTERVAL  # --drip-interval


def make_self_signed(directory):
    """Writes cert.pem and key.pem for CN=127.0.0.1 into directory; returns their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


class FileHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "onemo-test-http"
    root = "."
    credentials = None  # "user:password" when authentication is required

    def log_message(self, fmt, *args):
        pass  # keep test logs quiet

    def do_HEAD(self):
        self.serve(send_body=False)

    def do_GET(self):
        self.serve(send_body=True)

    def authorized(self):
        if self.credentials is None:
            return True
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            given = base64.b64decode(header[6:]).decode("utf-8")
        except ValueError:
            return False
        return given == self.credentials

    def reply_empty(self, code, extra=()):
        self.send_response(code)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def serve(self, send_body):
        path = self.path.split("?", 1)[0]
        if not self.authorized():
            self.reply_empty(401, [("WWW-Authenticate", 'Basic realm="onemo"')])
            return
        if path.startswith("/to/"):
            target = urllib.parse.unquote(path[len("/to/"):])
            self.reply_empty(302, [("Location", target)])
            return
        if path.startswith("/redirect/"):
            self.reply_empty(302, [("Location", path[len("/redirect"):])])
            return
        chunked = norange = slow = drip = False
        while True:
            if path.startswith("/chunked/"):
                chunked, path = True, path[len("/chunked"):]
            elif path.startswith("/norange/"):
                norange, path = True, path[len("/norange"):]
            elif path.startswith("/slow/"):
                slow, path = True, path[len("/slow"):]
            elif path.startswith("/drip/"):
                drip, path = True, path[len("/drip"):]
            else:
                break
        local = self.resolve(path)
        if local is None:
            self.reply_empty(404)
            return
        with open(local, "rb") as f:
            data = f.read()
        self.send_file(data, send_body, chunked, norange or chunked, "drip" if drip else slow)

    def resolve(self, path):
        root = os.path.realpath(self.root)
        local = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if not local.startswith(root + os.sep) or not os.path.isfile(local):
            return None
        return local

    def requested_range(self, size):
        """(start, end) inclusive for a satisfiable "bytes=N-[M]", None for no range, or False."""
        header = self.headers.get("Range")
        if not header or not header.startswith("bytes="):
            return None
        first, _, last = header[len("bytes="):].partition("-")
        try:
            start = int(first)
            end = int(last) if last else size - 1
        except ValueError:
            return None
        if start >= size or end < start:
            return False
        return start, min(end, size - 1)

    def send_file(self, data, send_body, chunked, ignore_range, slow):
        size = len(data)
        wanted = None if ignore_range else self.requested_range(size)
        if wanted is False:
            self.reply_empty(416, [("Content-Range", "bytes */%d" % size)])
            return
        if wanted is None:
            self.send_response(200)
        else:
            start, end = wanted
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
            data = data[start : end + 1]
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "none" if ignore_range else "bytes")
        self.send_header("Connection", "close")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.close_connection = True
        if not send_body:
            return
        try:
            self.write_body(data, chunked, slow)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client went away: fine, that is what cancel tests do

    def write_body(self, data, chunked, slow):
        step = 1 if slow == "drip" else SLOW_CHUNK if slow else 65536
        pause = DRIP_PAUSE if slow == "drip" else SLOW_PAUSE
        for offset in range(0, len(data), step):
            piece = data[offset : offset + step]
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
            self.wfile.flush()
            if slow:
                time.sleep(pause)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()


def start_http(args, cert):
    handler = type("Handler", (FileHandler,), {})
    handler.root = args.root
    if args.user is not None:
        handler.credentials = "%s:%s" % (args.user, args.password or "")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert[0], cert[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    return server.server_address[1], server.serve_forever


def tls_data_handler():
    from pyftpdlib.handlers import TLS_DTPHandler

    class DataHandler(TLS_DTPHandler):
        # pyftpdlib 1.5.7 drops a data connection whose TLS handshake starts before the
        # transfer command, as curl's does (pyftpdlib issue 604, fixed upstream later).
        def readable(self):
            return self._ssl_accepting or super().readable()

    return DataHandler


def start_ftp(args, cert):
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    authorizer = DummyAuthorizer()
    if args.user is not None:
        authorizer.add_user(args.user, args.password or "", args.root, perm="elr")
    else:
        authorizer.add_anonymous(args.root, perm="elr")
    base = TLS_FTPHandler if cert is not None else FTPHandler
    handler = type("Handler", (base,), {})
    if cert is not None:
        handler.dtp_handler = tls_data_handler()
    handler.authorizer = authorizer
    handler.banner = "onemo-test-ftp ready"
    if cert is not None:
        handler.certfile, handler.keyfile = cert
        handler.tls_control_required = True
        handler.tls_data_required = True
        handler.ssl_context = None
        handler.get_ssl_context()  # load now: the certificate files go away before serving
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    return server.address[1], lambda: server.serve_forever(handle_exit=False)


def exit_on_stdin_eof():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", required=True, choices=["http", "https", "ftp", "ftps"])
    parser.add_argument("--root", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--cert-out")
    parser.add_argument("--drip-interval", type=float, default=DRIP_INTERVAL,
                        help="seconds between two bytes of a /drip/ reply")
    args = parser.parse_args()
    global DRIP_PAUSE
    DRIP_PAUSE = args.drip_interval
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    if not os.path.isdir(args.root):
        parser.error("--root %s is not a directory" % args.root)

    cert = None
    scratch = None
    if args.kind in ("https", "ftps"):
        if args.cert:
            cert = (args.cert, args.key or args.cert)
        else:
            scratch = tempfile.mkdtemp(prefix="onemo-test-cert-")
            cert = make_self_signed(scratch)
        if args.cert_out:
            shutil.copyfile(cert[0], args.cert_out)
    try:
        starter = start_http if args.kind in ("http", "https") else start_ftp
        port, serve_forever = starter(args, cert)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print("PORT %d" % port, flush=True)
    serve_forever()


if __name__ == "__main__":
    main()
