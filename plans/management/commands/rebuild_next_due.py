"""Recompute every node plan's denormalised next due date from its occurrences (plans.tracking's rule)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from plans.tracking import refresh_next_due


class Command(BaseCommand):
    help = "按期次重新计算所有节点计划的“下一截止日”（列表排序与筛选所用的冗余列）"

    def handle(self, *args, **options):
        with transaction.atomic():
            count = refresh_next_due()
        self.stdout.write(f"已重新计算 {count} 个节点计划的下一截止日。")
