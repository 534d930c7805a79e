from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

CLIENT_ID, CLIENT_SECRET = "talentplan", "talentplan-test-secret"
# username -> (name, password, groups, unit name)
PEOPLE = {
    "oidc-zhang": ("张联络员", "zhang-pass-1", ["jh-hr"], ""),
    "oidc-li": ("李工作人员", "li-pass-1", ["jh-staff"], ""),
    "oidc-nobody": ("钱未映射", "nobody-pass-1", [], ""),
    "oidc-zhou": ("周联络员", "zhou-pass-1", ["jh-liaisons"], "不存在的局"),
    "oidc-wu": ("吴联络员", "wu-pass-1", ["jh-liaisons"], "区卫生健康局"),
}


class Command(BaseCommand):
    help = "The portal as a client, and the people and groups of the tests."

    def add_arguments(self, parser):
        parser.add_argument("--portal", required=True, help="the portal's address, e.g. http://testserver")

    def handle(self, *args, portal, **options):
        Application.objects.update_or_create(
            client_id=CLIENT_ID,
            defaults={
                "name": "人才工作督办平台",
                "client_secret": CLIENT_SECRET,
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "redirect_uris": f"{portal}/accounts/oidc/callback/",
                "post_logout_redirect_uris": f"{portal}/accounts/login/",
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,
            },
        )
        for username, (name, password, groups, unit) in PEOPLE.items():
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.email = name, unit, f"{username}@example.gov"
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=group)[0] for group in groups])
