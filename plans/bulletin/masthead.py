"""Who issues a region's 进展通报 and how its 文号 reads: the region's 人才工作领导小组办公室.

江门市江海区 → 发文机关 "中共江门市江海区委人才工作领导小组办公室", 文号 "江海人才办〔2026〕3号" (the region's own
name without its parent's, without 区/市/县, + 人才办), 主送 "区委人才工作领导小组各成员单位"."""

from dataclasses import dataclass

LEVELS = ("区", "市", "县", "州", "旗")


@dataclass(frozen=True)
class Masthead:
    office: str  # 发文机关标志 and 落款
    prefix: str  # 发文机关代字: "江海人才办"
    recipients: str  # the default 主送

    def number(self, year: int, serial: int) -> str:
        return f"{self.prefix}〔{year}〕{serial}号"


def masthead_of(region) -> Masthead:
    name = region.name
    parent = region.parent.name if region.parent_id else ""
    own = name[len(parent) :] if parent and name.startswith(parent) and len(name) > len(parent) else name
    short = own[:-1] if own.endswith(LEVELS) and len(own) > 2 else own
    level = own[-1] if own.endswith(LEVELS) else ""
    return Masthead(
        office=f"中共{name}委人才工作领导小组办公室",
        prefix=f"{short}人才办",
        recipients=f"{level}委人才工作领导小组各成员单位",
    )
