"""Turn a unit name as a document writes it into exactly one Unit of a region."""

import difflib

from units.models import Unit, UnitAlias, normalize_name


class UnknownUnitError(ValueError):
    def __init__(self, written: str, suggestions: list[str]):
        self.written = written
        self.suggestions = suggestions
        hint = f"（是否为：{'、'.join(suggestions)}？）" if suggestions else ""
        super().__init__(f"未知单位“{written}”{hint}")


class AmbiguousUnitError(ValueError):
    def __init__(self, written: str, candidates: list[str]):
        super().__init__(f"单位“{written}”可对应多个单位：{'、'.join(candidates)}")


class UnitResolver:
    """Resolves written names against one region's units and aliases, loaded once."""

    def __init__(self, region):
        self.region = region
        self._by_key: dict[str, set[int]] = {}
        self._units: dict[int, Unit] = {}
        for unit in Unit.objects.filter(region=region):
            self._units[unit.pk] = unit
            self._add(unit.name, unit.pk)
            if unit.short_name:
                self._add(unit.short_name, unit.pk)
        for alias in UnitAlias.objects.filter(region=region).only("alias", "unit_id"):
            self._add(alias.alias, alias.unit_id)

    def _add(self, written: str, unit_id: int) -> None:
        self._by_key.setdefault(normalize_name(written), set()).add(unit_id)

    def resolve(self, written: str) -> Unit:
        key = normalize_name(written)
        unit_ids = self._by_key.get(key, set())
        if len(unit_ids) == 1:
            return self._units[next(iter(unit_ids))]
        if len(unit_ids) > 1:
            raise AmbiguousUnitError(written, sorted(self._units[i].name for i in unit_ids))
        suggestions = difflib.get_close_matches(key, list(self._by_key), n=3, cutoff=0.6)
        names = []
        for suggestion in suggestions:
            for unit_id in sorted(self._by_key[suggestion]):
                if self._units[unit_id].name not in names:
                    names.append(self._units[unit_id].name)
        raise UnknownUnitError(written, names)
