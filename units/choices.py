from django.db import models


class UnitKind(models.TextChoices):
    PARTY = "party", "党委部门"
    GOVERNMENT = "government", "政府部门"
    STREET = "street", "街道"
    COUNTY = "county", "县(市、区)"
    MASS_ORG = "mass_org", "群团"
    ENTERPRISE = "enterprise", "企业"
    CONGRESS = "congress", "人大政协"
    OTHER = "other", "其他"
    GROUP = "group", "集合名称"
