"""进展通报 end to end in headless Chromium, at 1366 px and 390 px: staff draft the 2024 fourth-quarter bulletin
of 人才强区, rewrite 工作开展情况, save, issue it (LibreOffice makes the PDF), and download the Word and the PDF,
which are the stored issued bytes; a leader reads it and cannot edit; a liaison never sees the page.

Screenshots of each step land in test-artifacts/e2e/bulletin-<width>-NN-<step>.png.
"""

import pytest

from plans.models import Bulletin
from tests.test_bulletin import needs_office
from tests.test_e2e_assignment import Steps
from tests.test_e2e_browser import (  # noqa: F401 (fixtures, marks)
    ARTIFACTS,
    browser,
    portal,
    pytestmark,
)

PLAN = "jianghai-rcqq-2022"


class BulletinSteps(Steps):
    def shot(self, name):
        super().no_sideways_scroll()
        self.step += 1
        path = ARTIFACTS / f"bulletin-{self.width}-{self.username}-{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)


@needs_office
@pytest.mark.parametrize("width", [1366, 390])
def test_draft_edit_issue_download_in_a_real_browser(browser, portal, width, tmp_path):  # noqa: F811
    staff = BulletinSteps(browser, portal, "staff", width)
    page = staff.page
    page.set_default_timeout(180_000)  # issuing waits for LibreOffice on a loaded machine
    page.goto(f"{portal}/bulletins/")
    form = page.locator(f"form[action='/plans/{PLAN}/bulletins/new/']")
    form.locator("select").select_option("2024Q4")
    staff.shot("list")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#bulletin-form")
    assert "已起草通报" in page.content()
    figures = page.inner_text("#bulletin-figures")
    assert "截至2024年12月31日" in figures and "（" in figures and "=" in figures  # the reconciled counts
    staff.shot("drafted")

    text = f"一是人才政策宣讲覆盖全区（{width}）。\n二是博士后平台新增进站人员。"
    page.fill("#id_work_done", text)
    page.click("#bulletin-form button[type=submit]")
    assert "通报正文已保存" in page.content()
    assert page.input_value("#id_work_done") == text
    staff.shot("saved")
    bulletin = Bulletin.objects.get(work_done=text)
    assert bulletin.state == "draft"

    with page.expect_download() as preview:
        page.click("#preview-docx")
    assert preview.value.suggested_filename.endswith("（草稿）.docx")

    page.check("#id_confirm")
    page.click("#issue-form button[type=submit]")
    page.wait_for_selector("#document-number")
    bulletin.refresh_from_db()
    assert bulletin.state == "issued" and bulletin.document_number.startswith("江海人才办〔")
    assert f"已印发：{bulletin.document_number}" in page.content()
    assert page.locator("#bulletin-form").count() == 0 and page.locator("#issue-form").count() == 0
    staff.shot("issued")
    for link, stored in (("#download-docx", bulletin.docx), ("#download-pdf", bulletin.pdf)):
        with page.expect_download() as download:
            page.click(link)
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.read_bytes() == bytes(stored) and bulletin.document_number in saved.name

    leader = BulletinSteps(browser, portal, "leader", width)
    leader.page.goto(f"{portal}/bulletins/")
    assert bulletin.document_number in leader.page.content()
    assert leader.page.locator("form[data-bulletin-create]").count() == 0  # leaders draft nothing
    leader.page.click(f"a[href='/bulletins/{bulletin.pk}/']")
    assert "一是人才政策宣讲覆盖全区" in leader.page.content() and leader.page.locator("#bulletin-form").count() == 0
    leader.shot("leader-reads")

    liaison = BulletinSteps(browser, portal, "liaison_hr", width)
    assert liaison.page.goto(f"{portal}/bulletins/{bulletin.pk}/").status == 404
    assert liaison.page.goto(f"{portal}/bulletins/").status == 404
