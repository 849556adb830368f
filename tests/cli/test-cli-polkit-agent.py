#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""onemo-fwctl asks for a password on a text console, with Debian's real polkitd.

The test runs itself in a mount namespace of its own (unshare, as root), where:
- the private bus listens on /run/dbus/system_bus_socket (a tmpfs), so it is the system bus for
  everyone, also for the setuid polkit-agent-helper-1, which ignores DBUS_SYSTEM_BUS_ADDRESS;
- /etc/passwd, /etc/shadow and /etc/group are copies naming a test user with a known password,
  and polkit's rules name that user the administrator;
- polkit's actions are the system's plus this build's org.onemo.Firmware.policy.
Nothing outside the namespace changes, and it all goes when the test ends.

The test user runs `onemo-fwctl add-port` (org.onemo.Firmware.manage-ports: auth_admin) under a
pty: onemo-fwctl starts pkttyagent, which prompts; the right password adds the module, a wrong
one is refused (exit 10). With --no-ask-password, or with standard input not a terminal, nothing
prompts and polkit refuses at once. No agent outlives onemo-fwctl.
"""

import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_harness  # noqa: E402
from cli_harness import harness  # noqa: E402

USER = 'onemo-fwtest'
PASSWORD = 'Firmware-Test-7'
SYSTEM_SOCKET = '/run/dbus/system_bus_socket'
POLKITD_PATHS = ['/usr/lib/polkit-1/polkitd', '/usr/libexec/polkitd', '/usr/lib/polkit/polkitd']
HELPER_PATHS = ['/usr/lib/polkit-1/polkit-agent-helper-1',
                '/usr/libexec/polkit-agent-helper-1']
ACTIONS_DIR = '/usr/share/polkit-1/actions'
RULES_DIR = '/etc/polkit-1/rules.d'
IN_NAMESPACE = 'ONEMO_TEST_IN_MOUNT_NAMESPACE'
# What pkttyagent prints around its prompt.
PROMPT = b'Password:'
BANNER = b'AUTHENTICATING FOR org.onemo.Firmware.manage-ports'
EXIT_PERMISSION_DENIED = 10

USER_UID = None


def first_existing(paths):
    return next((p for p in paths if os.path.exists(p)), None)


def free_uid(passwd_text):
    taken = {int(line.split(':')[2]) for line in passwd_text.splitlines() if line.count(':') >= 3}
    uid = 4242
    while uid in taken:
        uid += 1
    return uid


def bind(source, target):
    subprocess.run(['mount', '--bind', source, target], check=True)


def set_up_namespace(policy_file):
    """The mounts described above; runs once, inside the namespace."""
    global USER_UID
    root = tempfile.mkdtemp(prefix='onemo-polkit-ns-')
    os.chmod(root, 0o755)  # polkitd reads its rules and actions here as the polkitd user

    actions = os.path.join(root, 'actions')
    shutil.copytree(ACTIONS_DIR, actions)
    shutil.copy(policy_file, actions)
    bind(actions, ACTIONS_DIR)

    rules = os.path.join(root, 'rules')
    os.mkdir(rules, 0o755)
    with open(os.path.join(rules, '00-onemo-test.rules'), 'w') as f:
        f.write('polkit.addAdminRule(function(action, subject) {\n'
                '    return ["unix-user:%s"];\n});\n' % USER)
    bind(rules, RULES_DIR)

    with open('/etc/passwd') as f:
        USER_UID = free_uid(f.read())
    crypted = subprocess.run(['openssl', 'passwd', '-6', PASSWORD], check=True,
                             capture_output=True, text=True).stdout.strip()
    lines = {
        'passwd': '%s:x:%d:%d::/nonexistent:/bin/sh\n' % (USER, USER_UID, USER_UID),
        'shadow': '%s:%s:19000:0:99999:7:::\n' % (USER, crypted),
        'group': '%s:x:%d:\n' % (USER, USER_UID),
    }
    for name, line in lines.items():
        copy = os.path.join(root, name)
        shutil.copy('/etc/' + name, copy)
        with open(copy, 'a') as f:
            f.write(line)
        bind(copy, '/etc/' + name)

    # dbus-daemon's own folder (made here too where no system bus ever ran).
    os.makedirs(os.path.dirname(SYSTEM_SOCKET), exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs',
                    os.path.dirname(SYSTEM_SOCKET)], check=True)


class PolkitAgentTest(cli_harness.CliTest):

    DAEMON_ARGS = cli_harness.CliTest.DAEMON_ARGS + ['--polkit']
    PRIVATE_SYSTEM_BUS = True
    BUS_LISTEN = 'unix:path=' + SYSTEM_SOCKET

    def setUp(self):
        super().setUp()
        log = open(os.path.join(self.tmpdir, 'polkitd.log'), 'w')
        self.addCleanup(log.close)
        polkitd = subprocess.Popen([first_existing(POLKITD_PATHS)], stdout=log,
                                   stderr=subprocess.STDOUT)
        self.addCleanup(self._stop, polkitd)
        self.addCleanup(self._dump_polkitd_log, log.name)
        self.wait_for(lambda: polkitd.poll() is not None or self.has_owner(harness.POLKIT_NAME),
                      20, 'polkitd did not take its name')
        self.assertIsNone(polkitd.poll(), 'polkitd exited')
        self.sim = self.start_sim('MN316-S-DLVS')

    def _dump_polkitd_log(self, path):
        if self._has_failed() or os.environ.get('ONEMO_TEST_VERBOSE'):
            with open(path) as f:
                sys.stderr.write(f.read())

    def user_env(self):
        return {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'HOME': '/nonexistent',
                'DBUS_SYSTEM_BUS_ADDRESS': self.BUS_LISTEN}

    def fwctl_as_user(self, *args, password=None, stdin_tty=True, timeout=60):
        """onemo-fwctl as the test user on a pty; types @password at the first prompt.
        Returns (exit status, everything the terminal showed)."""
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the user, and run onemo-fwctl
            try:
                if not stdin_tty:
                    null = os.open(os.devnull, os.O_RDONLY)
                    os.dup2(null, 0)
                os.setgroups([])
                os.setgid(USER_UID)
                os.setuid(USER_UID)
                os.execve(cli_harness.FWCTL, [cli_harness.FWCTL] + list(args), self.user_env())
            finally:
                os._exit(127)
        shown, typed = b'', False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child and everything on the pty closed it
                break
            if not chunk:
                break
            shown += chunk
            # Typed once the agent has turned echo off: it flushes what came before.
            if password is not None and not typed and PROMPT in shown:
                self.wait_for(lambda: not termios.tcgetattr(fd)[3] & termios.ECHO, 10,
                              'the agent did not turn echo off')
                os.write(fd, password.encode() + b'\n')
                typed = True
        else:
            os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), shown.decode(errors='replace')

    def user_processes(self):
        """The test user's processes still alive (an agent left behind would be one)."""
        found = []
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                if os.stat('/proc/' + pid).st_uid == USER_UID:
                    with open('/proc/%s/cmdline' % pid, 'rb') as f:
                        found.append(f.read().replace(b'\0', b' ').decode(errors='replace'))
            except OSError:
                pass
        return found

    def test_password_asked_and_accepted(self):
        status, shown = self.fwctl_as_user('add-port', self.sim.link, '--model', 'MN316-S-DLVS',
                                           password=PASSWORD)
        self.assertEqual(status, 0, shown)
        self.assertIn(BANNER.decode(), shown)
        self.assertIn('Authenticating as: ' + USER, shown)
        self.assertNotIn(PASSWORD, shown)
        self.assertIn('/org/onemo/Firmware/Module/0', shown)
        self.assertEqual(len(self.modules()), 1)
        self.assertEqual(self.user_processes(), [])

    def test_wrong_password_refused(self):
        status, shown = self.fwctl_as_user('add-port', self.sim.link, '--model', 'MN316-S-DLVS',
                                           password='not-the-password')
        self.assertEqual(status, EXIT_PERMISSION_DENIED, shown)
        self.assertIn(BANNER.decode(), shown)
        self.assertEqual(self.modules(), {})
        self.assertEqual(self.user_processes(), [])

    def test_no_ask_password(self):
        # Global options go anywhere: after the command too.
        status, shown = self.fwctl_as_user('add-port', self.sim.link, '--model', 'MN316-S-DLVS',
                                           '--no-ask-password', password=PASSWORD, timeout=20)
        self.assertEqual(status, EXIT_PERMISSION_DENIED, shown)
        self.assertNotIn('AUTHENTICATING', shown)
        self.assertIn('org.onemo.Firmware.manage-ports', shown)
        self.assertEqual(self.modules(), {})

    def test_stdin_not_a_terminal(self):
        status, shown = self.fwctl_as_user('add-port', self.sim.link, '--model', 'MN316-S-DLVS',
                                           password=PASSWORD, stdin_tty=False, timeout=20)
        self.assertEqual(status, EXIT_PERMISSION_DENIED, shown)
        self.assertNotIn('AUTHENTICATING', shown)
        self.assertEqual(self.modules(), {})


def main():
    if os.geteuid() != 0:  # a mount namespace, setuid and other users need root
        print('needs root (CI runs as root)', file=sys.stderr)
        sys.exit(77)
    missing = [what for what, path in
               (('polkitd', first_existing(POLKITD_PATHS)),
                ('polkit-agent-helper-1', first_existing(HELPER_PATHS)),
                ('pkttyagent', shutil.which('pkttyagent')),
                ('unshare', shutil.which('unshare')),
                ('openssl', shutil.which('openssl')))
               if path is None]
    if missing or not os.path.isdir(RULES_DIR):  # a truly absent dependency (Debian: polkitd)
        print('missing: %s' % ', '.join(missing or [RULES_DIR]), file=sys.stderr)
        sys.exit(77)
    if os.environ.get(IN_NAMESPACE) is None:
        os.environ[IN_NAMESPACE] = '1'
        os.execvp('unshare', ['unshare', '--mount', '--propagation', 'private',
                              sys.executable] + sys.argv)
    policy_file = sys.argv.pop(2)
    set_up_namespace(policy_file)
    cli_harness.main()


if __name__ == '__main__':
    main()
