from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "A person's groups become exactly these (the directory changed between two sign-ins)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("groups", nargs="*")

    def handle(self, *args, username, groups, **options):
        user = User.objects.get(username=username)
        user.groups.set([Group.objects.get_or_create(name=group)[0] for group in groups])
