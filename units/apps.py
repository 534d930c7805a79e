from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "单位"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from units import account_audit, passwords, second_factor, sessions

        account_audit.connect()

        user_logged_in.connect(sessions.on_signed_in, dispatch_uid="units.sessions.on_signed_in")
        user_logged_in.connect(passwords.on_signed_in, dispatch_uid="units.passwords.on_signed_in")
        user_logged_in.connect(second_factor.on_signed_in, dispatch_uid="units.second_factor.on_signed_in")
