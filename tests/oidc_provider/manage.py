#!/usr/bin/env python3
"""A small OpenID Connect provider (django-oauth-toolkit) that the 统一身份认证 tests start as its own process.

PROVIDER_DIR=/tmp/x python tests/oidc_provider/manage.py migrate
PROVIDER_DIR=/tmp/x python tests/oidc_provider/manage.py setup_provider --portal http://testserver
PROVIDER_DIR=/tmp/x python tests/oidc_provider/manage.py runserver 127.0.0.1:PORT --noreload
"""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "provider.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
