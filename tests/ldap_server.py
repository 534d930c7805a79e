"""A real OpenLDAP server (Debian's slapd) for the LDAP sign-in tests, on a free loopback port.

Its own slapd.conf and mdb database under a temporary directory, loaded with slapadd from an LDIF of people
and groups, run in the foreground as the current user (`slapd -d 0`) and stopped at the end of the session.
`make directory` installs slapd; where it is missing or does not start, the tests skip and say so.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

SUFFIX = "dc=example,dc=gov"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "admin-secret"
PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"
SCHEMAS = ["core", "cosine", "inetorgperson", "nis"]

# uid -> (cn, password, departmentNumber or None, locked by the password policy)
PEOPLE_ROWS = {
    "zhang": ("张联络员", "zhang-pass-1", None, False),
    "li": ("李工作人员", "li-pass-1", None, False),
    "chen": ("陈联络员", "chen-pass-1", None, False),
    "wang": ("王停用", "wang-pass-1", None, False),
    "locked": ("赵锁定", "locked-pass-1", None, True),
    "nobody": ("钱未映射", "nobody-pass-1", None, False),
    "zhou": ("周联络员", "zhou-pass-1", "不存在的局", False),
    "staff": ("孙同名", "dir-staff-pass-1", None, False),  # a local account "staff" exists (tests/conftest.py)
}
# group cn -> members' uids
GROUP_ROWS = {
    "jianghai-hr": ["zhang", "chen"],
    "jianghai-health": [],
    "jianghai-staff": ["li"],
    "jianghai-liaisons": ["zhou"],
    "disabled-accounts": ["wang"],
    "portal-staff": ["staff"],
}


def person_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def directory_ldif() -> str:
    entries = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: example\ndc: example",
        f"dn: ou=policies,{SUFFIX}\nobjectClass: organizationalUnit\nou: policies",
        f"dn: cn=default,ou=policies,{SUFFIX}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\n"
        "pwdAttribute: userPassword\npwdLockout: TRUE",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups",
    ]
    for uid, (cn, password, department, locked) in PEOPLE_ROWS.items():
        lines = [f"dn: {person_dn(uid)}", "objectClass: inetOrgPerson", f"uid: {uid}", f"cn: {cn}", f"sn: {cn[0]}"]
        lines += [f"mail: {uid}@example.gov", f"userPassword: {password}"]
        if department:
            lines.append(f"departmentNumber: {department}")
        if locked:
            lines.append("pwdAccountLockedTime: 000001010000Z")  # locked for good (an account 停用 in the directory)
        entries.append("\n".join(lines))
    for cn, members in GROUP_ROWS.items():
        lines = [f"dn: {group_dn(cn)}", "objectClass: groupOfNames", f"cn: {cn}"]
        lines += [f"member: {person_dn(uid)}" for uid in members] or [f"member: {ADMIN_DN}"]  # one member at least
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(root: Path) -> str:
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    return f"""{includes}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {root}/slapd.pid
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {root}/data
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{SUFFIX}"
"""


def _skip(reason: str):
    pytest.skip(f"无法启动 OpenLDAP（slapd），跳过 LDAP 登录测试 / cannot start slapd, LDAP tests skipped: {reason}")


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    """The running server: its URI. Each test changes groups only through `ldap_admin`, and puts them back."""
    binary = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
    slapadd = shutil.which("slapadd") or ("/usr/sbin/slapadd" if Path("/usr/sbin/slapadd").exists() else None)
    if not binary or not slapadd:
        _skip("没有安装 slapd（make directory 安装）/ slapd not installed (make directory)")
    root = tmp_path_factory.mktemp("slapd")
    (root / "data").mkdir()
    (root / "slapd.conf").write_text(_config(root))
    (root / "people.ldif").write_text(directory_ldif())
    loaded = subprocess.run(
        [slapadd, "-f", str(root / "slapd.conf"), "-l", str(root / "people.ldif")], capture_output=True, text=True
    )
    if loaded.returncode:
        _skip(f"slapadd: {loaded.stderr.strip()[-300:]}")
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    log = open(root / "slapd.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [binary, "-f", str(root / "slapd.conf"), "-h", f"{uri}/", "-d", "0"], stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            _skip(f"slapd exited {process.returncode}: {(root / 'slapd.log').read_text()[-300:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        log.close()
        _skip("slapd did not listen within 15 s")
    yield uri
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def ldap_admin(slapd):
    """A connection bound as the directory's administrator, to move people between groups."""
    import ldap

    connection = ldap.initialize(slapd)
    connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
    yield connection
    connection.unbind_s()
