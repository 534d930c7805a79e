from django.db import models


class Action(models.TextChoices):
    SIGN_IN = "sign_in", "登录"
    SIGN_IN_FAILED = "sign_in_failed", "登录失败"
    SIGN_OUT = "sign_out", "退出登录"
    LOCKOUT = "lockout", "账号锁定"
    SECOND_FACTOR = "second_factor", "双因素验证"
    ROLE_CHANGE = "role_change", "角色变更"
    UNIT_CHANGE = "unit_change", "单位变更"
    REGION_CHANGE = "region_change", "地区变更"
    PASSWORD_CHANGE = "password_change", "修改密码"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载"
    EVIDENCE_VIEW = "evidence_view", "查看佐证材料"
    ADMIN_CHANGE = "admin_change", "数据管理修改"
    PRUNE = "prune", "清理过期审计日志"


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
