from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from partners.views import HomeView

# The admin signs in through allauth too: same rate limits, same 2FA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Ligeris — administration"
admin.site.site_title = "Ligeris"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("partners.urls")),
    path("gouvernance/", include("governance.urls")),
    path("comptes/", include("allauth.urls")),
    path("utilisateurs/", include("accounts.urls")),
    path("finances/", include("billing.urls")),
    path("finances/", include("titres.urls")),
    path("vie-du-groupement/", include("membership.urls")),
    path("programme/", include("programme.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("engagements/", include("commitments.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
