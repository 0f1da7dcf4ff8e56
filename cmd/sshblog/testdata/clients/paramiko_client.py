"""paramiko_client.py drives sshblog with paramiko, for clients_test.go.

  paramiko_client.py version
  paramiko_client.py exec HOST PORT COMMAND...  stdout and stderr as they come,
                                               exits with the remote status
  paramiko_client.py pty HOST PORT TITLE       xterm-256color 80x24: waits for
                                               TITLE, types q, writes what it
                                               read, exits with the status
"""
import re
import socket
import sys
import time

import paramiko

TIMEOUT = 15  # seconds; the test kills the process at 20

# ESCAPES are the terminal's control sequences (CSI, OSC, two-byte ESC),
# removed before looking for the title: styles split it up.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def text(raw):
    return ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def connect(host, port):
    # SSHClient.connect (with AutoAddPolicy) tries only keys and passwords
    # before paramiko 3.2's auth_strategy; sshblog asks for none, so this
    # uses the Transport, which takes any host key without asking.
    sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
    transport = paramiko.Transport(sock)
    transport.start_client(timeout=TIMEOUT)
    transport.auth_none("reader")
    return transport


def run(host, port, command):
    transport = connect(host, port)
    channel = transport.open_session(timeout=TIMEOUT)
    channel.settimeout(TIMEOUT)
    channel.exec_command(command)
    out = channel.makefile("rb").read()
    err = channel.makefile_stderr("rb").read()
    sys.stdout.buffer.write(out)
    sys.stderr.buffer.write(err)
    status = channel.recv_exit_status()
    transport.close()
    return status


def pty(host, port, title):
    transport = connect(host, port)
    channel = transport.open_session(timeout=TIMEOUT)
    channel.settimeout(TIMEOUT)
    channel.get_pty(term="xterm-256color", width=80, height=24)
    channel.invoke_shell()
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    while title not in text(seen):
        if time.monotonic() > deadline:
            sys.stdout.buffer.write(seen)
            print("\ntimed out waiting for the title", file=sys.stderr)
            return 124
        data = channel.recv(65536)
        if not data:
            sys.stdout.buffer.write(seen)
            print("\nthe session ended before the title", file=sys.stderr)
            return 125
        seen += data
    channel.sendall(b"q")
    while True:
        data = channel.recv(65536)
        if not data:
            break
        seen += data
    sys.stdout.buffer.write(seen)
    status = channel.recv_exit_status()
    transport.close()
    return status


def main(args):
    if args[0] == "version":
        print("paramiko", paramiko.__version__)
        return 0
    if args[0] == "exec":
        return run(args[1], args[2], " ".join(args[3:]))
    if args[0] == "pty":
        return pty(args[1], args[2], args[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
