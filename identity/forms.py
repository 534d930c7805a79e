from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

REFUSAL_ATTR = "_identity_refusal"  # set on the request by the LDAP backend: why the directory said no


class DirectoryAuthenticationForm(AuthenticationForm):
    """Django's form; when the directory answered but the portal refused (a 停用 group, an unknown unit, a
    directory that does not answer), that reason instead of "wrong password"."""

    directory_message = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            self.directory_message = getattr(self.request, REFUSAL_ATTR, "") if self.request else ""
            raise
