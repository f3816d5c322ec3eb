from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from accounts import services
from accounts.forms import AcceptInvitationForm, DigestPreferenceForm, InviteForm
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import ADMINS, PARTNERS, PUBLIC
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import request_consortium
from partners.selectors import partners_visible_to


class UserListView(RoleRequiredMixin, ListView):
    allowed_roles = ADMINS
    template_name = "accounts/user_list.html"
    context_object_name = "users"

    def get_queryset(self):
        return get_user_model().objects.select_related("partner").order_by("role", "email")


class InviteView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = ADMINS
    form_class = InviteForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Inviter un utilisateur")}
    success_url = reverse_lazy("accounts:user_list")
    success_message = _("L'invitation a été envoyée.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partners": partners_visible_to(self.request.user, request_consortium(self.request)),
        }

    def perform(self, form):
        consortium = request_consortium(self.request)
        consortia = [consortium] if consortium is not None else []
        return services.user_invite(**form.cleaned_data, consortia=consortia)


class AcceptInvitationView(RoleRequiredMixin, FormView):
    """Reached from the e-mailed link, signed out; the token dies once a password is set."""

    allowed_roles = PUBLIC
    form_class = AcceptInvitationForm
    template_name = "accounts/accept_invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invited = self._invited_user(kwargs["uidb64"], kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _invited_user(uidb64: str, token: str):
        try:
            pk = int(urlsafe_base64_decode(uidb64).decode())
        except (ValueError, UnicodeDecodeError):
            raise Http404 from None
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if user is None or not default_token_generator.check_token(user, token):
            raise Http404(_("Ce lien d'invitation n'est plus valable."))
        return user

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.invited}

    def form_valid(self, form):
        user = services.invitation_accept(
            user=self.invited, password=form.cleaned_data["new_password1"]
        )
        # Through allauth's login stages, as a password sign-in: a second factor already set up is
        # asked for, and a role that must set one up is sent to it by the 2FA middleware.
        record_authentication(self.request, user, method="password", email=user.email)
        return perform_login(self.request, user, redirect_url=reverse("home"))


class MyProfileView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """A partner user's own settings: the weekly e-mail digest of its inbox."""

    allowed_roles = PARTNERS
    form_class = DigestPreferenceForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Mon profil : récapitulatif par courriel")}
    success_url = reverse_lazy("accounts:my_profile")
    success_message = _("Votre choix est enregistré.")

    def get_initial(self):
        return {"inbox_digest": self.request.user.inbox_digest}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": reverse("membership:inbox")}

    def perform(self, form):
        return services.user_set_inbox_digest(
            user=self.request.user, enabled=form.cleaned_data["inbox_digest"]
        )
