"""督办单's pages (issue 23, item 1): issuing from the node plan's page, the list and its counts, 签收 / 回执 /
办结 posted from the detail page, the Word document in 公文 layout and the per-unit Excel list."""

import io
import shutil
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from plans.models import Milestone, SupervisionNotice
from plans.supervision import service
from tests.helpers import milestone_led_by, pdf_upload

pytestmark = pytest.mark.django_db
HEALTH, HR = "区卫生健康局", "区人力资源和社会保障局"
TODAY = date(2025, 1, 5)  # 5 days after the 区卫生健康局 node plan's deadline (2024-12-31)


def _issue(user, milestone, reply_by=date(2025, 1, 20)):
    return service.issue(user, [milestone], service.IssueInput("请加快推进并报送佐证材料。", reply_by))[0]


@time_machine.travel(TODAY, tick=False)
def test_staff_issue_from_the_node_plans_page(client_as):
    milestone = milestone_led_by(HEALTH)
    client = client_as("staff_jh")
    page = client.get(f"/tasks/{milestone.pk}/").content.decode()
    assert f'href="/supervision/new/?task={milestone.pk}"' in page
    form = client.get(f"/supervision/new/?task={milestone.pk}").content.decode()
    assert "建议等级" in form and "红色督办" in form and "已逾期5天" in form
    response = client.post(
        "/supervision/new/",
        {"tasks": str(milestone.pk), "requirement": "请于期限内完成。", "reply_by": "2025-01-20", "colour": ""},
    )
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/{notice.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "江海督〔2025〕1号" in detail and "红色督办" in detail and "未签收" in detail
    assert f'/tasks/{milestone.pk}/"' in detail


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    "change, message",
    [
        ({"reply_by": "2025-01-04"}, "回执期限不能早于今天"),
        ({"reply_by": "明天"}, "回执期限的日期格式不对"),
        ({"requirement": ""}, "请填写督办要求"),
        ({"colour": "blue"}, "调整为蓝色督办时请填写理由"),
        ({"tasks": "1,x"}, "所选节点计划无效"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_issued(client_as, change, message):
    milestone = milestone_led_by(HEALTH)
    data = {"tasks": str(milestone.pk), "requirement": "请推进。", "reply_by": "2025-01-20", "colour": ""} | change
    response = client_as("staff").post("/supervision/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupervisionNotice.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_another_regions_node_plan_cannot_be_supervised(client_as):
    milestone = milestone_led_by("市人社局", plan_code="nanping-cjwy-2021")
    data = {"tasks": str(milestone.pk), "requirement": "请推进。", "reply_by": "2025-01-20"}
    response = client_as("staff_jh").post("/supervision/new/", data)
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert not SupervisionNotice.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_sign_reply_and_close_from_the_page(client_as, user_named):
    notice = _issue(user_named("staff"), milestone_led_by(HEALTH))
    health = client_as("liaison_health")
    page = health.get(f"/supervision/{notice.pk}/").content.decode()
    assert 'id="sign-form"' in page and 'id="reply-form"' not in page
    assert health.post(f"/supervision/{notice.pk}/sign/").status_code == 302
    again = health.post(f"/supervision/{notice.pk}/sign/")
    assert again.status_code == 400 and "不能重复签收" in again.content.decode()
    empty = health.post(f"/supervision/{notice.pk}/reply/", {"progress": "已推进", "measures": ""})
    assert empty.status_code == 400 and "请填写整改措施" in empty.content.decode()
    files = {"progress": "签约率85%", "measures": "每周调度", "files": [pdf_upload("签约台账.pdf")]}
    assert health.post(f"/supervision/{notice.pk}/reply/", files).status_code == 302
    notice.refresh_from_db()
    assert notice.state == "replied"
    staff = client_as("staff")
    page = staff.get(f"/supervision/{notice.pk}/").content.decode()
    assert "签约台账.pdf" in page and 'id="decision-form"' in page
    returned = staff.post(f"/supervision/{notice.pk}/decide/", {"decision": "return", "version": notice.version})
    assert returned.status_code == 400 and "退回时请说明理由" in returned.content.decode()
    done = staff.post(f"/supervision/{notice.pk}/decide/", {"decision": "done", "version": notice.version})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "done"
    attachment = notice.replies.get().files.get()
    download = health.get(f"/supervision-files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_as("liaison_hr").get(f"/supervision-files/{attachment.pk}/").status_code == 404


def test_the_list_shows_each_user_their_own_and_the_counts(client_as, user_named):
    staff = user_named("staff")
    with time_machine.travel(TODAY, tick=False):
        late = _issue(staff, milestone_led_by(HEALTH), reply_by=date(2025, 1, 10))
        other = _issue(staff, milestone_led_by(HR), reply_by=date(2025, 3, 1))
        nanping = _issue(staff, milestone_led_by("市人社局", plan_code="nanping-cjwy-2021"))
    with time_machine.travel(date(2025, 1, 15), tick=False):
        html = client_as("liaison_health").get("/supervision/").content.decode()
        assert late.number in html and other.number not in html and "（已逾期）" in html
        assert '<span class="fs-6 fw-bold" id="supervision-unsigned">1</span>' in html
        staff_jh = client_as("staff_jh").get("/supervision/?state=all").content.decode()
        assert late.number in staff_jh and other.number in staff_jh and nanping.number not in staff_jh
        board = client_as("leader_jh").get("/dashboard/").content.decode()
        assert '<span class="fs-6 fw-bold" id="supervision-open">2</span>' in board
        assert '<span class="fs-6 fw-bold" id="supervision-overdue">1</span>' in board
        bad = client_as("staff").get("/supervision/?state=nonsense&unit=abc")
        assert bad.status_code == 200 and "办理状态筛选无效" in bad.content.decode()


def test_the_excel_list_has_one_sheet_per_unit_and_follows_the_scope(client_as, user_named):
    staff = user_named("staff")
    with time_machine.travel(TODAY, tick=False):
        late = _issue(staff, milestone_led_by(HEALTH), reply_by=date(2025, 1, 10))
        other = _issue(staff, milestone_led_by(HR), reply_by=date(2025, 3, 1))
    with time_machine.travel(date(2025, 1, 15), tick=False):
        response = client_as("staff_jh").get("/supervision/list.xlsx?state=open")
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert sorted(workbook.sheetnames) == sorted([HEALTH, "区人力资源和社会保障局"])
        health = workbook[HEALTH]
        assert [c.value for c in health[1]][:3] == ["督办单编号", "督办等级", "督办事项"]
        assert [health.cell(2, 1).value, health.cell(2, 2).value, health.cell(2, 7).value] == [
            late.number,
            "红色督办",
            "待签收（逾期未回执）",
        ]
        assert health.print_title_rows == "$1:$1" and health.page_setup.orientation == "landscape"
        own = client_as("liaison_hr").get("/supervision/list.xlsx")
        sheets = openpyxl.load_workbook(io.BytesIO(b"".join(own.streaming_content)))
        assert sheets.sheetnames == ["区人力资源和社会保障局"]
        assert sheets.active.cell(2, 1).value == other.number and sheets.active.max_row == 2


def test_the_list_page_reads_a_fixed_number_of_queries(client_as, user_named):
    staff = user_named("staff")
    milestones = list(Milestone.objects.filter(plan__code="jianghai-rcqq-2022", assignments__role="lead")[:14])

    def queries():
        client = client_as("staff")
        with CaptureQueriesContext(connection) as context:
            assert client.get("/supervision/?state=all").status_code == 200
        return len(context.captured_queries)

    with time_machine.travel(TODAY, tick=False):
        for milestone in milestones[:2]:
            service.issue(staff, [milestone], service.IssueInput("请推进。", TODAY + timedelta(days=10)))
        few = queries()
        for milestone in milestones[2:]:
            service.issue(staff, [milestone], service.IssueInput("请推进。", TODAY + timedelta(days=10)))
        assert SupervisionNotice.objects.count() >= 14
        assert queries() == few


@time_machine.travel(TODAY, tick=False)
def test_the_word_document_is_a_gongwen(client_as, user_named, tmp_path):
    notice = _issue(user_named("staff"), milestone_led_by(HEALTH))
    response = client_as("liaison_health").get(f"/supervision/{notice.pk}/notice.docx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    office = "中共江门市江海区委人才工作领导小组办公室"
    assert texts[:3] == ["红色督办", office, "江海督〔2025〕1号"]
    mark = doc.paragraphs[1].runs[0]
    assert str(mark.font.color.rgb) == "E60012"  # the 发文机关标志 in red
    assert "督 办 单" in texts and f"{HEALTH}：" in texts
    assert any("请于收到本督办单后及时在平台签收，并于2025年1月20日前报送回执" in t for t in texts)
    assert texts[-2:] == ["抄送：江门市江海区委人才工作领导小组各成员单位。", f"{office}　　　　2025年1月5日印发"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.top_margin.mm), round(section.left_margin.mm)) == (210, 37, 28)
    assert doc.tables[0].rows[1].cells[1].text == milestone_led_by(HEALTH).text
    if not shutil.which("soffice"):
        pytest.skip("未安装 LibreOffice（soffice），跳过 PDF 转换")
    source = tmp_path / "notice.docx"
    source.write_bytes(content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "notice.pdf").read_bytes().startswith(b"%PDF")
