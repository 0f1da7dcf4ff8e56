"""asyncssh_client.py drives sshblog with asyncssh, for clients_test.go.

  asyncssh_client.py version
  asyncssh_client.py exec HOST PORT COMMAND...  stdout and stderr as they come,
                                               exits with the remote status
  asyncssh_client.py pty HOST PORT TITLE       xterm-256color 80x24: waits for
                                               TITLE, types q, writes what it
                                               read, exits with the status
"""
import asyncio
import re
import sys

import asyncssh

TIMEOUT = 15  # seconds; the test kills the process at 20

# ESCAPES are the terminal's control sequences (CSI, OSC, two-byte ESC),
# removed before looking for the title: styles split it up.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def text(raw):
    return ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def connect(host, port):
    # known_hosts=None: any host key, no prompt. No keys, no agent: sshblog
    # asks for no authentication.
    return asyncssh.connect(host, int(port), username="reader", known_hosts=None,
                            client_keys=None, agent_path=None, password=None,
                            connect_timeout=TIMEOUT)


async def run(host, port, command):
    async with connect(host, port) as conn:
        result = await conn.run(command, encoding=None, timeout=TIMEOUT)
        sys.stdout.buffer.write(result.stdout)
        sys.stderr.buffer.write(result.stderr)
        return result.exit_status


async def pty(host, port, title):
    async with connect(host, port) as conn:
        process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24),
                                            encoding=None)
        seen = b""
        try:
            while title not in text(seen):
                data = await asyncio.wait_for(process.stdout.read(65536), TIMEOUT)
                if not data:
                    sys.stdout.buffer.write(seen)
                    print("\nthe session ended before the title", file=sys.stderr)
                    return 125
                seen += data
        except asyncio.TimeoutError:
            sys.stdout.buffer.write(seen)
            print("\ntimed out waiting for the title", file=sys.stderr)
            return 124
        process.stdin.write(b"q")
        seen += await asyncio.wait_for(process.stdout.read(), TIMEOUT)
        await asyncio.wait_for(process.wait_closed(), TIMEOUT)
        sys.stdout.buffer.write(seen)
        return process.exit_status


def main(args):
    if args[0] == "version":
        print("asyncssh", asyncssh.__version__)
        return 0
    if args[0] == "exec":
        return asyncio.run(run(args[1], args[2], " ".join(args[3:])))
    if args[0] == "pty":
        return asyncio.run(pty(args[1], args[2], args[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
