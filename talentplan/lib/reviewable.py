"""What staff review (审核): progress reports and extension requests (plans) and indicator entries (targets)
share these fields and the one workflow in plans/workflow/review.py. An abstract model both apps build on."""

from django.conf import settings
from django.db import models


class Reviewable(models.Model):
    """Something a unit submits and staff approve or return. Each kind names its own states (its
    `state` field keeps its own choices) and the words its messages use."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    # Set by each kind: its states, and the words of the workflow's messages.
    PENDING = APPROVED = RETURNED = ""
    review_refusal = "只有组织部工作人员可以审核。"
    not_pending_message = "该记录不在待审核状态。"
    comment_required_message = "退回时请填写退回意见。"  # every return says why
    change_reasons = ("审核通过", "退回")

    class Meta:
        abstract = True
