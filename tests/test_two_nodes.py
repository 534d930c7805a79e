"""Two web nodes behind one database (and one object store): two real `manage.py runserver` processes on
free loopback ports. A session started on one works on the other (sessions live in the database, both nodes
share SECRET_KEY), and a file uploaded through one downloads through the other (evidence on moto's S3 server,
over HTTP). On SQLite both nodes open the same file; the suite's PostgreSQL round runs it on PostgreSQL."""

import hashlib
import json
import socket
import subprocess
import sys
import time

import pytest
import requests

from plans.demo.accounts import DEMO_PASSWORD
from tests.helpers import PDF_BYTES
from tests.sites import BASE_DIR, Site
from tests.test_operations import free_port

BUCKET = "two-nodes"


@pytest.fixture(scope="module")
def s3_endpoint():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] 未安装（requirements-dev.txt）")
    import boto3

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, s3_endpoint):
    site = Site(
        tmp_path_factory.mktemp("nodes"),
        "nodes",
        SECRET_KEY="two-nodes-shared-key",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_endpoint,
        S3_ACCESS_KEY_ID="k",
        S3_SECRET_ACCESS_KEY="s",
    )
    site.build()
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=site.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    deadline = time.monotonic() + 120
    for port in ports:
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
    yield site, [f"http://127.0.0.1:{port}" for port in ports]
    for server in servers:
        server.terminate()
        server.wait(timeout=20)
    site.drop()


def test_a_session_from_one_node_works_on_the_other_and_a_file_uploaded_on_one_downloads_from_the_other(nodes):
    site, (node_a, node_b) = nodes
    browser = requests.Session()
    browser.get(f"{node_a}/accounts/login/", timeout=30)
    signed_in = browser.post(
        f"{node_a}/accounts/login/",
        timeout=30,
        allow_redirects=False,
        data={
            "username": "lx-jianghai-1",
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    # The same cookie on node B: signed in there too.
    page = browser.get(f"{node_b}/tasks/", timeout=60, allow_redirects=False)
    assert page.status_code == 200 and "/accounts/logout/" in page.text  # a signed-in page, not a redirect to login

    milestone = int(
        site.python(
            "from django.contrib.auth import get_user_model; from plans import access;"
            "print(access.milestones(get_user_model().objects.get(username='lx-jianghai-1')).order_by('pk').first().pk)"
        )
    )
    content = PDF_BYTES + b"two nodes " * 300
    form = browser.get(f"{node_b}/tasks/{milestone}/", timeout=60)  # the node plan's page holds the report form
    assert form.status_code == 200 and f"/tasks/{milestone}/report/" in form.text
    posted = browser.post(
        f"{node_b}/tasks/{milestone}/report/",
        timeout=60,
        allow_redirects=False,
        headers={"Referer": f"{node_b}/tasks/{milestone}/"},
        data={
            "status": "in_progress",
            "percent": "20",
            "narrative": "两节点演练",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        files={"files": ("两节点佐证.pdf", content, "application/pdf")},
    )
    assert posted.status_code == 302, posted.text[:1500]
    found = json.loads(
        site.python(
            "import json; from plans.models import Evidence; e = Evidence.objects.get(original_name='两节点佐证.pdf');"
            "print(json.dumps([e.pk, e.file.name]))"
        )
    )
    download = browser.get(f"{node_a}/evidence/{found[0]}/", timeout=60)
    assert download.status_code == 200 and download.content == content
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(content).hexdigest()
    # Not a redirect to the bucket: the node streamed it, after its access check.
    assert not download.history and BUCKET not in download.url
