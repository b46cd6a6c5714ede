from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from ensemble.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with either the username or the email address, case-insensitively."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: object,
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.with_login(username.strip()).first()
        if user is None:
            # Run the hasher anyway so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
