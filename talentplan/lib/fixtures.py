"""Reading fixture files: one error type that lists every problem, paths shown as a person looks for them."""

from pathlib import Path

import yaml


class FixtureError(Exception):
    """One or more problems in the fixture files; each message names the file, the row and the text."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def display_path(path: Path) -> str:
    """A path as a person would look for it: relative to the project when possible."""
    for parent in path.parents:
        if (parent / "manage.py").exists():
            return str(path.relative_to(parent))
    return str(path)


def read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise FixtureError([f"{display_path(path)}：文件不存在"]) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FixtureError([f"{display_path(path)}：不是有效的 UTF-8 YAML 文件（{exc}）"]) from exc
    if not isinstance(data, dict):
        raise FixtureError([f"{display_path(path)}：内容应为键值结构"])
    return data
