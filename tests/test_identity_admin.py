"""目录组映射 in 数据管理: region-scoped like every row, and only a superuser maps a group to staff or 停用."""

import pytest

from identity.choices import REFUSE, Source
from identity.models import DirectoryGroupMapping
from units.models import Region, Unit

pytestmark = pytest.mark.django_db
URL = "/admin/identity/directorygroupmapping/"


@pytest.fixture
def mappings():
    jianghai, nanping = Region.objects.get(code="jianghai"), Region.objects.get(code="nanping")
    jh = DirectoryGroupMapping.objects.create(source=Source.OIDC, value="jh-hr-group", region=jianghai, role="liaison")
    np = DirectoryGroupMapping.objects.create(source=Source.OIDC, value="np-hr-group", region=nanping, role="liaison")
    staff = DirectoryGroupMapping.objects.create(
        source=Source.OIDC, value="jh-staff-group", region=jianghai, role="staff"
    )
    return {"jianghai": jianghai, "nanping": nanping, "jh": jh, "np": np, "staff": staff}


def test_staff_see_only_their_regions_mappings_and_no_staff_mapping(client_as, mappings):
    page = client_as("staff_jh").get(URL).content.decode()
    assert "jh-hr-group" in page and "np-hr-group" not in page and "jh-staff-group" not in page
    assert client_as("staff_jh").get(f"{URL}{mappings['np'].pk}/change/").status_code in (302, 404)
    everything = client_as("superuser").get(URL).content.decode()
    assert all(value in everything for value in ("jh-hr-group", "np-hr-group", "jh-staff-group"))


def test_staff_cannot_map_a_group_to_staff_or_refusal(client_as, mappings):
    form = client_as("staff_jh").get(f"{URL}add/").content.decode()
    assert 'value="liaison"' in form and 'value="leader"' in form
    assert 'value="staff"' not in form and f'value="{REFUSE}"' not in form
    before = DirectoryGroupMapping.objects.count()
    response = client_as("staff_jh").post(
        f"{URL}add/",
        {
            "source": "oidc",
            "value": "made-staff",
            "region": mappings["jianghai"].pk,
            "role": "staff",
            "regions": [mappings["jianghai"].pk],
            "region_access": "full",
        },
    )
    assert response.status_code == 200 and DirectoryGroupMapping.objects.count() == before


def test_a_unit_of_another_region_is_a_form_error(client_as, mappings):
    nanping_unit = Unit.objects.filter(region=mappings["nanping"]).first()
    before = DirectoryGroupMapping.objects.count()
    response = client_as("superuser").post(
        f"{URL}add/",
        {
            "source": "ldap",
            "value": "mixed",
            "region": mappings["jianghai"].pk,
            "role": "liaison",
            "units": [nanping_unit.pk],
            "region_access": "full",
        },
    )
    assert response.status_code == 200 and "单位必须属于" in response.content.decode()
    assert DirectoryGroupMapping.objects.count() == before
