"""The request being served, for receivers of signals that carry none (a membership saved in 数据管理): who
acts and from which address. Set by AuditRequestMiddleware; empty in commands and Celery tasks."""

from contextvars import ContextVar

_request: ContextVar = ContextVar("audit_request", default=None)


def current_request():
    return _request.get()


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
