"""The consortium switcher: a user who works for several consortia picks the one to work in."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import SIGNED_IN
from partners import consortia


class ConsortiumSwitchView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN
    http_method_names = ["post"]

    def post(self, request):
        try:
            wanted = int(request.POST.get("consortium", ""))
        except ValueError:
            wanted = None
        chosen = consortia.switch(request, wanted) if wanted is not None else None
        if chosen is None:  # not one of the user's consortia: as if it did not exist
            raise Http404(_("Ce groupement n'existe pas ou ne vous est pas ouvert."))
        messages.success(request, _("Vous travaillez désormais pour %(name)s.") % {"name": chosen})
        return HttpResponseRedirect(reverse("home"))
