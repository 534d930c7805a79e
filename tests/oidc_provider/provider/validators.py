from oauth2_provider.oauth2_validators import OAuth2Validator


class DirectoryValidator(OAuth2Validator):
    """Claims as a 统一身份认证 platform sends them: username, name, e-mail, groups and the person's unit."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile", "department": "profile"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "name": user.first_name or user.username,
            "email": user.email,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "department": user.last_name,  # the unit's name, where the test gives one
        }
