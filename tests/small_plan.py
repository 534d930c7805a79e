"""A small plan built for one test: three one-off node plans due 2024-06-30, each led by 区人社局, the third
with 区卫健局 as co-responsible unit. Built through the ORM (no mock) at a chosen date, so its history starts
when the test says the plan was loaded."""

from datetime import date

import time_machine

from plans.choices import ScheduleKind, UnitRole
from plans.models import Category, Item, Measure, Milestone, MilestoneUnit, Occurrence, Plan
from units.models import Unit

HR, HEALTH = "区人力资源和社会保障局", "区卫生健康局"
DUE = date(2024, 6, 30)


def build_small_plan(code: str, texts=("按期完成的事项", "逾期完成的事项", "未完成的事项")) -> list[Milestone]:
    region = Plan.objects.get(code="jianghai-rcqq-2022").region
    hr, health = Unit.objects.get(name=HR), Unit.objects.get(name=HEALTH)
    with time_machine.travel(date(2024, 1, 2), tick=False):
        plan = Plan.objects.create(
            code=code,
            title=f"测试计划 {code}",
            issuers="测试",
            issue_date=date(2024, 1, 1),
            start_year=2024,
            end_year=2024,
            region=region,
        )
        category = Category.objects.create(plan=plan, position=1, name="育才")
        item = Item.objects.create(plan=plan, category=category, number=1, title="测试项目")
        measure = Measure.objects.create(plan=plan, item=item, position=1, text="测试举措")
        milestones = []
        for position, text in enumerate(texts, start=1):
            milestone = Milestone.objects.create(
                plan=plan,
                measure=measure,
                position=position,
                text=f"{code}：{text}",
                due_text="2024年6月",
                schedule_kind=ScheduleKind.ONCE,
            )
            MilestoneUnit.objects.create(
                milestone=milestone, unit=hr, role=UnitRole.LEAD, position=1, written_name="区人社局"
            )
            if position == 3:
                MilestoneUnit.objects.create(
                    milestone=milestone, unit=health, role=UnitRole.RESPONSIBLE, position=2, written_name="区卫健局"
                )
            Occurrence.objects.create(milestone=milestone, label="2024年6月", start_date=date(2024, 1, 1), due_date=DUE)
            milestones.append(milestone)
    return milestones
