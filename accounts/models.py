"""Users log in by e-mail and have exactly one role (rolle)."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.orgnr import validate_orgnr


class Role(models.TextChoices):
    CASE_HANDLER = "case_handler", _("Case handler")
    INSPECTOR = "inspector", _("Inspector")
    PROVIDER = "provider", _("Provider user")
    ENTERPRISE = "enterprise", _("Enterprise user")
    ADMIN = "admin", _("Administrator")
    # Logged in through ID-porten, has not chosen an organisation to act for yet.
    PERSON = "person", _("Person (no organisation chosen)")


# Who handles approval cases: case handlers, and administrators standing in for them. The one
# answer to "is this a case handler?" (views, selectors, services, the assignee choice).
CASE_HANDLER_ROLES = (Role.CASE_HANDLER, Role.ADMIN)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in (bruker). Provider users belong to one provider (BHT), enterprise
    users to one enterprise (virksomhet) by organisation number.

    People who log in through ID-porten or Entra ID are known by the identity provider's stable
    subject (`oidc_provider`, `oidc_sub`); the national identity number is never stored. For them
    `role`, `provider` and `enterprise_orgnr` follow the organisation they chose to act for in the
    session (`acting_orgnr`, see accounts/organisations.py), or their Entra ID groups."""

    # ID-porten gives no e-mail address: empty (NULL) for those users, unique where given.
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider (BHT)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise_orgnr = models.CharField(
        _("enterprise organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_orgnr],
    )
    oidc_provider = models.CharField(_("identity provider"), max_length=20, blank=True)
    oidc_sub = models.CharField(_("subject at the identity provider"), max_length=255, blank=True)
    acting_orgnr = models.CharField(_("acting for organisation number"), max_length=9, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="provider", provider__isnull=False) | (~Q(role="provider") & Q(provider__isnull=True)),
                name="user_provider_iff_provider_role",
            ),
            models.CheckConstraint(
                condition=~Q(role="enterprise") | ~Q(enterprise_orgnr=""),
                name="user_enterprise_has_orgnr",
            ),
            models.UniqueConstraint(
                fields=["oidc_provider", "oidc_sub"],
                condition=~Q(oidc_sub=""),
                name="user_unique_oidc_subject",
            ),
            models.CheckConstraint(
                condition=Q(oidc_sub="") | ~Q(oidc_provider=""),
                name="user_oidc_sub_has_provider",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email or f"#{self.pk}"

    def get_full_name(self):
        return self.full_name or self.email or ""

    def get_short_name(self):
        return self.get_full_name()

    @property
    def acts_through_organisation(self) -> bool:
        """Logged in through ID-porten: role and organisation come from the session's choice."""
        return bool(self.oidc_sub) and self.oidc_provider == "idporten"
