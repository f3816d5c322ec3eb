from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.UserListView.as_view(), name="user_list"),
    path("inviter/", views.InviteView.as_view(), name="user_invite"),
    path("profil/", views.MyProfileView.as_view(), name="my_profile"),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.AcceptInvitationView.as_view(),
        name="invitation_accept",
    ),
]
