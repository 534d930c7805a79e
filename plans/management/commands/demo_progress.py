from django.core.management.base import BaseCommand

from plans.demo.progress import ensure_demo_portal, seed_demo_progress
from plans.demo.supervision import seed_demo_supervision
from plans.demo.verification import seed_demo_verification
from plans.demo.year import seed_demo_indicators, seed_demo_loop, seed_demo_year


class Command(BaseCommand):
    help = (
        "写入演示用的进展报告、一年的报送审核记录和指标实际值（已有进展报告时不再写入），"
        "以及一条未办结的批示、一次催办和几份督办单（已有则不重复）；仅用于演示"
    )

    def handle(self, *args, **options):
        for line in ensure_demo_portal():  # on a fresh database: the plans and the demo accounts first
            self.stdout.write(line)
        added = seed_demo_progress()
        if added:
            # Only into an empty portal, like the reports: a portal with real figures never gets invented ones.
            fates, entries = seed_demo_year(), seed_demo_indicators()
            self.stdout.write(
                f"已写入演示进展 {added} 条；演示年度：按期完成 {fates['on_time']} 项、逾期完成 {fates['late']} 项、"
                f"逾期未完成 {fates['overdue']} 项、被退回 {fates['returned']} 项；指标实际值 {entries} 条。"
            )
        else:
            self.stdout.write("已有进展数据，未写入演示进展。")
        # The loop runs on every call: idempotent, and a portal seeded before it existed gets it too.
        loop = seed_demo_loop()
        if loop["instructions"] or loop["chases"]:
            self.stdout.write(f"已写入演示批示 {loop['instructions']} 条、催办 {loop['chases']} 次。")
        notices = seed_demo_supervision()  # idempotent: only into a portal with no 督办单
        if notices:
            self.stdout.write(f"已下发演示督办单 {notices} 份（已办结、待回执、逾期未签收各有）。")
        checked = seed_demo_verification()  # idempotent: only into a portal with no 核查 round
        if checked:
            self.stdout.write(f"已完成演示核查 1 批，抽取已完成事项 {checked} 项（含 1 项不实）。")
