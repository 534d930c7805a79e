"""An upgraded portal: staff and leaders who saw every plan before regions came keep seeing them (管理 in every
region that exists now). A superuser then narrows them in 数据管理. A fresh database has no region yet at this
point (loadplans creates them later), so nothing is written there."""

from django.db import migrations


def keep_every_region(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Region = apps.get_model("units", "Region")
    RegionMembership = apps.get_model("units", "RegionMembership")
    regions = list(Region.objects.all())
    overseers = User.objects.filter(
        is_superuser=False, groups__name__in=["staff", "leader"], region_memberships__isnull=True
    ).distinct()
    for user in overseers:
        for region in regions:
            RegionMembership.objects.get_or_create(user=user, region=region, defaults={"access": "full"})


class Migration(migrations.Migration):
    dependencies = [("units", "0002_region_jurisdictions")]

    operations = [migrations.RunPython(keep_every_region, migrations.RunPython.noop)]
