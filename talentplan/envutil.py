"""Small typed readers for settings taken from the environment (as Healthchecks does)."""

import os


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"环境变量 {name} 应为整数，实际为“{value}”") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"环境变量 {name} 应为数字，实际为“{value}”") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from "HTTP_X_FORWARDED_PROTO" or "HTTP_X_FORWARDED_PROTO=https"; None when unset."""
    if not value.strip():
        return None
    name, _, expected = value.strip().partition("=")
    name = name.strip().upper().replace("-", "_")
    if not name.startswith("HTTP_"):
        raise ValueError(f"环境变量 SECURE_PROXY_SSL_HEADER 应为请求头名（如 HTTP_X_FORWARDED_PROTO），实际为“{value}”")
    return name, expected.strip() or "https"
